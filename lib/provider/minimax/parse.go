package minimax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

const (
	interval = 5 * time.Hour
	week     = 7 * 24 * time.Hour
	// maxCount bounds counts read from upstream: far above any plan and
	// well inside exact float64 integers.
	maxCount = 1e15
	// maxModels bounds the model_remains items read.
	maxModels = 64
	// compactFrom is the number of models past which windows are shown
	// as narrow rows.
	compactFrom = 2
	// maxSpan bounds a window read from start/end times or a countdown.
	maxSpan = 31 * 24 * time.Hour
)

// Catalog ids of the names mystatus gives MiniMax's catch-all quota
// buckets: "general" (text generation, which coding agents use) and
// "video" are bucket names, not models, so they are translated; model
// names (MiniMax-M*, speech-hd) stay as MiniMax gives them.
const (
	NameGeneral = "minimax.window.general"
	NameVideo   = "minimax.window.video"
)

// bucketNames maps a bucket's upstream name to its catalog id.
var bucketNames = map[string]string{"general": NameGeneral, "video": NameVideo}

// Window statuses (current_interval_status, current_weekly_status), as
// peers read them: 1 limited, 2 used up, 3 unlimited.
const (
	statusExhausted = 2
	statusUnlimited = 3
)

// fields names one window's figures in a model_remains item.
type fields struct {
	total, count, pct, status, start, end, remains string
	period                                         time.Duration
}

var (
	intervalFields = fields{"current_interval_total_count", "current_interval_usage_count", "current_interval_remaining_percent",
		"current_interval_status", "start_time", "end_time", "remains_time", interval}
	weeklyFields = fields{"current_weekly_total_count", "current_weekly_usage_count", "current_weekly_remaining_percent",
		"current_weekly_status", "weekly_start_time", "weekly_end_time", "weekly_remains_time", week}
)

// parseRemains reads a remains body:
//
//	{"base_resp": {"status_code": 0, "status_msg": "success"},
//	 "model_remains": [{"model_name": "general",
//	   "current_interval_total_count": 1500, "current_interval_usage_count": 1473,
//	   "current_interval_remaining_percent": 98, "start_time": <ms>, "end_time": <ms>,
//	   "remains_time": <ms>, "current_weekly_…": …, "weekly_start_time": …}]}
//
// (the Token Plan path may nest it all under "data"). Each model gives a
// 5-hour window and, when it has one, a weekly window. The remaining
// percentage, when present, is what the console shows and wins. The count
// named "usage" is what is left on the coding plan path (MiniMax-AI/
// MiniMax-M2 issue #99) but what was used on the Token Plan path
// (openclaw issue #81156): countsLeft says which path answered; with a
// percentage to compare, the count is read whichever way agrees with it.
// A base_resp status other than 0 is an error even under HTTP 200.
// Errors are *quota.Error values.
func parseRemains(body []byte, now time.Time, countsLeft bool) (quota.Account, error) {
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
	base := baseResp(root)
	if code, ok := jsonval.Number(base.Get("status_code")); base.Get("status_code").Exists() && (!ok || code != 0) {
		return quota.Account{}, baseError(base)
	}
	data := root
	if !root.Get("model_remains").Exists() && root.Get("data").IsObject() {
		data = root.Get("data")
	}
	list := data.Get("model_remains")
	switch {
	case !list.Exists():
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "model_remains"})
	case list.Type != gjson.Null && !list.IsArray():
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_array", map[string]any{"Field": "model_remains"})
	}
	items := list.Array()
	if len(items) == 0 {
		// Answered, but no model has a quota: the key has no plan.
		return quota.Account{}, quota.Detailed(quota.KindNotSubscribed, "detail.minimax.no_models", nil)
	}
	a := quota.Account{Plan: planName(data)}
	var names []string
	for i, it := range items {
		if i == maxModels {
			break
		}
		name := quota.CleanName(it.Get("model_name").String())
		if !it.IsObject() || name == "" {
			continue // an item without a name says nothing it can be shown under
		}
		names = append(names, name)
		for _, f := range []fields{intervalFields, weeklyFields} {
			w, ok, err := window(it, f, now, countsLeft)
			if err != nil {
				return quota.Account{}, quota.Errorf(quota.KindMalformed, "model_remains[%d].%s", i, err.Error())
			}
			if ok {
				w.Name, w.NameID = name, bucketNames[strings.ToLower(name)]
				a.Windows = append(a.Windows, w)
			}
		}
	}
	if len(a.Windows) == 0 {
		// Models listed without a single figure: shown as such, never as 0 %.
		for _, n := range names {
			a.Windows = append(a.Windows, quota.Window{Kind: quota.KindModel, Name: n, NameID: bucketNames[strings.ToLower(n)],
				Period: interval, Unit: "requests", NoData: true})
		}
	}
	// The Token Plan lists every modality (text, speech, video, image,
	// music): past two models, a list of narrow rows reads better.
	shown := map[string]bool{}
	for _, w := range a.Windows {
		shown[w.Name] = true
	}
	if len(shown) > compactFrom {
		for i := range a.Windows {
			a.Windows[i].Compact = true
		}
	}
	return a, nil
}

// window reads one of an item's windows; ok is false when the item has
// no figure for it (a model outside the plan lists zeros).
func window(it gjson.Result, f fields, now time.Time, countsLeft bool) (quota.Window, bool, error) {
	w := quota.Window{Kind: quota.KindModel, Period: f.period, Unit: "requests"}
	total, hasTotal, err := count(it, f.total)
	if err != nil {
		return w, false, err
	}
	n, hasCount, err := count(it, f.count)
	if err != nil {
		return w, false, err
	}
	left, hasPct := percent(it.Get(f.pct))
	status, _ := jsonval.Number(it.Get(f.status))

	start, end := jsonval.Epoch(it.Get(f.start)), jsonval.Epoch(it.Get(f.end))
	if !start.IsZero() && end.After(start) && end.Sub(start) <= maxSpan {
		w.Period = end.Sub(start)
	}
	switch rem, ok := jsonval.Number(it.Get(f.remains)); {
	case end.After(now) && end.Sub(now) <= maxSpan:
		w.ResetAt = end.UTC()
	case ok && rem > 0 && time.Duration(rem)*time.Millisecond <= maxSpan:
		w.ResetAt = now.Add(time.Duration(rem) * time.Millisecond).UTC()
	}

	counted := hasTotal && hasCount && total > 0
	var used float64
	if counted {
		used = total - n
		if !countsLeft {
			used = n
		}
		if hasPct {
			// Read the count whichever way agrees with the percentage.
			asLeft, asUsed := n/total*100, (total-n)/total*100
			if math.Abs(asUsed-left) < math.Abs(asLeft-left) {
				used = n
			} else {
				used = total - n
			}
		}
		used = max(used, 0)
	}
	switch {
	case status == statusUnlimited:
		w.Unlimited = true
		return w, true, nil
	case hasPct:
		w.UsedPct = min(max(100-left, 0), 100)
	case counted:
		w.UsedPct = min(used/total*100, 100)
	case status == statusExhausted:
		w.UsedPct = 100
	default:
		return w, false, nil
	}
	if counted {
		w.Used, w.Limit = &used, &total
	}
	return w, true, nil
}

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

// percent reads a remaining percentage (a number or a numeric string);
// boosted quotas may show more than 100, which is read as nothing used.
func percent(r gjson.Result) (float64, bool) {
	v, ok := jsonval.Number(r)
	if !ok || v < 0 || v > 1000 {
		return 0, false
	}
	return v, true
}

// planName is the plan's title when the body gives one.
func planName(data gjson.Result) string {
	for _, f := range []string{"current_subscribe_title", "plan_name", "combo_title", "current_plan_title"} {
		if r := data.Get(f); r.Type == gjson.String {
			if s := quota.CleanName(r.Str); s != "" {
				return s
			}
		}
	}
	return ""
}

// baseResp is the body's base_resp, at the top or under data.
func baseResp(root gjson.Result) gjson.Result {
	if b := root.Get("base_resp"); b.IsObject() {
		return b
	}
	return root.Get("data.base_resp")
}

// baseError classifies a base_resp status other than 0 by MiniMax's
// error-code reference (https://platform.minimax.io/docs/api-reference/
// errorcode) and its own CLI's reading of the quota codes. Unknown codes
// are malformed, keeping the message.
func baseError(base gjson.Result) *quota.Error {
	code, _ := jsonval.Number(base.Get("status_code"))
	e := &quota.Error{Code: httpx.Truncate(base.Get("status_code").String(), 20),
		Detail: httpx.Truncate(base.Get("status_msg").String(), httpx.DetailLen)}
	if code == math.Trunc(code) && math.Abs(code) < 1e9 {
		e.Code = strconv.Itoa(int(code))
	}
	switch code {
	case 1004, 2049: // not authorized, cookie missing; invalid api key
		e.Kind = quota.KindUnauthorized
	case 1002, 1039, 1041: // rate limit; token limit; connection limit
		e.Kind = quota.KindRateLimited
	case 1008: // insufficient balance: a Token Plan key without a seat or credits
		e.Kind = quota.KindNotSubscribed
	case 1028, 1030: // quota exhausted (MiniMax-AI/cli src/errors/api.ts)
		e.Kind = quota.KindQuotaExhausted
	case 1000, 1001, 1024, 1033: // unknown, timeout, internal, system error
		e.Kind = quota.KindServerError
	default:
		e.Kind = quota.KindMalformed
		if e.Detail == "" {
			e.With("detail.minimax.status", map[string]any{"Code": e.Code})
		}
	}
	return e
}
