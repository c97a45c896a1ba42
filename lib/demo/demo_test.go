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
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
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

// demoers lists the registered platforms that take part in the demo,
// with their demos, in report order.
func demoers(t *testing.T, now time.Time) ([]quota.PlatformID, map[quota.PlatformID]provider.Demo) {
	t.Helper()
	var ids []quota.PlatformID
	demos := map[quota.PlatformID]provider.Demo{}
	for _, p := range all.Providers(provider.Deps{}) {
		if d, ok := p.(provider.Demoer); ok {
			demo, err := d.Demo(now, auth.Paths{})
			if err != nil {
				t.Fatalf("%s: %v", p.ID(), err)
			}
			ids = append(ids, p.ID())
			demos[p.ID()] = demo
		}
	}
	if len(ids) == 0 {
		t.Fatal("no registered platform implements provider.Demoer")
	}
	return ids, demos
}

// TestDemoReport holds what every platform's demo must show, whatever
// the platform: a report without error except where the platform stages
// one, resets in the future, every platform's handler used, nothing
// unmatched or off the loopback interface, no secret in the output. What
// each platform shows is its own package's test (its demo_test.go).
func TestDemoReport(t *testing.T) {
	now := time.Now()
	env, rep, guard := collect(t, now)
	ids, demos := demoers(t, now)

	if !rep.Demo {
		t.Error("report not marked as demo")
	}
	var order []quota.PlatformID
	for _, r := range rep.Results {
		order = append(order, r.Platform)
	}
	if fmt.Sprint(order) != fmt.Sprint(ids) {
		t.Errorf("platforms %v, want every demo platform %v", order, ids)
	}
	for _, r := range rep.Results {
		t.Run(string(r.Platform), func(t *testing.T) {
			failed := r.Err != nil
			for _, a := range r.Accounts {
				failed = failed || a.Err != nil
				for _, w := range a.Windows {
					if !w.ResetAt.IsZero() && !w.ResetAt.After(now) {
						t.Errorf("%s: window %v %s resets at %v, not after now", a.Name, w.Kind, w.Name, w.ResetAt)
					}
				}
			}
			if len(r.Accounts) == 0 && r.Err == nil {
				t.Error("no account")
			}
			if want := demos[r.Platform].Failing; failed != want {
				t.Errorf("failed %v, want %v (Demo.Failing): %+v", failed, want, r)
			}
		})
	}

	t.Run("mounts", func(t *testing.T) {
		hits := env.Hits()
		for _, m := range env.Mounts() {
			n := 0
			for route, c := range hits {
				if strings.HasPrefix(route, m+" ") {
					n += c
				}
			}
			if n == 0 {
				t.Errorf("%s never hit: %v", m, hits)
			}
		}
		if n := hits[Unmatched]; n != 0 {
			t.Errorf("%d requests matched no route: %v", n, hits)
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

// TestSecretsCarryCanary: every credential a demo writes carries CANARY,
// so the no-secret checks here and in internal/faults see it. A value counts as
// a secret when its key names one.
func TestSecretsCarryCanary(t *testing.T) {
	_, demos := demoers(t, time.Now())
	secretKey := regexp.MustCompile(`(?i)token|secret|key|access|refresh|password`)
	for id, d := range demos {
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					walk(path+"."+k, x)
				}
			case []any:
				for i, x := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case []map[string]any:
				for i, x := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case string:
				k := path[strings.LastIndex(path, ".")+1:]
				if secretKey.MatchString(k) && !strings.Contains(v, "CANARY") {
					t.Errorf("%s: %s = %q is a secret without CANARY", id, path, v)
				}
			}
		}
		walk("auth", d.AuthEntries)
		walk("files", d.Files)
		for k, v := range d.Settings {
			if secretKey.MatchString(k) && !strings.HasPrefix(v, "/") && !strings.Contains(v, "CANARY") {
				t.Errorf("%s: setting %s = %q is a secret without CANARY", id, k, v)
			}
		}
	}
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
	if _, err := http.Get(env.URL + env.Mounts()[0] + "/"); err == nil {
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
// a newcomer sees each pace phrase.
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
}
