package httpx

import (
	"errors"
	"net/http"
	"slices"
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
