package antigravity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

const (
	testClientID     = "1234-test.apps.googleusercontent.com"
	testClientSecret = "GOCSPX-CANARY-test-secret"
)

// reply is a canned response: a status and a file of testdata/bodies (or
// a literal body when raw is set).
type reply struct {
	status int
	file   string
	raw    string
}

// call is one Cloud Code request as the fake server saw it.
type call struct {
	base, endpoint, auth, ua, ctype, project string
}

// fake serves the token endpoint at /token and Cloud Code hosts at
// /<base>/v1internal:*.
type fake struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	mints   map[string]int   // by refresh token
	tokens  map[string]reply // token reply by refresh token
	models  map[string]reply // fetchAvailableModels reply by base
	summary map[string]reply // retrieveUserQuotaSummary reply by base
	assist  reply
	calls   []call
	// clients are the OAuth clients the token endpoint knows (id to
	// secret); a refresh token listed in owner belongs to that client id
	// only, and other clients get 401 invalid_client.
	clients map[string]string
	owner   map[string]string
	// tokenClients records the client id of every token request.
	tokenClients []string
	// firstMint, when set, is closed at the first token request, which
	// then waits for release.
	firstMint, release chan struct{}
	// hold, when set, is called with each Cloud Code endpoint before it
	// answers (outside the lock).
	hold func(endpoint string)
}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, mints: map[string]int{}, tokens: map[string]reply{}, models: map[string]reply{}, summary: map[string]reply{},
		clients: map[string]string{testClientID: testClientSecret}, owner: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/token" {
		f.token(w, r)
		return
	}
	base, endpoint, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var req struct{ Project string }
	if err := json.Unmarshal(raw, &req); err != nil {
		f.t.Errorf("%s: body %q: %v", r.URL.Path, raw, err)
	}
	f.mu.Lock()
	f.calls = append(f.calls, call{base: base, endpoint: endpoint, auth: r.Header.Get("Authorization"),
		ua: r.Header.Get("User-Agent"), ctype: r.Header.Get("Content-Type"), project: req.Project})
	rep, set := reply{}, false
	switch endpoint {
	case "v1internal:fetchAvailableModels":
		rep, set = f.models[base]
		if !set {
			rep = reply{200, "models.json", ""}
		}
	case "v1internal:retrieveUserQuotaSummary":
		rep, set = f.summary[base]
		if !set {
			rep = reply{200, "summary.json", ""}
		}
	case "v1internal:loadCodeAssist":
		rep = f.assist
		if rep.status == 0 {
			rep = reply{200, "loadcodeassist.json", ""}
		}
		if !strings.Contains(string(raw), `"ideType":"ANTIGRAVITY"`) {
			f.t.Errorf("loadCodeAssist body %s", raw)
		}
	default:
		rep = reply{404, "", "not found"}
	}
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		hold(endpoint)
	}
	f.write(w, rep)
}

func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.t.Error(err)
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if r.PostForm.Get("grant_type") != "refresh_token" {
		f.t.Errorf("token form %v", r.PostForm)
	}
	refresh := r.PostForm.Get("refresh_token")
	f.mu.Lock()
	f.tokenClients = append(f.tokenClients, id)
	known, ok := f.clients[id]
	owner, owned := f.owner[refresh]
	if !ok || known != secret || (owned && owner != id) {
		f.mu.Unlock()
		f.write(w, reply{401, "err_invalid_client_401.json", ""})
		return
	}
	f.mints[refresh]++
	first := f.firstMint
	f.firstMint = nil
	rep, ok := f.tokens[refresh]
	f.mu.Unlock()
	if first != nil {
		close(first)
		<-f.release
	}
	if !ok {
		rep = reply{200, "token.json", ""}
	}
	f.write(w, rep)
}

func (f *fake) write(w http.ResponseWriter, rep reply) {
	b := []byte(rep.raw)
	if rep.file != "" {
		b = body(f.t, rep.file)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	w.Write(b)
}

func (f *fake) count(base, endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if (base == "" || c.base == base) && strings.HasSuffix(c.endpoint, endpoint) {
			n++
		}
	}
	return n
}

func (f *fake) totalMints() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, v := range f.mints {
		n += v
	}
	return n
}

// env points the provider at the fake: Cloud Code hosts /b1, /b2, ...
func (f *fake) env(bases ...string) map[string]string {
	if len(bases) == 0 {
		bases = []string{"b1"}
	}
	var list []string
	for _, b := range bases {
		list = append(list, f.srv.URL+"/"+b)
	}
	return map[string]string{
		"MYSTATUS_GOOGLE_OAUTH_URL":     f.srv.URL,
		"MYSTATUS_CLOUDCODE_BASE_URL":   strings.Join(list, ","),
		"MYSTATUS_GOOGLE_CLIENT_ID":     testClientID,
		"MYSTATUS_GOOGLE_CLIENT_SECRET": testClientSecret,
	}
}

// targets discovers the fixture home and indexes the targets by name.
func targets(t *testing.T, p *Provider) map[string]quota.Target {
	t.Helper()
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]quota.Target{}
	for _, tg := range ts {
		out[tg.Name] = tg
	}
	return out
}

// noCanary fails when a fixture secret reaches anything shown.
func noCanary(t *testing.T, what string, vs ...any) {
	t.Helper()
	for _, v := range vs {
		s := fmt.Sprintf("%+v", v)
		if e := quota.AsError(toErr(v)); e != nil {
			s += e.Error() + e.Detail + e.URL + e.Reason + e.Link + e.Field + e.Path
		}
		if strings.Contains(s, "CANARY") {
			t.Errorf("%s leaks a secret: %s", what, s)
		}
	}
}

func toErr(v any) error {
	e, _ := v.(error)
	return e
}

func TestFetchFixtureHome(t *testing.T) {
	checkUnchanged(t)
	f := newFake(t)
	p := newProvider(homePaths(fixture(t, "home")), f.env())
	ts := targets(t, p)

	accts := map[string]quota.Account{}
	for name, tg := range ts {
		noCanary(t, "target "+name, tg.Key, tg.Name, tg.Err)
		if tg.Err != nil {
			continue
		}
		a, err := p.Fetch(context.Background(), tg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		noCanary(t, "account "+name, a)
		accts[name] = a
	}

	// alice and bob (OpenCode) and frank (expired stored token) need a
	// mint; dave has a valid stored token.
	want := map[string]int{"1//CANARY-oc-alice-refresh-0001": 1, "1//CANARY-oc-bob-refresh-0002": 1,
		"1//CANARY-am-frank-refresh-0006": 1}
	if !reflect.DeepEqual(f.mints, want) {
		t.Errorf("mints = %v, want %v", f.mints, want)
	}
	for _, c := range f.calls {
		if c.ua != DefaultUserAgent || c.ctype != "application/json" {
			t.Errorf("call %+v: wrong headers", c)
		}
		if strings.HasSuffix(c.endpoint, "fetchAvailableModels") {
			switch c.project {
			case "alice-proj-1", "frank-proj":
				if c.auth != "Bearer ya29.CANARY-minted-access-0100" {
					t.Errorf("%s used %q", c.project, c.auth)
				}
			case "dave-proj":
				if c.auth != "Bearer ya29.CANARY-am-dave-access-0004" {
					t.Errorf("dave used %q, want the stored token", c.auth)
				}
			default:
				t.Errorf("unexpected project %q", c.project)
			}
		}
	}

	alice := accts["alice@example.com"]
	wantWindows := []string{"Gemini Pro", "Gemini Flash", "Gemini Image", "Claude and GPT",
		"Gemini", "Gemini", "Claude and GPT", "Claude and GPT"}
	var names []string
	for _, w := range alice.Windows {
		names = append(names, w.Name)
	}
	if !reflect.DeepEqual(names, wantWindows) || alice.Plan != "Google AI Pro" || alice.Source != sourceOpenCode {
		t.Errorf("alice = %+v", alice)
	}
	if accts["dave@example.com"].Source != sourceManager {
		t.Errorf("dave source = %q", accts["dave@example.com"].Source)
	}
	frank := accts["frank@example.com"]
	if len(frank.Facts) != 1 || frank.Facts[0].ID != FactProxyDisabled || len(frank.Windows) != 8 {
		t.Errorf("frank = %+v", frank)
	}
	// bob's file has no project id: loadCodeAssist gave it (and the plan).
	if bob := accts["bob@example.com"]; len(bob.Windows) != 8 || bob.Plan != "Google AI Pro" {
		t.Errorf("bob = %+v", bob)
	}
}

func TestFetchBaseFallback(t *testing.T) {
	rep := func(s int, file string) reply { return reply{s, file, ""} }
	tests := []struct {
		name      string
		bases     []string
		models    map[string]reply
		summary   map[string]reply
		assist    reply
		wantKind  quota.Kind
		wantHits  map[string]int // fetchAvailableModels calls per base
		wantReset time.Time
		check     func(t *testing.T, f *fake, a quota.Account)
	}{
		{name: "503 then ok", bases: []string{"b1", "b2", "b3"},
			models:   map[string]reply{"b1": rep(503, "err_unavailable_503.json")},
			wantHits: map[string]int{"b1": 1, "b2": 1, "b3": 0},
			check: func(t *testing.T, f *fake, a quota.Account) {
				// Each request walks the hosts on its own: b1 answered the summary.
				if f.count("b1", "retrieveUserQuotaSummary") != 1 || f.count("b2", "retrieveUserQuotaSummary") != 0 || len(a.Windows) != 8 {
					t.Errorf("summary calls b1=%d b2=%d, windows %d", f.count("b1", "retrieveUserQuotaSummary"),
						f.count("b2", "retrieveUserQuotaSummary"), len(a.Windows))
				}
			}},
		{name: "each request walks the hosts on its own", bases: []string{"b1", "b2"},
			summary:  map[string]reply{"b1": rep(503, "err_unavailable_503.json")},
			wantHits: map[string]int{"b1": 1, "b2": 0},
			check: func(t *testing.T, f *fake, a quota.Account) {
				if f.count("b2", "retrieveUserQuotaSummary") != 1 || len(a.Windows) != 8 {
					t.Errorf("summary calls on b2 = %d, windows %d", f.count("b2", "retrieveUserQuotaSummary"), len(a.Windows))
				}
			}},
		{name: "429s then ok", bases: []string{"b1", "b2", "b3"},
			models: map[string]reply{"b1": rep(429, "err_resource_exhausted_429.json"),
				"b2": rep(429, "err_quota_exhausted_429.json")},
			wantHits: map[string]int{"b1": 1, "b2": 1, "b3": 1}},
		{name: "404 is final", bases: []string{"b1", "b2"},
			models:   map[string]reply{"b1": {404, "", "<html>Not Found</html>"}},
			wantKind: quota.KindNotFound, wantHits: map[string]int{"b1": 1, "b2": 0}},
		{name: "403 is final", bases: []string{"b1", "b2"},
			models:   map[string]reply{"b1": rep(403, "err_permission_denied_403.json")},
			wantKind: quota.KindForbidden, wantHits: map[string]int{"b1": 1, "b2": 0}},
		{name: "all hosts unavailable", bases: []string{"b1", "b2", "b3"},
			models: map[string]reply{"b1": rep(503, "err_unavailable_503.json"), "b2": rep(503, "err_unavailable_503.json"),
				"b3": rep(503, "err_unavailable_503.json")},
			wantKind: quota.KindCapacity, wantHits: map[string]int{"b1": 1, "b2": 1, "b3": 1}},
		{name: "quota exhausted", models: map[string]reply{"b1": rep(429, "err_quota_exhausted_429.json")},
			wantKind: quota.KindQuotaExhausted, wantReset: at("2026-03-01T21:22:20Z")},
		{name: "bare resource exhausted is a rate limit", models: map[string]reply{"b1": rep(429, "err_resource_exhausted_429.json")},
			wantKind: quota.KindRateLimited},
		{name: "html with 200", models: map[string]reply{"b1": {200, "", "<html>sign in</html>"}},
			wantKind: quota.KindMalformed},
		{name: "summary and plan failures are ignored",
			summary: map[string]reply{"b1": rep(500, "err_unavailable_503.json")}, assist: rep(403, "err_permission_denied_403.json"),
			check: func(t *testing.T, f *fake, a quota.Account) {
				if len(a.Windows) != 4 || a.Plan != "" {
					t.Errorf("account = %+v", a)
				}
			}},
		{name: "summary malformed is ignored", summary: map[string]reply{"b1": {200, "", `{"groups": 3}`}},
			check: func(t *testing.T, f *fake, a quota.Account) {
				if len(a.Windows) != 4 {
					t.Errorf("account = %+v", a)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.models, f.assist = tt.models, tt.assist
			if tt.summary != nil {
				f.summary = tt.summary
			}
			p := newProvider(homePaths(fixture(t, "home")), f.env(tt.bases...))
			a, err := p.Fetch(context.Background(), targets(t, p)["alice@example.com"])
			if quota.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			noCanary(t, "result", a, err)
			if e := quota.AsError(err); e != nil && !e.ResetAt.Equal(tt.wantReset) {
				t.Errorf("ResetAt = %v, want %v", e.ResetAt, tt.wantReset)
			}
			if a.Name != "alice@example.com" || a.Source != sourceOpenCode {
				t.Errorf("account identity = %q %q", a.Name, a.Source)
			}
			for b, n := range tt.wantHits {
				if got := f.count(b, "fetchAvailableModels"); got != n {
					t.Errorf("%s: %d model calls, want %d", b, got, n)
				}
			}
			if tt.check != nil {
				tt.check(t, f, a)
			}
		})
	}
}

func TestFetchTokenErrors(t *testing.T) {
	tests := []struct {
		name       string
		account    string
		env        func(map[string]string)
		tokens     map[string]reply
		models     map[string]reply
		wantKind   quota.Kind
		wantField  string
		wantMints  int
		wantModels int
	}{
		{name: "invalid_grant is never retried", account: "alice@example.com",
			tokens:   map[string]reply{"1//CANARY-oc-alice-refresh-0001": {400, "err_invalid_grant_400.json", ""}},
			wantKind: quota.KindRefreshRevoked, wantMints: 1},
		{name: "invalid_client", account: "alice@example.com",
			tokens:   map[string]reply{"1//CANARY-oc-alice-refresh-0001": {401, "err_invalid_client_401.json", ""}},
			wantKind: quota.KindClientMismatch, wantMints: 1},
		{name: "token body without access token", account: "alice@example.com",
			tokens:   map[string]reply{"1//CANARY-oc-alice-refresh-0001": {200, "", `{"refresh_token":"1//CANARY-new","expires_in":3599}`}},
			wantKind: quota.KindMalformed, wantField: "access_token", wantMints: 1},
		{name: "client not configured", account: "alice@example.com",
			env:      func(e map[string]string) { delete(e, "MYSTATUS_GOOGLE_CLIENT_ID") },
			wantKind: quota.KindBadConfig, wantField: "MYSTATUS_GOOGLE_CLIENT_ID"},
		{name: "client secret not configured", account: "frank@example.com",
			env:      func(e map[string]string) { delete(e, "MYSTATUS_GOOGLE_CLIENT_SECRET") },
			wantKind: quota.KindBadConfig, wantField: "MYSTATUS_GOOGLE_CLIENT_SECRET"},
		{name: "stored token needs no client", account: "dave@example.com",
			env:        func(e map[string]string) { delete(e, "MYSTATUS_GOOGLE_CLIENT_ID") },
			wantModels: 1},
		{name: "rejected stored token is renewed once", account: "dave@example.com",
			models:    map[string]reply{"b1": {401, "err_unauthenticated_401.json", ""}},
			wantKind:  quota.KindUnauthorized,
			wantMints: 1, wantModels: 2},
		{name: "rejected stored token without a client", account: "dave@example.com",
			env:        func(e map[string]string) { delete(e, "MYSTATUS_GOOGLE_CLIENT_ID") },
			models:     map[string]reply{"b1": {401, "err_unauthenticated_401.json", ""}},
			wantKind:   quota.KindUnauthorized,
			wantModels: 1},
		{name: "bad oauth url", account: "alice@example.com",
			env:      func(e map[string]string) { e["MYSTATUS_GOOGLE_OAUTH_URL"] += "/token" },
			wantKind: quota.KindBadConfig, wantField: "MYSTATUS_GOOGLE_OAUTH_URL"},
		{name: "bad cloudcode url", account: "dave@example.com",
			env:      func(e map[string]string) { e["MYSTATUS_CLOUDCODE_BASE_URL"] = "ftp://x" },
			wantKind: quota.KindBadConfig, wantField: "MYSTATUS_CLOUDCODE_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.tokens = tt.tokens
			if tt.models != nil {
				f.models = tt.models
			}
			env := f.env()
			if tt.env != nil {
				tt.env(env)
			}
			p := newProvider(homePaths(fixture(t, "home")), env)
			a, err := p.Fetch(context.Background(), targets(t, p)[tt.account])
			if quota.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			if e := quota.AsError(err); e != nil && e.Field != tt.wantField {
				t.Errorf("Field = %q, want %q", e.Field, tt.wantField)
			}
			noCanary(t, "result", a, err)
			if got := f.totalMints(); got != tt.wantMints {
				t.Errorf("%d mints, want %d", got, tt.wantMints)
			}
			if got := f.count("", "fetchAvailableModels"); got != tt.wantModels {
				t.Errorf("%d model calls, want %d", got, tt.wantModels)
			}
		})
	}
}

func TestFetchConcurrentMintsOnce(t *testing.T) {
	f := newFake(t)
	first := make(chan struct{})
	f.firstMint, f.release = first, make(chan struct{})
	p := newProvider(homePaths(fixture(t, "home")), f.env())
	alice := targets(t, p)["alice@example.com"]

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = p.Fetch(context.Background(), alice) })
	}
	// Hold the first mint: the second Fetch finds it in flight, or, if it
	// starts after the release, the cached token. Either way one mint.
	<-first
	close(f.release)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.totalMints(); n != 1 {
		t.Errorf("%d mints, want 1", n)
	}
	if n := f.count("", "fetchAvailableModels"); n != 2 {
		t.Errorf("%d model calls, want 2", n)
	}
}

// memTransport serves requests with the fake's handler in memory, so a
// test can run inside a synctest bubble (no network goroutines).
type memTransport struct{ f *fake }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	m.f.serve(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// TestTokenCacheExpiry checks that a minted token is reused until shortly
// before it expires. oauth2's reuse check reads the wall clock, so the test
// runs in a synctest bubble whose fake clock the sleeps advance instantly.
func TestTokenCacheExpiry(t *testing.T) {
	f := newFake(t)
	env := f.env()
	paths := homePaths(fixture(t, "home"))
	synctest.Test(t, func(t *testing.T) {
		hc := httpx.New(5 * time.Second)
		hc.HTTP.Transport = memTransport{f}
		p := New(provider.Deps{
			HTTP:     hc,
			Auth:     auth.NewStore(paths),
			Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		})
		alice := targets(t, p)["alice@example.com"]
		fetch := func() {
			t.Helper()
			if _, err := p.Fetch(context.Background(), alice); err != nil {
				t.Fatal(err)
			}
		}
		fetch()
		time.Sleep(50 * time.Minute) // the 3599 s token still has 9 min left
		fetch()
		if n := f.totalMints(); n != 1 {
			t.Fatalf("%d mints before expiry, want 1", n)
		}
		time.Sleep(5 * time.Minute) // inside the 5-minute margin
		fetch()
		if n := f.totalMints(); n != 2 {
			t.Fatalf("%d mints after expiry, want 2", n)
		}
	})
}

func TestUserAgentOverride(t *testing.T) {
	f := newFake(t)
	env := f.env()
	env["MYSTATUS_ANTIGRAVITY_USER_AGENT"] = "antigravity/9.9.9 darwin/arm64"
	p := newProvider(homePaths(fixture(t, "home")), env)
	if _, err := p.Fetch(context.Background(), targets(t, p)["dave@example.com"]); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.calls {
		if c.ua != "antigravity/9.9.9 darwin/arm64" {
			t.Errorf("User-Agent %q", c.ua)
		}
	}
}

func TestFetchCanceled(t *testing.T) {
	f := newFake(t)
	first, release := make(chan struct{}), make(chan struct{})
	f.firstMint, f.release = first, release
	defer close(release)
	p := newProvider(homePaths(fixture(t, "home")), f.env())
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-first; cancel() }()
	_, err := p.Fetch(ctx, targets(t, p)["alice@example.com"])
	if quota.KindOf(err) != quota.KindCanceled {
		t.Fatalf("err = %v, want canceled", err)
	}
}

// TestProjectFromLoadCodeAssist covers an account whose file has no
// project id: loadCodeAssist gives it (string or object form), and only an
// answer without one is "no project", with the tier it names.
func TestProjectFromLoadCodeAssist(t *testing.T) {
	tests := []struct {
		name      string
		assist    reply
		wantKind  quota.Kind
		wantTier  string
		wantModel string // project sent to fetchAvailableModels
	}{
		{name: "string form", assist: reply{200, "loadcodeassist.json", ""}, wantModel: "alice-proj-1"},
		{name: "object form", assist: reply{200, "", `{"cloudaicompanionProject":{"id":"obj-proj"},"currentTier":{"id":"free-tier"}}`},
			wantModel: "obj-proj"},
		{name: "no project", assist: reply{200, "", `{"currentTier":{"id":"free-tier","name":"Gemini Code Assist for individuals"}}`},
			wantKind: quota.KindProjectMissing, wantTier: "Gemini Code Assist for individuals"},
		{name: "lookup refused", assist: reply{403, "err_permission_denied_403.json", ""}, wantKind: quota.KindForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.assist = tt.assist
			p := newProvider(homePaths(fixture(t, "home")), f.env())
			bob := targets(t, p)["bob@example.com"]
			if bob.Err != nil {
				t.Fatalf("bob is dropped at discovery: %v", bob.Err)
			}
			a, err := p.Fetch(context.Background(), bob)
			if quota.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			if e := quota.AsError(err); e != nil && e.Reason != tt.wantTier {
				t.Errorf("tier = %q, want %q", e.Reason, tt.wantTier)
			}
			if e := quota.AsError(err); e != nil && e.Kind == quota.KindProjectMissing && !strings.HasSuffix(e.Path, "antigravity-accounts.json") {
				t.Errorf("path = %q, want the accounts file (its steps depend on it)", e.Path)
			}
			var sent []string
			for _, c := range f.calls {
				if strings.HasSuffix(c.endpoint, "fetchAvailableModels") {
					sent = append(sent, c.project)
				}
			}
			if tt.wantModel == "" {
				if len(sent) != 0 {
					t.Errorf("models asked for %v without a project", sent)
				}
				return
			}
			if !reflect.DeepEqual(sent, []string{tt.wantModel}) || len(a.Windows) != 8 {
				t.Errorf("models asked for %v; account %+v", sent, a)
			}
			// The project is remembered: the next fetch needs no lookup.
			before := f.count("", "loadCodeAssist")
			if _, err := p.Fetch(context.Background(), bob); err != nil {
				t.Fatal(err)
			}
			if f.count("", "loadCodeAssist") != before+1 || f.count("", "fetchAvailableModels") != 2 {
				t.Errorf("second fetch: %d lookups (want one, in the parallel round)", f.count("", "loadCodeAssist")-before)
			}
		})
	}
}

// TestParallelRound asserts that, once the token is there, the three Cloud
// Code requests are in flight together: the fake holds each request until
// all three have arrived, so a sequential client would never finish.
func TestParallelRound(t *testing.T) {
	f := newFake(t)
	var (
		mu      sync.Mutex
		arrived = map[string]bool{}
		all     = make(chan struct{})
	)
	f.hold = func(endpoint string) {
		mu.Lock()
		arrived[endpoint] = true
		if len(arrived) == 3 {
			close(all)
		}
		mu.Unlock()
		<-all
	}
	p := newProvider(homePaths(fixture(t, "home")), f.env())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if dl, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	a, err := p.Fetch(ctx, targets(t, p)["alice@example.com"])
	if err != nil {
		t.Fatalf("Fetch: %v (requests seen together: %v)", err, arrived)
	}
	if len(a.Windows) != 8 || a.Plan != "Google AI Pro" {
		t.Errorf("account = %+v", a)
	}
	// Token + one round: 2 round trips.
	if f.totalMints() != 1 || len(f.calls) != 3 {
		t.Errorf("%d mints and %d Cloud Code calls, want 1 and 3", f.totalMints(), len(f.calls))
	}
}

// TestBuiltInClients covers the zero-configuration path: without any
// client setting the account's own public client is used, and on
// invalid_client the other known client is tried once.
func TestBuiltInClients(t *testing.T) {
	tests := []struct {
		name        string
		account     string
		owner       string // client id the refresh token belongs to
		env         map[string]string
		wantClients []string
		wantKind    quota.Kind
	}{
		{name: "antigravity login", account: "alice@example.com", owner: google.Antigravity.ID,
			wantClients: []string{google.Antigravity.ID}},
		{name: "gemini cli login falls back once", account: "alice@example.com", owner: google.GeminiCLI.ID,
			wantClients: []string{google.Antigravity.ID, google.GeminiCLI.ID}},
		{name: "unknown client fails after both", account: "alice@example.com", owner: "someone-else",
			wantClients: []string{google.Antigravity.ID, google.GeminiCLI.ID}, wantKind: quota.KindClientMismatch},
		{name: "manager records its client", account: "frank@example.com", owner: google.Antigravity.ID,
			wantClients: []string{google.Antigravity.ID}},
		{name: "an override is the only client", account: "alice@example.com", owner: google.Antigravity.ID,
			env:         map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": testClientID, "MYSTATUS_GOOGLE_CLIENT_SECRET": testClientSecret},
			wantClients: []string{testClientID}, wantKind: quota.KindClientMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.clients = map[string]string{google.Antigravity.ID: google.Antigravity.Secret, google.GeminiCLI.ID: google.GeminiCLI.Secret,
				testClientID: testClientSecret, "someone-else": "x"}
			for _, r := range []string{"1//CANARY-oc-alice-refresh-0001", "1//CANARY-am-frank-refresh-0006"} {
				f.owner[r] = tt.owner
			}
			env := f.env()
			delete(env, "MYSTATUS_GOOGLE_CLIENT_ID")
			delete(env, "MYSTATUS_GOOGLE_CLIENT_SECRET")
			for k, v := range tt.env {
				env[k] = v
			}
			p := newProvider(homePaths(fixture(t, "home")), env)
			a, err := p.Fetch(context.Background(), targets(t, p)[tt.account])
			if quota.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			if !reflect.DeepEqual(f.tokenClients, tt.wantClients) {
				t.Errorf("token requests by %v, want %v", f.tokenClients, tt.wantClients)
			}
			if err == nil && len(a.Windows) != 8 {
				t.Errorf("account = %+v", a)
			}
			noCanary(t, "result", a, err)
		})
	}

	// The client that worked is remembered: a later renewal goes to it first.
	f := newFake(t)
	f.clients = map[string]string{google.Antigravity.ID: google.Antigravity.Secret, google.GeminiCLI.ID: google.GeminiCLI.Secret}
	f.owner["1//CANARY-oc-alice-refresh-0001"] = google.GeminiCLI.ID
	f.models = map[string]reply{"b1": {401, "err_unauthenticated_401.json", ""}}
	env := f.env()
	delete(env, "MYSTATUS_GOOGLE_CLIENT_ID")
	delete(env, "MYSTATUS_GOOGLE_CLIENT_SECRET")
	p := newProvider(homePaths(fixture(t, "home")), env)
	p.Fetch(context.Background(), targets(t, p)["alice@example.com"])
	want := []string{google.Antigravity.ID, google.GeminiCLI.ID, google.GeminiCLI.ID}
	if !reflect.DeepEqual(f.tokenClients, want) {
		t.Errorf("token requests by %v, want %v", f.tokenClients, want)
	}
}

func TestClientsFor(t *testing.T) {
	tests := []struct {
		recorded string
		env      map[string]string
		want     []string
		wantErr  string // Field of the bad_config error
	}{
		{recorded: "", want: []string{"antigravity", "gemini-cli"}},
		{recorded: "antigravity_enterprise", want: []string{"antigravity", "gemini-cli"}},
		{recorded: "gemini_cli", want: []string{"gemini-cli", "antigravity"}},
		{recorded: "team", env: map[string]string{"ANTIGRAVITY_OAUTH_CLIENTS": "other|x|y|X; team | t.apps.googleusercontent.com | GOCSPX-t | Team"},
			want: []string{"team", "antigravity", "gemini-cli"}},
		{recorded: "team", env: map[string]string{"ANTIGRAVITY_OAUTH_CLIENTS": "team||GOCSPX-t|no id"},
			want: []string{"antigravity", "gemini-cli"}},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "a", "MYSTATUS_GOOGLE_CLIENT_SECRET": "b"}, want: []string{"override"}},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "a"}, wantErr: "MYSTATUS_GOOGLE_CLIENT_SECRET"},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_SECRET": "b"}, wantErr: "MYSTATUS_GOOGLE_CLIENT_ID"},
	}
	for _, tt := range tests {
		p := newProvider(homePaths(t.TempDir()), tt.env)
		cs, err := p.clientsFor(tt.recorded)
		var keys []string
		for _, c := range cs {
			keys = append(keys, c.Key)
		}
		e := quota.AsError(err)
		switch {
		case tt.wantErr != "":
			if e == nil || e.Kind != quota.KindBadConfig || e.Code != CodeClientIncomplete || e.Field != tt.wantErr {
				t.Errorf("clientsFor(%q, %v) error = %v, want incomplete %s", tt.recorded, tt.env, err, tt.wantErr)
			}
			if ClientProblem(p.d.Settings) == nil {
				t.Errorf("ClientProblem(%v) = nil", tt.env)
			}
		case err != nil || !reflect.DeepEqual(keys, tt.want):
			t.Errorf("clientsFor(%q, %v) = %v, %v; want %v", tt.recorded, tt.env, keys, err, tt.want)
		case keys[0] == "team" && (cs[0].ID != "t.apps.googleusercontent.com" || cs[0].Secret != "GOCSPX-t"):
			t.Errorf("injected client = %+v", cs[0])
		}
	}
}

// TestNoClientSecrets guards the rule that the public OAuth clients live
// in package google's clients.go only (its own test checks that file).
func TestNoClientSecrets(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "GOCSPX") || strings.Contains(string(b), ".apps.googleusercontent.com") {
			t.Errorf("%s embeds an OAuth client", name)
		}
	}
}

func TestFetchConnectionFallback(t *testing.T) {
	f := newFake(t)
	// A port that was just free refuses connections.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	env := f.env("b2")
	env["MYSTATUS_CLOUDCODE_BASE_URL"] = deadURL + "/b1, " + env["MYSTATUS_CLOUDCODE_BASE_URL"]
	p := newProvider(homePaths(fixture(t, "home")), env)
	a, err := p.Fetch(context.Background(), targets(t, p)["dave@example.com"])
	if err != nil || len(a.Windows) != 8 || f.count("b2", "fetchAvailableModels") != 1 {
		t.Fatalf("Fetch = %+v, %v", a, err)
	}
}

func TestDefaults(t *testing.T) {
	p := newProvider(homePaths(t.TempDir()), nil)
	if bases, src := p.bases(); !reflect.DeepEqual(bases, DefaultBases) || src != "default" || p.ID() != ID {
		t.Errorf("bases = %v from %q, ID %q", bases, src, p.ID())
	}
}
