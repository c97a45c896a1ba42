package geminicli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test: before the fixture login's
// expiry_date (2026-03-01T11:59:59Z), so its access token is valid.
var now = time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)

// The fixture login's tokens (testdata/home/.gemini/oauth_creds.json).
const (
	storedAccess  = "ya29.CANARY-geminicli-access-0001"
	storedRefresh = "1//CANARY-geminicli-refresh-0001"
	mintedAccess  = "ya29.CANARY-geminicli-minted-0002"
)

func pathsFor(home string) auth.Paths {
	if home == "" {
		return auth.Paths{}
	}
	return auth.Paths{Home: home, XDGData: filepath.Join(home, ".local", "share"), XDGConfig: filepath.Join(home, ".config")}
}

// home builds a temporary HOME holding files (path below HOME → content).
func home(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fixtureHome is a HOME with the recorded-shape login of testdata/home.
func fixtureHome(t testing.TB) string {
	return home(t, map[string]string{
		".gemini/oauth_creds.json":     string(testdata(t, "home/.gemini/oauth_creds.json")),
		".gemini/google_accounts.json": string(testdata(t, "home/.gemini/google_accounts.json")),
	})
}

func newProvider(t testing.TB, homeDir string, env map[string]string) *Provider {
	t.Helper()
	c := httpx.New(5 * time.Second)
	c.Now = func() time.Time { return now }
	c.Backoff = func() time.Duration { return 0 }
	c.Sleep = func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil }
	return New(provider.Deps{
		HTTP:     c,
		Auth:     auth.NewStore(pathsFor(homeDir)),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
}

// reply is one canned answer.
type reply struct {
	status int
	body   []byte
}

// fake is a loopback Code Assist host and Google token endpoint. Each
// path answers its replies in turn, the last one repeatedly.
type fake struct {
	*httptest.Server
	mu      sync.Mutex
	replies map[string][]reply
	calls   []call
}

// call is one request the fake received.
type call struct {
	path, auth string
	body       []byte
	form       url.Values
}

func newFake(t testing.TB, replies map[string][]reply) *fake {
	t.Helper()
	f := &fake{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		form, _ := url.ParseQuery(string(body))
		f.mu.Lock()
		f.calls = append(f.calls, call{path: r.URL.Path, auth: r.Header.Get("Authorization"), body: body, form: form})
		rs := f.replies[r.URL.Path]
		var rp reply
		if len(rs) > 0 {
			rp = rs[0]
			if len(rs) > 1 {
				f.replies[r.URL.Path] = rs[1:]
			}
		}
		f.mu.Unlock()
		if r.Method != http.MethodPost || rp.status == 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		w.Write(rp.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// env points the platform and the token endpoint at the fake.
func (f *fake) env() map[string]string {
	return map[string]string{"MYSTATUS_GEMINICLI_BASE_URL": f.URL + "/ca", "MYSTATUS_GOOGLE_OAUTH_URL": f.URL + "/oauth"}
}

func (f *fake) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.path)
	}
	return out
}

func (f *fake) call(i int) call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[i]
}

const (
	assistPath = "/ca/v1internal:loadCodeAssist"
	quotaPath  = "/ca/v1internal:retrieveUserQuota"
	tokenPath  = "/oauth/token"
)

func ok(t testing.TB, name string) []reply { return []reply{{200, testdata(t, name)}} }

func tokenReply() []reply {
	return []reply{{200, []byte(`{"access_token":"` + mintedAccess + `","expires_in":3599,"scope":"https://www.googleapis.com/auth/cloud-platform","token_type":"Bearer"}`)}}
}

func discoverOne(t *testing.T, p *Provider) quota.Target {
	t.Helper()
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("%d targets", len(ts))
	}
	return ts[0]
}

// TestFetch: a valid stored token is used as it is; loadCodeAssist gives
// the project and plan, retrieveUserQuota the per-model rows.
func TestFetch(t *testing.T) {
	f := newFake(t, map[string][]reply{
		assistPath: ok(t, "assist/standard_g1_pro.json"),
		quotaPath:  ok(t, "quota/free_requests_tokens.json"),
	})
	p := newProvider(t, fixtureHome(t), f.env())
	tg := discoverOne(t, p)
	if tg.Name != "dev@example.com" || tg.Key != "geminicli:dev@example.com" {
		t.Errorf("target %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "dev@example.com" || a.Plan != "Gemini Code Assist in Google One AI Pro" {
		t.Errorf("account %+v", a)
	}
	checkRows(t, a.Windows, []row{{"gemini-2.5-pro", 90, "2026-06-20T06:27:20Z"}, {"gemini-2.5-flash", 60, "2026-06-20T06:27:20Z"}})
	if got := strings.Join(f.paths(), " "); got != assistPath+" "+quotaPath {
		t.Fatalf("requests %s", got)
	}
	for i := range 2 {
		if c := f.call(i); c.auth != "Bearer "+storedAccess {
			t.Errorf("%s: Authorization %q", c.path, c.auth)
		}
	}
	// The request Gemini CLI sends (setup.ts), then the project Google named.
	if got := string(f.call(0).body); got != `{"metadata":{"ideType":"IDE_UNSPECIFIED","platform":"PLATFORM_UNSPECIFIED","pluginType":"GEMINI"}}` {
		t.Errorf("loadCodeAssist body %s", got)
	}
	if got := string(f.call(1).body); got != `{"project":"example-project-a1b2c"}` {
		t.Errorf("retrieveUserQuota body %s", got)
	}
}

// TestFetchMints: an expired stored token is replaced in memory with one
// minted with Gemini CLI's client; the login file is left untouched.
func TestFetchMints(t *testing.T) {
	f := newFake(t, map[string][]reply{
		tokenPath:  tokenReply(),
		assistPath: ok(t, "assist/standard_bare.json"),
		quotaPath:  ok(t, "quota/two_models_daily.json"),
	})
	dir := fixtureHome(t)
	credsPath := filepath.Join(dir, ".gemini", "oauth_creds.json")
	before, _ := os.ReadFile(credsPath)
	st, _ := os.Stat(credsPath)
	p := newProvider(t, dir, f.env())
	later := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // after expiry_date
	p.d.Now = func() time.Time { return later }
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if a.Plan != "standard-tier" || len(a.Windows) != 2 {
		t.Errorf("account %+v", a)
	}
	if got := strings.Join(f.paths(), " "); got != tokenPath+" "+assistPath+" "+quotaPath {
		t.Fatalf("requests %s", got)
	}
	form := f.call(0).form
	if form.Get("client_id") != google.GeminiCLI.ID || form.Get("client_secret") != google.GeminiCLI.Secret ||
		form.Get("refresh_token") != storedRefresh || form.Get("grant_type") != "refresh_token" {
		t.Errorf("token form %v", form)
	}
	if c := f.call(1); c.auth != "Bearer "+mintedAccess {
		t.Errorf("Authorization %q", c.auth)
	}
	after, _ := os.ReadFile(credsPath)
	st2, _ := os.Stat(credsPath)
	if !bytes.Equal(before, after) || !st.ModTime().Equal(st2.ModTime()) || st2.Mode() != st.Mode() {
		t.Errorf("the login file changed")
	}
	// The minted token is reused: a second fetch mints nothing.
	if _, err := p.Fetch(context.Background(), discoverOne(t, p)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(f.paths(), " "), tokenPath); n != 1 {
		t.Errorf("%d mints, want 1", n)
	}
}

// TestRejectedTokenMintsOnce: a stored token refused before its expiry is
// minted anew once, then the round is run again.
func TestRejectedTokenMintsOnce(t *testing.T) {
	f := newFake(t, map[string][]reply{
		tokenPath:  tokenReply(),
		assistPath: {{401, testdata(t, "errors/401_unauthenticated.json")}, {200, testdata(t, "assist/free_tier_with_project.json")}},
		quotaPath:  ok(t, "quota/gemini_cli_server_test.json"),
	})
	p := newProvider(t, fixtureHome(t), f.env())
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, a.Windows, []row{{"gemini-2.5-pro", 25, "2025-10-22T16:01:15Z"}})
	if got := strings.Join(f.paths(), " "); got != assistPath+" "+tokenPath+" "+assistPath+" "+quotaPath {
		t.Fatalf("requests %s", got)
	}
}

// TestFetchErrors: the recorded error bodies, served where they occur,
// become the kinds the catalogs explain; no secret reaches the error.
func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name    string
		replies map[string][]reply
		later   bool // the stored token has expired: a mint comes first
		kind    quota.Kind
		path    bool // the error names the login file
		reason  string
	}{
		{name: "refresh revoked", later: true, kind: quota.KindRefreshRevoked, path: true,
			replies: map[string][]reply{tokenPath: {{400, testdata(t, "errors/400_invalid_grant.json")}}}},
		{name: "client mismatch", later: true, kind: quota.KindClientMismatch, path: true,
			replies: map[string][]reply{tokenPath: {{401, []byte(`{"error":"invalid_client","error_description":"The OAuth client was not found."}`)}}}},
		{name: "token endpoint answers no token", later: true, kind: quota.KindMalformed,
			replies: map[string][]reply{tokenPath: {{200, []byte(`{"token_type":"Bearer"}`)}}}},
		{name: "401 after a fresh mint", kind: quota.KindUnauthorized,
			replies: map[string][]reply{tokenPath: tokenReply(), assistPath: {{401, testdata(t, "errors/401_unauthenticated.json")}}}},
		{name: "403 loadCodeAssist", kind: quota.KindForbidden,
			replies: map[string][]reply{assistPath: {{403, testdata(t, "errors/403_permission_denied.json")}}}},
		{name: "403 retrieveUserQuota", kind: quota.KindForbidden,
			replies: map[string][]reply{assistPath: ok(t, "assist/standard_g1_pro.json"), quotaPath: {{403, testdata(t, "errors/403_consumer_invalid.json")}}}},
		{name: "429 resource exhausted", kind: quota.KindRateLimited,
			replies: map[string][]reply{assistPath: ok(t, "assist/standard_g1_pro.json"), quotaPath: {{429, testdata(t, "errors/429_resource_exhausted.json")}}}},
		{name: "429 quota exhausted", kind: quota.KindQuotaExhausted,
			replies: map[string][]reply{assistPath: ok(t, "assist/standard_g1_pro.json"), quotaPath: {{429, testdata(t, "errors/429_quota_exhausted.json")}}}},
		{name: "no project", kind: quota.KindProjectMissing, path: true,
			replies: map[string][]reply{assistPath: ok(t, "assist/standard_no_project.json")}},
		{name: "no project, free tier", kind: quota.KindProjectMissing, path: true, reason: "Gemini Code Assist for individuals",
			replies: map[string][]reply{assistPath: ok(t, "assist/free_tier_individuals.json")}},
		{name: "new user, not onboarded", kind: quota.KindProjectMissing, path: true, reason: "free",
			replies: map[string][]reply{assistPath: ok(t, "assist/gemini_cli_setup_new_free.json")}},
		{name: "500 twice", kind: quota.KindServerError,
			replies: map[string][]reply{assistPath: {{500, []byte(`<html>oops</html>`)}}}},
		{name: "quota body not json", kind: quota.KindMalformed,
			replies: map[string][]reply{assistPath: ok(t, "assist/standard_g1_pro.json"), quotaPath: {{200, []byte(`<html>portal</html>`)}}}},
		{name: "assist body an array", kind: quota.KindMalformed,
			replies: map[string][]reply{assistPath: {{200, []byte(`[]`)}}}},
		{name: "404 wrong base", kind: quota.KindNotFound, replies: map[string][]reply{}},
		// A 2xx carrying Google's error envelope is the error it names.
		{name: "200 with a 401 envelope", kind: quota.KindUnauthorized, replies: map[string][]reply{
			tokenPath: tokenReply(), assistPath: {{200, testdata(t, "errors/401_unauthenticated.json")}}}},
		{name: "200 with a 403 envelope from retrieveUserQuota", kind: quota.KindForbidden, replies: map[string][]reply{
			assistPath: ok(t, "assist/standard_g1_pro.json"), quotaPath: {{200, testdata(t, "errors/403_consumer_invalid.json")}}}},
		// An upstream echoing the bearer token must not get it into the report.
		{name: "echoed token", kind: quota.KindForbidden, replies: map[string][]reply{assistPath: {{403,
			[]byte(`{"error":{"code":403,"message":"token ` + storedAccess + ` may not call this","status":"PERMISSION_DENIED"}}`)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.replies)
			dir := fixtureHome(t)
			p := newProvider(t, dir, f.env())
			if tt.later {
				p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
			}
			a, err := p.Fetch(context.Background(), discoverOne(t, p))
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind {
				t.Fatalf("error %#v (%v), want %s", e, err, tt.kind)
			}
			if a.Windows != nil || a.Name != "dev@example.com" {
				t.Errorf("account %+v", a)
			}
			if want := filepath.Join(dir, ".gemini", "oauth_creds.json"); tt.path && e.Path != want {
				t.Errorf("path %q, want %q", e.Path, want)
			}
			if e.Reason != tt.reason {
				t.Errorf("reason %q, want %q", e.Reason, tt.reason)
			}
			if strings.Contains(err.Error(), "CANARY") || strings.Contains(e.Detail, "CANARY") {
				t.Errorf("secret in the error: %v", err)
			}
		})
	}
}

// TestUserProject: GOOGLE_CLOUD_PROJECT is sent as Gemini CLI sends it,
// and serves when Google names no project.
func TestUserProject(t *testing.T) {
	f := newFake(t, map[string][]reply{
		assistPath: ok(t, "assist/standard_no_project.json"),
		quotaPath:  ok(t, "quota/gemini3_family.json"),
	})
	env := f.env()
	env["GOOGLE_CLOUD_PROJECT"] = " my-proj "
	p := newProvider(t, fixtureHome(t), env)
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil || len(a.Windows) != 3 {
		t.Fatalf("%+v, %v", a, err)
	}
	var req google.AssistRequest
	if err := json.Unmarshal(f.call(0).body, &req); err != nil || req.Project != "my-proj" || req.Metadata.DuetProject != "my-proj" {
		t.Errorf("loadCodeAssist body %s", f.call(0).body)
	}
	if got := string(f.call(1).body); got != `{"project":"my-proj"}` {
		t.Errorf("retrieveUserQuota body %s", got)
	}
}

// TestNotConfigured: without ~/.gemini the platform is not configured and
// sends nothing.
func TestNotConfigured(t *testing.T) {
	f := newFake(t, map[string][]reply{})
	for name, dir := range map[string]string{"empty home": home(t, nil), "no home": "",
		"other files": home(t, map[string]string{".gemini/settings.json": `{}`, ".codex/auth.json": `{}`})} {
		t.Run(name, func(t *testing.T) {
			p := newProvider(t, dir, f.env())
			if info := p.Info(); info.Configured || info.ID != ID {
				t.Errorf("info %+v", info)
			}
			if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
				t.Errorf("discover: %v", err)
			}
		})
	}
	if len(f.paths()) != 0 {
		t.Errorf("requests %v", f.paths())
	}
}

// TestDiscover: where the login is read and how the account is named.
func TestDiscover(t *testing.T) {
	noID := `{"access_token":"ya29.CANARY-x","refresh_token":"1//CANARY-y","expiry_date":1}`
	tests := []struct {
		name     string
		files    map[string]string
		env      map[string]string
		want     string // account name; "" for an error
		kind     quota.Kind
		wantPath string // below HOME, of Info's source
	}{
		{name: "id_token e-mail", files: map[string]string{".gemini/oauth_creds.json": string(testdata(t, "home/.gemini/oauth_creds.json"))},
			want: "dev@example.com", wantPath: ".gemini/oauth_creds.json"},
		{name: "google_accounts.json", files: map[string]string{".gemini/oauth_creds.json": noID,
			".gemini/google_accounts.json": `{"active":"Someone@Example.com","old":["x@example.com"]}`}, want: "Someone@Example.com", wantPath: ".gemini/oauth_creds.json"},
		{name: "no e-mail anywhere", files: map[string]string{".gemini/oauth_creds.json": noID, ".gemini/google_accounts.json": `{"active":null}`},
			want: CredsFile, wantPath: ".gemini/oauth_creds.json"},
		{name: "GEMINI_CLI_HOME", files: map[string]string{"job/.gemini/oauth_creds.json": noID, ".gemini/oauth_creds.json": "broken"},
			env: map[string]string{"GEMINI_CLI_HOME": "@/job"}, want: CredsFile, wantPath: "job/.gemini/oauth_creds.json"},
		{name: "broken file", files: map[string]string{".gemini/oauth_creds.json": `{"access_token":`}, kind: quota.KindFileMalformed, wantPath: ".gemini/oauth_creds.json"},
		{name: "no token", files: map[string]string{".gemini/oauth_creds.json": `{"scope":"x"}`}, kind: quota.KindFieldMissing, wantPath: ".gemini/oauth_creds.json"},
		{name: "a directory", files: map[string]string{".gemini/oauth_creds.json/x": `{}`}, kind: quota.KindFileUnreadable, wantPath: ".gemini/oauth_creds.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, tt.files)
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.Replace(v, "@", dir, 1)
			}
			p := newProvider(t, dir, env)
			info := p.Info()
			if want := filepath.Join(dir, filepath.FromSlash(tt.wantPath)); !info.Configured || len(info.Sources) != 1 || info.Sources[0].Path != want {
				t.Errorf("info %+v, want source %s", info, want)
			}
			ts, err := p.Discover(context.Background())
			if tt.kind != "" {
				if k := quota.KindOf(err); k != tt.kind || ts != nil {
					t.Fatalf("%v (%s), %v; want %s", err, k, ts, tt.kind)
				}
				return
			}
			if err != nil || len(ts) != 1 || ts[0].Name != tt.want || strings.Contains(ts[0].Key+ts[0].Name, "CANARY") {
				t.Fatalf("%+v, %v; want %q", ts, err, tt.want)
			}
		})
	}
}

// TestTokenExpiredWithoutRefresh: a login holding only an expired access
// token cannot be renewed, and nothing is sent.
func TestTokenExpiredWithoutRefresh(t *testing.T) {
	f := newFake(t, map[string][]reply{})
	dir := home(t, map[string]string{".gemini/oauth_creds.json": `{"access_token":"ya29.CANARY-z","expiry_date":1000}`})
	p := newProvider(t, dir, f.env())
	_, err := p.Fetch(context.Background(), discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindTokenExpired || e.Field != "refresh_token" || e.Path == "" {
		t.Fatalf("error %#v", e)
	}
	if len(f.paths()) != 0 {
		t.Errorf("requests %v", f.paths())
	}
}

// TestBadSettings: a broken base URL or a half client override is a
// bad_config error naming the setting.
func TestBadSettings(t *testing.T) {
	for _, env := range []map[string]string{
		{"MYSTATUS_GEMINICLI_BASE_URL": "cloudcode-pa.googleapis.com"},
		{"MYSTATUS_GEMINICLI_BASE_URL": "http://127.0.0.1:1/v1internal:loadCodeAssist"},
	} {
		p := newProvider(t, fixtureHome(t), env)
		_, err := p.Fetch(context.Background(), discoverOne(t, p))
		if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != "MYSTATUS_GEMINICLI_BASE_URL" {
			t.Errorf("%v: %#v", env, e)
		}
	}
	p := newProvider(t, fixtureHome(t), map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "x.apps.example.com"})
	p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
	_, err := p.Fetch(context.Background(), discoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Code != google.CodeClientIncomplete {
		t.Errorf("half override: %#v", e)
	}
}

func TestFetchForeignTarget(t *testing.T) {
	p := newProvider(t, "", nil)
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x", Data: "y"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("%v", err)
	}
	want := &quota.Error{Kind: quota.KindForbidden}
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x", Err: want}); err != want {
		t.Errorf("%v", err)
	}
}

func TestDescribe(t *testing.T) {
	p := newProvider(t, "/home/u", nil)
	d := p.Describe()
	if d.ID != "geminicli" || len(d.Aliases) == 0 || d.Files[0] != "oauth_creds.json" || d.FixData[FixDataPath] != filepath.FromSlash("/home/u/.gemini/oauth_creds.json") {
		t.Errorf("description %+v", d)
	}
	var urls []string
	for _, ep := range d.Endpoints {
		for _, path := range ep.Paths {
			u, err := httpx.JoinURL(ep.Default, path, "default")
			if err != nil {
				t.Fatal(err)
			}
			urls = append(urls, u)
		}
	}
	want := "https://cloudcode-pa.googleapis.com/v1internal:loadCodeAssist https://cloudcode-pa.googleapis.com/v1internal:retrieveUserQuota https://oauth2.googleapis.com/token"
	if got := strings.Join(urls, " "); got != want {
		t.Errorf("endpoints %s\nwant %s", got, want)
	}
	if d.Endpoints[0].Setting != "geminicli_base_url" || d.Endpoints[1].Setting != google.SettingOAuthURL {
		t.Errorf("settings %+v", d.Endpoints)
	}
	// No home, no disk: Describe still answers.
	if d := New(provider.Deps{}).Describe(); d.ID != ID || d.FixData[FixDataPath] != "" {
		t.Errorf("bare description %+v", d)
	}
}

// TestConcurrentFetch: accounts fetched side by side share one mint.
func TestConcurrentFetch(t *testing.T) {
	f := newFake(t, map[string][]reply{
		tokenPath:  tokenReply(),
		assistPath: ok(t, "assist/standard_g1_pro.json"),
		quotaPath:  ok(t, "quota/gemini3_family.json"),
	})
	p := newProvider(t, fixtureHome(t), f.env())
	p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
	tg := discoverOne(t, p)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := p.Fetch(context.Background(), tg); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := strings.Count(strings.Join(f.paths(), " "), tokenPath); n != 1 {
		t.Errorf("%d mints, want 1", n)
	}
}
