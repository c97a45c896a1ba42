package bench

import (
	"context"
	"net/http"
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
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

func TestFakeCountsPeakAndTotal(t *testing.T) {
	const n = 5
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	f, err := Start(0, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-all // every request is in flight at once
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := http.Get(f.URL + "/p" + string(rune('0'+i%2)))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	st := f.Stats()
	if st.Total != n || st.Peak != n || st.Paths["/p0"] != 3 || st.Paths["/p1"] != 2 {
		t.Fatalf("stats %+v", st)
	}
	f.Reset()
	if st := f.Stats(); st.Total != 0 || st.Peak != 0 || len(st.Paths) != 0 {
		t.Fatalf("after reset %+v", st)
	}
}

// googleFixture is n Antigravity accounts in a fresh HOME and the Google
// fake answering them with the given latency, closed when tb ends.
func googleFixture(tb testing.TB, n int, latency time.Duration) (auth.Paths, *Fake) {
	tb.Helper()
	paths, err := GoogleHome(tb.TempDir(), n)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := Start(latency, Google())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.Close)
	return paths, f
}

// TestGoogleFixtureReport runs the real Antigravity platform over the
// fixture HOME and the Google fake: every account is reported, each with
// one token, one models, one summary and one plan request.
func TestGoogleFixtureReport(t *testing.T) {
	const n = 20
	paths, f := googleFixture(t, n, 0)
	set := GoogleSettings(f.URL)
	d := provider.Deps{HTTP: httpx.New(5 * time.Second), Auth: auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(string) string { return "" }, File: set}}
	svc := &report.Service{Providers: []quota.Provider{antigravity.New(d)}, MaxInFlight: 4}
	rep := svc.Collect(context.Background(), report.Request{})
	if rep.Failed() || len(rep.Results) != 1 || len(rep.Results[0].Accounts) != n {
		t.Fatalf("report %+v", rep.Results)
	}
	for _, a := range rep.Results[0].Accounts {
		if len(a.Windows) == 0 || a.Plan == "" {
			t.Fatalf("account %+v", a)
		}
	}
	st := f.Stats()
	for _, p := range []string{"/token", "/v1internal:fetchAvailableModels", "/v1internal:retrieveUserQuotaSummary", "/v1internal:loadCodeAssist"} {
		if st.Paths[p] != n {
			t.Errorf("%s: %d requests, want %d", p, st.Paths[p], n)
		}
	}
	if st.Peak > 2*4 {
		t.Errorf("peak %d requests in flight, over twice the bound of 4 accounts", st.Peak)
	}
	// A second report from the same process, result cache bypassed: the
	// minted tokens are still valid, so none is minted again.
	f.Reset()
	if rep := svc.Collect(context.Background(), report.Request{Refresh: true}); rep.Failed() {
		t.Fatalf("second report %+v", rep.Results)
	}
	if st := f.Stats(); st.Paths["/token"] != 0 || st.Paths["/v1internal:fetchAvailableModels"] != n {
		t.Errorf("second report: %d token requests (want 0), %d model requests (want %d)", st.Paths["/token"], st.Paths["/v1internal:fetchAvailableModels"], n)
	}
	data, err := os.ReadFile(filepath.Join(paths.OpenCodeConfigDir(), "antigravity-accounts.json"))
	if err != nil || !strings.Contains(string(data), "CANARY") {
		t.Fatalf("fixture secrets must carry CANARY: %v", err)
	}
}

func TestEnviron(t *testing.T) {
	got := Environ(map[string]string{"google_oauth_url": "http://127.0.0.1:1"})
	if len(got) != 1 || got[0] != "MYSTATUS_GOOGLE_OAUTH_URL=http://127.0.0.1:1" {
		t.Fatalf("%q", got)
	}
	if _, err := url.Parse(strings.TrimPrefix(got[0], "MYSTATUS_GOOGLE_OAUTH_URL=")); err != nil {
		t.Fatal(err)
	}
}

func TestStats(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		in          []time.Duration
		median, p99 time.Duration
	}{
		{nil, 0, 0},
		{ms(3), 3 * time.Millisecond, 3 * time.Millisecond},
		{ms(4, 1, 3), 3 * time.Millisecond, 4 * time.Millisecond},
		{ms(4, 1, 3, 2), 2500 * time.Microsecond, 4 * time.Millisecond},
	}
	for _, tt := range tests {
		if m, p := Median(tt.in), Percentile(tt.in, 99); m != tt.median || p != tt.p99 {
			t.Errorf("%v: median %v p99 %v, want %v %v", tt.in, m, p, tt.median, tt.p99)
		}
	}
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i))
	}
	if p := Percentile(hundred, 50); p != 50 {
		t.Errorf("p50 of 1..100 = %v", p)
	}
	if p := Percentile(hundred, 99); p != 99 {
		t.Errorf("p99 of 1..100 = %v", p)
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
BenchmarkMarkdown/en-2         	    1284	    184483 ns/op	   56477 B/op	     770 allocs/op
BenchmarkLine-16               	   21079	     11222 ns/op
PASS
`
	got := ParseGoBench(out)
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	if g := got[0]; g.Name != "BenchmarkMarkdown/en" || g.NsPerOp != 184483 || g.BPerOp != 56477 || g.Allocs != 770 {
		t.Errorf("%+v", g)
	}
	if g := got[1]; g.Name != "BenchmarkLine" || g.NsPerOp != 11222 || g.Allocs != 0 {
		t.Errorf("%+v", g)
	}
}

func TestMs(t *testing.T) {
	for d, want := range map[time.Duration]string{
		911 * time.Microsecond:  "911 µs",
		1500 * time.Microsecond: "1.5 ms",
		300 * time.Millisecond:  "300.0 ms",
	} {
		if got := Ms(d); got != want {
			t.Errorf("Ms(%v) = %q, want %q", d, got, want)
		}
	}
}
