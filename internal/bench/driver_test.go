package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// Benchmark parameters (issue 15).
const (
	bound        = report.DefaultMaxInFlight // per platform
	allLatency   = 100 * time.Millisecond
	scaleLatency = 50 * time.Millisecond
	// googleChain: token → (fetchAvailableModels ∥ summary ∥ loadCodeAssist).
	googleChain = 2
	// fullChain is row 1's critical path over every platform: the demo's
	// Gemini CLI login holds an expired access token, so its chain is
	// token → loadCodeAssist (the project) → retrieveUserQuota.
	fullChain = 3
	// googleRequests per cold account: the token and the three calls.
	googleRequests = 4
	// warmChain: the minted token is reused, one round remains.
	warmChain      = 1
	overheadTarget = 1.15
	scaleTarget    = 1.10
	hangTarget     = 1.05
	hangTimeout    = 2 * time.Second
	rssTargetMB    = 30
	cachedTarget   = time.Millisecond
	startRatio     = 1.5 // start → initialize against a hello-world Go binary
	warmRuns       = 5
	reproduceAll   = "`make bench`"
	reproduceOne   = "`MYSTATUS_BENCH_OUT=/tmp/b.md go test ./internal/bench -run TestDriver -v -timeout 15m`"
)

// driver collects rows and the detail sections of BENCHMARKS.md.
type driver struct {
	t       *testing.T
	bin     string
	wrap    string
	rows    []Row
	details []string
	gaps    []string
	hello   string // the start-up floor binary of row 3c
	// start-up figures for the analysis of the gaps
	baseStart, versionStart time.Duration
	inits                   []initTrace
	mainAt                  float64    // ms from process start to main
	startCost               []procCost // minimal Go process, mystatus version, mystatus serve → initialize
	zeroIn, zeroBin         time.Duration
	startMissed             bool // row 1b or 3c missed its target
	hostMissed              bool // row 3a missed its target
	cachedP50, cachedP99    time.Duration
	goCmd                   string // the go command that built the binaries
	// scaling figures for the analysis of its gaps
	scaleMissed  bool
	scaleProfile string  // pprof -top -cum of warm 500-account reports
	scaleCPU     float64 // CPU seconds per second of wall during them
	fakeShare    float64 // share of those samples in the fakes' serving
	scaleWarm    time.Duration
	scaleIdeal   time.Duration
}

// procCost is what the kernel counted for one kind of short process:
// medians of minor page faults and of CPU time (user plus system).
type procCost struct {
	what   string
	size   int64 // bytes of the executable
	faults int64
	cpu    time.Duration
}

// measureCost runs cmd() n times to exit and takes the medians of its
// rusage (ru_minflt, ru_utime + ru_stime).
func measureCost(what string, n int, cmd func() *exec.Cmd) procCost {
	var size int64
	if fi, err := os.Stat(cmd().Path); err == nil {
		size = fi.Size()
	}
	var faults []float64
	var cpu []time.Duration
	for range n {
		c := cmd()
		if err := c.Run(); err != nil && c.ProcessState == nil {
			continue
		}
		ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			continue
		}
		faults = append(faults, float64(ru.Minflt))
		cpu = append(cpu, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
	}
	if len(faults) == 0 {
		return procCost{what: what, size: size}
	}
	slices.Sort(faults)
	return procCost{what: what, size: size, faults: int64(faults[len(faults)/2]), cpu: Median(cpu)}
}

// initTrace is one line of GODEBUG=inittrace=1 output.
type initTrace struct {
	pkg           string
	clockMs       float64
	bytes, allocs int64
}

func (d *driver) row(r Row) {
	if r.Reproduce == "" {
		r.Reproduce = reproduceOne
	}
	d.rows = append(d.rows, r)
	d.t.Logf("%s %s: %s (target %s) %s", r.ID, r.Measure, r.Measured, r.Target, r.Verdict)
}

func (d *driver) detail(format string, args ...any) {
	d.details = append(d.details, fmt.Sprintf(format, args...))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed** (see Gaps)"
}

// TestDriver measures a real mystatus against loopback fakes and writes
// the markdown of BENCHMARKS.md to $MYSTATUS_BENCH_OUT. The Go benchmark
// output named by $MYSTATUS_BENCH_GOBENCH, when set, supplies the renderer
// row and an appendix.
func TestDriver(t *testing.T) {
	out := os.Getenv("MYSTATUS_BENCH_OUT")
	if out == "" {
		t.Skip("set MYSTATUS_BENCH_OUT to the markdown file to write to run the benchmark driver")
	}
	began := time.Now()
	d := &driver{t: t}
	d.bin, d.wrap, d.hello, d.goCmd = buildBinaries(t)
	d.startup()
	d.overhead()
	d.scaling()
	d.hang()
	d.host()
	goBench := ""
	if p := os.Getenv("MYSTATUS_BENCH_GOBENCH"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		goBench = string(b)
	}
	d.renderer(goBench)
	doc := d.document(ThisMachine(), goBench, time.Since(began))
	if err := os.WriteFile(out, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildBinaries builds mystatus (the module's main package), the rsswrap
// helper and the hello-world host into a temporary directory.
func buildBinaries(t *testing.T) (bin, wrap, hello, goCmd string) {
	goCmd = "go"
	if root, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if c := filepath.Join(strings.TrimSpace(string(root)), "bin", "go"); fileExists(c) {
			goCmd = c
		}
	}
	dir := t.TempDir()
	bin, wrap, hello = filepath.Join(dir, "mystatus"), filepath.Join(dir, "rsswrap"), filepath.Join(dir, "hello")
	for _, b := range [][2]string{{bin, "github.com/mystatus/mystatus"}, {wrap, "github.com/mystatus/mystatus/internal/bench/rsswrap"},
		{hello, "github.com/mystatus/mystatus/internal/bench/hello"}} {
		cmd := exec.Command(goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", b[0], b[1])
		// As released (npm/dist.sh): a static binary. With cgo the net
		// package links libc, and the dynamic loader alone adds ~1 ms
		// to every start.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	return bin, wrap, hello, goCmd
}

// service builds the real platforms over paths and settings, as the CLI
// does: a fresh HTTP client (no open connections), credential store and
// token cache, i.e. a cold start.
func service(paths auth.Paths, settings map[string]string) *report.Service {
	deps := provider.Deps{
		HTTP:     httpx.New(10 * time.Second),
		Auth:     auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(string) string { return "" }, File: settings},
		Now:      time.Now,
	}
	return &report.Service{Providers: all.Providers(deps), Timeout: 10 * time.Second, MaxInFlight: bound}
}

// fullReport is what `mystatus` does in process: collect, then render.
func fullReport(svc *report.Service, req report.Request) (quota.Report, string, time.Duration) {
	start := time.Now()
	rep := svc.Collect(context.Background(), req)
	md := render.Markdown(rep, i18n.New("en"), render.Options{Now: time.Now(), Location: time.UTC})
	return rep, md, time.Since(start)
}

// run is one finished mystatus process.
type run struct {
	wall   time.Duration
	rssKB  int64 // 0 unless measured through rsswrap
	code   int
	stdout string
}

// runBinary runs mystatus with exactly env (nothing inherited) and times
// it from fork to exit.
func (d *driver) runBinary(env []string, args ...string) run {
	cmd := exec.Command(d.bin, args...)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil && cmd.ProcessState == nil {
		d.t.Fatalf("mystatus: %v", err)
	}
	return run{wall: wall, code: cmd.ProcessState.ExitCode(), stdout: out.String()}
}

// runMeasured runs mystatus under rsswrap, which reports the process's
// ru_maxrss and its fork-to-exit wall time. Reading ru_maxrss of a child
// of this (large) test process would report this process's RSS instead:
// Linux keeps the high-water mark across exec.
func (d *driver) runMeasured(env []string, args ...string) run {
	dir := d.t.TempDir()
	stats, output := filepath.Join(dir, "rss"), filepath.Join(dir, "out")
	cmd := exec.Command(d.wrap, append([]string{stats, output, d.bin}, args...)...)
	cmd.Env = env
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		d.t.Fatalf("rsswrap: %v", err)
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		d.t.Fatalf("rsswrap: %v", err)
	}
	out, _ := os.ReadFile(output)
	r := run{code: cmd.ProcessState.ExitCode(), stdout: string(out)}
	var ns int64
	if _, err := fmt.Sscan(string(b), &r.rssKB, &ns); err != nil {
		d.t.Fatalf("rsswrap output %q: %v", b, err)
	}
	r.wall = time.Duration(ns)
	return r
}

// allPlatforms starts the demo's fake of every platform behind a Fake
// adding latency, and returns the fake, the demo HOME and settings
// pointing every platform at the Fake.
func (d *driver) allPlatforms(latency time.Duration) (*Fake, *demo.Env, map[string]string) {
	env, err := demo.Start(context.Background(), time.Now())
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(env.Close)
	// The demo's handler itself behind the latency: no second loopback
	// hop whose CPU would count against mystatus.
	f, err := Start(latency, env.Handler)
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(f.Close)
	settings := map[string]string{}
	for k, v := range env.Settings {
		settings[k] = strings.Replace(v, env.URL, f.URL, 1)
	}
	return f, env, settings
}

// binEnv is the whole environment of a measured mystatus process.
func binEnv(home string, settings map[string]string) []string {
	env := append([]string{"HOME=" + home, "MYSTATUS_LANG=en", "TZ=UTC",
		fmt.Sprintf("MYSTATUS_MAX_IN_FLIGHT=%d", bound)}, Environ(settings)...)
	return env
}

// checkAll fails the driver unless every platform answered as the demo
// intends (Z.ai always rejects its key) with google Antigravity accounts,
// so the ideal below applies.
func checkAll(t *testing.T, rep quota.Report, google int) {
	t.Helper()
	if want := len(all.IDs()); len(rep.Results) != want {
		t.Fatalf("%d platforms in the report, want every one of the registry's %d", len(rep.Results), want)
	}
	for _, r := range rep.Results {
		failed := r.Err != nil || slices.ContainsFunc(r.Accounts, func(a quota.Account) bool { return a.Err != nil })
		if failed != (r.Platform == "zai") {
			t.Fatalf("%s: unexpected outcome %+v", r.Platform, r)
		}
		if r.Platform == "antigravity" && len(r.Accounts) != google {
			t.Fatalf("%d Antigravity accounts, want %d", len(r.Accounts), google)
		}
	}
}

// withGoogle replaces the demo's Antigravity accounts by n accounts served
// by a Google fake at latency, and returns the settings for both fakes.
func (d *driver) withGoogle(env *demo.Env, settings map[string]string, n int, latency time.Duration) (*Fake, map[string]string) {
	if _, err := GoogleHome(env.Paths.Home, n); err != nil {
		d.t.Fatal(err)
	}
	// Straight to the demo's token endpoint: g already adds the latency.
	tok, err := url.Parse(env.Settings["google_oauth_url"])
	if err != nil {
		d.t.Fatal(err)
	}
	demoToken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.Clone(r.Context())
		r.URL.Path, r.URL.RawPath = path.Join(tok.Path, r.URL.Path), "" // as a reverse proxy to it would
		env.Handler.ServeHTTP(w, r)
	})
	g, err := Start(latency, GoogleWith(demoToken))
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(g.Close)
	out := maps.Clone(settings)
	maps.Copy(out, GoogleSettings(g.URL))
	return g, out
}

// overhead is row 1: a full report of every platform, with 1, 25 and 50
// Google accounts, at 100 ms latency against the critical path: a cold
// Google account is the longest chain (token, then one round), c = 2.
func (d *driver) overhead() {
	const runs = 7
	ideal := fullChain * allLatency
	for i, n := range []int{1, 25, 50} {
		f, env, demoSettings := d.allPlatforms(allLatency)
		g, settings := d.withGoogle(env, demoSettings, n, allLatency)
		var inproc, bins []time.Duration
		var reqs int64
		for range runs {
			f.Reset()
			g.Reset()
			rep, md, wall := fullReport(service(env.Paths, settings), report.Request{})
			checkAll(d.t, rep, n)
			if md == "" {
				d.t.Fatal("empty report")
			}
			inproc = append(inproc, wall)
			reqs = f.Stats().Total + g.Stats().Total
		}
		for range runs {
			r := d.runBinary(binEnv(env.Paths.Home, settings))
			if r.code != 1 || !strings.Contains(r.stdout, "Antigravity") {
				d.t.Fatalf("mystatus exit %d, output:\n%s", r.code, r.stdout)
			}
			bins = append(bins, r.wall)
		}
		mi, mb := Median(inproc), Median(bins)
		ri, rb := float64(mi)/float64(ideal), float64(mb)/float64(ideal)
		id := string(rune('a' + 2*i))
		id2 := string(rune('a' + 2*i + 1))
		d.row(Row{ID: "1" + id, Measure: fmt.Sprintf("Full report / critical path: all %d platforms with %d Google account(s) at 100 ms, in process (collect + render), median of %d cold runs", len(all.IDs()), n, runs),
			Target: fmt.Sprintf("≤ %.2f", overheadTarget), Measured: fmt.Sprintf("%.3f (%s / ideal %s)", ri, Ms(mi), Ms(ideal)),
			Verdict: verdict(ri <= overheadTarget)})
		d.row(Row{ID: "1" + id2, Measure: fmt.Sprintf("Same report, %d Google account(s), by the `mystatus` binary, fork to exit, median of %d runs", n, runs),
			Target: fmt.Sprintf("≤ %.2f", overheadTarget), Measured: fmt.Sprintf("%.3f (%s / ideal %s)", rb, Ms(mb), Ms(ideal)),
			Verdict: verdict(rb <= overheadTarget)})
		d.detail("**Row 1%s/1%s** (%d Google accounts + the other platforms, %v per request, %d upstream requests per report): in process %s; binary %s.",
			id, id2, n, allLatency, reqs, samples(inproc), samples(bins))
		d.startMissed = d.startMissed || rb > overheadTarget
		if ri > overheadTarget || rb > overheadTarget {
			d.gaps = append(d.gaps, fmt.Sprintf("Row 1%s/1%s (%d Google accounts): ratio %.3f in process, %.3f for the binary, target ≤ %.2f.", id, id2, n, ri, rb, overheadTarget))
		}
	}

	// The same report with no latency at all is mystatus's own cost;
	// with the start-up floor it splits the binary's overhead into
	// process start and work.
	f0, env0, settings0 := d.allPlatforms(0)
	var zin, zbin []time.Duration
	for range runs {
		_, _, wall := fullReport(service(env0.Paths, settings0), report.Request{})
		zin = append(zin, wall)
		zbin = append(zbin, d.runBinary(binEnv(env0.Paths.Home, settings0)).wall)
	}
	f0.Close()
	d.zeroIn, d.zeroBin = Median(zin), Median(zbin)
	d.detail("**Row 1 at zero latency** (mystatus's own cost, every platform): in process median %s (%s); binary median %s (%s).",
		Ms(d.zeroIn), samples(zin), Ms(d.zeroBin), samples(zbin))
}

// hang is row 5: one platform that never answers, with the others
// healthy, ends at --timeout (a timed-out request is not retried).
func (d *driver) hang() {
	f, env, settings := d.allPlatforms(allLatency)
	defer f.Close()
	stuck, err := Start(time.Hour, http.NotFoundHandler())
	if err != nil {
		d.t.Fatal(err)
	}
	defer stuck.Close()
	settings = maps.Clone(settings)
	settings["openai_base_url"] = stuck.URL
	var walls []time.Duration
	for range 3 {
		r := d.runBinary(binEnv(env.Paths.Home, settings), "--timeout", hangTimeout.String())
		if r.code != 1 || !strings.Contains(r.stdout, "Antigravity") {
			d.t.Fatalf("mystatus exit %d, output:\n%s", r.code, r.stdout)
		}
		walls = append(walls, r.wall)
	}
	m := Median(walls)
	ratio := float64(m) / float64(hangTimeout)
	d.row(Row{ID: "5", Measure: fmt.Sprintf("A hanging platform (OpenAI never answers), the others at 100 ms: `mystatus --timeout %v`, fork to exit, median of 3", hangTimeout),
		Target: fmt.Sprintf("≤ %.2f × --timeout", hangTarget), Measured: fmt.Sprintf("%.3f (%s)", ratio, Ms(m)), Verdict: verdict(ratio <= hangTarget)})
	d.detail("**Row 5**: %s.", samples(walls))
	if ratio > hangTarget {
		d.gaps = append(d.gaps, fmt.Sprintf("Row 5: a hanging platform ends at %.3f × --timeout, target ≤ %.2f.", ratio, hangTarget))
	}
}

// startup measures the start-up floor: a minimal Go process (rsswrap
// printing its usage), `mystatus version`, and where mystatus's package
// initialisation spends its time.
func (d *driver) startup() {
	var base, ver []time.Duration
	for range 11 {
		cmd := exec.Command(d.wrap)
		start := time.Now()
		cmd.Run()
		base = append(base, time.Since(start))
		ver = append(ver, d.runBinary([]string{"HOME=" + d.t.TempDir()}, "version").wall)
	}
	d.baseStart, d.versionStart = Median(base), Median(ver)
	cmd := exec.Command(d.bin, "version")
	cmd.Env = []string{"HOME=" + d.t.TempDir(), "GODEBUG=inittrace=1"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		d.t.Fatalf("mystatus version: %v", err)
	}
	for line := range strings.Lines(stderr.String()) {
		var it initTrace
		var at float64
		if _, err := fmt.Sscanf(line, "init %s @%g ms, %g ms clock, %d bytes, %d allocs", &it.pkg, &at, &it.clockMs, &it.bytes, &it.allocs); err != nil {
			continue
		}
		d.inits = append(d.inits, it)
		d.mainAt = max(d.mainAt, at+it.clockMs)
	}
	slices.SortFunc(d.inits, func(a, b initTrace) int { return cmpFloat(b.clockMs, a.clockMs) })
	home := d.t.TempDir()
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"
	d.startCost = []procCost{
		measureCost("minimal Go process (rsswrap's usage)", 11, func() *exec.Cmd { return exec.Command(d.wrap) }),
		measureCost("`mystatus version`", 11, func() *exec.Cmd {
			c := exec.Command(d.bin, "version")
			c.Env = []string{"HOME=" + home}
			return c
		}),
		measureCost("`mystatus serve`, initialize, end of input", 11, func() *exec.Cmd {
			c := exec.Command(d.bin, "serve")
			c.Env = []string{"HOME=" + home}
			c.Stdin = strings.NewReader(initialize)
			return c
		}),
	}
	d.detail("**Start-up floor**: a minimal Go process (rsswrap printing its usage) %s median (%s); `mystatus version` %s median (%s); package initialisation ends %.1f ms after process start (GODEBUG=inittrace=1).",
		Ms(d.baseStart), samples(base), Ms(d.versionStart), samples(ver), d.mainAt)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// samples lists durations compactly.
func samples(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, v := range ds {
		s[i] = Ms(v)
	}
	return strings.Join(s, ", ")
}

// ceilDiv is ⌈a/b⌉.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// scaling is row 2: 1 to 500 Google accounts at 50 ms.
func (d *driver) scaling() {
	for _, n := range []int{100, 500} {
		home := d.t.TempDir()
		paths, err := GoogleHome(home, n)
		if err != nil {
			d.t.Fatal(err)
		}
		f, err := Start(scaleLatency, Google())
		if err != nil {
			d.t.Fatal(err)
		}
		settings := GoogleSettings(f.URL)
		waves := ceilDiv(n, bound)
		ideal := time.Duration(waves*googleChain) * scaleLatency
		var walls []time.Duration
		var peak int64
		var svc *report.Service
		for range 3 {
			f.Reset()
			svc = service(paths, settings)
			rep, _, wall := fullReport(svc, report.Request{})
			if rep.Failed() || len(rep.Results) != 1 || len(rep.Results[0].Accounts) != n {
				d.t.Fatalf("%d accounts: report failed or incomplete: %+v", n, rep.Results)
			}
			st := f.Stats()
			if want := int64(n * googleRequests); st.Total != want {
				d.t.Fatalf("%d accounts: %d upstream requests, want %d", n, st.Total, want)
			}
			walls = append(walls, wall)
			peak = max(peak, st.Peak)
		}
		// More reports from the same process, bypassing the result cache:
		// the minted tokens must be reused.
		f.Reset()
		var warms []time.Duration
		for range warmRuns {
			_, _, w := fullReport(svc, report.Request{Refresh: true})
			warms = append(warms, w)
		}
		warm := Median(warms)
		wst := f.Stats()
		warmIdeal := time.Duration(waves*warmChain) * scaleLatency
		if n == 500 {
			d.profileScaling(svc, warm, warmIdeal)
		}

		f.Reset()
		b := d.runMeasured(binEnv(home, settings))
		if b.code != 0 {
			d.t.Fatalf("%d accounts: mystatus exit %d:\n%s", n, b.code, b.stdout)
		}
		f.Close()

		m := Median(walls)
		r := float64(m) / float64(ideal)
		rb := float64(b.wall) / float64(ideal)
		rw := float64(warm) / float64(warmIdeal)
		mb := float64(b.rssKB) / 1024
		id := map[int]string{100: "2a", 500: "2b"}[n]
		d.row(Row{ID: id, Measure: fmt.Sprintf("%d Google account(s) at 50 ms, bound %d: wall / ideal ⌈%d/%d⌉×%d×50 ms, in process, median of 3 cold runs", n, bound, n, bound, googleChain),
			Target: fmt.Sprintf("≤ %.2f × ideal", scaleTarget), Measured: fmt.Sprintf("%.3f (%s / %s); peak %d requests in flight", r, Ms(m), Ms(ideal), peak),
			Verdict: verdict(r <= scaleTarget)})
		rssTarget, rssOK := "—", "recorded"
		if n == 500 {
			rssTarget, rssOK = fmt.Sprintf("≤ %d MB", rssTargetMB), verdict(mb <= rssTargetMB)
		}
		d.row(Row{ID: id + "′", Measure: fmt.Sprintf("%d account(s), `mystatus` binary: peak RSS (wall / ideal)", n),
			Target: rssTarget, Measured: fmt.Sprintf("%.1f MB (%.3f: %s)", mb, rb, Ms(b.wall)), Verdict: rssOK})
		d.row(Row{ID: id + "″", Measure: fmt.Sprintf("%d account(s), next reports in the same process (cache bypassed), median of %d: token requests; wall / ideal ⌈%d/%d⌉×%d×50 ms", n, warmRuns, n, bound, warmChain),
			Target: "0 token requests; ≤ 1.10 × ideal", Measured: fmt.Sprintf("%d token requests; %.3f (%s / %s)", wst.Paths["/token"], rw, Ms(warm), Ms(warmIdeal)),
			Verdict: verdict(wst.Paths["/token"] == 0 && rw <= scaleTarget)})
		d.detail("**Row %s** (%d accounts): cold runs %s; warm (%d reports, %d token requests in all) %s; binary %s, %d KB max RSS.", id, n, samples(walls), warmRuns, wst.Paths["/token"], samples(warms), Ms(b.wall), b.rssKB)
		if r > scaleTarget || rw > scaleTarget {
			d.gaps = append(d.gaps, fmt.Sprintf("Row %s: %.3f cold, %.3f warm against ≤ %.2f.", id, r, rw, scaleTarget))
			d.scaleMissed = true
		}
		if n == 500 && mb > rssTargetMB {
			d.gaps = append(d.gaps, fmt.Sprintf("Row %s′: peak RSS %.1f MB over %d MB.", id, mb, rssTargetMB))
		}
	}
}

// profileScaling takes a CPU profile of three more warm 500-account
// reports (not counted in the figures) for the analysis of row 2: where
// the CPU goes, how busy the 2 cores are, and the fakes' share.
func (d *driver) profileScaling(svc *report.Service, warm, ideal time.Duration) {
	path := filepath.Join(d.t.TempDir(), "scaling.cpu")
	f, err := os.Create(path)
	if err != nil {
		d.t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		d.t.Fatal(err)
	}
	start := time.Now()
	for range 3 {
		fullReport(svc, report.Request{Refresh: true})
	}
	wall := time.Since(start)
	pprof.StopCPUProfile()
	f.Close()
	d.scaleWarm, d.scaleIdeal = warm, ideal
	top, err := exec.Command(d.goCmd, "tool", "pprof", "-top", "-cum", path).Output()
	if err != nil {
		d.t.Logf("pprof: %v", err)
		return
	}
	var lines []string
	for line := range strings.Lines(string(top)) {
		if strings.HasPrefix(line, "Build ID") || strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		if len(lines) < 34 {
			lines = append(lines, line)
		}
		var total float64
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "Duration: %s Total samples = %gs", new(string), &total); err == nil {
			d.scaleCPU = total / wall.Seconds()
		}
	}
	d.scaleProfile = strings.Join(lines, "")
	// The fakes' side of every request: net/http's server goroutines.
	fake, err := exec.Command(d.goCmd, "tool", "pprof", "-top", "-focus", `net/http\.\(\*conn\)\.serve`, path).Output()
	if err == nil {
		for line := range strings.Lines(string(fake)) {
			var a, pct, tot float64
			if _, err := fmt.Sscanf(strings.TrimSpace(line), "Showing nodes accounting for %gs, %g%% of %gs total", &a, &pct, &tot); err == nil && tot > 0 {
				d.fakeShare = pct / 100
			}
		}
	}
}

// scalingAnalysis explains a missed row 2 from this run's profile.
func (d *driver) scalingAnalysis() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n### Why the scaling target is missed (row 2)\n\n")
	w("At 500 accounts a report makes 1500 (warm) to 2000 (cold) requests in ⌈500/%d⌉ = %d waves. mystatus waits on no chain the ideal leaves out: what the waves lose is CPU. Both the client and the fakes run in this process on the same 2 cores, and the requests of a wave are released together, so each one's share of HTTP/1.1 parsing, syscalls, JSON and garbage collection queues behind the others'. Three more warm reports (%s each, ideal %s) under a CPU profile kept the cores %.0f%% busy on average (%.2f CPU-seconds per second), in bursts: idle while a wave is held by the fake's latency, saturated when its replies are released together and the next wave's requests go out, which is where each wave's extra time goes; %.0f%% of the samples are the fakes serving (net/http's server side), which a real upstream does elsewhere.\n\n",
		bound, ceilDiv(500, bound), Ms(d.scaleWarm), Ms(d.scaleIdeal), 100*d.scaleCPU/float64(runtime.NumCPU()), d.scaleCPU, 100*d.fakeShare)
	if d.scaleProfile != "" {
		w("CPU profile (taken by the driver over those reports, `go tool pprof -top -cum`), first lines:\n\n```\n%s```\n\n", d.scaleProfile)
	}
	w("Done: rendering, the last step of the critical path: a localizer remembers rendered messages and a hit allocates nothing, and a platform's many accounts render on every core (500 accounts took 136 ms per report, now about 22, `BenchmarkRenderManyAccounts`); the HTTP client keeps up to 192 idle connections per host, a wave's worth (with 16 it re-dialled about 176 connections per wave, a third of the CPU in dials and closes); at most the bound of workers fetch a platform's accounts (a goroutine, context and timer per account before); the secrets index grows by merged sorted runs instead of a full re-sort per minted token.\n\n")
	w("Ruled out: garbage collection (the same rows with GOGC=off: 2b 1.18, 2b″ 1.26, within the run-to-run spread). ")
	w("Next: fakes speaking HTTP/2 over TLS, as Google's endpoints do (one connection multiplexing a wave, measured once: peak RSS 32 instead of 35 MB but 10%% more wall on 2 cores, the TLS and HTTP/2 framing of both sides), or fakes in a separate process pinned away from mystatus; inside mystatus, fewer allocations per request (request construction, header maps, gjson copies).\n")
	return b.String()
}

// host is row 3: the plugin host over a pipe.
func (d *driver) host() {
	f, env, settings := d.allPlatforms(allLatency)
	benv := binEnv(env.Paths.Home, settings)
	const initialize = `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mystatus-bench","version":"1"}}`

	// Time to the initialize reply, fresh process each time, interleaved
	// with the hello-world floor started the same way.
	var starts, floors []time.Duration
	for range 11 {
		hh, err := startHost(d.hello, benv)
		if err != nil {
			d.t.Fatal(err)
		}
		if _, err := hh.call("initialize", initialize); err != nil {
			d.t.Fatalf("hello: %v", err)
		}
		floors = append(floors, time.Since(hh.started))
		hh.close()
		h, err := startHost(d.bin, benv)
		if err != nil {
			d.t.Fatal(err)
		}
		_, err = h.call("initialize", initialize)
		el := time.Since(h.started)
		h.close()
		if err != nil {
			why := fmt.Sprintf("not measured: host not wired (`mystatus serve` gave no initialize reply: %v, exit %s)", err, h.exit)
			for _, id := range []string{"3a", "3b", "3c"} {
				d.row(Row{ID: id, Measure: map[string]string{"3a": "tools/call served from cache, p50 / p99",
					"3b": "ping round trips per second over a pipe", "3c": "process start → initialize reply, median of 11"}[id],
					Target: map[string]string{"3a": "p99 ≤ 1 ms", "3b": "—", "3c": "≤ 1.5 × hello-world"}[id], Measured: "—", Verdict: why})
			}
			return
		}
		starts = append(starts, el)
	}

	h, err := startHost(d.bin, benv)
	if err != nil {
		d.t.Fatal(err)
	}
	defer h.close()
	if _, err := h.call("initialize", initialize); err != nil {
		d.t.Fatal(err)
	}
	h.notify("notifications/initialized")

	// The demo's Z.ai always fails, and failures are not cached: the
	// cached figure is for the five healthy platforms; the six together
	// show what one failing platform costs every call.
	healthy := `{"name":"mystatus","arguments":{"platforms":["openai","anthropic","zhipu","antigravity","copilot"]}}`
	every := `{"name":"mystatus","arguments":{}}`
	f.Reset()
	first := time.Now()
	if _, err := h.call("tools/call", healthy); err != nil {
		d.t.Fatal(err)
	}
	fill := time.Since(first)
	filled := f.Stats().Total
	var lat []time.Duration
	for range 2000 {
		start := time.Now()
		if _, err := h.call("tools/call", healthy); err != nil {
			d.t.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		// Without a cache every call would cost a full report: stop
		// early rather than wait minutes for a figure that is moot.
		if len(lat) == 5 && f.Stats().Total > filled {
			break
		}
	}
	upstream := f.Stats().Total - filled
	p50, p99 := Percentile(lat, 50), Percentile(lat, 99)
	m := fmt.Sprintf("p50 %s, p99 %s over %d calls; %d upstream requests during them", Ms(p50), Ms(p99), len(lat), upstream)
	v := verdict(upstream == 0 && p99 <= cachedTarget)
	if upstream > 0 {
		v = "**missed**: calls were not served from the cache"
	}
	d.row(Row{ID: "3a", Measure: "tools/call served from cache (5 platforms, 6 accounts), `mystatus serve` over a pipe, after one call filled the cache",
		Target: "p99 ≤ 1 ms", Measured: m, Verdict: v})

	f.Reset()
	var failing []time.Duration
	for range 5 {
		start := time.Now()
		if _, err := h.call("tools/call", every); err != nil {
			d.t.Fatal(err)
		}
		failing = append(failing, time.Since(start))
	}
	d.detail("**Row 3a**: the first tools/call (fills the cache, %d upstream requests at %v) took %s. With Z.ai included (the demo rejects its key), 5 calls took %s and made %d upstream requests: a failed account is not cached, so it costs its round trip on every call.",
		filled, allLatency, Ms(fill), samples(failing), f.Stats().Total)
	d.cachedP50, d.cachedP99 = p50, p99
	d.hostMissed = upstream > 0 || p99 > cachedTarget
	if d.hostMissed {
		d.gaps = append(d.gaps, fmt.Sprintf("Row 3a: %s.", m))
	}

	var pings int
	pstart := time.Now()
	for time.Since(pstart) < 2*time.Second {
		if _, err := h.call("ping", ""); err != nil {
			d.t.Fatal(err)
		}
		pings++
	}
	rate := float64(pings) / time.Since(pstart).Seconds()
	d.row(Row{ID: "3b", Measure: "ping round trips per second over a pipe (sequential, 2 s)", Target: "— (none set)", Measured: fmt.Sprintf("%.0f /s (%s each)", rate, Ms(time.Duration(float64(time.Second)/rate))), Verdict: "recorded"})

	ms, floor := Median(starts), Median(floors)
	ratio := float64(ms) / float64(floor)
	d.row(Row{ID: "3c", Measure: "process start → initialize reply, `mystatus serve` / a hello-world Go binary started the same way (internal/bench/hello), medians of 11 interleaved",
		Target: fmt.Sprintf("≤ %.1f", startRatio), Measured: fmt.Sprintf("%.2f (%s / %s)", ratio, Ms(ms), Ms(floor)), Verdict: verdict(ratio <= startRatio)})
	d.detail("**Row 3c**: start → initialize samples %s; hello-world %s.", samples(starts), samples(floors))
	d.startMissed = d.startMissed || ratio > startRatio
	if ratio > startRatio {
		d.gaps = append(d.gaps, fmt.Sprintf("Row 3c: start → initialize %s, %.2f × the hello-world floor %s (target ≤ %.1f).", Ms(ms), ratio, Ms(floor), startRatio))
	}
}

// hostProc is a running `mystatus serve` with NDJSON over its pipes.
type hostProc struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	started time.Time
	id      int
	exit    string
	guard   *time.Timer
}

// startHost starts `mystatus serve`; a watchdog kills it after a minute
// so a hung host fails the driver instead of stalling it.
func startHost(bin string, env []string) (*hostProc, error) {
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	h := &hostProc{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}
	h.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h.guard = time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	return h, nil
}

// call sends a request and waits for its reply, skipping notifications.
func (h *hostProc) call(method, params string) ([]byte, error) {
	h.id++
	msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q`, h.id, method)
	if params != "" {
		msg += `,"params":` + params
	}
	if _, err := io.WriteString(h.in, msg+"}\n"); err != nil {
		return nil, err
	}
	for {
		line, err := h.out.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		if id := gjson.GetBytes(line, "id"); id.Exists() && id.Int() == int64(h.id) {
			if e := gjson.GetBytes(line, "error"); e.Exists() {
				return nil, fmt.Errorf("%s: %s", method, e.Raw)
			}
			return line, nil
		}
	}
}

// notify sends a notification.
func (h *hostProc) notify(method string) {
	io.WriteString(h.in, fmt.Sprintf(`{"jsonrpc":"2.0","method":%q}`+"\n", method))
}

// close ends the input, lets the host exit and records how it did.
func (h *hostProc) close() {
	h.in.Close()
	io.Copy(io.Discard, h.out)
	h.cmd.Wait()
	h.guard.Stop()
	if h.cmd.ProcessState != nil {
		h.exit = fmt.Sprint(h.cmd.ProcessState.ExitCode())
	}
}

// renderer is row 4, from the Go benchmark output.
func (d *driver) renderer(out string) {
	var got []GoBench
	for _, b := range ParseGoBench(out) {
		if strings.HasPrefix(b.Name, "BenchmarkMarkdown/") {
			got = append(got, b)
		}
	}
	if len(got) == 0 {
		d.row(Row{ID: "4", Measure: "time and allocations per rendered markdown report", Target: "— (none set)", Measured: "—",
			Verdict: "not measured: no Go benchmark output (run scripts/bench.sh)", Reproduce: "`go test ./lib/render -run '^$' -bench Markdown -benchmem`"})
		return
	}
	var parts []string
	for _, b := range got {
		parts = append(parts, fmt.Sprintf("%s: %s, %.0f B, %.0f allocs", strings.TrimPrefix(b.Name, "BenchmarkMarkdown/"),
			Ms(time.Duration(b.NsPerOp)), b.BPerOp, b.Allocs))
	}
	d.row(Row{ID: "4", Measure: "time and allocations per rendered markdown report (5 platforms, every kind of row)", Target: "— (none set; tracked)",
		Measured: strings.Join(parts, "; "), Verdict: "recorded", Reproduce: "`go test ./lib/render -run '^$' -bench Markdown -benchmem`"})
}

// document is the whole of BENCHMARKS.md.
func (d *driver) document(m Machine, goBench string, took time.Duration) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks\n\n")
	w("Generated by `make bench` (scripts/bench.sh) on %s; do not edit by hand.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	cpuid := ""
	for line := range strings.Lines(goBench) {
		if v, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpuid = " (CPUID brand: " + strings.TrimSpace(v) + ")"
			break
		}
	}
	w("- Machine: %s%s from /proc/cpuinfo, %d cores (GOMAXPROCS %d), %s, %s.\n", m.CPU, cpuid, m.Cores, runtime.GOMAXPROCS(0), m.Kernel, m.Go)
	w("- Reproduce: %s from a clean clone (the driver took %s of it here).\n", reproduceAll, took.Round(time.Second))
	w("- One driver row alone: %s; the Go benchmarks: `go test -run '^$' -bench . -benchmem ./lib/render ./lib/report ./i18n ./internal/bench`.\n\n", reproduceOne)
	w("## Results\n\n")
	b.WriteString(Table(d.rows, m.Short()))
	w("\n## How the figures are measured\n\n")
	w("Every upstream is a loopback HTTP server (internal/bench.Fake on 127.0.0.1) that holds each request for the injected latency, then answers; it counts requests in flight (peak) and in total. mystatus runs unmodified: the real platform packages (lib/provider/all) over a temporary HOME, pointed at the fake by their base-URL settings. In-process rows run the fakes in the same process as mystatus, so on 2 cores their CPU competes with mystatus's: replies released together are served one after the other, and that queueing (a fraction of a millisecond per request) counts against mystatus.\n\n")
	w("- **Critical-path ideal.** A report cannot finish before its longest chain of dependent requests. With latency L, a chain of c dependent requests costs c×L. Each platform fetches at most B of its accounts at a time (the per-platform in-flight bound, `max_in_flight`, default %d), so N accounts of one platform take at least ⌈N/B⌉ waves: **ideal = ⌈N/B⌉ × c × L**. Requests that run side by side inside one account (Cloud Code's models, quota summary and plan, sent together once the token is there; Anthropic's usage and profile) do not lengthen the chain.\n", bound)
	w("- **Row 1, all platforms.** lib/demo's fake of every registered platform behind a Fake adding %v, and N Google Antigravity accounts (1, 25, 50) behind a second Fake adding the same. The API-key and stored-token platforms need one round each; each Antigravity account has only a refresh token, so its chain is token → (fetchAvailableModels ∥ retrieveUserQuotaSummary ∥ loadCodeAssist), c = %d; the demo's Gemini CLI login has an expired access token, so its chain is token → loadCodeAssist → retrieveUserQuota, c = %d, the critical path; N ≤ B, so ideal = %d × %v = %v. The Fakes serve the demo's handlers themselves (no second loopback hop), but they run in the measuring process on the same 2 cores: their CPU still counts against mystatus, so the figure is an upper bound on mystatus's own cost. The demo's Z.ai deliberately rejects its key (one request, an explained failure), hence exit code 1.\n", allLatency, googleChain, fullChain, fullChain, allLatency, fullChain*allLatency)
	w("- **Row 2, scaling.** An OpenCode `antigravity-accounts.json` with N accounts (100, 500), each with a refresh token and a project and no stored access token: the cold chain is the same c = %d, at %v, with B = %d: ideal = ⌈N/%d⌉ × %d × %v. Each in-process run is a cold start (new HTTP client, credential store and token cache). Peak requests in flight can reach 3B: the bound counts accounts, and each account sends its three Cloud Code requests together. The next reports (rows marked ″) reuse the same process with the result cache bypassed (`--refresh`): minted tokens are kept until shortly before expiry, so the chain drops to c = %d and no token request is made. Peak RSS is the kernel's `ru_maxrss` of a real `mystatus` process (built with `go build -trimpath`), run with HOME and `MYSTATUS_*_BASE_URL` pointing at the fake.\n", googleChain, scaleLatency, bound, bound, googleChain, scaleLatency, warmChain)
	w("- **Row 3, host.** `mystatus serve` speaking newline-delimited JSON-RPC over its stdin/stdout pipes, against row 1's fakes. Start → initialize reply is timed from just before fork until the reply line is read, a fresh process each time, interleaved with internal/bench/hello (the smallest Go program that answers one request line) started the same way. The first tools/call fills the result cache; the following ones are served from it (the fake's request counter proves no upstream request is made) and timed one by one, request written → reply read. Pings are sequential round trips for 2 s.\n")
	w("- **Row 5, a hanging platform.** Row 1's fakes with OpenAI's base URL on a server that accepts and never answers; `mystatus --timeout %v` must end at the timeout: the timed-out request is not retried.\n", hangTimeout)
	w("- **Row 4, renderer.** `BenchmarkMarkdown` in lib/render: the sample report (5 platforms, every kind of row) rendered to markdown per language.\n\n")
	w("## Details\n\n")
	for _, s := range d.details {
		w("- %s\n", s)
	}
	w("\n## Gaps\n\n")
	if len(d.gaps) == 0 {
		w("Every target with a figure is met on this machine.\n")
	}
	for _, g := range d.gaps {
		w("- %s\n", g)
	}
	if d.startMissed {
		b.WriteString(d.startAnalysis(goBench))
	}
	if d.scaleMissed {
		b.WriteString(d.scalingAnalysis())
	}
	if d.hostMissed {
		b.WriteString(d.hostAnalysis(goBench))
	}
	if goBench != "" {
		w("\n## Go benchmarks (raw output)\n\n```\n%s```\n", goBench)
	}
	return b.String()
}

// startAnalysis explains a missed start-up target from the figures of
// this run: the start-up floor, the slowest package initialisers, the
// catalog-loading benchmark and its CPU profile.
func (d *driver) startAnalysis(goBench string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n### Why the start-up targets are missed (binary rows of 1, 3c)\n\n")
	w("mystatus's own work is within target in process (row 1a; %s for the whole report at zero latency). The binary adds process start-up: a minimal Go process starts and exits in %s on this machine, `mystatus version` in %s, and package initialisation alone ends %.1f ms after the process starts. The slowest initialisers (GODEBUG=inittrace=1, one cold `mystatus version`):\n\n",
		Ms(d.zeroIn), Ms(d.baseStart), Ms(d.versionStart), d.mainAt)
	w("| package | clock | bytes | allocs |\n|---|---|---|---|\n")
	var i18nMs float64
	for i, it := range d.inits {
		if it.pkg == "github.com/mystatus/mystatus/i18n" {
			i18nMs = it.clockMs
		}
		if i < 5 {
			w("| %s | %.2f ms | %d | %d |\n", it.pkg, it.clockMs, it.bytes, it.allocs)
		}
	}
	w("\n")
	for _, gb := range ParseGoBench(goBench) {
		if gb.Name == "BenchmarkLoadCatalogs" {
			w("The i18n package parses catalogs on first use: English plus the language asked for (of %d), not every language at init (the i18n initialiser itself now takes %.1f ms). `BenchmarkLoadCatalogs` measures building one language's bundle warm: %s, %.1f MB and %.0f allocations per process; in a cold process it costs more, because every fresh heap page is faulted in first.\n\n",
				len(i18n.Languages), i18nMs, Ms(time.Duration(gb.NsPerOp)), gb.BPerOp/(1<<20), gb.Allocs)
		}
	}
	w("%s", profileBlock("MYSTATUS_BENCH_PROFILE_START", "`go test ./i18n -run '^$' -bench LoadCatalogs -cpuprofile cpu.out`"))
	w("Most of it is gjson walking the catalogs and go-i18n building its message tables (a template per message, and in NewBundle the plural rules of every CLDR locale). What would close the gap:\n\n")
	w("1. Done: catalogs are parsed lazily, one language (plus English for fallbacks) per process; this took about 6 ms off start → initialize (26.2 ms before).\n")
	w("2. Done: the binaries measured are static, as released (`CGO_ENABLED=0`, npm/dist.sh): with cgo the dynamic loader and libc added about 1 ms to every start.\n")
	w("3. What is left is process start-up itself. What the kernel counted for each kind of process (medians of 11 runs, rusage; this kernel splits CPU time between user and system by sampling ticks, so only their sum is meaningful for processes this short):\n\n")
	w("   | process | binary | minor page faults | CPU (user + system) |\n   |---|---|---|---|\n")
	for _, c := range d.startCost {
		w("   | %s | %.1f MB | %d | %s |\n", c.what, float64(c.size)/1e6, c.faults, Ms(c.cpu))
	}
	if len(d.startCost) == 3 {
		v, s := d.startCost[1], d.startCost[2]
		w("\n   Answering initialize (the English catalog parsed, the instructions localized) adds %d faults and %s to `mystatus version`: generating the catalogs as Go values could save at most that. The rest grows with the page faults, each a trip into this VM's kernel: the runtime and %d package initialisers touching the pages of a binary %.0f× the minimal one's, and fresh heap and stack pages. Only a much smaller binary (fewer packages linked in: net/http, crypto/tls, x/text and go-i18n are most of it) would close the gap.\n",
			s.faults-v.faults, Ms(s.cpu-v.cpu), len(d.inits), float64(v.size)/float64(max(d.startCost[0].size, 1)))
	}
	return b.String()
}

// profileBlock is the pprof listing named by env var, with how it was made.
func profileBlock(env, how string) string {
	p := os.Getenv(env)
	if p == "" {
		return ""
	}
	prof, err := os.ReadFile(p)
	if err != nil || len(prof) == 0 {
		return ""
	}
	return fmt.Sprintf("CPU profile (%s, then `go tool pprof -top -cum`), first lines:\n\n```\n%s```\n\n", how, prof)
}

// hostAnalysis explains a missed cached tools/call target from the
// in-process benchmark of the same call and its CPU profile.
func (d *driver) hostAnalysis(goBench string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n### Why the cached tools/call target is missed (row 3a)\n\n")
	w("Over the pipe, a cached tools/call takes p50 %s and p99 %s. No upstream request is made, so the time is the host's own work per call.", Ms(d.cachedP50), Ms(d.cachedP99))
	ns := map[string]GoBench{}
	for _, gb := range ParseGoBench(goBench) {
		ns[gb.Name] = gb
	}
	if gb, ok := ns["BenchmarkHostToolsCallCached"]; ok {
		w(" The same call in process (`BenchmarkHostToolsCallCached`, plugin.Serve over io.Pipe) costs %s, %.0f KB and %.0f allocations.", Ms(time.Duration(gb.NsPerOp)), gb.BPerOp/1024, gb.Allocs)
	}
	var parts []string
	for _, part := range []struct{ name, what string }{
		{"BenchmarkCollectCached/accounts=6", "collecting a cached report of 6 accounts"},
		{"BenchmarkMarkdown/en", "rendering the (larger) sample report to markdown"},
		{"BenchmarkJSON", "building its structured document"},
	} {
		if gb, ok := ns[part.name]; ok {
			parts = append(parts, fmt.Sprintf("%s takes %s (`%s`)", part.what, Ms(time.Duration(gb.NsPerOp)), part.name))
		}
	}
	if len(parts) > 0 {
		w(" For scale, %s.", strings.Join(parts, "; "))
	}
	w("\n\n")
	w("%s", profileBlock("MYSTATUS_BENCH_PROFILE_HOST", "`go test ./internal/bench -run '^$' -bench HostToolsCallCached -cpuprofile cpu.out`"))
	w("What a cached call still does, by the profile: the report service discovers every platform's accounts again (each platform stats and queries its credential sources, which a new login may have changed), jsonrpc2 decodes the request, and goroutines hand the call on (reader, handler, one per platform); the tail (p99) is garbage-collection cycles and goroutine wake-ups on 2 cores, which the figures move by a few hundred microseconds from run to run. Done so far:\n\n")
	w("1. The host memoizes the rendering of a report served wholly from the cache, keyed by (language, platforms, format, show, cache generation, minute) (plugin.Memo): 874 µs and 2772 allocations per call before.\n")
	w("2. The reply's two large parts (the content block and the structured document) are encoded once, on the memo's first hit, and then written as bytes (plugin/encoded.go); a localizer remembers rendered messages (i18n); cached accounts are taken without starting a goroutine (lib/report); credential files are queried as strings, not copied by gjson.GetBytes (lib/auth): 376 µs and 381 allocations per call in process before these.\n")
	w("3. The host collects garbage at the default rate: collecting twice as often (the one-shot commands' setting) took the p99 from about 0.9 to 1.5 ms.\n\n")
	w("Next: remember each platform's discovered accounts by the stat of the files it read (most of the remaining CPU of a cached call), and answer a cached call without a goroutine per platform.\n")
	return b.String()
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
