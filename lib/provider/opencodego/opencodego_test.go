package opencodego

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
const testKey = "sk-CANARY-go-test-0123456789abcdef"

func authJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var defaultAuth = map[string]any{
	"opencode-go": map[string]any{"type": "api", "key": testKey},
	"openai":      map[string]any{"type": "oauth", "access": "at-CANARY"},
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
	return New(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// server answers the usages path with status and a fixture, recording
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
		if r.URL.Path != "/zen/go/v1/usage" {
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
	return map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": s.URL + "/zen/go/"}
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
	s := newServer(t, 200, "usage_ccswitch.json")
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
	tg := discoverOne(t, p)
	if tg.Name != quota.MaskKey(testKey) || !strings.HasPrefix(tg.Key, "opencodego:") || strings.Contains(tg.Key+tg.Name, "CANARY") {
		t.Errorf("target = %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != tg.Name || len(a.Windows) != 3 || a.Windows[0].Period != h5 || a.Windows[2].Period != month {
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
	got, err := p.d.Endpoint(Setting, DefaultBaseURL, usagePath)
	if want := "https://opencode.ai/zen/go/v1/usage"; err != nil || got != want {
		t.Errorf("url %q, %v; want %q", got, err, want)
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:1/zen/go/v1/v1", "http://127.0.0.1:1/zen/go/v1/usage", "opencode.ai"} {
		t.Run(base, func(t *testing.T) {
			p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": base})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != "MYSTATUS_OPENCODEGO_BASE_URL" {
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
	}{
		{"401 auth", 401, "err_401_auth.json", quota.KindUnauthorized, "AuthError"},
		{"401 auth flat", 401, "err_401_auth_flat.json", quota.KindUnauthorized, "AuthError"},
		{"403 entitlement", 403, "err_403_entitlement.json", quota.KindNotSubscribed, "EntitlementError"},
		{"429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "RateLimitError"},
		{"502 HTML", 502, "html.html", quota.KindServerError, ""},
		{"200 HTML", 200, "html.html", quota.KindMalformed, ""},
		{"200 with 403 body", 200, "err_403_entitlement.json", quota.KindNotSubscribed, "EntitlementError"},
		{"404", 404, "html.html", quota.KindNotFound, ""},
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
			if a.Windows != nil {
				t.Errorf("windows with an error: %s", show(a))
			}
			if !strings.HasSuffix(e.URL, "/zen/go/v1/usage") || e.Status != tt.status {
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
	const key = "sk-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2DmW4nT"
	bodies := map[string]func() (int, string){
		"401 envelope": func() (int, string) {
			return 401, `{"type":"error","error":{"type":"AuthError","message":"bad key ` + key + `"}}`
		},
		"200 envelope": func() (int, string) { return 200, `{"type":"XError","message":"key ` + key[3:] + ` unknown"}` },
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
			p := newProvider(t, authJSON(t, map[string]any{"opencode-go": map[string]any{"type": "api", "key": key}}),
				map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": s.URL})
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
		source     string
	}{
		{name: "no file", source: `"opencode-go"`},
		{name: "no key", auth: `{"anthropic":{"type":"oauth","access":"x-CANARY"}}`, source: `"opencode-go"`},
		{name: "primary", auth: `{"opencode-go":{"type":"api","key":" sk-CANARY-go-a0123456789 "},"opencode":{"type":"api","key":"sk-CANARY-zen-b0123456789"}}`,
			configured: true, key: "sk-CANARY-go-a0123456789", source: `"opencode-go"`},
		{name: "legacy", auth: `{"opencode":{"type":"api","key":"sk-CANARY-legacy-c0123456789"}}`,
			configured: true, key: "sk-CANARY-legacy-c0123456789", source: `"opencode"`},
		{name: "console sign-in is not ours", auth: `{"opencode":{"type":"oauth","access":"x-CANARY","refresh":"r-CANARY","expires":1}}`, source: `"opencode-go"`},
		{name: "legacy empty key ignored", auth: `{"opencode":{"type":"api","key":" "}}`, source: `"opencode-go"`},
		{name: "broken then legacy", auth: `{"opencode-go":{"type":"oauth","access":"x-CANARY"},"opencode":{"type":"api","key":"sk-CANARY-legacy-d0123456789"}}`,
			configured: true, key: "sk-CANARY-legacy-d0123456789", source: `"opencode"`},
		{name: "wrong type", auth: `{"opencode-go":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "opencode-go.type", source: `"opencode-go"`},
		{name: "empty key", auth: `{"opencode-go":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "opencode-go.key", source: `"opencode-go"`},
		{name: "entry not an object", auth: `{"opencode-go":"sk-CANARY"}`, configured: true,
			kind: quota.KindFieldMissing, field: "opencode-go", source: `"opencode-go"`},
		{name: "file malformed", auth: `{"opencode-go":`, configured: true, kind: quota.KindFileMalformed, source: `"opencode-go"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.auth, nil)
			info := p.Info()
			path := p.d.Auth.Paths.OpenCodeAuth()
			if info.ID != ID || info.Configured != tt.configured || len(info.Sources) != 1 ||
				info.Sources[0].Path != path || info.Sources[0].What != tt.source {
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
	s := newServer(t, 200, "usage_ccswitch.json")
	p := newProvider(t, `{"openai":{"type":"oauth","access":"x"}}`, env(s))
	if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
		t.Fatalf("error = %v", err)
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
	s := newServer(t, 200, "usage_ccswitch.json")
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
		w.Write([]byte(`{"type":"error","error":{"type":"AuthError"},"x":` + strings.Repeat("[", 100000)))
	}))
	defer s.Close()
	p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": s.URL})
	_, err := p.Fetch(context.Background(), discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized || e.Code != "" {
		t.Fatalf("error = %#v", e)
	}
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 2 || d.AuthKeys[0] != "opencode-go" || d.AuthKeys[1] != "opencode" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "opencodego_base_url" || d.Endpoints[0].Default != DefaultBaseURL || d.Endpoints[0].Paths[0] != "/v1/usage" {
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
	entry := dm.AuthEntries["opencode-go"].(map[string]any)
	if !strings.Contains(entry["key"].(string), "CANARY") {
		t.Errorf("entry %v", entry)
	}
	p := newProvider(t, authJSON(t, dm.AuthEntries), map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": srv.URL})
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Windows) != 3 || a.Windows[0].UsedPct != 15 || !a.Windows[0].ResetAt.After(now) || !a.Windows[2].ResetAt.After(now) {
		t.Errorf("account = %s", show(a))
	}
	// A wrong key is refused as the real API does.
	p = newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENCODEGO_BASE_URL": srv.URL})
	if _, err := p.Fetch(context.Background(), discoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
		t.Errorf("error = %v", err)
	}
}
