package opencodego

import (
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// windows are the Go plan's three limits, in report order, with their
// lengths: the rolling window is 5 hours, the monthly one a month
// (OpenCode's own client counts it as 30 days).
var windows = []struct {
	name   string
	period time.Duration
}{
	{"rolling", 5 * time.Hour},
	{"weekly", 7 * 24 * time.Hour},
	{"monthly", 30 * 24 * time.Hour},
}

// statusLimited is the status of a window whose limit is reached.
const statusLimited = "rate-limited"

// parseUsage reads a /zen/go/v1/usage body:
//
//	{"usage": {"rolling": {"status": "ok", "percent": 4, "resetsAt": "…"},
//	           "weekly": {…}, "monthly": {…}}}
//
// percent is the share used, an integer in the bodies seen. A window
// absent from the body is left out; a percent that is not a number, or is
// negative, makes the whole body malformed; one above 100 is shown as
// 100 (an exhausted window). A window whose status is "rate-limited" sets
// the account's limit-reached flag. Errors are *quota.Error values.
func parseUsage(body []byte) (quota.Account, error) {
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
	if isEnvelope(root) {
		return quota.Account{}, envelopeError(root)
	}
	usage := root.Get("usage")
	if !usage.Exists() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.no_field", map[string]any{"Field": "usage"})
	}
	if !usage.IsObject() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_object", map[string]any{"Field": "usage"})
	}
	var a quota.Account
	for _, spec := range windows {
		it := usage.Get(spec.name)
		if !it.IsObject() {
			continue
		}
		w := quota.Window{Kind: quota.KindRate, Period: spec.period}
		pct := it.Get("percent")
		switch v, ok := jsonval.Number(pct); {
		case !pct.Exists() || pct.Type == gjson.Null:
			w.NoData = true
		case !ok || v < 0:
			return quota.Account{}, quota.Errorf(quota.KindMalformed, "usage.%s.percent out of range: %s", spec.name, httpx.Truncate(pct.Raw, 40))
		default:
			w.UsedPct = min(v, 100)
		}
		w.ResetAt = resetAt(it)
		if it.Get("status").String() == statusLimited {
			a.LimitReached = true
			if w.NoData {
				// The platform says the limit binds: that is a figure.
				w.NoData, w.UsedPct = false, 100
			}
		}
		a.Windows = append(a.Windows, w)
	}
	if len(a.Windows) == 0 {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.shape", nil)
	}
	return a, nil
}

// resetAt reads the window's reset, an ISO time ("resetsAt"; "resets_at"
// is accepted too). An unreadable value is no reset time.
func resetAt(it gjson.Result) time.Time {
	for _, k := range []string{"resetsAt", "resets_at"} {
		if r := it.Get(k); r.Type == gjson.String {
			if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(r.Str)); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// isEnvelope reports whether root is OpenCode's error envelope:
// {"type": "error", "error": {"type": "AuthError", "message": …}}, or the
// flat {"type": "AuthError", "message": …} some routes answer.
func isEnvelope(root gjson.Result) bool {
	if root.Get("error").IsObject() {
		return true
	}
	t := root.Get("type").String()
	return t == "error" || strings.HasSuffix(t, "Error")
}

// envelopeError classifies an error envelope by its type; unknown types
// are malformed, keeping the message.
func envelopeError(root gjson.Result) *quota.Error {
	typ, msg := root.Get("error.type").String(), root.Get("error.message").String()
	if !root.Get("error").IsObject() {
		typ, msg = root.Get("type").String(), root.Get("message").String()
	}
	e := &quota.Error{Kind: typeKind(typ), Code: httpx.Truncate(typ, 60), Detail: httpx.Truncate(msg, httpx.DetailLen)}
	if e.Kind == quota.KindMalformed && e.Code == "" && e.Detail == "" {
		e.With("detail.json.shape", nil)
	}
	return e
}

// typeKind maps OpenCode's error types to kinds. EntitlementError is a
// valid key without a Go subscription (a Zen-only workspace).
func typeKind(t string) quota.Kind {
	switch t {
	case "AuthError":
		return quota.KindUnauthorized
	case "EntitlementError":
		return quota.KindNotSubscribed
	case "RateLimitError":
		return quota.KindRateLimited
	}
	return quota.KindMalformed
}
