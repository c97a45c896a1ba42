package anthropic

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// Catalog ids of the names mystatus gives windows whose upstream key is
// an internal codename (iguana_necktie, seven_day_omelette, ...): the
// codename itself is never shown.
const (
	// NameOther labels a percentage limit known only by a codename.
	NameOther = "anthropic.window.other"
	// NameCreditGrant labels a dollar allowance (limit_dollars /
	// used_dollars) known only by a codename.
	NameCreditGrant = "anthropic.window.credit_grant"
)

const (
	week = 7 * 24 * time.Hour
	// maxMinor bounds money amounts in minor units: larger values are
	// garbage (and would overflow once scaled), not spend.
	maxMinor = 1e15
	// maxNameLen bounds upstream names shown in the report.
	maxNameLen = quota.MaxNameLen
)

// legacyModels are the per-model weekly keys (seven_day_<suffix>) whose
// suffix names a model; the value is the model's display name.
var legacyModels = map[string]string{"opus": "Opus", "sonnet": "Sonnet", "haiku": "Haiku"}

// legacySurfaces are the weekly keys whose suffix names a product surface
// the limit is scoped to, with the surface's display name.
var legacySurfaces = map[string]string{
	"oauth_apps":    "OAuth apps",
	"cowork":        "Cowork",
	"routines":      "Routines",
	"claude_design": "Claude Design",
}

// notWindows are top-level keys that hold something other than a limit.
var notWindows = map[string]bool{
	"five_hour": true, "seven_day": true, "limits": true, "extra_usage": true, "spend": true,
	"seven_day_breakdown": true, "account": true, "organization": true,
}

// parseUsage reads the /api/oauth/usage body. name is the account name
// unless the body carries an e-mail.
//
// Current bodies list every limit in limits[] (per-model weekly limits
// live only there: seven_day_opus/sonnet are null); older ones only have
// the five_hour / seven_day / seven_day_<x> objects, which are read when
// limits[] does not already cover them. Percentages outside 0..100 (or
// not numbers) make that window "no data", never a printed number.
func parseUsage(body []byte, name string) (quota.Account, error) {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return quota.Account{}, jsonval.DepthDetail(&quota.Error{Kind: quota.KindMalformed, Detail: err.Error(), Err: err})
	}
	if !gjson.ValidBytes(body) {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.not_json", nil)
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() || (!root.Get("five_hour").Exists() && !root.Get("seven_day").Exists() && !root.Get("limits").Exists()) {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.anthropic.no_windows", nil)
	}
	acct := quota.Account{Name: name}
	for _, k := range []string{"email", "account.email", "account.email_address"} {
		if v := cleanName(root.Get(k).String()); v != "" {
			acct.Name = v
			break
		}
	}

	var seen coverage
	for _, l := range root.Get("limits").Array() {
		if w, ok := limitWindow(l, &seen); ok {
			acct.Windows = append(acct.Windows, w)
		}
	}
	if !seen.session {
		if w, ok := pctWindow(root.Get("five_hour"), quota.KindRate, 5*time.Hour); ok {
			acct.Windows = append(acct.Windows, w)
		}
	}
	if !seen.week {
		if w, ok := pctWindow(root.Get("seven_day"), quota.KindRate, week); ok {
			acct.Windows = append(acct.Windows, w)
		}
	}
	root.ForEach(func(k, v gjson.Result) bool {
		if w, ok := otherWindow(k.String(), v, &seen); ok {
			acct.Windows = append(acct.Windows, w)
		}
		return true
	})
	if w, ok := extraUsage(root.Get("extra_usage"), root.Get("spend")); ok {
		acct.Windows = append(acct.Windows, w)
	}
	if bad := outOfRange(root); bad != "" && allNoData(acct.Windows) {
		// Nothing readable and figures on another scale: the format
		// changed, which is an error to report, not a row of "no data".
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.out_of_range", map[string]any{"Figures": bad})
	}
	return acct, nil
}

// allNoData reports whether ws has windows and none carries a figure.
func allNoData(ws []quota.Window) bool {
	for _, w := range ws {
		if !w.NoData {
			return false
		}
	}
	return len(ws) > 0
}

// outOfRange names the first percentage of the body that is a number
// outside 0..100 ("limits.0.percent=150"), or "".
func outOfRange(root gjson.Result) string {
	bad := ""
	check := func(path string, r gjson.Result) {
		if bad == "" && r.Type == gjson.Number {
			if _, ok := percent(r); !ok {
				bad = path + "=" + httpxNumber(r.Raw)
			}
		}
	}
	for i, l := range root.Get("limits").Array() {
		check("limits."+strconv.Itoa(i)+".percent", l.Get("percent"))
	}
	root.ForEach(func(k, v gjson.Result) bool {
		if v.IsObject() {
			check(cleanName(k.String())+".utilization", v.Get("utilization"))
		}
		return bad == ""
	})
	return bad
}

// httpxNumber bounds a raw JSON number for an error detail.
func httpxNumber(raw string) string {
	if len(raw) > 24 {
		return raw[:24] + "…"
	}
	return raw
}

// coverage records what limits[] already showed, so the legacy keys
// that mirror it are not shown twice.
type coverage struct {
	session, week bool
	names         map[string]bool // lower-cased model and surface names
}

func (c *coverage) add(name string) {
	if name == "" {
		return
	}
	if c.names == nil {
		c.names = map[string]bool{}
	}
	c.names[strings.ToLower(name)] = true
}

func (c *coverage) has(name string) bool { return c.names[strings.ToLower(name)] }

// limitWindow reads one limits[] entry: kind (session, weekly_all,
// weekly_scoped, or a kind not seen yet), group, percent, resets_at,
// scope{model{display_name,id}, surface} and is_active.
func limitWindow(l gjson.Result, seen *coverage) (quota.Window, bool) {
	if !l.IsObject() {
		return quota.Window{}, false
	}
	kind, group := l.Get("kind").String(), l.Get("group").String()
	w := quota.Window{Kind: quota.KindRate, Period: groupPeriod(kind, group), Active: l.Get("is_active").Type == gjson.True}
	model := cleanName(first(l, "scope.model.display_name", "scope.model.id"))
	surface := cleanName(first(l, "scope.surface.display_name", "scope.surface.name", "scope.surface.id", "scope.surface"))
	switch {
	case kind == "session" && model == "" && surface == "":
		seen.session = true
	case kind == "weekly_all" && model == "" && surface == "":
		seen.week = true
	case model != "":
		w.Kind, w.Name, w.Scope = quota.KindModel, model, surface
	case surface != "":
		w.Scope = surface
	case kind != "session" && kind != "weekly_all":
		// A kind or scope we do not know: a limit all the same, under a
		// name of ours.
		w.Kind, w.NameID = quota.KindModel, NameOther
	}
	seen.add(model)
	seen.add(surface)
	setPct(&w, l.Get("percent"))
	w.ResetAt = resetAt(l.Get("resets_at"))
	return w, true
}

// groupPeriod is the window length a limit's kind or group implies.
func groupPeriod(kind, group string) time.Duration {
	switch {
	case kind == "session" || group == "session":
		return 5 * time.Hour
	case strings.HasPrefix(kind, "weekly") || group == "weekly":
		return week
	case strings.HasPrefix(kind, "daily") || group == "daily":
		return 24 * time.Hour
	}
	return 0
}

// pctWindow reads one legacy {utilization, resets_at} object; null
// means the window does not apply to this plan.
func pctWindow(v gjson.Result, kind quota.WindowKind, period time.Duration) (quota.Window, bool) {
	if !v.IsObject() {
		return quota.Window{}, false
	}
	w := quota.Window{Kind: kind, Period: period}
	setPct(&w, v.Get("utilization"))
	w.ResetAt = resetAt(v.Get("resets_at"))
	return w, true
}

// otherWindow reads a top-level key that is neither the 5-hour nor the
// 7-day window: seven_day_<model or surface>, or a codename bucket
// (iguana_necktie, cinder_cove, ...) with a percentage or a dollar
// allowance. A codename bucket with nothing used, no reset and no money
// is dormant (every live body carries several) and is left out.
func otherWindow(key string, v gjson.Result, seen *coverage) (quota.Window, bool) {
	if notWindows[key] || !v.IsObject() || !(v.Get("utilization").Exists() || hasDollars(v)) {
		return quota.Window{}, false
	}
	if hasDollars(v) {
		return dollarWindow(v), true
	}
	suffix, weekly := strings.CutPrefix(key, "seven_day_")
	if !weekly {
		suffix = ""
	}
	period := time.Duration(0)
	if weekly {
		period = week
	}
	if m := legacyModels[suffix]; m != "" {
		if seen.has(m) {
			return quota.Window{}, false
		}
		w, ok := pctWindow(v, quota.KindModel, period)
		w.Name = m
		return w, ok
	}
	if s := legacySurfaces[suffix]; s != "" {
		if seen.has(s) || seen.has(suffix) {
			return quota.Window{}, false
		}
		w, ok := pctWindow(v, quota.KindRate, period)
		w.Scope = s
		return w, ok
	}
	w, ok := pctWindow(v, quota.KindModel, period)
	w.NameID = NameOther
	if !w.NoData && w.UsedPct == 0 && w.ResetAt.IsZero() {
		return quota.Window{}, false
	}
	return w, ok
}

func hasDollars(v gjson.Result) bool {
	return v.Get("limit_dollars").Type == gjson.Number || v.Get("used_dollars").Type == gjson.Number
}

// dollarWindow reads a bucket metered in US dollars (limit_dollars,
// used_dollars, remaining_dollars as decimal numbers): a credit grant
// that expires at resets_at.
func dollarWindow(v gjson.Result) quota.Window {
	w := quota.Window{Kind: quota.KindBalance, NameID: NameCreditGrant, Money: &quota.MoneyFigures{}}
	dollars := func(path string) *quota.Money {
		r := v.Get(path)
		if r.Type != gjson.Number {
			return nil
		}
		return minorOf(r.Float()*100, 2, "USD")
	}
	w.Money.Used, w.Money.Limit, w.Money.Balance = dollars("used_dollars"), dollars("limit_dollars"), dollars("remaining_dollars")
	switch u := v.Get("utilization"); {
	case u.Exists() && u.Type != gjson.Null:
		setPct(&w, u)
	case w.Money.Used != nil && w.Money.Limit != nil && w.Money.Limit.Minor > 0:
		w.UsedPct = ratioPct(w.Money.Used.Minor, w.Money.Limit.Minor)
	default:
		w.NoData = true
	}
	w.ResetAt = resetAt(v.Get("resets_at"))
	return w
}

// extraUsage reads pay-as-you-go usage beyond the plan. extra_usage
// amounts are minor units of currency with decimal_places decimals
// (used_credits 4752 with 2 decimals is 47.52); spend (money objects with
// amount_minor and exponent) is read when extra_usage is absent. A block
// that is off is shown only when the platform says why (out of credits,
// disabled by the organization, spend limit reached); one the user
// switched off, or never enabled, is not.
func extraUsage(x, spend gjson.Result) (quota.Window, bool) {
	if !x.IsObject() {
		return spendWindow(spend)
	}
	enabled := x.Get("is_enabled").Type == gjson.True
	reason := cleanName(x.Get("disabled_reason").String())
	if reason == "" && x.Get("spend_limit_reached").Type == gjson.True {
		reason = "spend_limit_reached"
	}
	if !enabled && reason == "" {
		return quota.Window{}, false
	}
	decimals := 2
	if d := x.Get("decimal_places"); d.Type == gjson.Number && d.Float() >= 0 && d.Float() <= 6 && d.Float() == math.Trunc(d.Float()) {
		decimals = int(d.Int())
	}
	cur := currency(x.Get("currency").String())
	w := quota.Window{Kind: quota.KindExtraUsage, Disabled: reason, Money: &quota.MoneyFigures{}}
	if u := x.Get("used_credits"); u.Type == gjson.Number {
		w.Money.Used = minorOf(u.Float(), decimals, cur)
	}
	if l := x.Get("monthly_limit"); l.Type == gjson.Number && l.Float() > 0 {
		w.Money.Limit = minorOf(l.Float(), decimals, cur)
	}
	finishMoney(&w, x.Get("utilization"))
	return w, true
}

// spendWindow reads the money-typed spend block: used and limit as
// {amount_minor, currency, exponent}.
func spendWindow(s gjson.Result) (quota.Window, bool) {
	if !s.IsObject() {
		return quota.Window{}, false
	}
	enabled := s.Get("enabled").Type == gjson.True
	reason := cleanName(s.Get("disabled_reason").String())
	if !enabled && reason == "" {
		return quota.Window{}, false
	}
	money := func(path string) *quota.Money {
		m := s.Get(path)
		a, e := m.Get("amount_minor"), m.Get("exponent")
		if a.Type != gjson.Number {
			return nil
		}
		d := 2
		if e.Type == gjson.Number && e.Float() >= 0 && e.Float() <= 6 && e.Float() == math.Trunc(e.Float()) {
			d = int(e.Int())
		}
		return minorOf(a.Float(), d, currency(m.Get("currency").String()))
	}
	w := quota.Window{Kind: quota.KindExtraUsage, Disabled: reason, Money: &quota.MoneyFigures{Used: money("used"), Limit: money("limit")}}
	finishMoney(&w, s.Get("percent"))
	return w, true
}

// finishMoney sets the share used of a money window: the platform's own
// percentage when it is one, else used/limit (capped at 100: spend past
// the cap still shows as money), and no cap at all without a limit
// (unless the platform switched the allowance off).
func finishMoney(w *quota.Window, pct gjson.Result) {
	m := w.Money
	switch {
	case m.Limit == nil && w.Disabled != "":
		// Switched off without a cap: nothing to spend, no share either.
		w.NoData = true
	case m.Limit == nil:
		w.Unlimited = true
	case pct.Type == gjson.Number:
		setPct(w, pct)
	case m.Used != nil && m.Limit.Minor > 0:
		w.UsedPct = ratioPct(m.Used.Minor, m.Limit.Minor)
	default:
		w.NoData = true
	}
}

// minorOf rounds v (already in minor units) to an exact amount; nil for
// negative, non-finite or absurd values.
func minorOf(v float64, decimals int, cur string) *quota.Money {
	if math.IsNaN(v) || v < 0 || v > maxMinor {
		return nil
	}
	return &quota.Money{Minor: int64(math.Round(v)), Decimals: decimals, Currency: cur}
}

// ratioPct is used/limit as a percentage, capped at 100.
func ratioPct(used, limit int64) float64 {
	return math.Min(100, float64(used)/float64(limit)*100)
}

// currency keeps a three-letter ISO 4217 code, upper-cased; anything else
// is dropped.
func currency(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return ""
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return ""
		}
	}
	return s
}

// setPct sets w's share used from a percentage field; anything but a
// number in 0..100 leaves the window without data.
func setPct(w *quota.Window, r gjson.Result) {
	if v, ok := percent(r); ok {
		w.UsedPct = v
		return
	}
	w.NoData = true
}

// percent reads a percentage in 0..100.
func percent(r gjson.Result) (float64, bool) {
	if r.Type != gjson.Number {
		return 0, false
	}
	v := r.Float()
	if !jsonval.Finite(v) || v < 0 || v > 100 {
		return 0, false
	}
	return v, true
}

// resetAt parses an RFC 3339 reset time; zero when absent, unreadable or
// outside 2000..2200.
func resetAt(r gjson.Result) time.Time {
	t, err := time.Parse(time.RFC3339Nano, r.String())
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}
	}
	return t.UTC()
}

// first returns the first non-empty string among paths.
func first(r gjson.Result, paths ...string) string {
	for _, p := range paths {
		if v := r.Get(p); v.Type == gjson.String && strings.TrimSpace(v.Str) != "" {
			return v.Str
		}
	}
	return ""
}

// cleanName is quota.CleanName: upstream names made safe to show.
func cleanName(s string) string { return quota.CleanName(s) }
