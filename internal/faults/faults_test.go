package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/doctor"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// requestTimeout is the faulty platform's request timeout when it faces
// the hanging server: short, so a hang costs little. Only that platform's
// own requests have it (any of them timing out is the expected
// KindTimeout); the healthy platform beside it and the report's platform
// budget use generousTimeout, so a loaded machine (-race, cases in
// parallel) never turns a prompt answer into a failure.
const requestTimeout = 250 * time.Millisecond

// generousTimeout bounds every request that is expected to be answered.
const generousTimeout = 20 * time.Second

// timeoutFor is the faulty platform's request timeout facing f.
func timeoutFor(f Fault) time.Duration {
	if f == Timeout {
		return requestTimeout
	}
	return generousTimeout
}

// The rows of this suite come from the registry: every platform of
// all.Providers that implements provider.Demoer runs against every fault,
// with its demo's credentials and settings and the fault handler mounted
// instead of its demo handler. A newly registered platform gets every row
// without a line here.

// platform is one registered platform under test.
type platform struct {
	id quota.PlatformID
	// demo is its demo, for the names of its settings and files.
	demo provider.Demo
}

// fakePaths are the paths platforms() asks each demo for, so a demo's
// Files can be found again in any demo HOME (see rebase).
var fakePaths = auth.PathsFromEnv(func(k string) string {
	if k == "HOME" {
		return "/nonexistent/demo-home"
	}
	return ""
})

// platforms lists the registered platforms that have a demo.
func platforms(t testing.TB) []platform {
	t.Helper()
	var out []platform
	for _, p := range all.Providers(provider.Deps{}) {
		d, ok := p.(provider.Demoer)
		if !ok {
			continue
		}
		demo, err := d.Demo(time.Now(), fakePaths)
		if err != nil {
			t.Fatalf("%s: demo: %v", p.ID(), err)
		}
		out = append(out, platform{id: p.ID(), demo: demo})
	}
	if len(out) == 0 {
		t.Fatal("no registered platform implements provider.Demoer")
	}
	return out
}

// newProvider is the registered platform id built on d.
func newProvider(t testing.TB, id quota.PlatformID, d provider.Deps) quota.Provider {
	t.Helper()
	for _, p := range all.Providers(d) {
		if p.ID() == id {
			return p
		}
	}
	t.Fatalf("platform %s not registered", id)
	return nil
}

// endpoints are the settings of p's demo naming a path below its mount,
// the base URLs it appends its endpoints to, sorted.
func (p platform) endpoints() []string {
	var out []string
	for k, v := range p.demo.Settings {
		if strings.HasPrefix(v, "/") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// variants are the ways p meets a fault: at its one base URL, or, when it
// has several (a token endpoint and a data host), at each in turn while
// the others answer as in the demo, so the data calls fail behind a
// healthy token endpoint as well as the token endpoint itself. "" stands
// for the only base.
func (p platform) variants() []string {
	if eps := p.endpoints(); len(eps) > 1 {
		return eps
	}
	return []string{""}
}

// name is the test name of p meeting a fault at setting.
func (p platform) name(setting string) string {
	if setting == "" {
		return string(p.id)
	}
	return string(p.id) + "/" + setting
}

// faulty is a registered platform whose demo answers with fault f below
// its setting's path ("" for all of it), redirecting to foreign.
type faulty struct {
	quota.Provider
	f       Fault
	foreign string
	setting string
}

// Demo is the platform's own demo with the fault handler mounted instead
// of its handler (or of the part serving setting).
func (x faulty) Demo(now time.Time, paths auth.Paths) (provider.Demo, error) {
	d, err := x.Provider.(provider.Demoer).Demo(now, paths)
	if err != nil {
		return d, err
	}
	d.Handler = faultAt(d, x.setting, HandlerTo(x.f, x.foreign))
	return d, nil
}

// faultAt serves fault for the paths below d's setting (the longest of
// d's path settings a request falls under) and d's own handler for the
// rest; every path when setting is "".
func faultAt(d provider.Demo, setting string, fault http.Handler) http.Handler {
	if setting == "" {
		return fault
	}
	base := func(v string) string { return strings.TrimSuffix(v, "/") }
	target := base(d.Settings[setting])
	var prefixes []string
	for _, v := range d.Settings {
		if strings.HasPrefix(v, "/") {
			prefixes = append(prefixes, base(v))
		}
	}
	healthy := d.Handler
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		best := ""
		for _, p := range prefixes {
			if (p == "" || r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/")) && len(p) >= len(best) {
				best = p
			}
		}
		if best == target {
			fault.ServeHTTP(w, r)
			return
		}
		healthy.ServeHTTP(w, r)
	})
}

// start runs the demo of the platforms ids, each facing fault f (at
// setting, for a single platform), lets prepare change its HOME, and
// returns it with dependencies on the suite's HTTP client. The HOME is
// checked unchanged when the test ends: credential files are only read.
func start(t *testing.T, f Fault, foreign, setting string, prepare func(auth.Paths), ids ...quota.PlatformID) (*demo.Env, provider.Deps) {
	t.Helper()
	var ps []quota.Provider
	for _, id := range ids {
		ps = append(ps, faulty{newProvider(t, id, provider.Deps{}), f, foreign, setting})
	}
	env, err := demo.StartWith(context.Background(), time.Now(), ps)
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(env.Paths)
	}
	before := snapshot(env.Paths.Home)
	t.Cleanup(func() {
		if after := snapshot(env.Paths.Home); !sameFiles(before, after) {
			t.Errorf("credential files changed:\nbefore %v\nafter  %v", before, after)
		}
		env.Close()
	})
	return env, env.Deps(provider.Deps{HTTP: client(timeoutFor(f)), Now: time.Now})
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

// own replaces expected where a platform knows its own envelope, keyed by
// the row's platform (or platform/setting): Zhipu and Z.ai put errors in
// 200 bodies; Anthropic's usage endpoint only throttles with 429, so a 429
// there never means the plan is used up.
var own = map[string]map[Fault][]quota.Kind{
	"zhipu":     {ErrorBody200: {quota.KindUnauthorized}},
	"zai":       {ErrorBody200: {quota.KindUnauthorized}},
	"anthropic": {QuotaExhausted: {quota.KindRateLimited}},
}

func allowed(row string, f Fault) []quota.Kind {
	if k, ok := own[row][f]; ok {
		return k
	}
	return expected[f]
}

// secrets are the demo secrets of every platform: each string in its
// credentials or settings carrying "CANARY".
func secrets(ps []platform) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]string:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.Contains(v, "CANARY") {
				out = append(out, v)
			}
		}
	}
	for _, p := range ps {
		walk(p.demo.AuthEntries)
		walk(p.demo.Files)
		walk(p.demo.Settings)
	}
	return out
}

// vocabulary is text a report may legitimately contain: the catalogs and
// every platform's names and credential files. A MinSecret-byte piece of
// a demo secret found in it ("anthropi" of an Anthropic token) proves no
// leak.
var vocabulary = sync.OnceValue(func() string {
	var b strings.Builder
	for _, lang := range i18n.Languages {
		data, err := os.ReadFile(filepath.Join("..", "..", "i18n", "active."+lang+".json"))
		if err != nil {
			panic(err)
		}
		b.Write(data)
	}
	for _, d := range all.Descriptions(provider.Deps{Auth: auth.NewStore(auth.Paths{})}) {
		fmt.Fprintln(&b, d.ID, d.Aliases, d.AuthKeys, d.Files)
	}
	return b.String()
})

// client is the suite's HTTP client: the one careful retry still happens,
// without its pause, so no case waits on the clock for a backoff.
func client(timeout time.Duration) *httpx.Client {
	c := httpx.New(timeout)
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

// steady is a healthy platform with its own HTTP client.
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

// run collects one report with platform p facing fault f at setting
// beside a healthy platform.
func run(t *testing.T, p platform, f Fault, setting string) (quota.Report, time.Duration, *demo.Env) {
	t.Helper()
	env, d := start(t, f, foreignOrigin(t), setting, nil, p.id)
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"used":25}`)
	}))
	t.Cleanup(good.Close)
	svc := &report.Service{Providers: []quota.Provider{newProvider(t, p.id, d), steady{client(generousTimeout), good.URL}}, Timeout: generousTimeout}
	began := time.Now()
	rep := svc.Collect(context.Background(), report.Request{})
	return rep, time.Since(began), env
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

// TestFaults runs every platform against every fault: the fault is
// noticed and classified as the fault's kind, the healthy platform beside
// it is unaffected, nothing hangs and no secret reaches the output.
func TestFaults(t *testing.T) {
	ps := platforms(t)
	keys := secrets(ps)
	rows := map[string]bool{}
	for _, p := range ps {
		for _, setting := range p.variants() {
			row := p.name(setting)
			rows[row] = true
			for _, f := range All {
				t.Run(row+"/"+string(f), func(t *testing.T) {
					t.Parallel() // each case has its own servers and HOME
					rep, took, env := run(t, p, f, setting)
					if len(rep.Results) != 2 {
						t.Fatalf("got %d results, want the faulty and the healthy platform: %+v", len(rep.Results), rep.Results)
					}
					faulty, healthy := rep.Results[0], rep.Results[1]
					err := failure(faulty)
					if err == nil {
						t.Fatalf("fault went unnoticed: %+v", faulty)
					}
					if k := quota.KindOf(err); !slices.Contains(allowed(row, f), k) {
						t.Errorf("classified as %s (%v), want one of %v", k, err, allowed(row, f))
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
					noSecrets(t, rep, env.Paths, keys)
				})
			}
		}
	}
	for row := range own {
		if !rows[row] {
			t.Errorf("own names %s, which is no row of the suite", row)
		}
	}
}

// noSecrets renders rep every way a user can see it and fails on
// "CANARY" or on any MinSecret-byte piece of a secret that is not
// ordinary report text (see vocabulary).
func noSecrets(t checker, rep quota.Report, paths auth.Paths, secrets []string) {
	t.Helper()
	// Explained as the surfaces do, with each platform's description.
	described := map[quota.PlatformID]provider.Description{}
	for _, d := range all.Descriptions(provider.Deps{Auth: auth.NewStore(paths)}) {
		described[d.ID] = d
	}
	explainOf := func(loc *i18n.Localizer, p quota.PlatformID, err error) explain.Explanation {
		d, ok := described[p]
		if !ok {
			d = provider.Description{ID: p}
		}
		return explain.For(loc, d, err, paths)
	}
	explainer := func(loc *i18n.Localizer, p quota.PlatformID, err error) render.Explanation {
		return render.Explanation(explainOf(loc, p, err))
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
					x := explainOf(loc, res.Platform, err)
					outs = append(outs, fmt.Sprintf("%+v", x))
				}
			}
			for _, a := range res.Accounts {
				outs = append(outs, a.Name, a.Plan, a.Source, fmt.Sprint(a.Facts))
			}
		}
	}
	vocab := vocabulary() + paths.Home
	for _, out := range outs {
		if strings.Contains(out, "CANARY") {
			t.Errorf("a secret reached the output:\n%s", out)
		}
		for _, s := range secrets {
			if f := fragment(out, s, vocab); f != "" {
				t.Errorf("%q of a demo credential reached the output:\n%s", f, out)
			}
		}
	}
}

// checker is what noSecrets reports to: a test, or a recorder in the
// test of noSecrets itself.
type checker interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
}

// recorder is a checker keeping what it was told.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

// TestNoSecretsCatches: the leak check finds CANARY and a bare piece of a
// secret, yet not a piece that is ordinary report text.
func TestNoSecretsCatches(t *testing.T) {
	const secret = "zz-CANARY-anthropic-9f8e7d6c5b4a"
	report := func(detail string) quota.Report {
		return quota.Report{Results: []quota.Result{{Platform: "anthropic", Accounts: []quota.Account{{Name: "a",
			Err: &quota.Error{Kind: quota.KindUnauthorized, Detail: detail}}}}}}
	}
	for detail, leaks := range map[string]bool{
		"invalid key (CANARY)":          true, // too short for the scrubber: never masked
		"received 9f8e7d6c5b4a":         true,
		"anthropic refused the request": false,
	} {
		var r recorder
		noSecrets(&r, report(detail), auth.Paths{}, []string{secret})
		if got := len(r.errs) > 0; got != leaks {
			t.Errorf("%q: leak found %v, want %v: %v", detail, got, leaks, r.errs)
		}
	}
}

// fragment returns the first piece of secret, quota.MinSecret bytes long,
// found in out but not in vocab.
func fragment(out, secret, vocab string) string {
	for i := 0; i+quota.MinSecret <= len(secret); i++ {
		if f := secret[i : i+quota.MinSecret]; strings.Contains(out, f) && !strings.Contains(vocab, f) {
			return f
		}
	}
	return ""
}

// TestTargetsCarryNoSecret checks the cache keys and names every platform
// gives the accounts of its demo.
func TestTargetsCarryNoSecret(t *testing.T) {
	for _, p := range platforms(t) {
		env, err := demo.StartWith(context.Background(), time.Now(), []quota.Provider{newProvider(t, p.id, provider.Deps{})})
		if err != nil {
			t.Fatal(err)
		}
		targets, err := newProvider(t, p.id, env.Deps(provider.Deps{HTTP: client(requestTimeout), Now: time.Now})).Discover(context.Background())
		env.Close()
		if err != nil {
			t.Fatalf("%s: discover: %v", p.id, err)
		}
		if len(targets) == 0 {
			t.Fatalf("%s: demo HOME yields no account", p.id)
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
// (~900 MB before the depth limit), for each account of the demo.
func TestHugeBodyMemory(t *testing.T) {
	limits := map[Fault]uint64{HugeBody: HugeSize / 3, DeepJSON: 32 << 20}
	for _, f := range []Fault{HugeBody, DeepJSON} {
		for _, p := range platforms(t) {
			for _, setting := range p.variants() {
				t.Run(string(f)+"/"+p.name(setting), func(t *testing.T) {
					_, d := start(t, f, DefaultForeign, setting, nil, p.id)
					prov := newProvider(t, p.id, d)
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					rep := (&report.Service{Providers: []quota.Provider{prov}, Timeout: generousTimeout}).Collect(context.Background(), report.Request{})
					runtime.ReadMemStats(&after)
					if len(rep.Results) != 1 || quota.KindOf(failure(rep.Results[0])) != quota.KindMalformed {
						t.Fatalf("%s not reported as malformed: %+v", f, rep.Results)
					}
					// The bound holds per account: a demo with two accounts
					// meets the fault twice as often.
					n := uint64(max(1, len(rep.Results[0].Accounts)))
					if grew := after.TotalAlloc - before.TotalAlloc; grew > n*limits[f] {
						t.Errorf("allocated %d MiB for %d account(s)", grew>>20, n)
					}
				})
			}
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

// TestDoctorWithPlatforms runs the doctor over the demo HOME of every
// platform, each answering 401: each platform gets a reachability finding
// with its fix, and no secret reaches the output.
func TestDoctorWithPlatforms(t *testing.T) {
	ps := platforms(t)
	var ids []quota.PlatformID
	for _, p := range ps {
		ids = append(ids, p.id)
	}
	_, d := start(t, Unauthorized, DefaultForeign, "", nil, ids...)
	var provs []quota.Provider
	for _, id := range ids {
		provs = append(provs, newProvider(t, id, d))
	}
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		rep := doctor.Run(context.Background(), doctor.Options{Deps: d, Providers: provs, Loc: loc})
		for _, id := range ids {
			found := false
			for _, f := range rep.Findings {
				if f.Platform == id && f.Check == doctor.CheckReachability && f.Severity == doctor.Error && len(f.Steps) > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no reachability problem for %s in %+v", lang, id, rep.Findings)
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

// fileState is what must not change about a credential file.
type fileState struct {
	Sum     [sha256.Size]byte // of a regular file up to maxSum bytes
	Size    int64
	ModTime time.Time
	Mode    fs.FileMode
}

// maxSum bounds the files snapshot reads (a 2 GiB sparse file is not).
const maxSum = 64 << 20

// snapshot records every file under dir without following symbolic
// links or opening special files (a FIFO would block).
func snapshot(dir string) map[string]fileState {
	out := map[string]fileState{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := os.Lstat(path)
		if err != nil {
			return nil
		}
		fsn := fileState{Size: st.Size(), ModTime: st.ModTime(), Mode: st.Mode()}
		if st.Mode().IsRegular() && st.Size() <= maxSum {
			if data, err := os.ReadFile(path); err == nil {
				fsn.Sum = sha256.Sum256(data)
			}
		}
		out[path] = fsn
		return nil
	})
	return out
}

func sameFiles(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Sum != w.Sum || v.Size != w.Size || !v.ModTime.Equal(w.ModTime) || v.Mode != w.Mode {
			return false
		}
	}
	return true
}
