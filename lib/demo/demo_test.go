package demo

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/pace"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedNow is the clock of the golden reports.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// loopbackOnly refuses, and records, any request whose host is not a
// loopback address.
type loopbackOnly struct {
	next http.RoundTripper
	mu   sync.Mutex
	away []string
}

func (l *loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if ip := net.ParseIP(r.URL.Hostname()); ip == nil || !ip.IsLoopback() {
		l.mu.Lock()
		l.away = append(l.away, r.URL.Host)
		l.mu.Unlock()
		return nil, fmt.Errorf("test: request to %s leaves the loopback interface", r.URL.Host)
	}
	return l.next.RoundTrip(r)
}

// collect starts a demo at now and runs the real report over it.
func collect(t *testing.T, now time.Time) (*Env, quota.Report, *loopbackOnly) {
	t.Helper()
	env, err := Start(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	client := httpx.New(5 * time.Second)
	guard := &loopbackOnly{next: client.HTTP.Transport}
	client.HTTP.Transport = guard
	deps := env.Deps(provider.Deps{HTTP: client, Now: func() time.Time { return now }})
	svc := &report.Service{Providers: all.Providers(deps), Timeout: 5 * time.Second,
		Now: func() time.Time { return now }, Demo: true}
	rep := svc.Collect(context.Background(), report.Request{})
	return env, rep, guard
}

func result(t *testing.T, rep quota.Report, id quota.PlatformID) quota.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Platform == id {
			return r
		}
	}
	t.Fatalf("platform %s missing from the demo report", id)
	return quota.Result{}
}

// win is the part of a window the test checks.
type win struct {
	kind   quota.WindowKind
	period time.Duration
	name   string
	used   float64
}

func windows(a quota.Account) []win {
	var out []win
	for _, w := range a.Windows {
		out = append(out, win{w.Kind, w.Period, w.Name, w.UsedPct})
	}
	return out
}

func TestDemoReport(t *testing.T) {
	now := time.Now()
	env, rep, guard := collect(t, now)

	if !rep.Demo {
		t.Error("report not marked as demo")
	}
	var order []quota.PlatformID
	for _, r := range rep.Results {
		order = append(order, r.Platform)
		if r.Err != nil {
			t.Errorf("%s: platform error %v", r.Platform, r.Err)
		}
	}
	if fmt.Sprint(order) != fmt.Sprint(all.IDs()) {
		t.Errorf("platforms %v, want every platform %v", order, all.IDs())
	}

	const h, day = time.Hour, 24 * time.Hour
	tests := []struct {
		id      quota.PlatformID
		name    string
		plan    string
		windows []win
	}{
		{quota.OpenAI, demoEmail, "plus", []win{
			{quota.KindRate, 5 * h, "", 37},
			{quota.KindRate, 7 * day, "", 28},
		}},
		{quota.Anthropic, demoEmail, "max 5x", []win{
			{quota.KindRate, 5 * h, "", 86},
			{quota.KindRate, 7 * day, "", 41},
			{quota.KindModel, 7 * day, "Sonnet", 23},
		}},
		{quota.Zhipu, quota.MaskKey(zhipuKey), "pro", []win{
			{quota.KindTokens, 5 * h, "", 21},
			{quota.KindTokens, 7 * day, "", 33},
			{quota.KindTools, 30 * day, "", 8},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			res := result(t, rep, tt.id)
			if len(res.Accounts) != 1 {
				t.Fatalf("%d accounts, want 1", len(res.Accounts))
			}
			a := res.Accounts[0]
			if a.Err != nil {
				t.Fatalf("account error: %v", a.Err)
			}
			if a.Name != tt.name || a.Plan != tt.plan {
				t.Errorf("account %q plan %q, want %q plan %q", a.Name, a.Plan, tt.name, tt.plan)
			}
			if got := windows(a); fmt.Sprint(got) != fmt.Sprint(tt.windows) {
				t.Errorf("windows\n got %v\nwant %v", got, tt.windows)
			}
			for _, w := range a.Windows {
				if !w.ResetAt.After(now) {
					t.Errorf("window %v resets at %v, not after now", w.Kind, w.ResetAt)
				}
			}
		})
	}

	t.Run("anthropic high usage", func(t *testing.T) {
		w := result(t, rep, quota.Anthropic).Accounts[0].Windows[0]
		if w.UsedPct < render.HighUsage || w.Exhausted() {
			t.Errorf("5-hour window at %v%% used, want a high-usage warning", w.UsedPct)
		}
	})

	t.Run("zai fails", func(t *testing.T) {
		res := result(t, rep, quota.ZAI)
		if len(res.Accounts) != 1 {
			t.Fatalf("%d accounts, want 1", len(res.Accounts))
		}
		e := quota.AsError(res.Accounts[0].Err)
		if e == nil || e.Kind != quota.KindUnauthorized || !strings.Contains(e.Detail, "token expired or incorrect") {
			t.Errorf("error %#v, want unauthorized with the upstream message", res.Accounts[0].Err)
		}
	})

	t.Run("antigravity", func(t *testing.T) {
		res := result(t, rep, quota.Antigravity)
		if len(res.Accounts) != 2 {
			t.Fatalf("%d accounts, want 2", len(res.Accounts))
		}
		for i, a := range res.Accounts {
			if a.Err != nil {
				t.Fatalf("account %s: %v", a.Name, a.Err)
			}
			if a.Name != googleAccounts[i].email {
				t.Errorf("account %d is %q, want %q", i, a.Name, googleAccounts[i].email)
			}
			var exhausted []string
			buckets := 0
			for _, w := range a.Windows {
				if w.Exhausted() {
					exhausted = append(exhausted, w.Name)
					if !w.ResetAt.After(now) {
						t.Errorf("%s: exhausted %s has no future reset", a.Name, w.Name)
					}
				}
				if w.Period != 0 {
					buckets++
				}
			}
			if buckets != 4 {
				t.Errorf("%s: %d 5-hour/weekly buckets, want 4", a.Name, buckets)
			}
			want := "[]"
			if i == 1 {
				// The Claude and GPT family row and its 5-hour bucket.
				want = "[Claude and GPT Claude and GPT]"
			}
			if fmt.Sprint(exhausted) != want {
				t.Errorf("%s: exhausted windows %v, want %s", a.Name, exhausted, want)
			}
		}
	})

	t.Run("copilot", func(t *testing.T) {
		res := result(t, rep, quota.Copilot)
		if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
			t.Fatalf("accounts %+v", res.Accounts)
		}
		a := res.Accounts[0]
		if len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindPremium || a.Windows[0].Used == nil ||
			*a.Windows[0].Used != 149.5 || *a.Windows[0].Limit != 300 {
			t.Errorf("windows %+v, want premium 149.5/300", a.Windows)
		}
		if len(a.Breakdown) != 3 || a.Breakdown[0].Name != "Claude Sonnet 4.5" {
			t.Errorf("breakdown %+v, want three models led by Claude Sonnet 4.5", a.Breakdown)
		}
		if !a.ResetAt.After(now) {
			t.Errorf("reset %v not after now", a.ResetAt)
		}
	})

	t.Run("routes", func(t *testing.T) {
		hits := env.Hits()
		for _, r := range env.Routes() {
			if hits[r] == 0 {
				t.Errorf("route %s never hit", r)
			}
		}
		if n := hits[Unmatched]; n != 0 {
			t.Errorf("%d requests matched no route", n)
		}
		if len(guard.away) != 0 {
			t.Errorf("requests left the loopback interface: %v", guard.away)
		}
	})

	t.Run("no secrets", func(t *testing.T) {
		for _, lang := range []string{"en", "zh", "fr"} {
			loc := i18n.New(lang)
			opts := render.Options{Now: now, Location: time.UTC}
			doc, err := json.Marshal(render.JSON(rep, loc, opts))
			if err != nil {
				t.Fatal(err)
			}
			for _, out := range []string{render.Markdown(rep, loc, opts), string(doc)} {
				if strings.Contains(out, "CANARY") {
					t.Errorf("%s: a demo secret reached the output:\n%s", lang, out)
				}
			}
		}
	})
}

func TestCloseRemovesHome(t *testing.T) {
	env, err := Start(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	home := env.Paths.Home
	if _, err := os.Stat(env.Paths.OpenCodeAuth()); err != nil {
		t.Fatalf("credentials not written: %v", err)
	}
	if !strings.HasPrefix(env.Paths.OpenCodeAuth(), home) {
		t.Errorf("auth.json %s outside the demo home %s", env.Paths.OpenCodeAuth(), home)
	}
	env.Close()
	env.Close()
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("demo home %s still there after Close: %v", home, err)
	}
	if _, err := http.Get(env.URL + "/openai/wham/usage"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestCredentialFilesPrivate(t *testing.T) {
	env, err := Start(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	err = filepath.WalkDir(env.Paths.Home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := os.Stat(path)
		if err == nil && st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want private", path, st.Mode().Perm())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDepsIgnoreEnvironment(t *testing.T) {
	t.Setenv("MYSTATUS_OPENAI_BASE_URL", "https://chatgpt.com/backend-api")
	env, err := Start(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	d := env.Deps(provider.Deps{Settings: provider.Settings{Getenv: os.Getenv}})
	for name, want := range env.Settings {
		if got, src := d.Settings.Get(name); got != want || src != "config:"+name {
			t.Errorf("%s = %q from %q, want %q from the demo settings", name, got, src, want)
		}
	}
	if d.Auth.Paths != env.Paths {
		t.Errorf("auth store over %+v, want the demo paths", d.Auth.Paths)
	}
}

// TestGolden renders the demo report at a fixed time in every language.
func TestGolden(t *testing.T) {
	_, rep, _ := collect(t, fixedNow)
	for _, lang := range []string{"en", "zh", "fr"} {
		t.Run(lang, func(t *testing.T) {
			got := render.Markdown(rep, i18n.New(lang), render.Options{Now: fixedNow, Location: time.UTC})
			path := filepath.Join("testdata", "demo."+lang+".golden.md")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./lib/demo -update)", err)
			}
			if got != string(want) {
				t.Errorf("demo report (%s) differs from %s:\n%s", lang, path, got)
			}
		})
	}
}

// TestDemoShowsEveryPace: the demo has windows on pace, ahead of pace
// (yet lasting to the reset) and projected to run out before the reset, so
// a newcomer sees each pace phrase. OpenAI's 7-day window is the ahead one:
// 28 % used after 46.5 h of 168 h is a pace of about 1.01.
func TestDemoShowsEveryPace(t *testing.T) {
	now := time.Now()
	_, rep, _ := collect(t, now)
	got := map[pace.Status][]string{}
	for _, res := range rep.Results {
		for _, a := range res.Accounts {
			for _, w := range a.Windows {
				e := pace.Of(w, now)
				got[e.Status] = append(got[e.Status], fmt.Sprintf("%s/%s/%s%v", res.Platform, a.Name, w.Name, w.Period))
			}
		}
	}
	for _, s := range []pace.Status{pace.OnPace, pace.Ahead, pace.RunsOut} {
		if len(got[s]) == 0 {
			t.Errorf("no %v window in the demo; windows by status: %v", s, got)
		}
	}
	w := result(t, rep, quota.OpenAI).Accounts[0].Windows[1]
	if e := pace.Of(w, now); e.Status != pace.Ahead {
		t.Errorf("OpenAI 7-day: %+v, want ahead of pace", e)
	}
}
