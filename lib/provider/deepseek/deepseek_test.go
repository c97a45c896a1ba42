package deepseek

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-CANARY-deepseek-0123456789abcdef"

func authJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var defaultAuth = map[string]any{
	"deepseek": map[string]any{"type": "api", "key": testKey},
	"openai":   map[string]any{"type": "oauth", "access": "at-CANARY"},
}

// newProvider writes authFile (if not empty) under a temporary data
// directory and builds the platform with settings from env.
func newProvider(t testing.TB, authFile string, env map[string]string) *Provider {
	t.Helper()
	dir := t.TempDir()
	if authFile != "" {
		if err := os.MkdirAll(filepath.Join(dir, "opencode"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "opencode", "auth.json"), []byte(authFile), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	client := httpx.New(5 * time.Second)
	client.Now = func() time.Time { return now }
	// The one retry of a 429 or 5xx happens at once: tests never sleep.
	client.Sleep = func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil }
	return New(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// server answers the balance path with status and a fixture, recording
// the last request's headers.
type server struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	last http.Header
}

func newServer(t testing.TB, status int, fixture string) *server {
	t.Helper()
	body := readFixture(t, fixture)
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.last = r.Header.Clone()
		s.mu.Unlock()
		if r.Method != http.MethodGet || r.URL.Path != "/user/balance" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func env(s *server) map[string]string {
	return map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": s.URL + "/"}
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

func TestFetch(t *testing.T) {
	s := newServer(t, 200, "balance_cny_docs.json")
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
	tg := discoverOne(t, p)
	if tg.Name != quota.MaskKey(testKey) || !strings.HasPrefix(tg.Key, "deepseek:") || strings.Contains(tg.Key+tg.Name, "CANARY") {
		t.Errorf("target = %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != tg.Name || len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindBalance ||
		*a.Windows[0].Money.Balance != (quota.Money{Minor: 11000, Decimals: 2, Currency: "CNY"}) {
		t.Errorf("account = %s", show(a))
	}
	if got := s.last.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if got := s.last.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	p := newProvider(t, "", nil)
	got, err := p.d.Endpoint(Setting, DefaultBaseURL, balancePath)
	if want := "https://api.deepseek.com/user/balance"; err != nil || got != want {
		t.Errorf("url %q, %v; want %q", got, err, want)
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:1/user/balance", "http://127.0.0.1:1/v1/v1", "api.deepseek.com"} {
		t.Run(base, func(t *testing.T) {
			p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": base})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != "MYSTATUS_DEEPSEEK_BASE_URL" {
				t.Fatalf("error = %#v", e)
			}
		})
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		fixture string
		kind    quota.Kind
		code    string
		detail  string
	}{
		{"401 invalid key", 401, "err_401_invalid_key.json", quota.KindUnauthorized, "authentication_error", "Authentication Fails, Your api key: [redacted] is invalid"},
		{"401 no such user", 401, "err_401_no_such_user.json", quota.KindUnauthorized, "authentication_error", "Authentication Fails (no such user)"},
		{"402 insufficient balance", 402, "err_402_insufficient_balance.json", quota.KindQuotaExhausted, "unknown_error", "Insufficient Balance"},
		{"429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "rate_limit_error", "Rate Limit Reached"},
		{"500 server", 500, "err_500_server.json", quota.KindServerError, "server_error", "Server Error"},
		{"502 HTML", 502, "html.html", quota.KindServerError, "", ""},
		{"200 HTML", 200, "html.html", quota.KindMalformed, "", ""},
		{"200 with 401 body", 200, "err_401_invalid_key.json", quota.KindUnauthorized, "authentication_error", "Authentication Fails, Your api key: [redacted] is invalid"},
		{"404", 404, "html.html", quota.KindNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.status, tt.fixture)
			p := newProvider(t, authJSON(t, defaultAuth), env(s))
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
			}
			if tt.detail != "" && e.Detail != tt.detail {
				t.Errorf("detail %q, want %q", e.Detail, tt.detail)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %s", show(a))
			}
			if !strings.HasSuffix(e.URL, "/user/balance") || e.Status != tt.status {
				t.Errorf("url %q status %d", e.URL, e.Status)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("secret in error: %v", err)
			}
		})
	}
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	bodies := map[string]func() (int, string){
		"401 envelope": func() (int, string) {
			return 401, `{"error":{"message":"Authentication Fails, Your api key: ` + key + ` is invalid","type":"authentication_error"}}`
		},
		"200 envelope": func() (int, string) { return 200, `{"error":{"message":"key ` + key[3:] + ` unknown","type":"x"}}` },
		"500 text":     func() (int, string) { return 500, "upstream failed for Bearer " + key },
		"200 garbage":  func() (int, string) { return 200, strings.Repeat("x", 110) + " " + key + " <html>" },
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				status, b := body()
				w.WriteHeader(status)
				w.Write([]byte(b))
			}))
			defer s.Close()
			p := newProvider(t, authJSON(t, map[string]any{"deepseek": map[string]any{"type": "api", "key": key}}),
				map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": s.URL})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil {
				t.Fatal("no error")
			}
			shown := err.Error() + "\n" + e.Detail
			for i := 3; i+6 <= len(key); i++ {
				if f := key[i : i+6]; strings.Contains(shown, f) {
					t.Fatalf("fragment %q of the key in %q", f, shown)
				}
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	tests := []struct {
		name       string
		auth       string
		configured bool
		kind       quota.Kind // empty: ErrNotConfigured (or ok when key is set)
		field      string
		key        string
	}{
		{name: "no file"},
		{name: "no key", auth: `{"moonshotai":{"type":"api","key":"sk-CANARY-moonshot-0123456789"}}`},
		{name: "key", auth: `{"deepseek":{"type":"api","key":" sk-CANARY-a0123456789 "}}`, configured: true, key: "sk-CANARY-a0123456789"},
		{name: "wrong type", auth: `{"deepseek":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "deepseek.type"},
		{name: "empty key", auth: `{"deepseek":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "deepseek.key"},
		{name: "entry not an object", auth: `{"deepseek":"sk-CANARY"}`, configured: true,
			kind: quota.KindFieldMissing, field: "deepseek"},
		{name: "file malformed", auth: `{"deepseek":`, configured: true, kind: quota.KindFileMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.auth, nil)
			info := p.Info()
			path := p.d.Auth.Paths.OpenCodeAuth()
			if info.ID != ID || info.Configured != tt.configured || len(info.Sources) != 1 ||
				info.Sources[0].Path != path || info.Sources[0].What != `"deepseek"` {
				t.Errorf("info = %+v", info)
			}
			ts, err := p.Discover(context.Background())
			switch {
			case tt.key != "":
				if err != nil || len(ts) != 1 || ts[0].Data.(cred).key != tt.key || ts[0].Name != quota.MaskKey(tt.key) {
					t.Fatalf("targets %+v, error %v", ts, err)
				}
			case tt.kind == "":
				if !errors.Is(err, quota.ErrNotConfigured) || ts != nil {
					t.Fatalf("error = %v, want not configured", err)
				}
			default:
				e := quota.AsError(err)
				if e.Kind != tt.kind || e.Field != tt.field || e.Path != path {
					t.Fatalf("error = %#v", e)
				}
			}
		})
	}
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	s := newServer(t, 200, "balance_cny_docs.json")
	p := newProvider(t, `{"openai":{"type":"oauth","access":"x"}}`, env(s))
	if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
		t.Fatalf("error = %v", err)
	}
	if p.Info().Configured {
		t.Error("configured without a key")
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("%d requests", n)
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
	s := newServer(t, 200, "balance_cny_xlyra.json")
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
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
	if n := s.hits.Load(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"error":{"type":"authentication_error"},"x":` + strings.Repeat("[", 100000)))
	}))
	defer s.Close()
	p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": s.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.Fetch(ctx, discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized || e.Code != "" {
		t.Fatalf("error = %#v", e)
	}
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 1 || d.AuthKeys[0] != "deepseek" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "deepseek_base_url" || d.Endpoints[0].Default != DefaultBaseURL ||
		len(d.Endpoints[0].Paths) != 1 || d.Endpoints[0].Paths[0] != "/user/balance" {
		t.Errorf("description = %+v", d)
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	dm, err := New(provider.Deps{}).Demo(now, auth.Paths{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dm.Handler)
	defer srv.Close()
	if dm.Settings[Setting] != "/" || dm.Failing {
		t.Errorf("settings %v", dm.Settings)
	}
	entry := dm.AuthEntries["deepseek"].(map[string]any)
	if !strings.Contains(entry["key"].(string), "CANARY") {
		t.Errorf("entry %v", entry)
	}
	p := newProvider(t, authJSON(t, dm.AuthEntries), map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": srv.URL})
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Windows) != 1 || a.Windows[0].Money == nil || a.Windows[0].Money.Balance.Minor != 5744 ||
		a.Windows[0].Money.Granted.Minor != 1000 || a.Windows[0].Disabled != "" {
		t.Errorf("account = %s", show(a))
	}
	// A wrong key is refused as the real API does.
	p = newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_DEEPSEEK_BASE_URL": srv.URL})
	if _, err := p.Fetch(context.Background(), discoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
		t.Errorf("error = %v", err)
	}
}
