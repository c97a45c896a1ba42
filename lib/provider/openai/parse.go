package openai

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// Catalog ids of what mystatus itself names or adds.
const (
	// NameCodeReview labels the code review limits (code_review_rate_limit).
	NameCodeReview = "openai.window.code_review"
	// FactResetCredits says how many banked limit resets are available
	// (rate_limit_reset_credits.available_count); data: Count.
	FactResetCredits = "openai.fact.reset_credits"
)

// maxEpochSeconds bounds epoch and duration values read from upstream
// (year 2286); anything larger is garbage and treated as absent.
const maxEpochSeconds = 1e10

// parseUsage reads a /wham/usage body. now turns relative reset delays
// into instants. Errors are *quota.Error of kind malformed.
func parseUsage(body []byte, now time.Time) (quota.Account, error) {
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
	rl := root.Get("rate_limit")
	switch {
	case !rl.Exists():
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "rate_limit"})
	case rl.Type != gjson.Null && !rl.IsObject():
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_object", map[string]any{"Field": "rate_limit"})
	}

	a := quota.Account{
		Name: cleanName(root.Get("email").String()),
		Plan: cleanName(root.Get("plan_type").String()),
	}
	// A null rate_limit is an account without metered windows (free plan,
	// or a login without the workspace header).
	if rl.IsObject() {
		a.LimitReached = rl.Get("limit_reached").Bool()
		a.Windows = append(a.Windows, windows(rl, quota.KindRate, "", now)...)
	}
	for _, extra := range root.Get("additional_rate_limits").Array() {
		name := cleanName(extra.Get("limit_name").String())
		if name == "" {
			name = cleanName(extra.Get("metered_feature").String())
		}
		if inner := extra.Get("rate_limit"); inner.IsObject() {
			a.Windows = append(a.Windows, windows(inner, quota.KindModel, name, now)...)
		}
	}
	// Code review (Codex reviewing pull requests) has limits of its own.
	if cr := root.Get("code_review_rate_limit"); cr.IsObject() {
		ws := windows(cr, quota.KindModel, "", now)
		for i := range ws {
			ws[i].NameID = NameCodeReview
		}
		a.Windows = append(a.Windows, ws...)
	}
	sortWindows(a.Windows)
	if bad := outOfRange(root); bad != "" && allNoData(a.Windows) {
		// Nothing readable and figures on another scale: the format
		// changed, which is an error to report, not rows of "no data".
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.out_of_range", map[string]any{"Figures": bad})
	}
	// Banked resets: a reset of the plan's windows the user can redeem.
	if n, ok := jsonval.Number(root.Get("rate_limit_reset_credits.available_count")); ok && n >= 1 && n < 1e6 && n == math.Trunc(n) {
		a.Facts = append(a.Facts, quota.Fact{ID: FactResetCredits, Data: map[string]any{"Count": int(n)}})
	}

	if cr := root.Get("credits"); cr.IsObject() {
		has, unlimited := cr.Get("has_credits").Bool(), cr.Get("unlimited").Bool()
		if has || unlimited {
			bal := cr.Get("balance")
			c := &quota.Credits{Unlimited: unlimited}
			if bal.Type == gjson.String || bal.Type == gjson.Number {
				c.Balance = bal.String()
			}
			a.Credits = c
		}
	}
	return a, nil
}

// windows reads the primary and secondary windows of one rate_limit
// object; either may be null.
func windows(rl gjson.Result, kind quota.WindowKind, name string, now time.Time) []quota.Window {
	var out []quota.Window
	for _, slot := range []string{"primary_window", "secondary_window"} {
		r := rl.Get(slot)
		if !r.IsObject() {
			continue
		}
		w := quota.Window{Kind: kind, Name: name, Period: seconds(r.Get("limit_window_seconds"))}
		// A percentage outside 0..100 is garbage: no data, never a
		// negative or >100 % figure.
		if used, ok := jsonval.Number(r.Get("used_percent")); ok && used >= 0 && used <= 100 {
			w.UsedPct = used
		} else {
			w.NoData = true
		}
		if at := r.Get("reset_at"); at.Type == gjson.Number && at.Float() > 0 && at.Float() < maxEpochSeconds {
			w.ResetAt = time.Unix(at.Int(), 0)
		} else if d := seconds(r.Get("reset_after_seconds")); d > 0 {
			w.ResetAt = now.Add(d)
		}
		out = append(out, w)
	}
	return out
}

// sortWindows orders the account-wide windows first, then each named
// model's windows in the order the names first appear; within a group
// the shorter period comes first and an unknown one last. The label depends on the period, so
// the upstream slot (primary/secondary) carries no meaning.
func sortWindows(ws []quota.Window) {
	first := map[string]int{}
	for i, w := range ws {
		if _, ok := first[w.Name+w.NameID]; !ok {
			first[w.Name+w.NameID] = i
		}
	}
	rank := func(w quota.Window) int {
		if w.Kind == quota.KindRate {
			return 0
		}
		return 1
	}
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		if first[a.Name+a.NameID] != first[b.Name+b.NameID] {
			return first[a.Name+a.NameID] < first[b.Name+b.NameID]
		}
		return periodKey(a) < periodKey(b)
	})
}

// periodKey sorts a window of unknown length after the others.
func periodKey(w quota.Window) time.Duration {
	if w.Period == 0 {
		return math.MaxInt64
	}
	return w.Period
}

// seconds reads a positive count of seconds as a duration; zero when
// absent, not positive or absurdly large.
func seconds(r gjson.Result) time.Duration {
	v, ok := jsonval.Number(r)
	if !ok || v <= 0 || v >= maxEpochSeconds {
		return 0
	}
	return time.Duration(v * float64(time.Second))
}

// maxNameLen bounds upstream names (e-mail, plan, limit names) shown in
// the report.
const maxNameLen = quota.MaxNameLen

// cleanName is quota.CleanName: upstream names made safe to show.
func cleanName(s string) string { return quota.CleanName(s) }

// allNoData reports whether ws has windows and none carries a figure.
func allNoData(ws []quota.Window) bool {
	for _, w := range ws {
		if !w.NoData {
			return false
		}
	}
	return len(ws) > 0
}

// outOfRange names the first used_percent of the body that is a number
// outside 0..100, or "".
func outOfRange(root gjson.Result) string {
	limits := []string{"rate_limit", "code_review_rate_limit"}
	for i := range root.Get("additional_rate_limits").Array() {
		limits = append(limits, fmt.Sprintf("additional_rate_limits.%d.rate_limit", i))
	}
	for _, l := range limits {
		for _, slot := range []string{"primary_window", "secondary_window"} {
			path := l + "." + slot + ".used_percent"
			if v, ok := jsonval.Number(root.Get(path)); ok && (v < 0 || v > 100) {
				return path + "=" + strconv.FormatFloat(v, 'g', 6, 64)
			}
		}
	}
	return ""
}
