package openrouter

import (
	"fmt"
	"math"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// Catalog ids of the names mystatus gives OpenRouter's windows, and of
// the notes it adds.
const (
	// NameKeyLimit labels a key's credit limit that never resets;
	// NameKeyLimitDaily, …Weekly and …Monthly one that does.
	NameKeyLimit        = "openrouter.window.key_limit"
	NameKeyLimitDaily   = "openrouter.window.key_limit_daily"
	NameKeyLimitWeekly  = "openrouter.window.key_limit_weekly"
	NameKeyLimitMonthly = "openrouter.window.key_limit_monthly"
	// NameKeySpend labels what a key without a limit has spent.
	NameKeySpend = "openrouter.window.key_spend"
	// NameCredits labels the account's prepaid balance (/v1/credits).
	NameCredits = "openrouter.window.credits"

	// FactBalanceNeedsManagementKey says /v1/credits refused the key (it
	// needs a management key on some accounts).
	FactBalanceNeedsManagementKey = "openrouter.fact.balance_needs_management_key"
	// FactBalanceUnavailable says /v1/credits failed for another reason.
	FactBalanceUnavailable = "openrouter.fact.balance_unavailable"
	// FactKeyExpires gives the key's expiry; data: At (a time).
	FactKeyExpires = "openrouter.fact.key_expires"
)

// maxDollars bounds amounts read from upstream: far above any account
// and well inside exact cents in an int64.
const maxDollars = 1e12

// currency is what OpenRouter bills in.
const currency = "USD"

// parseKey reads a /v1/key body:
//
//	{"data": {"label": "sk-or-v1-au7...890", "limit": 100, "limit_remaining": 74.5,
//	          "limit_reset": "monthly", "usage": 25.5, "usage_daily": …,
//	          "usage_weekly": …, "usage_monthly": …, "is_free_tier": false,
//	          "expires_at": "2027-12-31T23:59:59Z", …}}
//
// Amounts are US dollars. A key with a limit gives a money window (what is
// left of the limit, resetting at midnight UTC, on Mondays or on the 1st
// when limit_reset says so); a key without one gives what it has spent.
// Errors are *quota.Error values.
func parseKey(body []byte, now time.Time) (quota.Account, error) {
	root, err := object(body)
	if err != nil {
		return quota.Account{}, err
	}
	d := root.Get("data")
	if !d.IsObject() {
		if root.Get("error").IsObject() {
			return quota.Account{}, envelopeError(root)
		}
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "data"})
	}
	limit, hasLimit, err := dollars(d, "limit")
	if err != nil {
		return quota.Account{}, err
	}
	left, hasLeft, err := dollars(d, "limit_remaining")
	if err != nil {
		return quota.Account{}, err
	}
	usage, hasUsage, err := dollars(d, "usage")
	if err != nil {
		return quota.Account{}, err
	}
	reset := d.Get("limit_reset").String()
	// What the key spent since its limit last reset, when the body says.
	spent, hasSpent := usage, hasUsage
	if f := map[string]string{"daily": "usage_daily", "weekly": "usage_weekly", "monthly": "usage_monthly"}[reset]; f != "" {
		if spent, hasSpent, err = dollars(d, f); err != nil {
			return quota.Account{}, err
		}
	}

	var a quota.Account
	switch {
	case hasLimit && limit >= 0:
		w := quota.Window{Kind: quota.KindBalance, NameID: NameKeyLimit, Money: &quota.MoneyFigures{Limit: money(limit)}}
		switch {
		case hasLeft:
		case hasSpent:
			left, hasLeft = limit-spent, true
		}
		if hasLeft {
			w.Money.Balance = money(left)
			w.Money.Used = money(max(limit-left, 0))
		}
		switch {
		case !hasLeft:
			w.NoData = true
		case limit > 0:
			w.UsedPct = min(max((limit-left)/limit*100, 0), 100)
		case left <= 0:
			// A zero limit lets nothing be spent.
			w.UsedPct = 100
		}
		if start, next, ok := resetWindow(reset, now); ok {
			w.NameID = map[string]string{"daily": NameKeyLimitDaily, "weekly": NameKeyLimitWeekly, "monthly": NameKeyLimitMonthly}[reset]
			w.Period, w.ResetAt = next.Sub(start), next
		}
		a.Windows = append(a.Windows, w)
	case hasUsage:
		a.Windows = append(a.Windows, quota.Window{Kind: quota.KindBalance, NameID: NameKeySpend, Unlimited: true,
			Money: &quota.MoneyFigures{Used: money(usage)}})
	}
	if t, err := time.Parse(time.RFC3339Nano, d.Get("expires_at").String()); err == nil && t.Year() >= 2000 && t.Year() <= 2200 {
		a.Facts = append(a.Facts, quota.Fact{ID: FactKeyExpires, Data: map[string]any{"At": t.UTC()}})
	}
	return a, nil
}

// parseCredits reads a /v1/credits body, {"data": {"total_credits": 100.5,
// "total_usage": 25.75}}: the account's balance is what was bought less
// what was spent. An account that never bought nor spent anything (a
// free-tier one) has no balance to show: ok is false, and no window says
// "used up" about credits that never were.
func parseCredits(body []byte) (w quota.Window, ok bool, err error) {
	root, err := object(body)
	if err != nil {
		return quota.Window{}, false, err
	}
	d := root.Get("data")
	if !d.IsObject() {
		if root.Get("error").IsObject() {
			return quota.Window{}, false, envelopeError(root)
		}
		return quota.Window{}, false, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "data"})
	}
	total, hasTotal, err := dollars(d, "total_credits")
	if err != nil {
		return quota.Window{}, false, err
	}
	used, hasUsed, err := dollars(d, "total_usage")
	if err != nil {
		return quota.Window{}, false, err
	}
	if !hasTotal || !hasUsed {
		return quota.Window{}, false, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "data.total_credits"})
	}
	if total == 0 && used == 0 {
		return quota.Window{}, false, nil
	}
	// A prepaid balance, not a cap: total_credits is every top-up ever
	// made, so a share of it says nothing about running out; the report
	// flags the balance by its amount.
	w = quota.Window{Kind: quota.KindBalance, NameID: NameCredits, Money: &quota.MoneyFigures{Balance: money(total - used), Used: money(used)}}
	return w, true, nil
}

// object validates body as a JSON object.
func object(body []byte) (gjson.Result, error) {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return gjson.Result{}, jsonval.DepthDetail(&quota.Error{Kind: quota.KindMalformed, Detail: err.Error(), Err: err})
	}
	if !gjson.ValidBytes(body) {
		return gjson.Result{}, quota.Detailed(quota.KindMalformed, "detail.json.not_json", nil)
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return gjson.Result{}, quota.Detailed(quota.KindMalformed, "detail.json.top_not_object", nil)
	}
	return root, nil
}

// dollars reads an amount in dollars; absent or null is not an error, a
// figure that is not a number or is absurd is.
func dollars(d gjson.Result, field string) (float64, bool, error) {
	r := d.Get(field)
	if !r.Exists() || r.Type == gjson.Null {
		return 0, false, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || math.Abs(v) > maxDollars {
		return 0, false, quota.Errorf(quota.KindMalformed, "data.%s out of range: %s", field, httpx.Truncate(r.Raw, 40))
	}
	return v, true, nil
}

// money is v dollars, rounded to the cent.
func money(v float64) *quota.Money {
	return &quota.Money{Minor: int64(math.Round(v * 100)), Decimals: 2, Currency: currency}
}

// resetWindow is the period of a key limit that resets: it starts at the
// last reset before now and ends at the next (midnight UTC; weeks run
// Monday through Sunday; months start on the 1st, as OpenRouter's API
// reference says). ok is false for a limit that never resets.
func resetWindow(reset string, now time.Time) (start, next time.Time, ok bool) {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch reset {
	case "daily":
		return day, day.AddDate(0, 0, 1), true
	case "weekly":
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return monday, monday.AddDate(0, 0, 7), true
	case "monthly":
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, 0), true
	}
	return time.Time{}, time.Time{}, false
}

// envelopeMessage is the message of OpenRouter's error envelope,
// {"error": {"code": 401, "message": "…"}}, or "".
func envelopeMessage(body []byte) string {
	if jsonval.CheckDepth(body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(body) {
		return ""
	}
	return gjson.GetBytes(body, "error.message").String()
}

// envelopeError classifies an error envelope that came with a 2xx
// status: its code is an HTTP status.
func envelopeError(root gjson.Result) *quota.Error {
	code := root.Get("error.code")
	msg := httpx.Truncate(root.Get("error.message").String(), httpx.DetailLen)
	n, _ := jsonval.Number(code)
	e := &quota.Error{Code: httpx.Truncate(code.String(), 20), Detail: msg}
	switch {
	case n == 401:
		e.Kind = quota.KindUnauthorized
	case n == 402:
		e.Kind = quota.KindQuotaExhausted
	case n == 403:
		e.Kind = quota.KindForbidden
	case n == 404:
		e.Kind = quota.KindNotFound
	case n == 429:
		e.Kind = quota.KindRateLimited
	case n == 502 || n == 503:
		e.Kind = quota.KindCapacity
	case n >= 500 && n < 600:
		e.Kind = quota.KindServerError
	default:
		e.Kind = quota.KindMalformed
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("error envelope with code %s", httpx.Truncate(code.Raw, 20))
		}
	}
	return e
}
