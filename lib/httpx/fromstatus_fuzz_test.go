package httpx

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// FuzzFromStatus feeds random statuses, bodies and headers to the generic
// classifier: it must never panic and always give a *quota.Error whose
// kind is in the closed set.
func FuzzFromStatus(f *testing.F) {
	seeds := []struct {
		status             int
		body, retry, limit string
	}{
		{401, `{"error":{"code":401,"status":"UNAUTHENTICATED","details":[{"reason":"ACCESS_TOKEN_EXPIRED"}]}}`, "", ""},
		{400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, "", ""},
		{429, `{"error":{"code":429,"message":"Individual quota reached.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","metadata":{"quotaResetDelay":"33740.9s","quotaResetTimeStamp":"2026-01-24T05:10:00Z"}},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"33740.9s"}]}}`, "", ""},
		{429, `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`, "7", ""},
		{403, `{"message":"API rate limit exceeded"}`, "", "0"},
		{403, `{"error":{"code":403,"details":[{"reason":"VALIDATION_REQUIRED","metadata":{"validation_link":"https://x"}}]}}`, "", ""},
		{503, `<html>unavailable</html>`, "Wed, 21 Oct 2026 07:28:00 GMT", ""},
		{404, ``, "", ""},
		{200, `{"error":{"details":[{"retryDelay":"1e9h"}]}}`, "-1", ""},
		{999, "\xff\xfe", "x", "y"},
		// Nesting past the depth limit must be classified without recursing.
		{400, strings.Repeat(`{"error":`, 500) + `"invalid_grant"` + strings.Repeat("}", 500), "", ""},
		{429, strings.Repeat("[", 1<<16), "", ""},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), s.retry, s.limit)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, retry, limit string) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		h.Set("X-Ratelimit-Remaining", limit)
		h.Set("X-Ratelimit-Reset", retry)
		ra, _ := ParseRetryAfter(retry, time.Unix(1e9, 0))
		in := &StatusError{Status: status, Header: h, Body: body, URL: "https://example.test/x", RetryAfter: ra}
		err := FromStatus(in)
		var e *quota.Error
		if !errors.As(err, &e) {
			t.Fatalf("FromStatus(%d, %q) = %T %v, want *quota.Error", status, body, err, err)
		}
		if !slices.Contains(quota.Kinds, e.Kind) {
			t.Fatalf("FromStatus(%d, %q) kind %q is not in quota.Kinds", status, body, e.Kind)
		}
		if !errors.Is(err, in) {
			t.Fatalf("FromStatus lost the status error")
		}
	})
}

// FuzzDetail: whatever a body holds, its detail is bounded, one line, and
// keeps no piece of a known secret.
func FuzzDetail(f *testing.F) {
	const key = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6.FuzzDetailKey9"
	quota.RegisterSecret(key)
	f.Add([]byte(key), 0)
	f.Add([]byte(`{"error":{"message":"bad key `+key[:20]+"\n"+key[20:]+`"}}`), 3)
	f.Add([]byte(strings.Repeat("[", 4096)), 1)
	f.Fuzz(func(t *testing.T, body []byte, at int) {
		if at < 0 {
			at = -at
		}
		at %= len(body) + 1
		in := string(body[:at]) + key + string(body[at:])
		d := (&StatusError{Status: 401, Header: http.Header{}, Body: []byte(in)}).Detail()
		if len(d) > DetailLen+len("…") || strings.ContainsAny(d, "\n\r\t") {
			t.Fatalf("detail %q", d)
		}
		for i := 0; i+quota.MinSecret <= len(key); i++ {
			if piece := key[i : i+quota.MinSecret]; strings.Contains(d, piece) && !strings.Contains(string(body), piece) {
				t.Fatalf("detail %q keeps %q of the key", d, piece)
			}
		}
	})
}
