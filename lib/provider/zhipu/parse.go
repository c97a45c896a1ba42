package zhipu

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// maxMillis bounds epoch values read from upstream (year 2286 in ms);
// larger values are garbage and treated as absent.
const maxMillis = 1e13

// parseLimits reads a /api/monitor/usage/quota/limit body. The endpoint
// answers HTTP 200 even for a rejected key, so the envelope is checked
// before the data. Errors are *quota.Error values.
func parseLimits(body []byte, now time.Time) (quota.Account, error) {
	if !gjson.ValidBytes(body) {
		return quota.Account{}, quota.Errorf(quota.KindMalformed, "quota response is not JSON")
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return quota.Account{}, quota.Errorf(quota.KindMalformed, "quota response is not a JSON object")
	}
	if !root.Get("success").Bool() || root.Get("code").Int() != 200 {
		return quota.Account{}, envelopeError(root)
	}
	data := root.Get("data")
	limits := data.Get("limits")
	if limits.Exists() && limits.Type != gjson.Null && !limits.IsArray() {
		return quota.Account{}, quota.Errorf(quota.KindMalformed, "data.limits is not an array")
	}
	a := quota.Account{Plan: data.Get("level").String()}
	for _, it := range limits.Array() {
		w, ok := limitWindow(it)
		if !ok {
			continue
		}
		a.Windows = append(a.Windows, w)
		if w.Kind == quota.KindTools {
			for _, d := range it.Get("usageDetails").Array() {
				name := d.Get("modelCode").String()
				n, ok := jsonval.Number(d.Get("usage"))
				if name == "" || !ok {
					continue
				}
				a.Breakdown = append(a.Breakdown, quota.Usage{Name: name, Count: n, Unit: "calls"})
			}
		}
	}
	sortWindows(a.Windows)
	return a, nil
}

// limitWindow turns one data.limits item into a window; unknown item
// types are skipped (the API grows new ones).
func limitWindow(it gjson.Result) (quota.Window, bool) {
	var w quota.Window
	switch it.Get("type").String() {
	case "TOKENS_LIMIT":
		w.Kind, w.Unit = quota.KindTokens, "tokens"
	case "CREDIT_LIMIT":
		w.Kind, w.Unit = quota.KindCredits, "credits"
	case "TIME_LIMIT":
		w.Kind, w.Unit = quota.KindTools, "calls"
	default:
		return w, false
	}
	w.Period = period(it)
	w.ResetAt = jsonval.Epoch(it.Get("nextResetTime"))

	used, hasUsed := jsonval.Number(it.Get("currentValue"))
	limit, hasLimit := jsonval.Number(it.Get("usage"))
	if !hasUsed && hasLimit {
		// Credit plans report capacity and what is left, not what is used.
		if rem, ok := jsonval.Number(it.Get("remaining")); ok && !math.IsInf(limit-rem, 0) {
			used, hasUsed = limit-rem, true
		}
	}
	if hasUsed && hasLimit {
		w.Used, w.Limit = &used, &limit
	}
	switch pct, ok := jsonval.Number(it.Get("percentage")); {
	case ok:
		w.UsedPct = pct
	case w.Used != nil && limit > 0 && !math.IsInf(used/limit*100, 0):
		w.UsedPct = used / limit * 100
	default:
		w.NoData = true
	}
	return w, true
}

// period reads the window length from unit and number: 3 = hours,
// 4 = days, 5 = months (counted as 30 days), 6 = weeks.
func period(it gjson.Result) time.Duration {
	n, ok := jsonval.Number(it.Get("number"))
	if !ok || n <= 0 {
		n = 1
	}
	if n > 1000 {
		return 0
	}
	var unit time.Duration
	switch it.Get("unit").Int() {
	case 3:
		unit = time.Hour
	case 4:
		unit = 24 * time.Hour
	case 5:
		unit = 30 * 24 * time.Hour
	case 6:
		unit = 7 * 24 * time.Hour
	default:
		return 0
	}
	return time.Duration(n * float64(unit))
}

// sortWindows orders token windows, then credit windows, then tool
// windows, each by period; a window of unknown length goes last in its
// group.
func sortWindows(ws []quota.Window) {
	rank := map[quota.WindowKind]int{quota.KindTokens: 0, quota.KindCredits: 1, quota.KindTools: 2}
	key := func(w quota.Window) time.Duration {
		if w.Period == 0 {
			return math.MaxInt64
		}
		return w.Period
	}
	sort.SliceStable(ws, func(i, j int) bool {
		if rank[ws[i].Kind] != rank[ws[j].Kind] {
			return rank[ws[i].Kind] < rank[ws[j].Kind]
		}
		return key(ws[i]) < key(ws[j])
	})
}

// envelopeError classifies an error envelope by its business code:
// {"code", "msg", "success": false} from the monitor API, or
// {"error": {"code", "message"}} from the model API.
func envelopeError(root gjson.Result) *quota.Error {
	code, msg := root.Get("code"), root.Get("msg").String()
	if !code.Exists() {
		code, msg = root.Get("error.code"), root.Get("error.message").String()
	}
	e := &quota.Error{Kind: codeKind(code.Int()), Code: code.String(), Detail: httpx.Truncate(msg, httpx.DetailLen)}
	if e.Code == "" {
		e.Detail = "quota response has no code and success is not true"
	}
	// Keys without a GLM Coding Plan get a generic rejection whose text
	// names the plan.
	if e.Kind == quota.KindMalformed || e.Kind == quota.KindUnauthorized {
		low := strings.ToLower(msg)
		if strings.Contains(low, "coding plan") || strings.Contains(low, "coding_plan") ||
			strings.Contains(msg, "编程套餐") || strings.Contains(msg, "编码套餐") {
			e.Kind = quota.KindNotSubscribed
		}
	}
	return e
}

// codeKind maps Zhipu/Z.ai business codes (and HTTP-like codes used in
// the monitor envelope) to kinds; unknown codes are malformed.
func codeKind(code int64) quota.Kind {
	switch code {
	case 401, 1000, 1001, 1002, 1003, 1004:
		return quota.KindUnauthorized
	case 1005:
		return quota.KindVerification
	case 1112, 1121, 1220, 1311:
		return quota.KindForbidden
	case 1309:
		return quota.KindNotSubscribed
	case 1304, 1308, 1310:
		return quota.KindQuotaExhausted
	case 1302, 1303:
		return quota.KindRateLimited
	case 1305, 1312:
		return quota.KindCapacity
	case 500, 1200, 1230, 1234:
		return quota.KindServerError
	}
	return quota.KindMalformed
}
