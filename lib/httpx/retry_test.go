package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// testBackoff is what the injected backoff returns; nothing sleeps it.
const testBackoff = 123 * time.Millisecond

// answer is one scripted response; hijack drops the connection instead.
type answer struct {
	status int
	header map[string]string
	body   string
	hijack bool
}

func TestDoRetry(t *testing.T) {

	ok := answer{status: 200, body: `{"ok":true}`}
	tests := []struct {
		name     string
		answers  []answer
		deadline time.Duration // for ctx; zero means none
		calls    int32
		wantKind quota.Kind // "" means success
		wantWait time.Duration
		slept    time.Duration // the pause before the retry
	}{
		{"success", []answer{ok}, 0, 1, "", 0, 0},
		{"503 then success", []answer{{status: 503}, ok}, 0, 2, "", 0, testBackoff},
		{"502 then success", []answer{{status: 502}, ok}, 0, 2, "", 0, testBackoff},
		{"500 twice", []answer{{status: 500}, {status: 500}}, 0, 2, quota.KindServerError, 0, testBackoff},
		{"reset then success", []answer{{hijack: true}, ok}, 0, 2, "", 0, testBackoff},
		{"short retry-after honoured", []answer{{status: 429, header: map[string]string{"Retry-After": "1"}}, ok}, 0, 2, "", 0, time.Second},
		{"github reset header", []answer{{status: 403, header: map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "1"}}, ok}, 0, 2, "", 0, time.Second},
		{"long retry-after reported", []answer{{status: 429, header: map[string]string{"Retry-After": "120"}}, ok}, 0, 1, quota.KindRateLimited, 120 * time.Second, 0},
		{"retry-after past the deadline", []answer{{status: 429, header: map[string]string{"Retry-After": "3"}}, ok}, 2 * time.Second, 1, quota.KindRateLimited, 3 * time.Second, 0},
		{"401 never", []answer{{status: 401}, ok}, 0, 1, quota.KindUnauthorized, 0, 0},
		{"403 never", []answer{{status: 403}, ok}, 0, 1, quota.KindForbidden, 0, 0},
		{"invalid_grant never", []answer{{status: 400, body: `{"error":"invalid_grant"}`}, ok}, 0, 1, quota.KindRefreshRevoked, 0, 0},
		{"exhausted quota never", []answer{{status: 429, body: `{"error":{"code":429,"details":[{"reason":"QUOTA_EXHAUSTED"}]}}`}, ok}, 0, 1, quota.KindQuotaExhausted, 0, 0},
		{"bad request never", []answer{{status: 400, body: "bad"}, ok}, 0, 1, quota.KindMalformed, 0, 0},
		{"oversized never", []answer{{status: 200, body: strings.Repeat("x", 2048)}, ok}, 0, 1, quota.KindMalformed, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if b, _ := io.ReadAll(r.Body); string(b) != "payload" {
					t.Errorf("attempt %d sent body %q", calls.Load()+1, b)
				}
				a := tt.answers[min(int(calls.Add(1))-1, len(tt.answers)-1)]
				if a.hijack {
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return
				}
				for k, v := range a.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(a.status)
				io.WriteString(w, a.body)
			}))
			defer srv.Close()
			c := New(5 * time.Second)
			c.MaxBody = 1024
			c.Now = func() time.Time { return time.Unix(0, 0) } // "X-Ratelimit-Reset: 1" is 1 s away
			var slept time.Duration
			c.Backoff = func() time.Duration { return testBackoff }
			c.Sleep = func(_ context.Context, d time.Duration) bool { slept += d; return true }
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := c.DoRetry(ctx, func() (*http.Request, error) {
				return http.NewRequest(http.MethodPost, srv.URL+"/usage", strings.NewReader("payload"))
			})
			if n := calls.Load(); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			if slept != tt.slept {
				t.Errorf("waited %v before retrying, want %v", slept, tt.slept)
			}
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e := quota.AsError(FromStatus(err))
			if e.Kind != tt.wantKind {
				t.Fatalf("kind %s (%v), want %s", e.Kind, err, tt.wantKind)
			}
			if e.RetryAfter != tt.wantWait {
				t.Errorf("retry after %v, want %v", e.RetryAfter, tt.wantWait)
			}
		})
	}
}

func TestDoRetryBuildError(t *testing.T) {
	c := New(time.Second)
	_, err := c.DoRetry(context.Background(), func() (*http.Request, error) {
		return http.NewRequest(http.MethodGet, "://bad", nil)
	})
	if quota.KindOf(err) != quota.KindBadConfig {
		t.Fatalf("build error classified as %v", err)
	}
}

func TestDoRetryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	c := New(time.Second)
	c.Backoff = func() time.Duration { cancel(); return time.Hour }
	_, err := c.DoRetry(ctx, func() (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) })
	if calls.Load() != 1 || quota.KindOf(FromStatus(err)) != quota.KindServerError {
		t.Fatalf("%d calls, err %v; want one call and the first error", calls.Load(), err)
	}
}

// roundTripFunc is a transport made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTimedOutNotRetried: a request that hangs until the client's timeout
// (or the caller's deadline) is sent once, with no pause after it. The
// bubble's fake clock makes the 10 s timeout instant.
func TestTimedOutNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		timeout  time.Duration // the client's per-request timeout
		deadline time.Duration // the caller's; zero for none
	}{
		{"client timeout", 10 * time.Second, 0},
		{"caller deadline", 0, 15 * time.Second},
		{"caller deadline shorter than the timeout", 10 * time.Second, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				c := New(tc.timeout)
				c.HTTP = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					calls.Add(1)
					<-r.Context().Done()
					return nil, r.Context().Err()
				})}
				c.Sleep = func(context.Context, time.Duration) bool { t.Error("waited to retry a timeout"); return true }
				ctx := context.Background()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				start := time.Now()
				_, err := c.GetRetry(ctx, "https://quota.example.com/usage", nil)
				if quota.KindOf(err) != quota.KindTimeout {
					t.Fatalf("err %v, want timeout", err)
				}
				if n := calls.Load(); n != 1 {
					t.Errorf("%d attempts, want 1", n)
				}
				want := tc.timeout
				if tc.deadline > 0 && (want == 0 || tc.deadline < want) {
					want = tc.deadline
				}
				if took := time.Since(start); took != want {
					t.Errorf("took %v on the bubble's clock, want %v", took, want)
				}
			})
		})
	}
}
