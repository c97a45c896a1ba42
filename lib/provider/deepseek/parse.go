package deepseek

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
	"golang.org/x/text/currency"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// maxAmount bounds amounts read from upstream (major units): far above
// any prepaid balance and well inside exact float64 minor units.
const maxAmount = 1e12

// Unavailable is the Disabled reason of every balance window when the
// body says "is_available": false: DeepSeek gives no reason text, so the
// field itself is shown, verbatim.
const Unavailable = "is_available: false"

// isoCode is an ISO 4217 code as DeepSeek writes it.
var isoCode = regexp.MustCompile(`^[A-Z]{3}$`)

// parseBalance reads a /user/balance body:
//
//	{"is_available": true,
//	 "balance_infos": [{"currency": "CNY", "total_balance": "110.00",
//	                    "granted_balance": "10.00", "topped_up_balance": "100.00"}]}
//
// Amounts arrive as decimal strings. Each currency is one KindBalance
// window: the total is what is left, split into granted (promotional,
// spent first and expiring) and topped-up money. "is_available": false
// (the account cannot pay for API calls) marks every window Disabled
// rather than failing: the amounts still tell how much to top up, and an
// empty balance is the account's state, not a fault of the report. A
// currency holding nothing is left out when another one holds money (a
// CNY account also lists an empty USD entry). An amount that is not a
// number makes the whole body malformed. Errors are *quota.Error values.
func parseBalance(body []byte) (quota.Account, error) {
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
	if root.Get("error").IsObject() {
		return quota.Account{}, envelopeError(root)
	}
	infos, avail := root.Get("balance_infos"), root.Get("is_available")
	if !infos.Exists() && !avail.Exists() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.neither", map[string]any{"A": "balance_infos", "B": "is_available"})
	}
	if infos.Exists() && infos.Type != gjson.Null && !infos.IsArray() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_array", map[string]any{"Field": "balance_infos"})
	}
	disabled := ""
	if avail.Type == gjson.False {
		disabled = Unavailable
	}
	var a quota.Account
	for i, it := range infos.Array() {
		if !it.IsObject() {
			continue // an item without figures says nothing
		}
		w, err := window(it)
		if err != nil {
			return quota.Account{}, quota.Errorf(quota.KindMalformed, "balance_infos[%d].%s", i, err.Error())
		}
		w.Disabled = disabled
		a.Windows = append(a.Windows, w)
	}
	a.Windows = dropEmpty(a.Windows)
	if len(a.Windows) == 0 {
		// No currency listed: the balance is unknown, not zero.
		a.Windows = []quota.Window{{Kind: quota.KindBalance, NoData: true, Disabled: disabled}}
	}
	return a, nil
}

// window turns one balance_infos item into a balance window.
func window(it gjson.Result) (quota.Window, error) {
	cur := strings.TrimSpace(it.Get("currency").String())
	if !isoCode.MatchString(cur) {
		cur = "" // shown as a bare number rather than as upstream text
	}
	m := &quota.MoneyFigures{}
	w := quota.Window{Kind: quota.KindBalance, Money: m}
	var err error
	if m.Balance, err = amount(it, "total_balance", cur); err != nil {
		return w, err
	}
	if m.Granted, err = amount(it, "granted_balance", cur); err != nil {
		return w, err
	}
	if m.ToppedUp, err = amount(it, "topped_up_balance", cur); err != nil {
		return w, err
	}
	if m.Balance == nil && m.Granted != nil && m.ToppedUp != nil {
		// The total is documented as the sum of the two.
		m.Balance = &quota.Money{Minor: m.Granted.Minor + m.ToppedUp.Minor, Decimals: m.Granted.Decimals, Currency: cur}
	}
	if m.Balance == nil {
		w.NoData = true
	}
	return w, nil
}

// dropEmpty leaves out the currencies holding nothing when another
// currency holds money.
func dropEmpty(ws []quota.Window) []quota.Window {
	empty := func(w quota.Window) bool {
		m := w.Money
		if m == nil {
			return true
		}
		for _, x := range []*quota.Money{m.Balance, m.Granted, m.ToppedUp} {
			if x != nil && x.Minor != 0 {
				return false
			}
		}
		return true
	}
	some := false
	for _, w := range ws {
		some = some || !empty(w)
	}
	if !some {
		return ws
	}
	out := ws[:0:0]
	for _, w := range ws {
		if !empty(w) {
			out = append(out, w)
		}
	}
	return out
}

// amount reads a money field (a decimal string or a number) in the
// currency's minor units; absent, null or empty is not an error.
func amount(it gjson.Result, field, cur string) (*quota.Money, error) {
	r := it.Get(field)
	if !r.Exists() || r.Type == gjson.Null || (r.Type == gjson.String && strings.TrimSpace(r.Str) == "") {
		return nil, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || math.Abs(v) > maxAmount {
		return nil, fmt.Errorf("%s out of range: %s", field, httpx.Truncate(r.Raw, 40))
	}
	d := decimals(cur)
	minor := math.Round(v * math.Pow10(d))
	if minor == 0 {
		minor = 0 // "-0.00" is zero, not a debt
	}
	return &quota.Money{Minor: int64(minor), Decimals: d, Currency: cur}, nil
}

// decimals is the number of minor-unit digits of a currency (2 for CNY
// and USD); 2 when the currency is unknown.
func decimals(cur string) int {
	u, err := currency.ParseISO(cur)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// envelopeError classifies DeepSeek's error envelope, {"error":
// {"message", "type", "param", "code"}}, answered with a 200 status: an
// authentication failure or an insufficient balance by their type and
// message, anything else malformed, keeping type and message.
func envelopeError(root gjson.Result) *quota.Error {
	typ, msg := root.Get("error.type").String(), root.Get("error.message").String()
	e := &quota.Error{Kind: quota.KindMalformed, Code: httpx.Truncate(typ, 60), Detail: httpx.Truncate(msg, httpx.DetailLen)}
	switch {
	case typ == "authentication_error" || strings.HasPrefix(msg, "Authentication Fails"):
		e.Kind = quota.KindUnauthorized
	case strings.Contains(strings.ToLower(msg), "insufficient balance"):
		e.Kind = quota.KindQuotaExhausted
	}
	if e.Code == "" && e.Detail == "" {
		e.With("detail.deepseek.no_type", nil)
	}
	return e
}
