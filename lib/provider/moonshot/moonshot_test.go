package moonshot

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

// Test keys are fake; every secret contains CANARY so leaks are greppable.
const (
	testKey   = "sk-CANARY-moonshot-0123456789abcdef"
	testKeyCN = "sk-CANARY-moonshotcn-fedcba9876543210"
)

// platforms are the two providers with what differs between them.
var platforms = []struct {
	id       quota.PlatformID
	new      func(provider.Deps) *Provider
	authKey  string
	env      string
	key      string
	currency string
	base     string
}{
	{ID, New, "moonshotai", "MYSTATUS_MOONSHOT_BASE_URL", testKey, "USD", "https://api.moonshot.ai"},
	{IDCN, NewCN, "moonshotai-cn", "MYSTATUS_MOONSHOTCN_BASE_URL", testKeyCN, "CNY", "https://api.moonshot.cn"},
}

func authJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var defaultAuth = map[string]any{
	"moonshotai":      map[string]any{"type": "api", "key": testKey},
	"moonshotai-cn":   map[string]any{"type": "api", "key": testKeyCN},
	"kimi-for-coding": map[string]any{"type": "api", "key": "sk-kimi-CANARY-0123456789"},
}

// newProvider writes authFile (if not empty) under a temporary data
// directory and builds the platform with settings from env.
func newProvider(t testing.TB, mk func(provider.Deps) *Provider, authFile string, env map[string]string) *Provider {
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
	return mk(provider.Deps{
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
		if r.Method != http.MethodGet || r.URL.Path != "/v1/users/me/balance" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
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

// Each platform reads its own entry and reports in its own currency.
func TestFetch(t *testing.T) {
	for _, pl := range platforms {
		t.Run(string(pl.id), func(t *testing.T) {
			s := newServer(t, 200, "balance_docs.json")
			p := newProvider(t, pl.new, authJSON(t, defaultAuth), map[string]string{pl.env: s.URL + "/"})
			tg := discoverOne(t, p)
			if tg.Name != quota.MaskKey(pl.key) || !strings.HasPrefix(tg.Key, string(pl.id)+":") || strings.Contains(tg.Key+tg.Name, "CANARY") {
				t.Errorf("target = %+v", tg)
			}
			a, err := p.Fetch(context.Background(), tg)
			if err != nil {
				t.Fatal(err)
			}
			want := quota.Money{Minor: 4959, Decimals: 2, Currency: pl.currency}
			if a.Name != tg.Name || len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindBalance || *a.Windows[0].Money.Balance != want {
				t.Errorf("account = %s", show(a))
			}
			if got := s.last.Get("Authorization"); got != "Bearer "+pl.key {
				t.Errorf("Authorization = %q", got)
			}
			if got := s.last.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

// An overdrawn account reaches the report with its negative cash.
func TestFetchOverdraft(t *testing.T) {
	s := newServer(t, 200, "balance_overdraft_xlyra.json")
	p := newProvider(t, NewCN, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOTCN_BASE_URL": s.URL})
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	m := a.Windows[0].Money
	if m.ToppedUp.Minor != -3115 || m.Balance.Minor != 0 || len(a.Facts) != 1 || a.Facts[0].ID != FactOverdraft {
		t.Errorf("account = %s", show(a))
	}
}

func TestDefaultBaseURL(t *testing.T) {
	for _, pl := range platforms {
		p := newProvider(t, pl.new, "", nil)
		got, err := p.d.Endpoint(p.setting, p.base, balancePath)
		if want := pl.base + "/v1/users/me/balance"; err != nil || got != want {
			t.Errorf("%s: url %q, %v; want %q", pl.id, got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, pl := range platforms {
		for _, base := range []string{"https://api.moonshot.ai/v1", "http://127.0.0.1:1/v1/users/me/balance", "api.moonshot.cn"} {
			t.Run(string(pl.id)+" "+base, func(t *testing.T) {
				p := newProvider(t, pl.new, authJSON(t, defaultAuth), map[string]string{pl.env: base})
				_, err := p.Fetch(context.Background(), discoverOne(t, p))
				if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != pl.env {
					t.Fatalf("error = %#v", e)
				}
			})
		}
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
		{"401 invalid authentication", 401, "err_401_invalid_authentication.json", quota.KindUnauthorized, "invalid_authentication_error"},
		{"401 without type", 401, "err_401_no_type_openusage.json", quota.KindUnauthorized, ""},
		{"429 suspended", 429, "err_429_suspended_forum.json", quota.KindQuotaExhausted, "exceeded_current_quota_error"},
		{"429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "rate_limit_reached_error"},
		{"429 overloaded", 429, "err_429_overloaded.json", quota.KindCapacity, "engine_overloaded_error"},
		{"500 server", 500, "err_500_server.json", quota.KindServerError, "server_error"},
		{"502 HTML", 502, "html.html", quota.KindServerError, ""},
		{"200 HTML", 200, "html.html", quota.KindMalformed, ""},
		{"200 with 401 body", 200, "err_401_invalid_authentication.json", quota.KindUnauthorized, "invalid_authentication_error"},
		{"200 with failed status", 200, "status_401_codexbar.json", quota.KindUnauthorized, "unauthorized"},
		{"404", 404, "html.html", quota.KindNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.status, tt.fixture)
			p := newProvider(t, New, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOT_BASE_URL": s.URL})
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %s", show(a))
			}
			if !strings.HasSuffix(e.URL, "/v1/users/me/balance") || e.Status != tt.status {
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
			return 401, `{"error":{"message":"bad key ` + key + `","type":"invalid_authentication_error"}}`
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
			p := newProvider(t, New, authJSON(t, map[string]any{"moonshotai": map[string]any{"type": "api", "key": key}}),
				map[string]string{"MYSTATUS_MOONSHOT_BASE_URL": s.URL})
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
		mk         func(provider.Deps) *Provider
		auth       string
		configured bool
		kind       quota.Kind // empty: ErrNotConfigured (or ok when key is set)
		field      string
		key        string
		source     string
	}{
		{name: "no file", mk: New, source: `"moonshotai"`},
		{name: "no file cn", mk: NewCN, source: `"moonshotai-cn"`},
		{name: "other platform's key", mk: NewCN, auth: `{"moonshotai":{"type":"api","key":"sk-CANARY-a0123456789"}}`, source: `"moonshotai-cn"`},
		{name: "kimi code key", mk: New, auth: `{"kimi-for-coding":{"type":"api","key":"sk-kimi-CANARY-0123456789"}}`, source: `"moonshotai"`},
		{name: "key", mk: New, auth: `{"moonshotai":{"type":"api","key":" sk-CANARY-a0123456789 "}}`, configured: true,
			key: "sk-CANARY-a0123456789", source: `"moonshotai"`},
		{name: "key cn", mk: NewCN, auth: `{"moonshotai-cn":{"type":"api","key":"sk-CANARY-b0123456789"}}`, configured: true,
			key: "sk-CANARY-b0123456789", source: `"moonshotai-cn"`},
		{name: "wrong type", mk: New, auth: `{"moonshotai":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "moonshotai.type", source: `"moonshotai"`},
		{name: "empty key", mk: NewCN, auth: `{"moonshotai-cn":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "moonshotai-cn.key", source: `"moonshotai-cn"`},
		{name: "entry not an object", mk: New, auth: `{"moonshotai":"sk-CANARY"}`, configured: true,
			kind: quota.KindFieldMissing, field: "moonshotai", source: `"moonshotai"`},
		{name: "file malformed", mk: New, auth: `{"moonshotai":`, configured: true, kind: quota.KindFileMalformed, source: `"moonshotai"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.mk, tt.auth, nil)
			info := p.Info()
			path := p.d.Auth.Paths.OpenCodeAuth()
			if info.ID != p.id || info.Configured != tt.configured || len(info.Sources) != 1 ||
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
	for _, pl := range platforms {
		s := newServer(t, 200, "balance_docs.json")
		p := newProvider(t, pl.new, `{"openai":{"type":"oauth","access":"x"}}`, map[string]string{pl.env: s.URL})
		if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
			t.Fatalf("%s: error = %v", pl.id, err)
		}
		if p.Info().Configured {
			t.Errorf("%s: configured without a key", pl.id)
		}
		if n := s.hits.Load(); n != 0 {
			t.Errorf("%s: %d requests", pl.id, n)
		}
	}
}

func TestFetchForeignTarget(t *testing.T) {
	p := newProvider(t, New, "", nil)
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("error = %v", err)
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "balance_cn_codexbar.json")
	p := newProvider(t, NewCN, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOTCN_BASE_URL": s.URL})
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
		w.Write([]byte(`{"error":{"type":"invalid_authentication_error"},"x":` + strings.Repeat("[", 100000)))
	}))
	defer s.Close()
	p := newProvider(t, New, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOT_BASE_URL": s.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.Fetch(ctx, discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized || e.Code != "" {
		t.Fatalf("error = %#v", e)
	}
}

func TestDescribe(t *testing.T) {
	for _, pl := range platforms {
		d := provider.Describe(pl.new(provider.Deps{}))
		setting := strings.ToLower(strings.TrimPrefix(pl.env, "MYSTATUS_"))
		if d.ID != pl.id || len(d.AuthKeys) != 1 || d.AuthKeys[0] != pl.authKey || len(d.Endpoints) != 1 ||
			d.Endpoints[0].Setting != setting || d.Endpoints[0].Default != pl.base ||
			len(d.Endpoints[0].Paths) != 1 || d.Endpoints[0].Paths[0] != "/v1/users/me/balance" || len(d.Aliases) == 0 {
			t.Errorf("description = %+v", d)
		}
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary; the mainland demo is overdrawn.
func TestDemo(t *testing.T) {
	for _, pl := range platforms {
		t.Run(string(pl.id), func(t *testing.T) {
			dm, err := pl.new(provider.Deps{}).Demo(now, auth.Paths{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(dm.Handler)
			defer srv.Close()
			setting := strings.ToLower(strings.TrimPrefix(pl.env, "MYSTATUS_"))
			if dm.Settings[setting] != "/" || len(dm.Settings) != 1 || dm.Failing {
				t.Errorf("settings %v", dm.Settings)
			}
			entry := dm.AuthEntries[pl.authKey].(map[string]any)
			if len(dm.AuthEntries) != 1 || !strings.Contains(entry["key"].(string), "CANARY") {
				t.Errorf("entries %v", dm.AuthEntries)
			}
			p := newProvider(t, pl.new, authJSON(t, dm.AuthEntries), map[string]string{pl.env: srv.URL})
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if err != nil {
				t.Fatal(err)
			}
			m := a.Windows[0].Money
			if m.Balance.Currency != pl.currency || (pl.id == IDCN) != (m.ToppedUp.Minor < 0) || (pl.id == IDCN) != (len(a.Facts) == 1) {
				t.Errorf("account = %s", show(a))
			}
			// A wrong key is refused as the real API does.
			p = newProvider(t, pl.new, authJSON(t, defaultAuth), map[string]string{pl.env: srv.URL})
			if _, err := p.Fetch(context.Background(), discoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
				t.Errorf("error = %v", err)
			}
		})
	}
}
