package openai

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Fake credentials: every secret contains CANARY so leaks are greppable.
const (
	sig       = "sig-CANARY-openai-0001"
	refresh   = "rt-CANARY-openai-refresh-0001"
	accountID = "acct-team-0001"
	email     = "user@example.com"
)

// makeJWT builds an unsigned-looking token with the given claims.
func makeJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString(b) + "." + sig
}

// liveClaims are the claims of a token valid at now.
func liveClaims() map[string]any {
	return map[string]any{
		"exp":                            now.Add(time.Hour).Unix(),
		"https://api.openai.com/profile": map[string]any{"email": email},
		"https://api.openai.com/auth":    map[string]any{"chatgpt_account_id": accountID},
	}
}

// authFile renders an auth.json with one "openai" entry.
func authFile(t testing.TB, entry map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"openai": entry, "other": map[string]any{"type": "api", "key": "sk-CANARY-other"}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func oauthEntry(access string) map[string]any {
	return map[string]any{"type": "oauth", "access": access, "refresh": refresh, "expires": now.Add(time.Hour).UnixMilli()}
}

// newProvider writes authJSON (if not empty) under a temporary data
// directory and returns a provider whose settings come from env.
func newProvider(t testing.TB, authJSON string, env map[string]string) *Provider {
	t.Helper()
	dir := t.TempDir()
	if authJSON != "" {
		if err := os.MkdirAll(filepath.Join(dir, "opencode"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "opencode", "auth.json"), []byte(authJSON), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	client := httpx.New(5 * time.Second)
	client.Now = func() time.Time { return now }
	return New(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// server serves status and the named fixture, recording each request.
type server struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	last *http.Request
}

func newServer(t testing.TB, status int, fixture string) *server {
	t.Helper()
	body := readFixture(t, fixture)
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.last = r
		s.mu.Unlock()
		if r.URL.Path != "/backend-api/wham/usage" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// env points the base URL at s, with a trailing slash users often add.
func (s *server) env() map[string]string {
	return map[string]string{"MYSTATUS_OPENAI_BASE_URL": s.URL + "/backend-api/"}
}

func discoverOne(t *testing.T, p *Provider) quota.Target {
	t.Helper()
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("got %d targets, want 1", len(ts))
	}
	return ts[0]
}

func TestFetchSendsHeaders(t *testing.T) {
	s := newServer(t, 200, "usage_normal.json")
	token := makeJWT(t, liveClaims())
	p := newProvider(t, authFile(t, oauthEntry(token)), s.env())
	tg := discoverOne(t, p)
	if tg.Err != nil || tg.Name != email {
		t.Fatalf("target = %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != email || a.Plan != "plus" || len(a.Windows) != 2 {
		t.Errorf("account = %+v", a)
	}
	r := s.last
	for k, want := range map[string]string{
		"Authorization":      "Bearer " + token,
		"Accept":             "application/json",
		"Chatgpt-Account-Id": accountID,
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
}

func TestAccountIDHeader(t *testing.T) {
	noAuthClaim := map[string]any{"exp": now.Add(time.Hour).Unix()}
	tests := []struct {
		name      string
		claims    map[string]any
		entryAcct string
		want      string
	}{
		{"from JWT", liveClaims(), "acct-entry", accountID},
		{"from auth.json", noAuthClaim, "acct-entry", "acct-entry"},
		{"absent", noAuthClaim, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, 200, "usage_normal.json")
			e := oauthEntry(makeJWT(t, tt.claims))
			if tt.entryAcct != "" {
				e["accountId"] = tt.entryAcct
			}
			p := newProvider(t, authFile(t, e), s.env())
			if _, err := p.Fetch(context.Background(), discoverOne(t, p)); err != nil {
				t.Fatal(err)
			}
			vals, sent := s.last.Header["Chatgpt-Account-Id"]
			if tt.want == "" {
				if sent {
					t.Errorf("header sent: %q", vals)
				}
			} else if !sent || vals[0] != tt.want {
				t.Errorf("header = %q, want %q", vals, tt.want)
			}
		})
	}
}

func TestExpiredTokenMakesNoRequest(t *testing.T) {
	pastClaims := liveClaims()
	pastClaims["exp"] = now.Add(-time.Minute).Unix()
	expiredEntry := oauthEntry(makeJWT(t, liveClaims()))
	expiredEntry["expires"] = now.Add(-time.Minute).UnixMilli()
	tests := []struct {
		name  string
		entry map[string]any
	}{
		{"auth.json expires", expiredEntry},
		{"JWT exp", oauthEntry(makeJWT(t, pastClaims))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, 200, "usage_normal.json")
			p := newProvider(t, authFile(t, tt.entry), s.env())
			tg := discoverOne(t, p)
			var qe *quota.Error
			if !errors.As(tg.Err, &qe) || qe.Kind != quota.KindTokenExpired || qe.Path != p.d.Auth.Paths.OpenCodeAuth() {
				t.Fatalf("target error = %v", tg.Err)
			}
			if tg.Name != email {
				t.Errorf("name = %q", tg.Name)
			}
			if n := s.hits.Load(); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	s := newServer(t, 200, "usage_normal.json")
	tests := []struct {
		name, base string
		kind       quota.Kind
	}{
		{"trailing slash", s.URL + "/backend-api/", ""},
		{"no trailing slash", s.URL + "/backend-api", ""},
		{"doubled v1", s.URL + "/v1/v1", quota.KindBadConfig},
		{"endpoint path included", s.URL + "/backend-api/wham/usage", quota.KindBadConfig},
		{"not a URL", "chatgpt.com", quota.KindBadConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, liveClaims()))),
				map[string]string{"MYSTATUS_OPENAI_BASE_URL": tt.base})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			if quota.KindOf(err) != tt.kind && !(tt.kind == "" && err == nil) {
				t.Fatalf("error = %v, want kind %q", err, tt.kind)
			}
			if tt.kind == quota.KindBadConfig && quota.AsError(err).Field != "MYSTATUS_OPENAI_BASE_URL" {
				t.Errorf("field = %q", quota.AsError(err).Field)
			}
		})
	}
}

func TestFetchErrors(t *testing.T) {
	path := func(p *Provider) string { return p.d.Auth.Paths.OpenCodeAuth() }
	tests := []struct {
		name    string
		status  int
		fixture string
		kind    quota.Kind
		check   func(t *testing.T, p *Provider, e *quota.Error)
	}{
		{"401 token_expired", 401, "err_401_token_expired.json", quota.KindTokenExpired, func(t *testing.T, p *Provider, e *quota.Error) {
			if e.Path != path(p) || e.Code != "token_expired" || e.Status != 401 || !strings.Contains(e.Detail, "expired") {
				t.Errorf("error = %#v", e)
			}
		}},
		{"429 usage_limit_reached", 429, "err_429_usage_limit.json", quota.KindQuotaExhausted, func(t *testing.T, p *Provider, e *quota.Error) {
			if !e.ResetAt.Equal(now.Add(5400*time.Second)) || e.Code != "usage_limit_reached" {
				t.Errorf("error = %#v", e)
			}
		}},
		// Revoked on OpenAI's side: unauthorized with the code that picks
		// "sign in again" steps, not "use a model once".
		{"401 token_invalidated", 401, "err_401_token_invalidated.json", quota.KindUnauthorized, func(t *testing.T, p *Provider, e *quota.Error) {
			if e.Code != "token_invalidated" || !strings.Contains(e.Detail, "invalidated") || e.Status != 401 {
				t.Errorf("error = %#v", e)
			}
		}},
		{"401 token_revoked text", 401, "err_401_token_revoked.txt", quota.KindUnauthorized, func(t *testing.T, p *Provider, e *quota.Error) {
			if e.Code != "token_revoked" {
				t.Errorf("error = %#v", e)
			}
		}},
		{"401 bare", 401, "usage_html.html", quota.KindUnauthorized, func(t *testing.T, p *Provider, e *quota.Error) {
			if e.Code != "" {
				t.Errorf("error = %#v", e)
			}
		}},
		{"403 challenge", 403, "usage_html.html", quota.KindForbidden, nil},
		{"500", 500, "usage_truncated.json", quota.KindServerError, nil},
		{"200 HTML", 200, "usage_html.html", quota.KindMalformed, func(t *testing.T, p *Provider, e *quota.Error) {
			if e.Status != 200 || !strings.HasSuffix(e.URL, "/backend-api/wham/usage") {
				t.Errorf("error = %#v", e)
			}
		}},
		{"200 truncated", 200, "usage_truncated.json", quota.KindMalformed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.status, tt.fixture)
			p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, liveClaims()))), s.env())
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if quota.KindOf(err) != tt.kind {
				t.Fatalf("error = %v, want kind %s", err, tt.kind)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %+v", a)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("secret in error: %v", err)
			}
			if tt.check != nil {
				tt.check(t, p, quota.AsError(err))
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	live := makeJWT(t, liveClaims())
	tests := []struct {
		name       string
		auth       string
		configured bool
		kind       quota.Kind // empty: ErrNotConfigured
		field      string
	}{
		{name: "no file", auth: ""},
		{name: "no key", auth: `{"anthropic":{"type":"oauth","access":"x-CANARY"}}`},
		{name: "null key", auth: `{"openai":null}`},
		{name: "api key entry", auth: `{"openai":{"type":"api","key":"sk-CANARY-openai-api"}}`},
		{name: "wrong type", auth: authFile(t, map[string]any{"type": "wellknown", "access": live}),
			configured: true, kind: quota.KindFieldMissing, field: "openai.type"},
		{name: "no access", auth: authFile(t, map[string]any{"type": "oauth", "refresh": refresh}),
			configured: true, kind: quota.KindFieldMissing, field: "openai.access"},
		{name: "malformed file", auth: `{"openai":`, configured: true, kind: quota.KindFileMalformed},
		{name: "ok", auth: authFile(t, oauthEntry(live)), configured: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.auth, nil)
			info := p.Info()
			if info.ID != ID || info.Configured != tt.configured || len(info.Sources) != 2 ||
				info.Sources[0].Path != p.d.Auth.Paths.OpenCodeAuth() || info.Sources[0].What != `"openai"` ||
				info.Sources[1].Path != p.CodexPath() {
				t.Errorf("info = %+v", info)
			}
			ts, err := p.Discover(context.Background())
			switch {
			case tt.name == "ok":
				if err != nil || len(ts) != 1 {
					t.Fatalf("targets %v, error %v", ts, err)
				}
			case tt.kind == "":
				if !errors.Is(err, quota.ErrNotConfigured) {
					t.Fatalf("error = %v, want not configured", err)
				}
			default:
				e := quota.AsError(err)
				if e.Kind != tt.kind || e.Field != tt.field || e.Path != p.d.Auth.Paths.OpenCodeAuth() {
					t.Fatalf("error = %#v", e)
				}
				if strings.Contains(err.Error(), "CANARY") {
					t.Errorf("secret in error: %v", err)
				}
			}
		})
	}
}

func TestTargetKey(t *testing.T) {
	key := func(claims map[string]any) string {
		p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, claims))), nil)
		tg := discoverOne(t, p)
		if strings.Contains(tg.Key+tg.Name, "CANARY") || !strings.HasPrefix(tg.Key, "openai:") {
			t.Fatalf("key %q name %q", tg.Key, tg.Name)
		}
		return tg.Key
	}
	renewed := liveClaims()
	renewed["exp"] = now.Add(2 * time.Hour).Unix()
	if key(liveClaims()) != key(renewed) {
		t.Error("key changes when the token is renewed")
	}
	other := liveClaims()
	other["https://api.openai.com/profile"] = map[string]any{"email": "other@example.com"}
	if key(liveClaims()) == key(other) {
		t.Error("two users of one workspace share a key")
	}
	// A token that is not a JWT still gets a key, hashed from the token.
	p := newProvider(t, authFile(t, oauthEntry("opaque-CANARY-token")), nil)
	if tg := discoverOne(t, p); strings.Contains(tg.Key, "CANARY") || tg.Name != "" {
		t.Errorf("opaque token target = %+v", tg)
	}
}

func TestFetchForeignTarget(t *testing.T) {
	p := newProvider(t, "", nil)
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("error = %v", err)
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "usage_credits.json")
	p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, liveClaims()))), s.env())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			ts, err := p.Discover(context.Background())
			if err == nil {
				_, err = p.Fetch(context.Background(), ts[0])
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestDecodeJWT(t *testing.T) {
	payload := `{"exp":1769169600,"https://api.openai.com/profile":{"email":"a@b.c"},"https://api.openai.com/auth":{"chatgpt_account_id":"acc"}}`
	want := claims{Email: "a@b.c", AccountID: "acc", Expires: time.Unix(1769169600, 0)}
	padded := base64.URLEncoding.EncodeToString([]byte(payload))
	std := base64.StdEncoding.EncodeToString([]byte(payload + "  "))
	tests := []struct {
		name, token string
		want        claims
	}{
		{"raw url", "h." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".s", want},
		{"padded", "h." + padded + ".s", want},
		{"std alphabet", "h." + std + ".s", want},
		{"two parts", "h." + padded, claims{}},
		{"not base64", "h.!!!.s", claims{}},
		{"not JSON", "h." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".s", claims{}},
		{"JSON array", "h." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".s", claims{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeJWT(tt.token); got != tt.want {
				t.Errorf("claims = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// An upstream that echoes the access token (in the e-mail, the plan, a
// limit name, an error message) never gets it into the account or the
// error.
func TestEchoedTokenNeverShown(t *testing.T) {
	for _, status := range []int{200, 401, 403} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				w.WriteHeader(status)
				if status != 200 {
					_, _ = w.Write([]byte(`{"error":{"message":"bad token ` + tok + `","code":"` + tok + `"}}`))
					return
				}
				_, _ = w.Write([]byte(`{"email":"` + tok + `","plan_type":"` + tok + `","rate_limit":{"primary_window":{"used_percent":5}},
					"additional_rate_limits":[{"limit_name":"` + tok + `","rate_limit":{"primary_window":{"used_percent":1}}}]}`))
			}))
			t.Cleanup(srv.Close)
			p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, liveClaims()))), map[string]string{"MYSTATUS_OPENAI_BASE_URL": srv.URL})
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if s := fmt.Sprintf("%+v %v %#v", a, err, err); strings.Contains(s, "CANARY") {
				t.Fatalf("token echoed into the result: %s", s)
			}
			if status == 200 && (err != nil || len(a.Windows) != 2) {
				t.Fatalf("got %+v, %v", a, err)
			}
		})
	}
}

// A login OpenAI revoked is explained with steps that sign in again, in
// every language, never with the "use a model once" renewal.
func TestRevokedLoginSteps(t *testing.T) {
	for _, fixture := range []string{"err_401_token_invalidated.json", "err_401_token_revoked.txt"} {
		s := newServer(t, 401, fixture)
		p := newProvider(t, authFile(t, oauthEntry(makeJWT(t, liveClaims()))), s.env())
		_, err := p.Fetch(context.Background(), discoverOne(t, p))
		plain := explain.For(i18n.New("en"), p.Describe(), &quota.Error{Kind: quota.KindUnauthorized, Status: 401}, p.d.Auth.Paths)
		for _, lang := range i18n.Languages {
			x := explain.For(i18n.New(lang), p.Describe(), err, p.d.Auth.Paths)
			steps := strings.Join(x.Steps, "\n")
			if x.Kind != quota.KindUnauthorized || !strings.Contains(steps, "opencode auth login") || len(x.Steps) < 3 {
				t.Errorf("%s %s: %+v", fixture, lang, x)
			}
			if lang == "en" && (strings.Contains(steps, "model once") || steps == strings.Join(plain.Steps, "\n")) {
				t.Errorf("%s: renewal steps for a revoked login: %q", fixture, steps)
			}
		}
	}
}
