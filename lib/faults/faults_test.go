package faults

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/doctor"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/anthropic"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/provider/copilot"
	"github.com/mystatus/mystatus/lib/provider/openai"
	"github.com/mystatus/mystatus/lib/provider/zhipu"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// requestTimeout is short so the hanging server costs little; the
// platform budget is 1.5× it.
const requestTimeout = time.Second

// platform is one platform package under test.
type platform struct {
	id  quota.PlatformID
	new func(provider.Deps) quota.Provider
	// settings are the base URL settings pointed at the faulty server.
	settings []string
}

var platforms = []platform{
	{quota.OpenAI, func(d provider.Deps) quota.Provider { return openai.New(d) }, []string{"openai_base_url"}},
	{quota.Anthropic, func(d provider.Deps) quota.Provider { return anthropic.New(d) }, []string{"anthropic_base_url"}},
	{quota.Zhipu, func(d provider.Deps) quota.Provider { return zhipu.NewZhipu(d) }, []string{"zhipu_base_url"}},
	{quota.ZAI, func(d provider.Deps) quota.Provider { return zhipu.NewZAI(d) }, []string{"zai_base_url"}},
	{quota.Antigravity, func(d provider.Deps) quota.Provider { return antigravity.New(d) }, []string{"cloudcode_base_url", "google_oauth_url"}},
	{quota.Copilot, func(d provider.Deps) quota.Provider { return copilot.New(d) }, []string{"github_api_url"}},
}

// expected lists the kinds each fault may be classified as.
var expected = map[Fault][]quota.Kind{
	Timeout:        {quota.KindTimeout},
	Reset:          {quota.KindConnection},
	Unauthorized:   {quota.KindUnauthorized, quota.KindTokenExpired},
	Forbidden:      {quota.KindForbidden},
	NotFound:       {quota.KindNotFound},
	RateLimited:    {quota.KindRateLimited},
	QuotaExhausted: {quota.KindQuotaExhausted},
	ServerError:    {quota.KindServerError},
	Unavailable:    {quota.KindCapacity, quota.KindServerError},
	HTMLPage:       {quota.KindMalformed},
	TruncatedJSON:  {quota.KindMalformed},
	HugeBody:       {quota.KindMalformed},
	ErrorBody200:   {quota.KindMalformed, quota.KindUnauthorized},
	InvalidGrant:   {quota.KindRefreshRevoked},
	DeepJSON:       {quota.KindMalformed},
	Redirect:       {quota.KindMalformed},
	EchoKey:        {quota.KindUnauthorized, quota.KindTokenExpired},
}

// own replaces expected where a platform knows its own envelope: Zhipu and
// Z.ai put errors in 200 bodies; Anthropic's usage endpoint only throttles
// with 429, so a 429 there never means the plan is used up.
var own = map[quota.PlatformID]map[Fault][]quota.Kind{
	quota.Zhipu:     {ErrorBody200: {quota.KindUnauthorized}},
	quota.ZAI:       {ErrorBody200: {quota.KindUnauthorized}},
	quota.Anthropic: {QuotaExhausted: {quota.KindRateLimited}},
}

func allowed(p quota.PlatformID, f Fault) []quota.Kind {
	if k, ok := own[p][f]; ok {
		return k
	}
	return expected[f]
}

// The fixture HOME, shared by every test and checked unchanged at the end.
var (
	paths    auth.Paths
	credHome string
)

// Fixture secrets: distinctive fakes a leak check can grep for.
var (
	openaiAccess = fakeJWT(`{"exp":` + fmt.Sprint(time.Now().Add(30*24*time.Hour).Unix()) +
		`,"https://api.openai.com/auth":{"chatgpt_account_id":"acct-1"},"https://api.openai.com/profile":{"email":"dev@example.com"}}`)
	secrets = []string{"CANARY"}
	// keys are the fixture's API keys, random from end to end as real ones
	// are: no piece of one of quota.MinSecret bytes may reach any output
	// (the masked key shows 4+4). The other fixture secrets hold words
	// such as "anthropic"; "CANARY" stands for them.
	keys = []string{zhipuKey, zaiKey}
)

const (
	zhipuKey     = "0123456789abcdef0123456789abcdef.CANARYzhipuKey"
	zaiKey       = "fedcba9876543210fedcba9876543210.CANARYzaiKey01"
	clientSecret = "GOCSPX-CANARY-client-secret"
)

func fakeJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(claims)) + ".CANARYsignatureCANARY"
}

// oauthToken is what the healthy Google token endpoint mints.
const oauthToken = `{"access_token":"ya29.CANARY-minted-access","expires_in":3599,"token_type":"Bearer"}`

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mystatus-faults-")
	if err != nil {
		panic(err)
	}
	credHome = dir
	paths = auth.PathsFromEnv(func(k string) string {
		if k == "HOME" {
			return dir
		}
		return ""
	})
	if err := writeFiles(fixtureFiles(paths)); err != nil {
		panic(err)
	}
	before := snapshot(dir)
	code := m.Run()
	if after := snapshot(dir); code == 0 && !maps(before, after) {
		fmt.Fprintf(os.Stderr, "credential files changed during the suite:\nbefore %v\nafter  %v\n", before, after)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixtureFiles are the credential files of a HOME at p: every platform
// configured with one account.
func fixtureFiles(p auth.Paths) map[string]string {
	far := time.Now().Add(30 * 24 * time.Hour).UnixMilli()
	return map[string]string{
		p.OpenCodeAuth(): fmt.Sprintf(`{
  "openai": {"type": "oauth", "access": %q, "refresh": "rt_CANARY_openai_refresh", "expires": %d, "accountId": "acct-1"},
  "anthropic": {"type": "oauth", "access": "sk-ant-oat01-CANARY-anthropic-access", "refresh": "sk-ant-ort01-CANARY-anthropic-refresh", "expires": %d},
  "zhipuai-coding-plan": {"type": "api", "key": %q},
  "zai-coding-plan": {"type": "api", "key": %q}
}`, openaiAccess, far, far, zhipuKey, zaiKey),
		filepath.Join(p.OpenCodeConfigDir(), "copilot-quota-token.json"): `{"token": "github_pat_11CANARY_copilot_token_0001", "username": "octocat", "tier": "pro"}`,
		filepath.Join(p.OpenCodeConfigDir(), "antigravity-accounts.json"): `{"version": 3, "accounts": [
  {"email": "dev@example.com", "refreshToken": "1//0gCANARY-google-refresh", "projectId": "proj-1"}]}`,
	}
}

func writeFiles(files map[string]string) error {
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// fileState is what must not change about a credential file.
type fileState struct {
	Sum     string
	ModTime time.Time
	Mode    fs.FileMode
}

func snapshot(dir string) map[string]fileState {
	out := map[string]fileState{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		st, _ := os.Stat(path)
		out[path] = fileState{Sum: string(data), ModTime: st.ModTime(), Mode: st.Mode()}
		return nil
	})
	return out
}

func maps(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Sum != w.Sum || !v.ModTime.Equal(w.ModTime) || v.Mode != w.Mode {
			return false
		}
	}
	return true
}

// faultyServer serves f on every path except the Google token endpoint,
// which stays healthy (so the data calls are the ones that fail) unless
// the fault is about the token itself. Redirects point at foreign.
func faultyServer(f Fault, foreign string) *httptest.Server {
	h := HandlerTo(f, foreign)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" && f != InvalidGrant && f != Redirect {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, oauthToken)
			return
		}
		h.ServeHTTP(w, r)
	}))
}

func deps(p platform, url string) provider.Deps {
	env := map[string]string{
		"MYSTATUS_GOOGLE_CLIENT_ID":     "test-client.apps.googleusercontent.com",
		"MYSTATUS_GOOGLE_CLIENT_SECRET": "GOCSPX-CANARY-client-secret",
	}
	for _, s := range p.settings {
		v := url
		if s == "google_oauth_url" {
			v = url + "/oauth"
		}
		env["MYSTATUS_"+strings.ToUpper(s)] = v
	}
	return provider.Deps{HTTP: client(), Auth: auth.NewStore(paths), Now: time.Now,
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }}}
}

// client is the suite's HTTP client: the one careful retry still happens,
// without its pause, so no case waits on the clock for a backoff.
func client() *httpx.Client {
	c := httpx.New(requestTimeout)
	c.Backoff = func() time.Duration { return 0 }
	c.Sleep = func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil }
	return c
}

// foreignOrigin is a second loopback listener (another port: another
// origin) that fails the test if anything reaches it.
func foreignOrigin(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached the foreign origin: %s %s (Authorization set: %v)", r.Method, r.URL.Path, r.Header.Get("Authorization") != "")
		w.WriteHeader(200)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// steady is a healthy platform sharing the faulty one's HTTP client.
type steady struct {
	http *httpx.Client
	url  string
}

func (s steady) ID() quota.PlatformID { return "steady" }
func (s steady) Info() quota.Info     { return quota.Info{ID: "steady", Configured: true} }
func (s steady) Discover(context.Context) ([]quota.Target, error) {
	return []quota.Target{{Key: "steady", Name: "steady@example.com"}}, nil
}
func (s steady) Fetch(ctx context.Context, _ quota.Target) (quota.Account, error) {
	r, err := s.http.Get(ctx, s.url, nil)
	if err != nil {
		return quota.Account{}, err
	}
	if string(r.Body) != `{"used":25}` {
		return quota.Account{}, httpx.Malformed(r, "unexpected body")
	}
	return quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 25}}}, nil
}

// run collects one report with platform p facing fault f beside a
// healthy platform.
func run(t *testing.T, p platform, f Fault) (quota.Report, time.Duration, *report.Service) {
	t.Helper()
	bad := faultyServer(f, foreignOrigin(t))
	t.Cleanup(bad.Close)
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"used":25}`)
	}))
	t.Cleanup(good.Close)
	d := deps(p, bad.URL)
	svc := &report.Service{Providers: []quota.Provider{p.new(d), steady{d.HTTP, good.URL}}, Timeout: requestTimeout}
	start := time.Now()
	rep := svc.Collect(context.Background(), report.Request{})
	return rep, time.Since(start), svc
}

// failure is the first failure of a result.
func failure(r quota.Result) error {
	if r.Err != nil {
		return r.Err
	}
	for _, a := range r.Accounts {
		if a.Err != nil {
			return a.Err
		}
	}
	return nil
}

func TestFaults(t *testing.T) {
	for _, p := range platforms {
		for _, f := range All {
			t.Run(string(p.id)+"/"+string(f), func(t *testing.T) {
				t.Parallel() // each case has its own servers; the HOME is read-only
				rep, took, _ := run(t, p, f)
				if len(rep.Results) != 2 {
					t.Fatalf("got %d results, want the faulty and the healthy platform: %+v", len(rep.Results), rep.Results)
				}
				faulty, healthy := rep.Results[0], rep.Results[1]
				err := failure(faulty)
				if err == nil {
					t.Fatalf("fault went unnoticed: %+v", faulty)
				}
				if k := quota.KindOf(err); !slices.Contains(allowed(p.id, f), k) {
					t.Errorf("classified as %s (%v), want one of %v", k, err, allowed(p.id, f))
				}
				if healthy.Failed() || len(healthy.Accounts) != 1 || len(healthy.Accounts[0].Windows) != 1 {
					t.Errorf("healthy platform affected: %+v", healthy)
				}
				// A hang would take MaxHang. That a hang ends at the timeout is
				// asserted on a fake clock in httpx and report; here only a
				// hang is caught, so a loaded machine cannot fail the case.
				if took > MaxHang/2 {
					t.Errorf("run took %v: something hung", took)
				}
				noSecrets(t, rep)
			})
		}
	}
}

// noSecrets renders rep every way a user can see it and fails on any
// fixture secret.
func noSecrets(t *testing.T, rep quota.Report) {
	t.Helper()
	explainer := func(loc *i18n.Localizer, p quota.PlatformID, err error) render.Explanation {
		return render.Explanation(explain.Explain(loc, p, err, paths))
	}
	var outs []string
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		opts := render.Options{Now: time.Now(), Explain: explainer}
		outs = append(outs, render.Markdown(rep, loc, opts))
		doc, err := json.Marshal(render.JSON(rep, loc, opts))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(doc))
		for _, res := range rep.Results {
			for _, err := range []error{res.Err, failure(res)} {
				if err != nil {
					x := explain.Explain(loc, res.Platform, err, paths)
					outs = append(outs, fmt.Sprintf("%+v", x))
				}
			}
			for _, a := range res.Accounts {
				outs = append(outs, a.Name, a.Plan, a.Source, fmt.Sprint(a.Facts))
			}
		}
	}
	for _, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("secret %q reached the output:\n%s", s, out)
			}
		}
		for _, k := range keys {
			if f := fragment(out, k); f != "" {
				t.Errorf("%q of a fixture credential reached the output:\n%s", f, out)
			}
		}
	}
}

// fragment returns the first piece of secret, quota.MinSecret bytes long,
// found in out.
func fragment(out, secret string) string {
	for i := 0; i+quota.MinSecret <= len(secret); i++ {
		if f := secret[i : i+quota.MinSecret]; strings.Contains(out, f) {
			return f
		}
	}
	return ""
}

// TestTargetsCarryNoSecret checks the cache keys and names every platform
// gives its accounts.
func TestTargetsCarryNoSecret(t *testing.T) {
	for _, p := range platforms {
		targets, err := p.new(deps(p, "http://127.0.0.1:9")).Discover(context.Background())
		if err != nil {
			t.Fatalf("%s: discover: %v", p.id, err)
		}
		if len(targets) == 0 {
			t.Fatalf("%s: fixture HOME yields no account", p.id)
		}
		for _, tg := range targets {
			if strings.Contains(tg.Key+tg.Name, "CANARY") || (tg.Err != nil && strings.Contains(tg.Err.Error(), "CANARY")) {
				t.Errorf("%s: target %q / %q carries a secret", p.id, tg.Key, tg.Name)
			}
		}
	}
}

// TestHugeBodyMemory streams fifty times the body cap, and a body of
// nothing but "[" just under it, and checks the allocations stay far below
// what buffering the first or recursively parsing the second would cost
// (~900 MB before the depth limit).
func TestHugeBodyMemory(t *testing.T) {
	limits := map[Fault]uint64{HugeBody: HugeSize / 3, DeepJSON: 32 << 20}
	for _, f := range []Fault{HugeBody, DeepJSON} {
		for _, p := range platforms {
			t.Run(string(f)+"/"+string(p.id), func(t *testing.T) {
				srv := faultyServer(f, DefaultForeign)
				defer srv.Close()
				prov := p.new(deps(p, srv.URL))
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				rep := (&report.Service{Providers: []quota.Provider{prov}, Timeout: requestTimeout}).Collect(context.Background(), report.Request{})
				runtime.ReadMemStats(&after)
				if len(rep.Results) != 1 || quota.KindOf(failure(rep.Results[0])) != quota.KindMalformed {
					t.Fatalf("%s not reported as malformed: %+v", f, rep.Results)
				}
				if grew := after.TotalAlloc - before.TotalAlloc; grew > limits[f] {
					t.Errorf("allocated %d MiB", grew>>20)
				}
			})
		}
	}
}

// TestHandlerAnswers pins what each fault sends, independent of any
// platform.
func TestHandlerAnswers(t *testing.T) {
	for _, f := range All {
		if f == Timeout || f == Reset || f == Redirect {
			continue
		}
		srv := httptest.NewServer(Handler(f))
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.Header.Set("Authorization", "Bearer sk-CANARY-echo")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if f == HugeBody && len(body) < HugeSize {
			t.Errorf("%s: body of %d bytes", f, len(body))
		}
		if f == Unauthorized && !bytes.Contains(body, []byte("sk-CANARY-echo")) {
			t.Errorf("%s: the Authorization header is not echoed: %s", f, body)
		}
		if resp.StatusCode >= 400 {
			var se httpx.StatusError
			se.Status, se.Body, se.Header = resp.StatusCode, body, resp.Header
			se.RetryAfter, _ = httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if k := quota.KindOf(httpx.FromStatus(&se)); !slices.Contains(expected[f], k) {
				t.Errorf("%s: generic classification %s, want one of %v", f, k, expected[f])
			}
		}
	}
}

// TestDoctorWithPlatforms runs the doctor over the fixture HOME with every
// real platform answering 401: each platform gets a reachability finding
// with its fix, and no secret reaches the output.
func TestDoctorWithPlatforms(t *testing.T) {
	srv := faultyServer(Unauthorized, DefaultForeign)
	defer srv.Close()
	every := platform{}
	for _, p := range platforms {
		every.settings = append(every.settings, p.settings...)
	}
	d := deps(every, srv.URL)
	var provs []quota.Provider
	for _, p := range platforms {
		provs = append(provs, p.new(d))
	}
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		rep := doctor.Run(context.Background(), doctor.Options{Deps: d, Providers: provs, Loc: loc})
		for _, p := range platforms {
			found := false
			for _, f := range rep.Findings {
				if f.Platform == p.id && f.Check == doctor.CheckReachability && f.Severity == doctor.Error && len(f.Steps) > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no reachability problem for %s in %+v", lang, p.id, rep.Findings)
			}
		}
		if doctor.ExitCode(rep) != 1 {
			t.Errorf("%s: exit code %d", lang, doctor.ExitCode(rep))
		}
		js, _ := json.Marshal(rep)
		for _, out := range []string{doctor.Render(rep, loc), string(js)} {
			if strings.Contains(out, "CANARY") {
				t.Errorf("%s: a secret reached the doctor's output:\n%s", lang, out)
			}
		}
	}
}
