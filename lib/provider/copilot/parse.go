package copilot

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// tierLimits are the monthly premium-request allowances per plan tier
// (GitHub's published table; the billing API does not return them).
var tierLimits = map[string]float64{
	"free":       50,
	"pro":        300,
	"pro+":       1500,
	"business":   300,
	"enterprise": 1000,
}

// tierNames lists the accepted tiers for the field_missing detail.
const tierNames = "free, pro, pro+, business, enterprise"

// pat is a validated copilot-quota-token.json.
type pat struct {
	path     string
	token    string
	username string
	tier     string
	limit    float64
}

// parsePAT validates the PAT file read from path. Every field is
// required; a wrong one is reported by name rather than ignored.
func parsePAT(path string, data []byte) (pat, error) {
	if jsonval.CheckDepth(data, jsonval.MaxDepth) != nil || !gjson.ValidBytes(data) {
		return pat{}, auth.Malformed(path, data)
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return pat{}, (&quota.Error{Kind: quota.KindFileMalformed, Path: path}).With("detail.json.top_not_object", nil)
	}
	p := pat{path: path}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"token", &p.token}, {"username", &p.username}, {"tier", &p.tier}} {
		v := root.Get(f.name)
		switch {
		case !v.Exists() || v.Type == gjson.Null:
			return pat{}, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name}).With("detail.field.missing", nil)
		case v.Type != gjson.String:
			return pat{}, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name}).With("detail.field.not_string", nil)
		case strings.TrimSpace(v.Str) == "":
			return pat{}, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name}).With("detail.field.empty", nil)
		}
		*f.dst = strings.TrimSpace(v.Str)
	}
	p.username = strings.TrimPrefix(p.username, "@")
	if !validLogin(p.username) {
		return pat{}, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "username"}).With("detail.copilot.login", nil)
	}
	p.tier = strings.ToLower(p.tier)
	limit, ok := tierLimits[p.tier]
	if !ok {
		return pat{}, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "tier"}).
			With("detail.field.got_accepted", map[string]any{"Got": quoteShort(p.tier), "Accepted": tierNames})
	}
	p.limit = limit
	return p, nil
}

// validLogin reports whether s can be a GitHub login (letters, digits and
// hyphens), so it is safe inside the request path.
func validLogin(s string) bool {
	if s == "" || len(s) > 39 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func quoteShort(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return `"` + s + `"`
}

// maxCount bounds counts read from upstream (entitlements, quantities):
// far above any plan, well inside exact float64 integers. Larger values
// are malformed, so sums cannot overflow.
const maxCount = 1e12

// parseBilling reads the public premium-request usage report for a PAT
// user. Quantities are gross (before the included allowance is netted out)
// and may be fractional because of model multipliers. Only a report of one
// whole month is measured against the monthly allowance: a yearly (or
// daily) report is shown as a count, without a share.
func parseBilling(body []byte, p pat) (quota.Account, error) {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return quota.Account{}, errMalformed("nested too deeply")
	}
	if !gjson.ValidBytes(body) {
		return quota.Account{}, errMalformed("not JSON")
	}
	root := gjson.ParseBytes(body)
	items := root.Get("usageItems")
	if !root.IsObject() || !items.IsArray() {
		return quota.Account{}, errMalformed("no usageItems array")
	}
	var used float64
	perModel := map[string]float64{}
	for i, it := range items.Array() {
		if !strings.Contains(it.Get("sku").String(), "Premium") {
			continue
		}
		q, ok := jsonval.Number(it.Get("grossQuantity"))
		if it.Get("grossQuantity").Exists() && (!ok || q > maxCount) {
			return quota.Account{}, errMalformed(fmt.Sprintf("usageItems[%d].grossQuantity out of range", i))
		}
		if q <= 0 {
			continue
		}
		used += q
		if m := cleanText(it.Get("model").String(), 60); m != "" {
			perModel[m] += q
		}
	}
	used = round2(used)
	acct := quota.Account{Name: "@" + p.username, Plan: p.tier}
	w := quota.Window{Kind: quota.KindPremium, Compact: true, Used: &used, Unit: "requests"}
	tp := root.Get("timePeriod")
	year, month := tp.Get("year").Int(), tp.Get("month").Int()
	switch {
	case p.limit > 0 && year > 0 && year < 10000 && month >= 1 && month <= 12 && !tp.Get("day").Exists() && !tp.Get("hour").Exists():
		acct.Period = time.Date(int(year), time.Month(month), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		// Premium-request counters reset on the 1st of each month, 00:00 UTC.
		w.ResetAt = time.Date(int(year), time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
		acct.ResetAt = w.ResetAt
		limit := p.limit
		w.Limit = &limit
		w.UsedPct = min(used/limit*100, 100)
		if over := round2(used - limit); over > 0 {
			acct.Overage = &over
		}
	case year > 0 && year < 10000 && month == 0 && !tp.Get("month").Exists():
		// A yearly total: summing it against a monthly allowance would
		// claim the allowance is used up many times over.
		acct.Period = time.Date(int(year), 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
		w.NoData = true
	default:
		// A day, an hour, or no period at all: no share can be computed.
		w.NoData = true
	}
	acct.Windows = []quota.Window{w}
	for m, q := range perModel {
		acct.Breakdown = append(acct.Breakdown, quota.Usage{Name: m, Count: round2(q), Unit: "requests"})
	}
	slices.SortFunc(acct.Breakdown, func(a, b quota.Usage) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(acct.Breakdown) > 5 {
		acct.Breakdown = acct.Breakdown[:5]
	}
	return acct, nil
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

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// parseToken reads the /copilot_internal/v2/token answer.
func parseToken(body []byte) (token string, expires time.Time, err error) {
	if jsonval.CheckDepth(body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(body) {
		return "", time.Time{}, errMalformed("not JSON")
	}
	root := gjson.ParseBytes(body)
	t := root.Get("token")
	if t.Type != gjson.String || t.Str == "" {
		return "", time.Time{}, errMalformed("no token")
	}
	if ex := root.Get("expires_at"); ex.Type == gjson.Number && ex.Int() > 0 {
		expires = auth.MillisOrSeconds(ex.Int())
	}
	return t.Str, expires, nil
}

// parseUser reads the internal /copilot_internal/user answer: the plan,
// the quota snapshots of paid plans, or the monthly quotas of the free
// tier. Shares are clamped to 0..100: an exceeded allowance shows as used
// up, with the excess as the overage.
func parseUser(body []byte) (quota.Account, error) {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return quota.Account{}, errMalformed("nested too deeply")
	}
	if !gjson.ValidBytes(body) {
		return quota.Account{}, errMalformed("not JSON")
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return quota.Account{}, errMalformed("not a JSON object")
	}
	snaps := root.Get("quota_snapshots")
	free := root.Get("access_type_sku").String() == "free_limited_copilot" ||
		root.Get("limited_user_quotas").IsObject()
	if !snaps.IsObject() && !free && !root.Get("copilot_plan").Exists() {
		return quota.Account{}, errMalformed("no copilot_plan or quota_snapshots")
	}
	acct := quota.Account{Name: "GitHub Copilot", Plan: cleanText(root.Get("copilot_plan").String(), 40)}
	if l := cleanText(root.Get("login").String(), 39); l != "" {
		acct.Name = l
	}
	// quota_reset_date is a bare date; newer answers add (or only send)
	// quota_reset_date_utc, a timestamp.
	for _, k := range []string{"quota_reset_date", "quota_reset_date_utc", "limited_user_reset_date"} {
		if t, ok := parseDate(root.Get(k).String()); ok {
			acct.ResetAt = t
			break
		}
	}
	var overage float64
	for _, q := range []struct {
		key  string
		kind quota.WindowKind
	}{{"premium_interactions", quota.KindPremium}, {"chat", quota.KindChat}, {"completions", quota.KindCompletions}} {
		if free && q.kind != quota.KindPremium && root.Get("monthly_quotas."+q.key).Type == gjson.Number {
			w, ok, err := freeWindow(root.Get("monthly_quotas."+q.key), root.Get("limited_user_quotas."+q.key), q.kind)
			if err != nil {
				return quota.Account{}, err
			}
			if ok {
				acct.Windows = append(acct.Windows, w)
			}
			continue
		}
		w, over, ok, err := snapshot(snaps.Get(q.key), q.kind)
		if err != nil {
			return quota.Account{}, err
		}
		if ok {
			acct.Windows = append(acct.Windows, w)
		}
		if q.kind == quota.KindPremium {
			overage = over
		}
	}
	if overage > 0 {
		acct.Overage = &overage
	}
	if len(acct.Windows) == 0 {
		// Org-managed seats answer with a plan but no figures.
		acct.Windows = []quota.Window{{Kind: quota.KindPremium, Compact: true, NoData: true, Unit: "requests"}}
	}
	for i := range acct.Windows {
		if acct.Windows[i].ResetAt.IsZero() {
			acct.Windows[i].ResetAt = acct.ResetAt
		}
	}
	return acct, nil
}

// snapshot builds a window from one quota snapshot and returns the
// overage beyond the entitlement. quota_remaining (fractional, because of
// model multipliers) is preferred to the rounded remaining; either goes
// negative, and percent_remaining below 0, once the allowance is
// exceeded. Newer snapshots add has_quota (false: the account has no such
// allowance), quota_reset_at (this quota's own reset) and
// token_based_billing (the allowance counts AI credits).
func snapshot(s gjson.Result, kind quota.WindowKind) (w quota.Window, overage float64, ok bool, err error) {
	if !s.IsObject() {
		return w, 0, false, nil
	}
	if hq := s.Get("has_quota"); hq.Type == gjson.False {
		return w, 0, false, nil
	}
	w = quota.Window{Kind: kind, Compact: true, Unit: "requests"}
	tokenBilling := s.Get("token_based_billing").Type == gjson.True
	if tokenBilling {
		w.Unit = "credits"
	}
	if t := jsonval.Epoch(s.Get("quota_reset_at")); !t.IsZero() {
		w.ResetAt = t.UTC()
	}
	ent, hasEnt, err := figure(s, "entitlement", 0, maxCount)
	if err != nil {
		return w, 0, false, err
	}
	if kind == quota.KindPremium && tokenBilling && (!hasEnt || ent <= 0) {
		// AI credits of a seat billed to its organization: the figures
		// live in the organization's billing, not here.
		w.NoData = true
		return w, 0, true, nil
	}
	if s.Get("unlimited").Type == gjson.True {
		w.Unlimited = true
		return w, 0, true, nil
	}
	if !hasEnt || ent <= 0 {
		// A zero entitlement is the placeholder GitHub returns for seats
		// billed elsewhere: no figure, not an exhausted quota.
		w.NoData = true
		return w, 0, true, nil
	}
	limit := ent
	w.Limit = &limit
	rem, hasRem, err := figure(s, "quota_remaining", -maxCount, maxCount)
	if err != nil {
		return w, 0, false, err
	}
	if !hasRem {
		if rem, hasRem, err = figure(s, "remaining", -maxCount, maxCount); err != nil {
			return w, 0, false, err
		}
	}
	// percent_remaining goes below 0 when exceeded; above 100 is garbage.
	pr, hasPR, err := figure(s, "percent_remaining", -maxCount, 100)
	if err != nil {
		return w, 0, false, err
	}
	switch {
	case hasRem && rem > limit:
		return w, 0, false, errMalformed(string(kind) + ": remaining above the entitlement")
	case hasRem:
		used := limit - rem
		overage = max(used-limit, 0)
		used = min(used, limit)
		w.Used = &used
		w.UsedPct = used / limit * 100
	case hasPR:
		w.UsedPct = min(max(100-pr, 0), 100)
	default:
		w.NoData = true
	}
	if oc, ok, err := figure(s, "overage_count", 0, maxCount); err != nil {
		return w, 0, false, err
	} else if ok {
		overage = max(overage, oc)
	}
	return w, round2(overage), true, nil
}

// figure reads a number within [lo, hi]; absent or null is not an error,
// anything else out of range is.
func figure(s gjson.Result, field string, lo, hi float64) (float64, bool, error) {
	r := s.Get(field)
	if !r.Exists() || r.Type == gjson.Null {
		return 0, false, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || v < lo || v > hi {
		return 0, false, errMalformed(field + " out of range")
	}
	return v, true, nil
}

// freeWindow builds a free-tier window from the monthly allowance and what
// is left of it.
func freeWindow(totalR, leftR gjson.Result, kind quota.WindowKind) (quota.Window, bool, error) {
	total, ok := jsonval.Number(totalR)
	if !ok || total < 0 || total > maxCount {
		return quota.Window{}, false, errMalformed("monthly_quotas out of range")
	}
	if !leftR.Exists() || leftR.Type == gjson.Null || total == 0 {
		return quota.Window{}, false, nil
	}
	left, ok := jsonval.Number(leftR)
	if !ok || left < 0 || left > total {
		return quota.Window{}, false, errMalformed("limited_user_quotas out of range")
	}
	used := total - left
	return quota.Window{Kind: kind, Compact: true, Unit: "requests", Used: &used, Limit: &total,
		UsedPct: used / total * 100}, true, nil
}

func errMalformed(why string) *quota.Error {
	e := &quota.Error{Kind: quota.KindMalformed, Detail: why}
	// The report shows these words in the user's language; Detail keeps
	// them as written for logs.
	if m, ok := malformedWords[why]; ok {
		e.DetailID, e.DetailData = m.ID, m.Data
	}
	return e
}

// malformedWords are the catalog messages of errMalformed's reasons.
var malformedWords = map[string]quota.Msg{
	"nested too deeply":                  {ID: "detail.json.too_deep"},
	"not JSON":                           {ID: "detail.json.not_json"},
	"not a JSON object":                  {ID: "detail.json.top_not_object"},
	"no usageItems array":                {ID: "detail.json.no_field", Data: map[string]any{"Field": "usageItems"}},
	"no token":                           {ID: "detail.json.no_field", Data: map[string]any{"Field": "token"}},
	"no copilot_plan or quota_snapshots": {ID: "detail.json.neither", Data: map[string]any{"A": "copilot_plan", "B": "quota_snapshots"}},
	"monthly_quotas out of range":        {ID: "detail.json.out_of_range", Data: map[string]any{"Figures": "monthly_quotas"}},
	"limited_user_quotas out of range":   {ID: "detail.json.out_of_range", Data: map[string]any{"Figures": "limited_user_quotas"}},
}

// parseDate reads "YYYY-MM-DD" (or a full timestamp) as UTC midnight.
func parseDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}
