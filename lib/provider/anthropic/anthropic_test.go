package anthropic

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

var now = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

const canaryAccess = "sk-ant-oat01-CANARY-anthropic-0001"

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replay writes the recorded response testdata/file.
func replay(t testing.TB, w http.ResponseWriter, file string) {
	providertest.Replay(t, w, filepath.Join("testdata", file))
}

type env struct {
	p       *Provider
	reqs    atomic.Int32 // usage requests
	mu      sync.Mutex
	last    *http.Request // last usage request
	profReq *http.Request // last profile request
	answr   string
	// profile is the recorded profile answer; empty answers 404.
	profile string
}

// newEnv builds a provider over a temp home with auth.json content (none
// when empty) and a fake usage endpoint answering with file.
func newEnv(t *testing.T, authJSON, file string) *env {
	t.Helper()
	home := t.TempDir()
	paths := auth.Paths{Home: home, XDGData: filepath.Join(home, "data"), XDGConfig: filepath.Join(home, "config")}
	if authJSON != "" {
		if err := os.MkdirAll(filepath.Join(paths.XDGData, "opencode"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths.OpenCodeAuth(), []byte(authJSON), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{answr: file, profile: "profile_max.json"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if r.URL.Path == "/api/oauth/profile" {
			e.profReq = r.Clone(context.Background())
			if e.profile == "" {
				http.NotFound(w, r)
				return
			}
			replay(t, w, e.profile)
			return
		}
		e.reqs.Add(1)
		e.last = r.Clone(context.Background())
		replay(t, w, e.answr)
	}))
	t.Cleanup(srv.Close)
	e.p = New(provider.Deps{
		HTTP: httpx.New(5 * time.Second),
		Auth: auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(k string) string {
			if k == "MYSTATUS_ANTHROPIC_BASE_URL" {
				return srv.URL + "/"
			}
			return ""
		}},
		Now: func() time.Time { return now },
	})
	return e
}

// run discovers and fetches the single target.
func (e *env) run(t *testing.T) (quota.Account, error) {
	t.Helper()
	targets, err := e.p.Discover(context.Background())
	if err != nil {
		return quota.Account{}, err
	}
	if len(targets) != 1 {
		t.Fatalf("%d targets", len(targets))
	}
	if targets[0].Err != nil {
		return quota.Account{Name: targets[0].Name}, targets[0].Err
	}
	if strings.Contains(targets[0].Key, "CANARY") {
		t.Fatalf("target key leaks the token: %q", targets[0].Key)
	}
	return e.p.Fetch(context.Background(), targets[0])
}

const validAuth = `{"anthropic":{"type":"oauth","access":"` + canaryAccess + `","refresh":"sk-ant-ort01-CANARY-anthropic-refresh","expires":1795438800000}}`

func TestFetch(t *testing.T) {
	e := newEnv(t, validAuth, "usage_out_of_credits_eur.json")
	acct, err := e.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Name != "max@example.com" || acct.Plan != "max 5x" || len(acct.Windows) != 4 || acct.Credits != nil {
		t.Fatalf("account %+v", acct)
	}
	for _, r := range []*http.Request{e.last, e.profReq} {
		if r == nil {
			t.Fatal("missing request")
		}
		if r.Method != http.MethodGet {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		for k, v := range map[string]string{
			"Authorization":  "Bearer " + canaryAccess,
			"Anthropic-Beta": "oauth-2025-04-20",
			"Accept":         "application/json",
			"User-Agent":     "claude-cli/2.1.0 (external, cli)",
		} {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s %s = %q, want %q", r.URL.Path, k, got, v)
			}
		}
	}
	if e.last.URL.Path != "/api/oauth/usage" || e.profReq.URL.Path != "/api/oauth/profile" {
		t.Errorf("paths %s, %s", e.last.URL.Path, e.profReq.URL.Path)
	}
	info := e.p.Info()
	if !info.Configured || info.ID != ID || len(info.Sources) != 2 || info.Sources[1].Path != e.p.ClaudeCodePath() {
		t.Fatalf("info %+v", info)
	}
}

// A profile that fails (404, a server error, HTML) never fails the
// account: the name falls back to the auth.json e-mail, then "Claude".
func TestProfileFailureKeepsAccount(t *testing.T) {
	for _, prof := range []string{"", "err_401_expired.http", "usage_bad.json", "err_429.http"} {
		t.Run(prof, func(t *testing.T) {
			e := newEnv(t, `{"anthropic":{"type":"oauth","access":"`+canaryAccess+`","expires":0,"email":"dev@example.com"}}`, "usage_legacy.json")
			e.profile = prof
			acct, err := e.run(t)
			if err != nil || acct.Name != "dev@example.com" || acct.Plan != "" || len(acct.Windows) != 3 {
				t.Fatalf("got %+v, %v", acct, err)
			}
			e = newEnv(t, validAuth, "usage_legacy.json")
			e.profile = prof
			if acct, err = e.run(t); err != nil || acct.Name != "Claude" {
				t.Fatalf("got %+v, %v", acct, err)
			}
		})
	}
}

func TestNoRequestCases(t *testing.T) {
	tests := []struct {
		name, auth string
		kind       quota.Kind
		field      string
	}{
		{"expired token", `{"anthropic":{"type":"oauth","access":"` + canaryAccess + `","refresh":"CANARY-r","expires":1795420000000}}`,
			quota.KindTokenExpired, "anthropic.expires"},
		{"api key", `{"anthropic":{"type":"api","key":"sk-ant-api03-CANARY-0001"}}`, quota.KindNotSubscribed, "anthropic.type"},
		{"no access", `{"anthropic":{"type":"oauth","refresh":"CANARY-r"}}`, quota.KindFieldMissing, "anthropic.access"},
		{"odd type", `{"anthropic":{"type":"wellknown","access":"CANARY-a"}}`, quota.KindFieldMissing, "anthropic.type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.auth, "usage_limits_fable.json")
			acct, err := e.run(t)
			qe := quota.AsError(err)
			if qe == nil || qe.Kind != tc.kind || qe.Field != tc.field || !strings.HasSuffix(qe.Path, "auth.json") || acct.Name != "Claude" {
				t.Fatalf("got %+v, %#v", acct, qe)
			}
			if strings.Contains(qe.Error(), "CANARY") {
				t.Fatalf("error leaks a secret: %v", qe)
			}
			if n := e.reqs.Load(); n != 0 {
				t.Fatalf("%d requests made", n)
			}
		})
	}
}

// TestFetchExpiredSinceDiscover checks a target that expired after
// Discover makes no request either.
func TestFetchExpiredSinceDiscover(t *testing.T) {
	e := newEnv(t, validAuth, "usage_limits_fable.json")
	targets, err := e.p.Discover(context.Background())
	if err != nil || targets[0].Err != nil {
		t.Fatal(err, targets)
	}
	e.p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
	if _, err := e.p.Fetch(context.Background(), targets[0]); quota.KindOf(err) != quota.KindTokenExpired {
		t.Fatalf("got %v", err)
	}
	if n := e.reqs.Load(); n != 0 {
		t.Fatalf("%d requests made", n)
	}
}

func TestNotConfigured(t *testing.T) {
	for name, authJSON := range map[string]string{"no file": "", "no key": `{"openai":{"type":"oauth","access":"x"}}`, "null key": `{"anthropic":null}`} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, authJSON, "usage_limits_fable.json")
			if _, err := e.p.Discover(context.Background()); err != quota.ErrNotConfigured {
				t.Fatalf("got %v", err)
			}
			if e.p.Info().Configured {
				t.Fatal("configured")
			}
		})
	}
}

func TestUpstreamErrors(t *testing.T) {
	tests := []struct {
		file   string
		kind   quota.Kind
		retry  time.Duration
		detail string
	}{
		{"err_429.http", quota.KindRateLimited, 30 * time.Second, "Rate limited. Please try again later."},
		{"err_429_long.http", quota.KindRateLimited, time.Hour, "Rate limited"},
		{"err_401_expired.http", quota.KindTokenExpired, 0, "OAuth token has expired"},
		{"err_403_scope.http", quota.KindForbidden, 0, "user:profile"},
		{"usage_bad.json", quota.KindMalformed, 0, "no five_hour, seven_day or limits"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			e := newEnv(t, validAuth, tc.file)
			_, err := e.run(t)
			qe := quota.AsError(err)
			if qe == nil || qe.Kind != tc.kind || qe.RetryAfter != tc.retry || !strings.Contains(qe.Detail, tc.detail) {
				t.Fatalf("got %#v", qe)
			}
			if strings.Contains(qe.Error(), "CANARY") {
				t.Fatalf("error leaks a secret: %v", qe)
			}
		})
	}
}

// An upstream that echoes the access token back (in names, the e-mail,
// an error message) never gets it into the account or the error.
func TestEchoedTokenNeverShown(t *testing.T) {
	for _, status := range []int{200, 401, 403} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := newEnv(t, validAuth, "usage_legacy.json")
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				if r.URL.Path == "/api/oauth/profile" {
					_, _ = w.Write([]byte(`{"account":{"email":"` + tok + `@example.com"},"organization":{"organization_type":"claude_` + tok + `"}}`))
					return
				}
				if status != 200 {
					w.WriteHeader(status)
					_, _ = w.Write([]byte(`{"type":"error","error":{"type":"x","message":"bad token ` + tok + `"}}`))
					return
				}
				_, _ = w.Write([]byte(`{"limits":[{"kind":"weekly_scoped","percent":5,"scope":{"model":{"display_name":"` + tok + `"},"surface":"` + tok + `"}}],
					"extra_usage":{"is_enabled":false,"disabled_reason":"` + tok + `"},"email":"` + tok + `"}`))
			}))
			t.Cleanup(srv.Close)
			e.p.d.Settings.Getenv = func(k string) string {
				if k == "MYSTATUS_ANTHROPIC_BASE_URL" {
					return srv.URL
				}
				return ""
			}
			acct, err := e.run(t)
			if s := fmt.Sprintf("%+v %v %#v", acct, err, err); strings.Contains(s, "CANARY") {
				t.Fatalf("token echoed into the result: %s", s)
			}
			if status == 200 && (err != nil || len(acct.Windows) != 2) {
				t.Fatalf("got %+v, %v", acct, err)
			}
		})
	}
}
