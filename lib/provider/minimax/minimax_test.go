package minimax

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
const testKey = "sk-cp-CANARY-test-0123456789abcdef"

func authJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var defaultAuth = map[string]any{
	"minimax-coding-plan":    map[string]any{"type": "api", "key": testKey},
	"minimax-cn-coding-plan": map[string]any{"type": "api", "key": testKey},
	"openai":                 map[string]any{"type": "oauth", "access": "at-CANARY"},
}

type ctor func(provider.Deps) *Provider

var platforms = map[string]ctor{"global": NewGlobal, "china": NewChina}

// newProvider writes authFile (if not empty) under a temporary data
// directory and builds the platform with settings from env.
func newProvider(t testing.TB, mk ctor, authFile string, env map[string]string) *Provider {
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
	return mk(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// reply is one endpoint's canned answer; a zero status is a 404.
type reply struct {
	status  int
	fixture string
}

// server answers both remains paths, recording the paths asked and the
// last Authorization header.
type server struct {
	*httptest.Server
	hits  atomic.Int32
	mu    sync.Mutex
	paths []string
	auth  string
}

func newServer(t testing.TB, coding, tokenPlan reply) *server {
	t.Helper()
	replies := map[string]reply{remainsPath: coding, tokenPlanPath: tokenPlan}
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.auth = r.Header.Get("Authorization")
		s.mu.Unlock()
		rep, ok := replies[r.URL.Path]
		if !ok || rep.status == 0 || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		w.Write(readFixture(t, rep.fixture))
	}))
	t.Cleanup(s.Close)
	return s
}

func env(p *Provider, s *server) map[string]string {
	return map[string]string{"MYSTATUS_" + strings.ToUpper(p.setting): s.URL}
}

// withEnv builds the platform pointed at s.
func withEnv(t *testing.T, mk ctor, authFile string, s *server) *Provider {
	t.Helper()
	return newProvider(t, mk, authFile, env(mk(provider.Deps{}), s))
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
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, reply{200, "remains_music_cover_mmx.json"}, reply{})
			p := withEnv(t, mk, authJSON(t, defaultAuth), s)
			tg := discoverOne(t, p)
			if tg.Name != quota.MaskKey(testKey) || !strings.HasPrefix(tg.Key, string(p.id)+":") || strings.Contains(tg.Key+tg.Name, "CANARY") {
				t.Errorf("target = %+v", tg)
			}
			a, err := p.Fetch(context.Background(), tg)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != tg.Name || len(a.Windows) != 2 || *a.Windows[0].Used != 7 || a.Windows[1].Period != week {
				t.Errorf("account = %s", show(a))
			}
			if s.auth != "Bearer "+testKey {
				t.Errorf("Authorization = %q", s.auth)
			}
			if strings.Join(s.paths, " ") != remainsPath {
				t.Errorf("paths %v", s.paths)
			}
		})
	}
}

// When the coding plan path wants a console session (the mainland host)
// or is gone, the Token Plan path is asked, its counts read as used.
func TestFallbackToTokenPlan(t *testing.T) {
	tests := []struct {
		name          string
		coding, token reply
		kind          quota.Kind // empty: success
		paths         string
	}{
		{"cookie missing", reply{200, "err_1004_cookie_missing.json"}, reply{200, "token_plan_missing_reset_codexbar.json"}, "",
			remainsPath + " " + tokenPlanPath},
		{"404", reply{}, reply{200, "token_plan_normal_codexbar.json"}, "", remainsPath + " " + tokenPlanPath},
		// The second answer speaks about the key: it is the one reported.
		{"cookie then invalid key", reply{200, "err_1004_cookie_missing.json"}, reply{200, "err_2049_invalid_api_key.json"},
			quota.KindUnauthorized, remainsPath + " " + tokenPlanPath},
		// A rejected key is final.
		{"invalid key", reply{200, "err_1004_invalid_api_key.json"}, reply{200, "token_plan_normal_codexbar.json"},
			quota.KindUnauthorized, remainsPath},
		{"both gone", reply{}, reply{}, quota.KindNotFound, remainsPath + " " + tokenPlanPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.coding, tt.token)
			p := withEnv(t, NewChina, authJSON(t, defaultAuth), s)
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if k := quota.KindOf(err); (tt.kind == "" && err != nil) || (tt.kind != "" && k != tt.kind) {
				t.Fatalf("error = %v (%s), want %q", err, k, tt.kind)
			}
			if tt.kind == "" && (len(a.Windows) != 2 || a.Plan != "Token Plan Plus") {
				t.Errorf("account = %s", show(a))
			}
			if got := strings.Join(s.paths, " "); got != tt.paths {
				t.Errorf("paths %q, want %q", got, tt.paths)
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
		{"200 invalid api key", 200, "err_2049_invalid_api_key.json", quota.KindUnauthorized, "2049"},
		{"200 1004 with empty list", 200, "err_1004_invalid_api_key.json", quota.KindUnauthorized, "1004"},
		{"200 insufficient balance", 200, "err_1008_insufficient_balance.json", quota.KindNotSubscribed, "1008"},
		{"200 rate limit", 200, "err_1002_rate_limit.json", quota.KindRateLimited, "1002"},
		{"200 unknown error", 200, "err_1000_unknown.json", quota.KindServerError, "1000"},
		{"200 no models", 200, "remains_empty.json", quota.KindNotSubscribed, ""},
		{"200 HTML", 200, "html.html", quota.KindMalformed, ""},
		{"401 with base_resp", 401, "err_2049_invalid_api_key.json", quota.KindUnauthorized, "2049"},
		{"429 with base_resp", 429, "err_1002_rate_limit.json", quota.KindRateLimited, "1002"},
		{"403 HTML", 403, "html.html", quota.KindForbidden, ""},
		{"500 with base_resp", 500, "err_1000_unknown.json", quota.KindServerError, "1000"},
		{"502 HTML", 502, "html.html", quota.KindServerError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, reply{tt.status, tt.fixture}, reply{200, "token_plan_normal_codexbar.json"})
			p := withEnv(t, NewGlobal, authJSON(t, defaultAuth), s)
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %s", show(a))
			}
			if !strings.HasSuffix(e.URL, remainsPath) || e.Status != tt.status {
				t.Errorf("url %q status %d", e.URL, e.Status)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("secret in error: %v", err)
			}
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	for _, tt := range []struct {
		mk   ctor
		want string
	}{
		{NewGlobal, "https://api.minimax.io/v1/api/openplatform/coding_plan/remains"},
		{NewChina, "https://api.minimaxi.com/v1/api/openplatform/coding_plan/remains"},
	} {
		p, want := newProvider(t, tt.mk, "", nil), tt.want
		got, err := p.d.Endpoint(p.setting, p.base, remainsPath)
		if err != nil || got != want {
			t.Errorf("url %q, %v; want %q", got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:1/v1/api/openplatform/coding_plan/remains", "api.minimax.io"} {
		t.Run(base, func(t *testing.T) {
			p := newProvider(t, NewGlobal, authJSON(t, defaultAuth), map[string]string{"MYSTATUS_MINIMAX_BASE_URL": base})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != "MYSTATUS_MINIMAX_BASE_URL" {
				t.Fatalf("error = %#v", e)
			}
		})
	}
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-cp-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	bodies := map[string]func() (int, string){
		"401 base_resp": func() (int, string) {
			return 401, `{"base_resp":{"status_code":2049,"status_msg":"invalid api key ` + key + `"}}`
		},
		"200 base_resp": func() (int, string) {
			return 200, `{"base_resp":{"status_code":4242,"status_msg":"key ` + key[6:] + ` unknown"}}`
		},
		"500 text":    func() (int, string) { return 500, "upstream failed for Bearer " + key },
		"200 garbage": func() (int, string) { return 200, strings.Repeat("x", 110) + " " + key + " <html>" },
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				status, b := body()
				w.WriteHeader(status)
				w.Write([]byte(b))
			}))
			defer s.Close()
			p := newProvider(t, NewGlobal, authJSON(t, map[string]any{"minimax-coding-plan": map[string]any{"type": "api", "key": key}}),
				map[string]string{"MYSTATUS_MINIMAX_BASE_URL": s.URL})
			_, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil {
				t.Fatal("no error")
			}
			shown := err.Error() + "\n" + e.Detail
			for i := 6; i+6 <= len(key); i++ {
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
		mk         ctor
		auth       string
		configured bool
		kind       quota.Kind // empty: ErrNotConfigured (or ok when key is set)
		field      string
		key        string
		source     string
	}{
		{name: "no file", mk: NewGlobal, source: `"minimax-coding-plan"`},
		{name: "other region only", mk: NewGlobal, auth: `{"minimax-cn-coding-plan":{"type":"api","key":"sk-cp-CANARY-cn0123456789"}}`,
			source: `"minimax-coding-plan"`},
		{name: "plan key first", mk: NewGlobal,
			auth:       `{"minimax":{"type":"api","key":"sk-CANARY-payg0123456789"},"minimax-coding-plan":{"type":"api","key":" sk-cp-CANARY-a0123456789 "}}`,
			configured: true, key: "sk-cp-CANARY-a0123456789", source: `"minimax-coding-plan"`},
		{name: "pay-as-you-go entry", mk: NewGlobal, auth: `{"minimax":{"type":"api","key":"sk-cp-CANARY-b0123456789"}}`,
			configured: true, key: "sk-cp-CANARY-b0123456789", source: `"minimax"`},
		{name: "china", mk: NewChina, auth: `{"minimax-cn":{"type":"api","key":"sk-cp-CANARY-c0123456789"},"minimax-coding-plan":{"type":"api","key":"sk-cp-CANARY-x0123456789"}}`,
			configured: true, key: "sk-cp-CANARY-c0123456789", source: `"minimax-cn"`},
		{name: "broken then usable", mk: NewChina,
			auth:       `{"minimax-cn-coding-plan":{"type":"oauth","access":"x-CANARY"},"minimax-cn":{"type":"api","key":"sk-cp-CANARY-d0123456789"}}`,
			configured: true, key: "sk-cp-CANARY-d0123456789", source: `"minimax-cn"`},
		{name: "wrong type", mk: NewGlobal, auth: `{"minimax-coding-plan":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "minimax-coding-plan.type", source: `"minimax-coding-plan"`},
		{name: "empty key", mk: NewChina, auth: `{"minimax-cn":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "minimax-cn.key", source: `"minimax-cn"`},
		{name: "file malformed", mk: NewGlobal, auth: `{"minimax":`, configured: true, kind: quota.KindFileMalformed, source: `"minimax-coding-plan"`},
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
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, reply{200, "remains_music_cover_mmx.json"}, reply{200, "token_plan_normal_codexbar.json"})
			p := withEnv(t, mk, `{"openai":{"type":"oauth","access":"x"}}`, s)
			if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
				t.Fatalf("error = %v", err)
			}
			if n := s.hits.Load(); n != 0 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestFetchForeignTarget(t *testing.T) {
	p := newProvider(t, NewGlobal, "", nil)
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("error = %v", err)
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, reply{200, "remains_m_star_omc.json"}, reply{})
	p := withEnv(t, NewGlobal, authJSON(t, defaultAuth), s)
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
	for _, tt := range []struct {
		mk   ctor
		want [3]string
	}{
		{NewGlobal, [3]string{"minimax", "minimax_base_url", "minimax-coding-plan minimax"}},
		{NewChina, [3]string{"minimaxcn", "minimaxcn_base_url", "minimax-cn-coding-plan minimax-cn"}},
	} {
		p, want := tt.mk(provider.Deps{}), tt.want
		d := provider.Describe(p)
		if string(d.ID) != want[0] || strings.Join(d.AuthKeys, " ") != want[2] || len(d.Endpoints) != 1 ||
			d.Endpoints[0].Setting != want[1] || d.Endpoints[0].Default != p.base ||
			strings.Join(d.Endpoints[0].Paths, " ") != remainsPath+" "+tokenPlanPath {
			t.Errorf("description = %+v", d)
		}
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			p0 := mk(provider.Deps{})
			dm, err := p0.Demo(now, auth.Paths{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(dm.Handler)
			defer srv.Close()
			if dm.Settings[p0.setting] != "/" || dm.Failing {
				t.Errorf("settings %v", dm.Settings)
			}
			entry := dm.AuthEntries[p0.keys[0]].(map[string]any)
			if !strings.Contains(entry["key"].(string), "CANARY") {
				t.Errorf("entry %v", entry)
			}
			envv := map[string]string{"MYSTATUS_" + strings.ToUpper(p0.setting): srv.URL}
			p := newProvider(t, mk, authJSON(t, dm.AuthEntries), envv)
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Windows) != 3 || *a.Windows[0].Used != 178 || !a.Windows[0].ResetAt.After(now) || !a.Windows[1].ResetAt.After(now) ||
				a.Windows[0].Period != interval || a.Windows[1].Period != week {
				t.Errorf("account = %s", show(a))
			}
			// A wrong key is refused as the real API does.
			p = newProvider(t, mk, authJSON(t, map[string]any{p0.keys[0]: map[string]any{"type": "api", "key": "sk-cp-CANARY-wrong0000"}}), envv)
			if _, err := p.Fetch(context.Background(), discoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
				t.Errorf("error = %v", err)
			}
		})
	}
}
