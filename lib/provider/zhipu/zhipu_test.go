package zhipu

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

// Fake keys: every secret contains CANARY so leaks are greppable.
const (
	zhipuKey = "sk-CANARY-zhipu-0001.abcdefghijklmnopQRST"
	zaiKey   = "sk-CANARY-zai-0001.zyxwvutsrqponmlkWXYZ"
)

// platform describes one of the two providers for table tests.
type platform struct {
	name, authKey, env string
	key                string
	id                 quota.PlatformID
	new                func(provider.Deps) *Provider
}

var platforms = []platform{
	{"zhipu", "zhipuai-coding-plan", "MYSTATUS_ZHIPU_BASE_URL", zhipuKey, IDZhipu, NewZhipu},
	{"zai", "zai-coding-plan", "MYSTATUS_ZAI_BASE_URL", zaiKey, IDZAI, NewZAI},
}

// authJSON renders an auth.json holding both keys.
func authJSON(t testing.TB) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"zhipuai-coding-plan": map[string]any{"type": "api", "key": zhipuKey},
		"zai-coding-plan":     map[string]any{"type": "api", "key": zaiKey},
		"openai":              map[string]any{"type": "oauth", "access": "at-CANARY"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newProvider writes authFile (if not empty) under a temporary data
// directory and builds the platform with settings from env.
func newProvider(t testing.TB, pl platform, authFile string, env map[string]string) *Provider {
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
	return pl.new(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// server serves status and a fixture at the quota path, recording the
// last request.
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
		if r.URL.Path != "/api/monitor/usage/quota/limit" {
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

func TestFetch(t *testing.T) {
	for _, pl := range platforms {
		t.Run(pl.name, func(t *testing.T) {
			s := newServer(t, 200, "zai_plan_name.json")
			// A trailing slash on the override is ignored.
			p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: s.URL + "/"})
			if p.ID() != pl.id {
				t.Errorf("id = %s", p.ID())
			}
			tg := discoverOne(t, p)
			if tg.Name != quota.MaskKey(pl.key) || !strings.HasPrefix(tg.Key, string(pl.id)+":") ||
				strings.Contains(tg.Key+tg.Name, "CANARY") {
				t.Errorf("target = %+v", tg)
			}
			a, err := p.Fetch(context.Background(), tg)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != tg.Name || a.Plan != "GLM Coding Pro" || len(a.Windows) != 2 {
				t.Errorf("account = %s", show(a))
			}
			if got := s.last.Get("Authorization"); got != pl.key {
				t.Errorf("Authorization = %q, want the raw key", got)
			}
			if got := s.last.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	// Without an override the request goes to the documented host; check
	// the joined URL without sending anything.
	for _, pl := range platforms {
		p := newProvider(t, pl, "", nil)
		got, err := p.d.Endpoint(p.setting, p.base, limitPath)
		want := map[quota.PlatformID]string{
			IDZhipu: "https://bigmodel.cn/api/monitor/usage/quota/limit",
			IDZAI:   "https://api.z.ai/api/monitor/usage/quota/limit",
		}[pl.id]
		if err != nil || got != want {
			t.Errorf("%s: url %q, %v; want %q", pl.name, got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, pl := range platforms {
		for _, base := range []string{"http://127.0.0.1:1/v1/v1", "http://127.0.0.1:1/api/monitor/usage/quota/limit", "api.z.ai"} {
			t.Run(pl.name+" "+base, func(t *testing.T) {
				p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: base})
				_, err := p.Fetch(context.Background(), discoverOne(t, p))
				e := quota.AsError(err)
				if e == nil || e.Kind != quota.KindBadConfig || e.Field != pl.env {
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
		{"200 with 401 body", 200, "err_401_body.json", quota.KindUnauthorized, "401"},
		{"200 with 1309 body", 200, "err_1309_plan_expired.json", quota.KindNotSubscribed, "1309"},
		{"200 HTML", 200, "html.html", quota.KindMalformed, ""},
		{"502 HTML", 502, "html.html", quota.KindServerError, ""},
		{"401 with body code", 401, "err_401_body.json", quota.KindUnauthorized, "401"},
		{"429 with 1309 body", 429, "err_1309_plan_expired.json", quota.KindNotSubscribed, "1309"},
		{"404", 404, "html.html", quota.KindNotFound, ""},
	}
	for _, pl := range platforms {
		for _, tt := range tests {
			t.Run(pl.name+" "+tt.name, func(t *testing.T) {
				s := newServer(t, tt.status, tt.fixture)
				p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: s.URL})
				a, err := p.Fetch(context.Background(), discoverOne(t, p))
				e := quota.AsError(err)
				if e == nil || e.Kind != tt.kind || e.Code != tt.code {
					t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
				}
				if a.Windows != nil {
					t.Errorf("windows with an error: %s", show(a))
				}
				if !strings.HasSuffix(e.URL, limitPath) {
					t.Errorf("url = %q", e.URL)
				}
				if strings.Contains(err.Error(), "CANARY") {
					t.Errorf("secret in error: %v", err)
				}
			})
		}
	}
}

// TestEchoedKeyLeavesNoFragment: an upstream that echoes the key, whole
// or in part, in any kind of answer must not get any fragment of it into
// the error the report shows (not even the masked form's first and last
// characters).
func TestEchoedKeyLeavesNoFragment(t *testing.T) {
	const (
		id     = "7QzKNRY94KXvBq2D"
		secret = "Zq8WvLp3Rt6YmJxF"
		key    = id + "." + secret
	)
	bodies := map[string]func(k string) (int, string){
		"200 envelope whole key": func(k string) (int, string) {
			return 200, `{"code":1002,"msg":"invalid token ` + k + `","success":false}`
		},
		"200 envelope secret half": func(k string) (int, string) {
			return 200, `{"code":401,"msg":"unknown secret ` + secret + ` for key","success":false}`
		},
		"200 unknown code": func(k string) (int, string) {
			return 200, `{"code":4242,"msg":"key ` + id + ` is odd","success":false}`
		},
		"200 malformed body": func(k string) (int, string) {
			return 200, strings.Repeat("x", 110) + " Authorization: " + k + " <html>"
		},
		"401 model API envelope": func(k string) (int, string) {
			return 401, `{"error":{"code":"1000","message":"bad key ` + k + `"}}`
		},
		"500 text": func(k string) (int, string) {
			return 500, "upstream failed for " + k
		},
		"200 long message cut at the key": func(k string) (int, string) {
			return 200, `{"code":1002,"msg":"` + strings.Repeat("a", httpx.DetailLen-8) + k + `","success":false}`
		},
	}
	fragments := func(s string) []string {
		var out []string
		for i := 0; i+5 <= len(s); i++ {
			out = append(out, s[i:i+5])
		}
		return out
	}
	for _, pl := range platforms {
		for name, body := range bodies {
			t.Run(pl.name+" "+name, func(t *testing.T) {
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					status, b := body(r.Header.Get("Authorization"))
					w.WriteHeader(status)
					w.Write([]byte(b))
				}))
				defer s.Close()
				authFile, _ := json.Marshal(map[string]any{pl.authKey: map[string]any{"type": "api", "key": key}})
				p := newProvider(t, pl, string(authFile), map[string]string{pl.env: s.URL})
				_, err := p.Fetch(context.Background(), discoverOne(t, p))
				e := quota.AsError(err)
				if e == nil {
					t.Fatal("no error")
				}
				shown := err.Error() + "\n" + e.Detail
				for _, f := range append(fragments(id), fragments(secret)...) {
					if strings.Contains(shown, f) {
						t.Fatalf("fragment %q of the key in %q", f, shown)
					}
				}
			})
		}
	}
}

func TestCredentials(t *testing.T) {
	tests := []struct {
		name       string
		auth       string
		configured bool
		kind       quota.Kind // empty: ErrNotConfigured
		field      string
	}{
		{name: "no file"},
		{name: "no key", auth: `{"openai":{"type":"oauth","access":"x-CANARY"}}`},
		{name: "wrong type", auth: `{"KEY":{"type":"oauth","access":"x-CANARY"}}`, configured: true,
			kind: quota.KindFieldMissing, field: "KEY.type"},
		{name: "empty key", auth: `{"KEY":{"type":"api","key":"  "}}`, configured: true,
			kind: quota.KindFieldMissing, field: "KEY.key"},
		{name: "ok", auth: `{"KEY":{"type":"api","key":"sk-CANARY-0123456789abcdef"}}`, configured: true},
	}
	for _, pl := range platforms {
		for _, tt := range tests {
			t.Run(pl.name+" "+tt.name, func(t *testing.T) {
				p := newProvider(t, pl, strings.ReplaceAll(tt.auth, "KEY", pl.authKey), nil)
				info := p.Info()
				path := p.d.Auth.Paths.OpenCodeAuth()
				if info.ID != pl.id || info.Configured != tt.configured || len(info.Sources) != 1 ||
					info.Sources[0].Path != path || info.Sources[0].What != `"`+pl.authKey+`"` {
					t.Errorf("info = %+v", info)
				}
				ts, err := p.Discover(context.Background())
				switch {
				case tt.name == "ok":
					if err != nil || len(ts) != 1 || ts[0].Name != "sk-C****cdef" {
						t.Fatalf("targets %+v, error %v", ts, err)
					}
				case tt.kind == "":
					if !errors.Is(err, quota.ErrNotConfigured) {
						t.Fatalf("error = %v, want not configured", err)
					}
				default:
					e := quota.AsError(err)
					if e.Kind != tt.kind || e.Field != strings.ReplaceAll(tt.field, "KEY", pl.authKey) || e.Path != path {
						t.Fatalf("error = %#v", e)
					}
				}
			})
		}
	}
}

func TestFetchForeignTarget(t *testing.T) {
	p := newProvider(t, platforms[1], "", nil)
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("error = %v", err)
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "zai_openusage_three_limits.json")
	p := newProvider(t, platforms[0], authJSON(t), map[string]string{platforms[0].env: s.URL})
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
	pl := platforms[0]
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"code":1001,"x":` + strings.Repeat("[", 100000)))
	}))
	defer s.Close()
	p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: s.URL})
	_, err := p.Fetch(context.Background(), discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized || e.Code != "" {
		t.Fatalf("error = %#v", e)
	}
}
