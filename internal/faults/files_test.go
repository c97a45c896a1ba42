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

// extraSources are credential files a platform reads besides those its
// demo writes, keyed by platform: Antigravity-Manager's account files.
var extraSources = map[quota.PlatformID][]struct {
	name string
	path func(auth.Paths) string
}{
	"antigravity": {{"manager-account", func(p auth.Paths) string {
		return filepath.Join(p.Home, ".antigravity_tools", "accounts", "9f2c-account.json")
	}}},
}

// rebase is path, one of a demo's Files under fakePaths, in the HOME of
// paths.
func rebase(path string, paths auth.Paths) string {
	rel, err := filepath.Rel(fakePaths.Home, path)
	if err != nil {
		panic(err)
	}
	return filepath.Join(paths.Home, rel)
}

// credentialFile is a file of the demo HOME and the platforms reading it.
type credentialFile struct {
	name     string
	path     func(auth.Paths) string
	affected []quota.PlatformID
}

// credentialFiles are the demo's credential files, from the registry:
// OpenCode's auth.json for every platform with an auth.json entry, each
// file a platform's demo writes, and the extra sources above.
func credentialFiles(ps []platform) []credentialFile {
	shared := credentialFile{name: "auth.json", path: auth.Paths.OpenCodeAuth}
	var own []credentialFile
	for _, p := range ps {
		if len(p.demo.AuthEntries) > 0 {
			shared.affected = append(shared.affected, p.id)
		}
		for path := range p.demo.Files {
			own = append(own, credentialFile{name: filepath.Base(path),
				path: func(paths auth.Paths) string { return rebase(path, paths) }, affected: []quota.PlatformID{p.id}})
		}
		for _, x := range extraSources[p.id] {
			own = append(own, credentialFile{name: x.name, path: x.path, affected: []quota.PlatformID{p.id}})
		}
	}
	slices.SortFunc(own, func(a, b credentialFile) int { return strings.Compare(a.name, b.name) })
	return append([]credentialFile{shared}, own...)
}

// TestSpecialCredentialFiles replaces one credential file at a time with
// each special file: the platforms that read it report it, with its own
// classification; every other platform still runs (here it reaches the
// server and is refused with 401); and the whole report completes within
// its deadline instead of hanging in open(2).
func TestSpecialCredentialFiles(t *testing.T) {
	ps := platforms(t)
	var ids []quota.PlatformID
	for _, p := range ps {
		ids = append(ids, p.id)
	}
	keys := secrets(ps)
	for id := range extraSources {
		if !slices.Contains(ids, id) {
			t.Errorf("extraSources names %s, which is no platform of the suite", id)
		}
	}
	for _, c := range credentialFiles(ps) {
		for _, sp := range specials {
			t.Run(c.name+"/"+sp.name, func(t *testing.T) {
				t.Parallel()
				var target string
				env, d := start(t, Unauthorized, DefaultForeign, "", func(p auth.Paths) {
					target = c.path(p)
					os.Remove(target)
					os.MkdirAll(filepath.Dir(target), 0o700)
					sp.make(t, target)
				}, ids...)
				// Nothing here hangs (the server answers 401 at once): a
				// generous timeout keeps a loaded machine (-race, every
				// case in parallel) from timing out a platform that makes
				// three requests, and collectWithin still catches a hang.
				d.HTTP.Timeout = settleTimeout
				var provs []quota.Provider
				for _, id := range ids {
					provs = append(provs, newProvider(t, id, d))
				}
				rep := collectWithin(t, provs)
				if len(rep.Results) != len(ids) {
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
						t.Errorf("%s: does not use %s, yet did not run as usual: %v", res.Platform, c.name, errs)
					}
				}
				noSecrets(t, rep, env.Paths, keys)
			})
		}
	}
}

// settleTimeout is the request timeout of the special-file cases.
const settleTimeout = 20 * time.Second

// collectWithin runs one report and fails the test if it does not end:
// a special file must never make it hang.
func collectWithin(t *testing.T, provs []quota.Provider) quota.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*settleTimeout)
	defer cancel()
	done := make(chan quota.Report, 1)
	go func() {
		done <- (&report.Service{Providers: provs, Timeout: settleTimeout}).Collect(ctx, report.Request{})
	}()
	select {
	case rep := <-done:
		return rep
	case <-time.After(3 * settleTimeout):
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
