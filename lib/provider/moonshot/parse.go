package moonshot

import (
	"math"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// FactOverdraft is the fact of an account whose cash balance is below
// zero.
const FactOverdraft = "moonshot.fact.overdraft"

// maxAmount bounds amounts read from upstream (major units): far above
// any prepaid balance and well inside exact float64 minor units.
const maxAmount = 1e12

// decimals is the minor-unit precision of both platforms' currencies
// (USD and CNY cents). Moonshot reports floats with five decimals
// (49.58894); the report shows cents, as the console does.
const decimals = 2

// parseBalance reads a /v1/users/me/balance body:
//
//	{"code": 0, "status": true, "scode": "0x0",
//	 "data": {"available_balance": 49.58894, "voucher_balance": 46.58893,
//	          "cash_balance": 3.00001}}
//
// Amounts are JSON numbers in the platform's currency cur, which the body
// does not name. The one KindBalance window holds what can be spent
// (available_balance), split into vouchers (granted credit) and cash
// (topped-up money). Cash may be negative: the account is overdrawn, and
// Moonshot then counts only the vouchers as available. The negative cash
// is kept as it is, never clamped, and a fact says so. Errors are
// *quota.Error values.
func parseBalance(body []byte, cur string) (quota.Account, error) {
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
	if e := statusError(root); e != nil {
		return quota.Account{}, e
	}
	data := root.Get("data")
	switch {
	case !data.Exists() || data.Type == gjson.Null:
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "data"})
	case !data.IsObject():
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_object", map[string]any{"Field": "data"})
	}
	m := &quota.MoneyFigures{}
	var err error
	if m.Balance, err = amount(data, "available_balance", cur); err != nil {
		return quota.Account{}, err
	}
	if m.Granted, err = amount(data, "voucher_balance", cur); err != nil {
		return quota.Account{}, err
	}
	if m.ToppedUp, err = amount(data, "cash_balance", cur); err != nil {
		return quota.Account{}, err
	}
	if m.Balance == nil && m.Granted != nil && m.ToppedUp != nil {
		// Documented: vouchers plus cash, or the vouchers alone while
		// the cash is negative.
		m.Balance = &quota.Money{Minor: m.Granted.Minor + max(m.ToppedUp.Minor, 0), Decimals: decimals, Currency: cur}
	}
	w := quota.Window{Kind: quota.KindBalance, Money: m, NoData: m.Balance == nil}
	a := quota.Account{Windows: []quota.Window{w}}
	if m.ToppedUp != nil && m.ToppedUp.Minor < 0 {
		a.Facts = []quota.Fact{{ID: FactOverdraft}}
	}
	return a, nil
}

// statusError reads the body's own status: "code" other than 0 or
// "status": false without data is a failure even under HTTP 200.
func statusError(root gjson.Result) *quota.Error {
	code, status := root.Get("code"), root.Get("status")
	if !(code.Type == gjson.Number && code.Num != 0) && !(status.Type == gjson.False && !root.Get("data").IsObject()) {
		return nil
	}
	e := &quota.Error{Kind: quota.KindMalformed, Code: httpx.Truncate(root.Get("scode").String(), 60)}
	switch n := int(code.Num); {
	case n == 401:
		e.Kind = quota.KindUnauthorized
	case n == 403:
		e.Kind = quota.KindForbidden
	case n == 404:
		e.Kind = quota.KindNotFound
	case n == 429:
		e.Kind = quota.KindRateLimited
	case n >= 500 && n < 600:
		e.Kind = quota.KindServerError
	}
	if e.Code == "" {
		e.Code = httpx.Truncate(code.Raw, 20)
	}
	return e
}

// amount reads a money field in minor units; absent or null is not an
// error. Negative amounts are real (an overdrawn cash balance).
func amount(data gjson.Result, field, cur string) (*quota.Money, error) {
	r := data.Get(field)
	if !r.Exists() || r.Type == gjson.Null {
		return nil, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || math.Abs(v) > maxAmount {
		return nil, quota.Errorf(quota.KindMalformed, "data.%s out of range: %s", field, httpx.Truncate(r.Raw, 40))
	}
	minor := math.Round(v * math.Pow10(decimals))
	if minor == 0 {
		minor = 0 // -0.001 rounds to zero, not to a debt
	}
	return &quota.Money{Minor: int64(minor), Decimals: decimals, Currency: cur}, nil
}

// envelopeError classifies Moonshot's error envelope,
// {"error": {"message", "type"}} (the OpenAI-style wire). Unknown types
// are malformed, keeping the message.
func envelopeError(root gjson.Result) *quota.Error {
	typ, msg := root.Get("error.type").String(), root.Get("error.message").String()
	e := &quota.Error{Kind: typeKind(typ), Code: httpx.Truncate(typ, 60), Detail: httpx.Truncate(msg, httpx.DetailLen)}
	if e.Kind == quota.KindMalformed && e.Code == "" && e.Detail == "" {
		e.With("detail.moonshot.no_type", nil)
	}
	return e
}

// typeKind maps the error types of Moonshot's error reference to kinds.
// exceeded_current_quota_error is what a suspended account (balance used
// up) is answered with.
func typeKind(t string) quota.Kind {
	switch t {
	case "invalid_authentication_error", "incorrect_api_key_error":
		return quota.KindUnauthorized
	case "permission_denied_error", "access_terminated_error":
		return quota.KindForbidden
	case "exceeded_current_quota_error":
		return quota.KindQuotaExhausted
	case "rate_limit_reached_error":
		return quota.KindRateLimited
	case "engine_overloaded_error":
		return quota.KindCapacity
	case "server_error":
		return quota.KindServerError
	case "resource_not_found_error":
		return quota.KindNotFound
	}
	return quota.KindMalformed
}
