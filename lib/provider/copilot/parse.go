package copilot

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

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
	if !gjson.ValidBytes(data) {
		return pat{}, auth.Malformed(path, data)
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return pat{}, &quota.Error{Kind: quota.KindFileMalformed, Path: path, Detail: "the top level is not a JSON object"}
	}
	p := pat{path: path}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"token", &p.token}, {"username", &p.username}, {"tier", &p.tier}} {
		v := root.Get(f.name)
		switch {
		case !v.Exists() || v.Type == gjson.Null:
			return pat{}, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name, Detail: "missing"}
		case v.Type != gjson.String:
			return pat{}, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name, Detail: "not a string"}
		case strings.TrimSpace(v.Str) == "":
			return pat{}, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: f.name, Detail: "empty"}
		}
		*f.dst = strings.TrimSpace(v.Str)
	}
	p.username = strings.TrimPrefix(p.username, "@")
	if !validLogin(p.username) {
		return pat{}, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "username", Detail: "not a GitHub login"}
	}
	p.tier = strings.ToLower(p.tier)
	limit, ok := tierLimits[p.tier]
	if !ok {
		return pat{}, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "tier",
			Detail: "got " + quoteShort(p.tier) + ", accepted: " + tierNames}
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

// parseBilling reads the public premium-request usage report for a PAT
// user. Quantities are gross (before the included allowance is netted out)
// and may be fractional because of model multipliers.
func parseBilling(body []byte, p pat) (quota.Account, error) {
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
	for _, it := range items.Array() {
		if !strings.Contains(it.Get("sku").String(), "Premium") {
			continue
		}
		q := it.Get("grossQuantity").Float()
		if math.IsNaN(q) || math.IsInf(q, 0) || q <= 0 {
			continue
		}
		used += q
		if m := strings.TrimSpace(it.Get("model").String()); m != "" {
			perModel[m] += q
		}
	}
	used = round2(used)
	limit := p.limit
	pct := used / limit * 100
	if !jsonval.Finite(pct) {
		return quota.Account{}, errMalformed("grossQuantity out of range")
	}
	w := quota.Window{
		Kind:    quota.KindPremium,
		Compact: true,
		Used:    &used,
		Limit:   &limit,
		Unit:    "requests",
		UsedPct: pct,
	}
	acct := quota.Account{Name: "@" + p.username, Plan: p.tier}
	year, month := root.Get("timePeriod.year").Int(), root.Get("timePeriod.month").Int()
	switch {
	case year > 0 && month >= 1 && month <= 12:
		acct.Period = time.Date(int(year), time.Month(month), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		// Premium-request counters reset on the 1st of each month, 00:00 UTC.
		w.ResetAt = time.Date(int(year), time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
		acct.ResetAt = w.ResetAt
	case year > 0 && year < 10000:
		acct.Period = time.Date(int(year), 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
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

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// parseToken reads the /copilot_internal/v2/token answer.
func parseToken(body []byte) (token string, expires time.Time, err error) {
	if !gjson.ValidBytes(body) {
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
// tier.
func parseUser(body []byte) (quota.Account, error) {
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
	acct := quota.Account{Name: "GitHub Copilot", Plan: root.Get("copilot_plan").String()}
	if l := strings.TrimSpace(root.Get("login").String()); l != "" {
		acct.Name = l
	}
	for _, k := range []string{"quota_reset_date", "limited_user_reset_date"} {
		if t, ok := parseDate(root.Get(k).String()); ok {
			acct.ResetAt = t
			break
		}
	}
	if w, ok := snapshot(snaps.Get("premium_interactions"), quota.KindPremium); ok {
		acct.Windows = append(acct.Windows, w)
	}
	if oc := snaps.Get("premium_interactions.overage_count").Float(); oc > 0 && !math.IsInf(oc, 0) {
		acct.Overage = &oc
	}
	monthly, left := root.Get("monthly_quotas"), root.Get("limited_user_quotas")
	for _, q := range []struct {
		key  string
		kind quota.WindowKind
	}{{"chat", quota.KindChat}, {"completions", quota.KindCompletions}} {
		if free && monthly.Get(q.key).Type == gjson.Number {
			if w, ok := freeWindow(monthly.Get(q.key).Float(), left.Get(q.key), q.kind); ok {
				acct.Windows = append(acct.Windows, w)
			}
			continue
		}
		if w, ok := snapshot(snaps.Get(q.key), q.kind); ok {
			acct.Windows = append(acct.Windows, w)
		}
	}
	if len(acct.Windows) == 0 {
		// Org-managed seats answer with a plan but no figures.
		acct.Windows = []quota.Window{{Kind: quota.KindPremium, Compact: true, NoData: true, Unit: "requests"}}
	}
	for i := range acct.Windows {
		acct.Windows[i].ResetAt = acct.ResetAt
	}
	return acct, nil
}

// snapshot builds a window from one quota snapshot. remaining may be -1
// and percent_remaining negative once the allowance is exceeded.
func snapshot(s gjson.Result, kind quota.WindowKind) (quota.Window, bool) {
	if !s.IsObject() {
		return quota.Window{}, false
	}
	w := quota.Window{Kind: kind, Compact: true, Unit: "requests"}
	if s.Get("unlimited").Bool() {
		w.Unlimited = true
		return w, true
	}
	ent := s.Get("entitlement")
	if ent.Type != gjson.Number || !jsonval.Finite(ent.Float()) || ent.Float() <= 0 {
		// A zero entitlement is the placeholder GitHub returns for seats
		// billed elsewhere: no figure, not an exhausted quota.
		w.NoData = true
		return w, true
	}
	limit := ent.Float()
	rem := s.Get("remaining")
	if rem.Type != gjson.Number {
		rem = s.Get("quota_remaining")
	}
	if used := max(limit-rem.Float(), 0); rem.Type == gjson.Number && jsonval.Finite(used) {
		w.Used = &used
	}
	w.Limit = &limit
	switch pr := s.Get("percent_remaining"); {
	case pr.Type == gjson.Number && jsonval.Finite(pr.Float()):
		w.UsedPct = 100 - pr.Float()
	case w.Used != nil && jsonval.Finite(*w.Used/limit*100):
		w.UsedPct = *w.Used / limit * 100
	default:
		w.NoData = true
	}
	return w, true
}

// freeWindow builds a free-tier window from the monthly allowance and what
// is left of it.
func freeWindow(total float64, left gjson.Result, kind quota.WindowKind) (quota.Window, bool) {
	used := max(total-left.Float(), 0)
	if !jsonval.Finite(total) || total <= 0 || left.Type != gjson.Number || !jsonval.Finite(used) || !jsonval.Finite(used/total*100) {
		return quota.Window{}, false
	}
	return quota.Window{Kind: kind, Compact: true, Unit: "requests", Used: &used, Limit: &total,
		UsedPct: used / total * 100}, true
}

func errMalformed(why string) *quota.Error {
	return &quota.Error{Kind: quota.KindMalformed, Detail: why}
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
