//go:build unix

package faults

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// special is one hostile thing put where a credential file belongs.
type special struct {
	name string
	make func(t *testing.T, path string)
	kind quota.Kind
	code string // the quota.Error Code expected, "" for any
}

var specials = []special{
	{"fifo", func(t *testing.T, path string) {
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skip("no mkfifo:", err)
		}
	}, quota.KindFileUnreadable, auth.CodeNotRegular},
	{"dev-zero", func(t *testing.T, path string) {
		if err := os.Symlink("/dev/zero", path); err != nil {
			t.Fatal(err)
		}
	}, quota.KindFileUnreadable, auth.CodeNotRegular},
	{"socket", func(t *testing.T, path string) {
		ln, err := net.Listen("unix", path)
		if err != nil {
			t.Skip("no unix socket:", err)
		}
		t.Cleanup(func() { ln.Close() })
	}, quota.KindFileUnreadable, auth.CodeNotRegular},
	{"sparse-2GiB", func(t *testing.T, path string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(2 << 30); err != nil {
			t.Skip("no sparse file:", err)
		}
	}, quota.KindFileUnreadable, auth.CodeTooLarge},
	{"deep-nesting", func(t *testing.T, path string) {
		if err := os.WriteFile(path, []byte(strings.Repeat("[", 10<<20)), 0o600); err != nil {
			t.Fatal(err)
		}
	}, quota.KindFileMalformed, ""},
}

// TestSpecialCredentialFiles replaces one credential file at a time with
// each special file: the platforms that read it report it, with its own
// classification; every other platform still runs (here it reaches the
// server and is refused with 401); and the whole report completes within
// its deadline instead of hanging in open(2).
func TestSpecialCredentialFiles(t *testing.T) {
	srv := faultyServer(Unauthorized, DefaultForeign)
	t.Cleanup(srv.Close) // after the parallel subtests, unlike defer
	cases := []struct {
		file     string // which file, for the test name
		path     func(auth.Paths) string
		affected []quota.PlatformID
	}{
		{"auth.json", auth.Paths.OpenCodeAuth, []quota.PlatformID{quota.OpenAI, quota.Anthropic, quota.Zhipu, quota.ZAI}},
		{"antigravity-accounts.json", func(p auth.Paths) string {
			return filepath.Join(p.OpenCodeConfigDir(), "antigravity-accounts.json")
		}, []quota.PlatformID{quota.Antigravity}},
		{"copilot-quota-token.json", func(p auth.Paths) string {
			return filepath.Join(p.OpenCodeConfigDir(), "copilot-quota-token.json")
		}, []quota.PlatformID{quota.Copilot}},
		{"manager-account", func(p auth.Paths) string {
			return filepath.Join(p.ABVData, "accounts", "9f2c-account.json")
		}, []quota.PlatformID{quota.Antigravity}},
	}
	for _, c := range cases {
		for _, sp := range specials {
			t.Run(c.file+"/"+sp.name, func(t *testing.T) {
				t.Parallel()
				home := t.TempDir()
				p := auth.PathsFromEnv(func(k string) string {
					if k == "HOME" {
						return home
					}
					return ""
				})
				if err := writeFiles(fixtureFiles(p)); err != nil {
					t.Fatal(err)
				}
				target := c.path(p)
				os.Remove(target)
				os.MkdirAll(filepath.Dir(target), 0o700)
				sp.make(t, target)

				every := platform{}
				for _, pl := range platforms {
					every.settings = append(every.settings, pl.settings...)
				}
				d := deps(every, srv.URL)
				d.Auth = auth.NewStore(p)
				var provs []quota.Provider
				for _, pl := range platforms {
					provs = append(provs, pl.new(d))
				}
				rep := collectWithin(t, provs)
				if len(rep.Results) != len(platforms) {
					t.Fatalf("%d results, want every platform: %+v", len(rep.Results), rep.Results)
				}
				for _, res := range rep.Results {
					errs := failures(res)
					hit := slices.ContainsFunc(errs, func(err error) bool {
						e := quota.AsError(err)
						return e.Kind == sp.kind && e.Path == target && (sp.code == "" || e.Code == sp.code)
					})
					if slices.Contains(c.affected, res.Platform) {
						if !hit {
							t.Errorf("%s: no %s/%s for %s in %v", res.Platform, sp.kind, sp.code, target, errs)
						}
						continue
					}
					if hit || !slices.ContainsFunc(errs, func(err error) bool { return quota.KindOf(err) == quota.KindUnauthorized }) {
						t.Errorf("%s: does not use %s, yet did not run as usual: %v", res.Platform, c.file, errs)
					}
				}
				noSecrets(t, rep)
			})
		}
	}
}

// collectWithin runs one report and fails the test if it does not end:
// a special file must never make it hang.
func collectWithin(t *testing.T, provs []quota.Provider) quota.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan quota.Report, 1)
	go func() {
		done <- (&report.Service{Providers: provs, Timeout: requestTimeout}).Collect(ctx, report.Request{})
	}()
	select {
	case rep := <-done:
		return rep
	case <-time.After(45 * time.Second):
		t.Fatal("the report never completed")
		return quota.Report{}
	}
}

// failures lists every error of a result.
func failures(r quota.Result) []error {
	var out []error
	if r.Err != nil {
		out = append(out, r.Err)
	}
	for _, a := range r.Accounts {
		if a.Err != nil {
			out = append(out, a.Err)
		}
	}
	return out
}
