package openrouter

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

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-or-v1-CANARY-test-0123456789abcdef"

func authJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var defaultAuth = map[string]any{
	"openrouter": map[string]any{"type": "api", "key": testKey},
	"openai":     map[string]any{"type": "oauth", "access": "at-CANARY"},
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
	// Retries happen at once: no test waits on the wall clock.
	client.Sleep = func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil }
	return New(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// reply is one endpoint's canned answer.
type reply struct {
	status  int
	fixture string
}

// server answers /api/v1/key and /api/v1/credits, recording the paths
// asked and the last Authorization header.
type server struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	auth string
}

func newServer(t testing.TB, key, credits reply) *server {
	t.Helper()
	bodies := map[string][]byte{"/api/v1/key": readFixture(t, key.fixture), "/api/v1/credits": readFixture(t, credits.fixture)}
	status := map[string]int{"/api/v1/key": key.status, "/api/v1/credits": credits.status}
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.auth = r.Header.Get("Authorization")
		s.mu.Unlock()
		b, ok := bodies[r.URL.Path]
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status[r.URL.Path])
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func env(s *server) map[string]string {
	return map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": s.URL + "/api/"}
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
	s := newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"})
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
	tg := discoverOne(t, p)
	if tg.Name != quota.MaskKey(testKey) || !strings.HasPrefix(tg.Key, "openrouter:") || strings.Contains(tg.Key+tg.Name, "CANARY") {
		t.Errorf("target = %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != tg.Name || len(a.Windows) != 2 || a.Windows[0].NameID != NameKeyLimitMonthly || a.Windows[1].NameID != NameCredits ||
		a.Windows[1].Money.Balance.Minor != 7475 || len(a.Facts) != 1 || a.Facts[0].ID != FactKeyExpires {
		t.Errorf("account = %s", show(a))
	}
	if s.auth != "Bearer "+testKey {
		t.Errorf("Authorization = %q", s.auth)
	}
	if n := s.hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// /credits alone failing never fails the account: the key's window stays,
// with a note saying why the balance is missing.
func TestCreditsUnavailable(t *testing.T) {
	tests := []struct {
		name string
		rep  reply
		fact string
	}{
		{"403 management key", reply{403, "err_403_management_only.json"}, FactBalanceNeedsManagementKey},
		{"401", reply{401, "err_401_missing_auth.json"}, FactBalanceNeedsManagementKey},
		{"500", reply{500, "err_500_server.json"}, FactBalanceUnavailable},
		{"200 HTML", reply{200, "html.html"}, FactBalanceUnavailable},
		{"200 with 403 body", reply{200, "err_403_management_only.json"}, FactBalanceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, reply{200, "key_monthly_codexbar.json"}, tt.rep)
			p := newProvider(t, authJSON(t, defaultAuth), env(s))
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Windows) != 1 || a.Windows[0].NameID != NameKeyLimitMonthly || len(a.Facts) != 1 || a.Facts[0].ID != tt.fact {
				t.Errorf("account = %s", show(a))
			}
		})
	}
}

// An account that never bought credits shows its key alone, without a
// note: nothing is missing.
func TestNoCreditsEver(t *testing.T) {
	s := newServer(t, reply{200, "key_free_openusage.json"}, reply{200, "credits_empty.json"})
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil || len(a.Windows) != 1 || a.Windows[0].NameID != NameKeySpend || a.Facts != nil {
		t.Fatalf("account %s, error %v", show(a), err)
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name string
		key  reply
		kind quota.Kind
		code string
	}{
		{"401 user not found", reply{401, "err_401_user_not_found.json"}, quota.KindUnauthorized, ""},
		{"401 missing auth", reply{401, "err_401_missing_auth.json"}, quota.KindUnauthorized, ""},
		{"403", reply{403, "err_403_management_only.json"}, quota.KindForbidden, ""},
		{"429", reply{429, "err_429_rate_limit.json"}, quota.KindRateLimited, ""},
		{"402", reply{402, "err_500_server.json"}, quota.KindQuotaExhausted, ""},
		{"500", reply{500, "err_500_server.json"}, quota.KindServerError, ""},
		{"502 HTML", reply{502, "html.html"}, quota.KindServerError, ""},
		{"200 HTML", reply{200, "html.html"}, quota.KindMalformed, ""},
		{"200 with 401 body", reply{200, "err_401_user_not_found.json"}, quota.KindUnauthorized, "401"},
		{"404", reply{404, "html.html"}, quota.KindNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.key, reply{200, "credits_docs.json"})
			p := newProvider(t, authJSON(t, defaultAuth), env(s))
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %s", show(a))
			}
			if !strings.HasSuffix(e.URL, "/api/v1/key") || e.Status != tt.key.status {
				t.Errorf("url %q status %d", e.URL, e.Status)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("secret in error: %v", err)
			}
			// The key failed: the balance is not asked for.
			if n := s.hits.Load(); n != 1 && tt.key.status < 429 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

// OpenRouter's message is the detail of a classified error.
func TestErrorDetail(t *testing.T) {
	s := newServer(t, reply{401, "err_401_user_not_found.json"}, reply{200, "credits_docs.json"})
	p := newProvider(t, authJSON(t, defaultAuth), env(s))
	_, err := p.Fetch(context.Background(), discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Detail != "User not found." {
		t.Fatalf("error = %#v", e)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	p := newProvider(t, "", nil)
	for path, want := range map[string]string{keyPath: "https://openrouter.ai/api/v1/key", creditsPath: "https://openrouter.ai/api/v1/credits"} {
		got, err := p.d.Endpoint(Setting, DefaultBaseURL, path)
		if err != nil || got != want {
			t.Errorf("url %q, %v; want %q", got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:1/api/v1/key", "openrouter.ai"} {
		t.Run(base, func(t *testing.T) {
			p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": base})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != "MYSTATUS_OPENROUTER_BASE_URL" {
				t.Fatalf("error = %#v", e)
			}
		})
	}
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-or-v1-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	bodies := map[string]func() (int, string){
		"401 envelope": func() (int, string) { return 401, `{"error":{"code":401,"message":"bad key ` + key + `"}}` },
		"200 envelope": func() (int, string) { return 200, `{"error":{"code":401,"message":"key ` + key[9:] + ` unknown"}}` },
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
			p := newProvider(t, authJSON(t, map[string]any{"openrouter": map[string]any{"type": "api", "key": key}}),
				map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": s.URL})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil {
				t.Fatal("no error")
			}
			shown := err.Error() + "\n" + e.Detail
			for i := 9; i+6 <= len(key); i++ {
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
		{name: "no key", auth: `{"openai":{"type":"oauth","access":"x-CANARY"}}`},
		{name: "key", auth: `{"openrouter":{"type":"api","key":" sk-or-v1-CANARY-a0123456789 "}}`, configured: true, key: "sk-or-v1-CANARY-a0123456789"},
		{name: "wrong type", auth: `{"openrouter":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "openrouter.type"},
		{name: "empty key", auth: `{"openrouter":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "openrouter.key"},
		{name: "file malformed", auth: `{"openrouter":`, configured: true, kind: quota.KindFileMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.auth, nil)
			info := p.Info()
			path := p.d.Auth.Paths.OpenCodeAuth()
			if info.ID != ID || info.Configured != tt.configured || len(info.Sources) != 1 ||
				info.Sources[0].Path != path || info.Sources[0].What != `"openrouter"` {
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
	s := newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"})
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

// A canceled report fails rather than showing half an account.
func TestCanceledDuringCredits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/credits" {
			cancel()
			<-r.Context().Done()
			return
		}
		w.Write(readFixture(t, "key_docs_monthly.json"))
	}))
	defer s.Close()
	p := newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": s.URL})
	tg := discoverOne(t, p)
	done := make(chan error, 1)
	go func() {
		_, err := p.Fetch(ctx, tg)
		done <- err
	}()
	select {
	case err := <-done:
		if k := quota.KindOf(err); k != quota.KindCanceled && k != quota.KindTimeout {
			t.Errorf("error = %v (%s)", err, k)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch did not return")
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"})
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
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 1 || d.AuthKeys[0] != "openrouter" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "openrouter_base_url" || d.Endpoints[0].Default != DefaultBaseURL ||
		strings.Join(d.Endpoints[0].Paths, " ") != "/v1/key /v1/credits" {
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
	entry := dm.AuthEntries["openrouter"].(map[string]any)
	if !strings.Contains(entry["key"].(string), "CANARY") {
		t.Errorf("entry %v", entry)
	}
	p := newProvider(t, authJSON(t, dm.AuthEntries), map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": srv.URL})
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Windows) != 2 || a.Windows[0].UsedPct != 25.5 || !a.Windows[0].ResetAt.After(now) ||
		len(a.Facts) != 1 || !a.Facts[0].Data["At"].(time.Time).After(now) {
		t.Errorf("account = %s", show(a))
	}
	// A wrong key is refused as the real API does.
	p = newProvider(t, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": srv.URL})
	if _, err := p.Fetch(context.Background(), discoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
		t.Errorf("error = %v", err)
	}
}
