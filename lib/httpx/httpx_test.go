package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func TestJoinURL(t *testing.T) {
	tests := []struct {
		base, path, want string
		bad              bool
	}{
		{"https://chatgpt.com/backend-api", "/wham/usage", "https://chatgpt.com/backend-api/wham/usage", false},
		{"https://chatgpt.com/backend-api/", "/wham/usage", "https://chatgpt.com/backend-api/wham/usage", false},
		{"http://127.0.0.1:8080", "/api/monitor/usage/quota/limit", "http://127.0.0.1:8080/api/monitor/usage/quota/limit", false},
		{"https://x/backend-api/wham/usage", "/wham/usage", "", true},
		{"https://x/v1/v1", "/token", "", true},
		{"https://x/v1", "/v1/models", "", true},
		{"ftp://x", "/a", "", true},
		{"not a url", "/a", "", true},
		{"https://x?key=1", "/a", "", true},
	}
	for _, tt := range tests {
		got, err := JoinURL(tt.base, tt.path, "MYSTATUS_X_BASE_URL")
		if tt.bad {
			if quota.KindOf(err) != quota.KindBadConfig {
				t.Errorf("JoinURL(%q): err %v, want bad_config", tt.base, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("JoinURL(%q, %q) = %q, %v; want %q", tt.base, tt.path, got, err, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDoBodyCapAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			chunk := strings.Repeat("x", 64<<10)
			for range 64 { // 4 MiB
				if _, err := w.Write([]byte(chunk)); err != nil {
					return
				}
			}
		case "/429":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			w.Write([]byte(`{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`))
		case "/slow":
			<-r.Context().Done() // answers only once the client gave up
		default:
			w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	c := New(200 * time.Millisecond)
	if r, err := c.Get(context.Background(), srv.URL+"/ok?token=secret", nil); err != nil || string(r.Body) != `{"ok":true}` || strings.Contains(r.URL, "secret") {
		t.Fatalf("ok: %v %v", r, err)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/big", nil); quota.KindOf(err) != quota.KindMalformed {
		t.Errorf("big body: %v", err)
	}
	_, err := c.Get(context.Background(), srv.URL+"/429", nil)
	e := quota.AsError(FromStatus(err))
	if e.Kind != quota.KindRateLimited || e.RetryAfter != 7*time.Second || e.Status != 429 {
		t.Errorf("bare 429 RESOURCE_EXHAUSTED: %+v", e)
	}
	if _, err := c.Get(context.Background(), srv.URL+"/slow", nil); quota.KindOf(err) != quota.KindTimeout {
		t.Errorf("slow: %v", err)
	}
	if _, err := c.Get(context.Background(), "http://127.0.0.1:1/x", nil); quota.KindOf(err) != quota.KindConnection {
		t.Errorf("refused: %v", err)
	}
}

func TestFromStatus(t *testing.T) {
	h := func(kv ...string) http.Header {
		x := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			x.Set(kv[i], kv[i+1])
		}
		return x
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   quota.Kind
	}{
		{"invalid_grant", 400, nil, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, quota.KindRefreshRevoked},
		{"invalid_client", 401, nil, `{"error":"invalid_client"}`, quota.KindClientMismatch},
		{"github primary", 403, h("X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", "1800000000"), `{"message":"API rate limit exceeded"}`, quota.KindRateLimited},
		{"github forbidden", 403, nil, `{"message":"Resource not accessible"}`, quota.KindForbidden},
		{"401", 401, nil, `{"message":"Bad credentials"}`, quota.KindUnauthorized},
		{"404", 404, nil, `Not Found`, quota.KindNotFound},
		{"long retry-after is a quota", 429, nil, ``, quota.KindRateLimited},
		{"500", 500, nil, `oops`, quota.KindServerError},
		{"503", 503, nil, `<html>`, quota.KindCapacity},
	}
	for _, tt := range tests {
		se := &StatusError{Status: tt.status, Header: tt.header, Body: []byte(tt.body)}
		if se.Header == nil {
			se.Header = http.Header{}
		}
		if got := quota.KindOf(FromStatus(se)); got != tt.want {
			t.Errorf("%s: kind %q, want %q", tt.name, got, tt.want)
		}
	}
	long := &StatusError{Status: 429, Header: http.Header{}, RetryAfter: time.Hour}
	if got := quota.KindOf(FromStatus(long)); got != quota.KindQuotaExhausted {
		t.Errorf("429 with a one-hour Retry-After: %q", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("a\n  b", 10); got != "a b" {
		t.Errorf("%q", got)
	}
	if got := Truncate("héllo wörld", 2); got != "h…" {
		t.Errorf("%q", got)
	}
}
