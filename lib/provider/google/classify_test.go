package google

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

// The google.rpc.Status rows moved here from httpx's TestFromStatus with
// the rules; the generic ones check that Classify falls through.
func TestClassify(t *testing.T) {
	reset := time.Date(2026, 1, 24, 5, 10, 0, 0, time.UTC)
	tests := []struct {
		name      string
		status    int
		body      string
		want      quota.Kind
		wantRetry time.Duration
		wantReset time.Time
		wantLink  string
	}{
		{name: "quota exhausted", status: 429, body: `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","metadata":{"quotaResetDelay":"33740.9s"}}]}}`,
			want: quota.KindQuotaExhausted, wantRetry: 33740900 * time.Millisecond},
		{name: "quota with reset and retry info", status: 429, body: `{"error":{"code":429,"message":"Individual quota reached.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","metadata":{"quotaResetDelay":"33740.9s","quotaResetTimeStamp":"2026-01-24T05:10:00Z"}},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"33740.9s"}]}}`,
			want: quota.KindQuotaExhausted, wantRetry: 33740900 * time.Millisecond, wantReset: reset},
		{name: "google rate", status: 429, body: `{"error":{"details":[{"reason":"RATE_LIMIT_EXCEEDED"}]}}`, want: quota.KindRateLimited},
		{name: "short rate stays a rate limit", status: 429, body: `{"error":{"details":[{"reason":"RATE_LIMIT_EXCEEDED"},{"retryDelay":"1.5s"}]}}`, want: quota.KindRateLimited, wantRetry: 1500 * time.Millisecond},
		{name: "long rate is an exhausted quota", status: 429, body: `{"error":{"details":[{"reason":"RATE_LIMIT_EXCEEDED"},{"retryDelay":"3600s"}]}}`, want: quota.KindQuotaExhausted, wantRetry: time.Hour},
		{name: "capacity", status: 429, body: `{"error":{"details":[{"reason":"MODEL_CAPACITY_EXHAUSTED"}]}}`, want: quota.KindCapacity},
		{name: "validation", status: 403, body: `{"error":{"details":[{"reason":"VALIDATION_REQUIRED","metadata":{"validation_link":"https://accounts.google.com/x"}}]}}`,
			want: quota.KindVerification, wantLink: "https://accounts.google.com/x"},
		{name: "access token expired", status: 401, body: `{"error":{"code":401,"status":"UNAUTHENTICATED","details":[{"reason":"ACCESS_TOKEN_EXPIRED"}]}}`, want: quota.KindUnauthorized},
		{name: "credentials missing", status: 401, body: `{"error":{"code":401,"details":[{"reason":"CREDENTIALS_MISSING"}]}}`, want: quota.KindUnauthorized},
		// Generic rules (httpx.FromStatus) for everything else.
		{name: "bare resource exhausted", status: 429, body: `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`, want: quota.KindRateLimited},
		{name: "permission denied", status: 403, body: `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`, want: quota.KindForbidden},
		{name: "unknown reason", status: 403, body: `{"error":{"details":[{"reason":"SERVICE_DISABLED"}]}}`, want: quota.KindForbidden},
		{name: "invalid_grant", status: 400, body: `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, want: quota.KindRefreshRevoked},
		{name: "not json", status: 500, body: `<html>`, want: quota.KindServerError},
		{name: "deep", status: 429, body: strings.Repeat("[", 1<<12), want: quota.KindRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := &httpx.StatusError{Status: tt.status, Header: http.Header{}, Body: []byte(tt.body), URL: "https://cloudcode-pa.googleapis.com/x"}
			err := Classify(se)
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.want || e.RetryAfter != tt.wantRetry || !e.ResetAt.Equal(tt.wantReset) || e.Link != tt.wantLink {
				t.Fatalf("Classify = %+v, want %s retry %v reset %v link %q", e, tt.want, tt.wantRetry, tt.wantReset, tt.wantLink)
			}
			if !errors.Is(err, se) {
				t.Errorf("the status error is lost")
			}
		})
	}
	if err := errors.New("x"); Classify(err) != err {
		t.Errorf("a non-status error must pass through")
	}
}

// FuzzClassify: whatever the body, a *quota.Error of a known kind that
// keeps the status error.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		`{"error":{"code":429,"message":"Individual quota reached.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","metadata":{"quotaResetDelay":"33740.9s","quotaResetTimeStamp":"2026-01-24T05:10:00Z"}},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"33740.9s"}]}}`,
		`{"error":{"code":403,"details":[{"reason":"VALIDATION_REQUIRED","metadata":{"validation_link":"https://x"}}]}}`,
		`{"error":{"details":[{"retryDelay":"1e9h"}]}}`,
		`{"error":{"details":[{"reason":"RATE_LIMIT_EXCEEDED","retryDelay":"-5s"}]}}`,
		`{"error":{"details":"QUOTA_EXHAUSTED"}}`,
		strings.Repeat(`{"error":`, 500),
		"\xff\xfe",
	} {
		f.Add(429, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		se := &httpx.StatusError{Status: status, Header: http.Header{}, Body: body}
		err := Classify(se)
		var e *quota.Error
		if !errors.As(err, &e) || !slices.Contains(quota.Kinds, e.Kind) || !errors.Is(err, se) {
			t.Fatalf("Classify(%d, %q) = %v", status, body, err)
		}
	})
}
