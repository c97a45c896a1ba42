package kimi

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// week is the length of the top-level "usage" quota: the body gives no
// window for it, Kimi documents it as weekly (it resets every 7 days).
const week = 7 * 24 * time.Hour

// maxCount bounds counts read from upstream: far above any plan and well
// inside exact float64 integers.
const maxCount = 1e15

// parseUsages reads a /coding/v1/usages body:
//
//	{"user": {"membership": {"level": "LEVEL_…"}},
//	 "usage": {"limit": "100", "used": "13", "remaining": "87", "resetTime": "…"},
//	 "limits": [{"window": {"duration": 300, "timeUnit": "TIME_UNIT_MINUTE"},
//	             "detail": {"limit": …, "used": …, "remaining": …, "resetTime": …}}]}
//
// Numbers arrive as strings. A body with neither "usage" nor "limits" is
// an error envelope or malformed; a figure out of range (negative, not a
// number, absurd) makes the whole body malformed rather than reaching the
// report. Errors are *quota.Error values.
func parseUsages(body []byte) (quota.Account, error) {
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
	usage, limits := root.Get("usage"), root.Get("limits")
	if !usage.Exists() && !limits.Exists() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.neither", map[string]any{"A": "usage", "B": "limits"})
	}
	if limits.Exists() && limits.Type != gjson.Null && !limits.IsArray() {
		return quota.Account{}, quota.Detailed(quota.KindMalformed, "detail.json.field_not_array", map[string]any{"Field": "limits"})
	}
	a := quota.Account{Plan: planName(root.Get("user.membership.level"))}
	for i, it := range limits.Array() {
		detail := it.Get("detail")
		if !detail.IsObject() {
			continue // an item without figures says nothing
		}
		w, err := window(detail, period(it.Get("window")))
		if err != nil {
			return quota.Account{}, quota.Errorf(quota.KindMalformed, "limits[%d].detail.%s", i, err.Error())
		}
		a.Windows = append(a.Windows, w)
	}
	if usage.IsObject() {
		w, err := window(usage, week)
		if err != nil {
			return quota.Account{}, quota.Errorf(quota.KindMalformed, "usage.%s", err.Error())
		}
		a.Windows = append(a.Windows, w)
	}
	// Shortest window first: the 5-hour limit binds before the weekly one.
	sort.SliceStable(a.Windows, func(i, j int) bool {
		pi, pj := a.Windows[i].Period, a.Windows[j].Period
		return pi != 0 && (pj == 0 || pi < pj)
	})
	return a, nil
}

// window turns one {limit, used, remaining, resetTime} object into a rate
// window of the given length. Kimi counts requests.
func window(d gjson.Result, p time.Duration) (quota.Window, error) {
	w := quota.Window{Kind: quota.KindRate, Period: p, Unit: "requests"}
	if t, err := time.Parse(time.RFC3339Nano, d.Get("resetTime").String()); err == nil {
		w.ResetAt = t
	}
	limit, hasLimit, err := count(d, "limit")
	if err != nil {
		return w, err
	}
	used, hasUsed, err := count(d, "used")
	if err != nil {
		return w, err
	}
	rem, hasRem, err := count(d, "remaining")
	if err != nil {
		return w, err
	}
	if !hasUsed && hasLimit && hasRem {
		// Some answers give what is left, not what is used.
		used, hasUsed = max(limit-rem, 0), true
	}
	if !hasLimit || !hasUsed {
		w.NoData = true
		return w, nil
	}
	w.Used, w.Limit = &used, &limit
	if limit == 0 {
		// A zero allowance is no quota figure, not an exhausted one.
		w.NoData = true
		return w, nil
	}
	w.UsedPct = min(used/limit*100, 100)
	return w, nil
}

// count reads a non-negative count; absent or null is not an error.
func count(d gjson.Result, field string) (float64, bool, error) {
	r := d.Get(field)
	if !r.Exists() || r.Type == gjson.Null {
		return 0, false, nil
	}
	v, ok := jsonval.Number(r)
	if !ok || v < 0 || v > maxCount {
		return 0, false, fmt.Errorf("%s out of range: %s", field, httpx.Truncate(r.Raw, 40))
	}
	return v, true, nil
}

// period reads a window {duration, timeUnit}; zero when absent, unknown
// or absurd (more than a year).
func period(w gjson.Result) time.Duration {
	n, ok := jsonval.Number(w.Get("duration"))
	if !ok || n <= 0 {
		return 0
	}
	var unit time.Duration
	switch strings.ToUpper(w.Get("timeUnit").String()) {
	case "TIME_UNIT_SECOND":
		unit = time.Second
	case "TIME_UNIT_MINUTE":
		unit = time.Minute
	case "TIME_UNIT_HOUR":
		unit = time.Hour
	case "TIME_UNIT_DAY":
		unit = 24 * time.Hour
	case "TIME_UNIT_WEEK":
		unit = week
	default:
		return 0
	}
	d := n * float64(unit)
	if d > float64(366*24*time.Hour) {
		return 0
	}
	return time.Duration(d)
}

// planName turns the membership level ("LEVEL_INTERMEDIATE") into the
// tier's name ("Intermediate"); Kimi's marketed names (Moderato,
// Allegretto…) are not in the body and peers disagree on the mapping, so
// none is guessed. Anything but a plain upper-case word is dropped.
func planName(r gjson.Result) string {
	s := strings.TrimPrefix(strings.TrimSpace(r.String()), "LEVEL_")
	if s == "" || len(s) > 40 || s == "UNSPECIFIED" {
		return ""
	}
	words := strings.Split(s, "_")
	for i, w := range words {
		for _, c := range w {
			if c > unicode.MaxASCII || !(unicode.IsUpper(c) || unicode.IsDigit(c)) {
				return ""
			}
		}
		if w == "" {
			return ""
		}
		words[i] = w[:1] + strings.ToLower(w[1:])
	}
	return strings.Join(words, " ")
}

// envelopeError classifies Kimi's error envelope,
// {"error": {"message", "type"}} (the OpenAI-style wire; the
// Anthropic-style wire nests the same pair and adds "type": "error").
// Unknown types are malformed, keeping the message.
func envelopeError(root gjson.Result) *quota.Error {
	typ, msg := root.Get("error.type").String(), root.Get("error.message").String()
	e := &quota.Error{Kind: typeKind(typ), Code: httpx.Truncate(typ, 60), Detail: httpx.Truncate(msg, httpx.DetailLen)}
	if e.Kind == quota.KindMalformed && e.Code == "" && e.Detail == "" {
		e.With("detail.kimi.no_type", nil)
	}
	return e
}

// typeKind maps the error types Kimi Code answers with (its error
// reference, and the Moonshot platform's types it shares) to kinds.
func typeKind(t string) quota.Kind {
	switch t {
	case "invalid_authentication_error", "authentication_error":
		return quota.KindUnauthorized
	case "access_terminated_error", "permission_denied_error", "permission_error":
		return quota.KindForbidden
	case "exceeded_current_quota_error":
		return quota.KindQuotaExhausted
	case "rate_limit_reached_error", "rate_limit_error":
		return quota.KindRateLimited
	case "engine_overloaded_error", "overloaded_error":
		return quota.KindCapacity
	case "server_error", "api_error":
		return quota.KindServerError
	case "resource_not_found_error", "not_found_error":
		return quota.KindNotFound
	}
	return quota.KindMalformed
}
