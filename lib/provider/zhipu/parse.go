package zhipu

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// parseLimits reads a /api/monitor/usage/quota/limit body. The endpoint
// answers HTTP 200 even for a rejected key, so the envelope is checked
// before the data. A figure out of its range (a percentage outside
// 0..100, a negative count, a non-numeric value) makes the whole body
// malformed rather than reaching the report. Errors are *quota.Error
// values.
func parseLimits(body []byte, now time.Time) (quota.Account, error) {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return quota.Account{}, jsonval.DepthDetail(&quota.Error{Kind: quota.KindMalformed, Detail: err.Error(), Err: err})
	}
	if !gjson.ValidBytes(body) {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.not_json", nil)
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.top_not_object", nil)
	}
	data := root.Get("data")
	if !isData(root) {
		return quota.Account{}, envelopeError(root)
	}
	limits := data.Get("limits")
	if limits.Exists() && limits.Type != gjson.Null && !limits.IsArray() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_array", map[string]any{"Field": "data.limits"})
	}
	a := quota.Account{Plan: planName(data)}
	for i, it := range limits.Array() {
		w, ok, err := limitWindow(it)
		if err != nil {
			return quota.Account{}, quota.Errorf(quota.KindMalformed, "data.limits[%d].%s", i, err.Error())
		}
		if !ok {
			continue
		}
		a.Windows = append(a.Windows, w)
		if w.Kind == quota.KindTools {
			for _, d := range it.Get("usageDetails").Array() {
				name := d.Get("modelCode").String()
				n, ok := jsonval.Number(d.Get("usage"))
				if name == "" || !ok || n < 0 {
					continue
				}
				a.Breakdown = append(a.Breakdown, quota.Usage{Name: name, Count: n, Unit: "calls"})
			}
		}
	}
	sortWindows(a.Windows)
	return a, nil
}

// isData reports whether root is a success envelope. Z.ai and Zhipu send
// {"code":200,"success":true,"data":…}, but some answers carry no
// "success" field at all (seen in real bodies): then code 200 with a data
// object is data. An explicit success:false or another code is an error.
func isData(root gjson.Result) bool {
	if !root.Get("data").IsObject() {
		return false
	}
	success, code := root.Get("success"), root.Get("code")
	if success.Exists() && success.Type != gjson.True {
		return false
	}
	if code.Exists() && code.String() != "200" {
		return false
	}
	return success.Exists() || code.Exists()
}

// planName is the marketed plan name ("GLM Coding Pro") when the body
// gives one, else the tier (data.level: lite, pro, max).
func planName(data gjson.Result) string {
	for _, k := range []string{"planName", "level"} {
		if v := data.Get(k); v.Type == gjson.String {
			if s := cleanText(v.Str, 60); s != "" {
				return s
			}
		}
	}
	return ""
}

// cleanText drops control and format characters (terminal escapes,
// bidirectional overrides) from upstream text and caps its length.
func cleanText(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			continue
		}
		if n == max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// limitWindow turns one data.limits item into a window; unknown item
// types are skipped (the API grows new ones). A figure present but out
// of range is an error naming the field.
func limitWindow(it gjson.Result) (quota.Window, bool, error) {
	var w quota.Window
	switch it.Get("type").String() {
	case "TOKENS_LIMIT":
		w.Kind, w.Unit = quota.KindTokens, "tokens"
	case "CREDIT_LIMIT":
		w.Kind, w.Unit = quota.KindCredits, "credits"
	case "TIME_LIMIT":
		w.Kind, w.Unit = quota.KindTools, "calls"
	default:
		return w, false, nil
	}
	w.Period = period(it)
	w.ResetAt = jsonval.Epoch(it.Get("nextResetTime"))

	used, hasUsed, err := count(it, "currentValue")
	if err != nil {
		return w, false, err
	}
	limit, hasLimit, err := count(it, "usage")
	if err != nil {
		return w, false, err
	}
	rem, hasRem, err := count(it, "remaining")
	if err != nil {
		return w, false, err
	}
	if !hasUsed && hasLimit && hasRem {
		// Credit plans report capacity and what is left, not what is used.
		used, hasUsed = max(limit-rem, 0), true
	}
	if hasUsed && hasLimit {
		w.Used, w.Limit = &used, &limit
	}
	pct, hasPct, err := percent(it.Get("percentage"))
	switch {
	case err != nil:
		return w, false, err
	case hasPct:
		w.UsedPct = pct
	case w.Used != nil && limit > 0:
		w.UsedPct = min(used/limit*100, 100)
	default:
		w.NoData = true
	}
	return w, true, nil
}

// maxCount bounds counts read from upstream: far above any plan (10^15
// tokens) and well inside exact float64 integers.
const maxCount = 1e15

// count reads a non-negative count; absent or null is not an error.
func count(it gjson.Result, field string) (float64, bool, error) {
	r := it.Get(field)
	if !r.Exists() || r.Type == gjson.Null {
		return 0, false, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || v < 0 || v > maxCount {
		return 0, false, fmt.Errorf("%s out of range: %s", field, httpx.Truncate(r.Raw, 40))
	}
	return v, true, nil
}

// percent reads a used share, which must lie in 0..100.
func percent(r gjson.Result) (float64, bool, error) {
	if !r.Exists() || r.Type == gjson.Null {
		return 0, false, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || v < 0 || v > 100 {
		return 0, false, fmt.Errorf("percentage out of range: %s", httpx.Truncate(r.Raw, 40))
	}
	return v, true, nil
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
		e.With("detail.zhipu.no_code", nil)
	}
	// Keys without a GLM Coding Plan get a generic rejection whose text
	// names the plan.
	// Z.ai answers such keys with code 500 "当前用户不存在coding plan".
	if e.Kind == quota.KindMalformed || e.Kind == quota.KindUnauthorized || e.Kind == quota.KindServerError {
		low := strings.ToLower(msg)
		if strings.Contains(low, "coding plan") || strings.Contains(low, "coding_plan") || strings.Contains(low, "codingplan") ||
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
