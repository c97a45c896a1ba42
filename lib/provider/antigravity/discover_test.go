package antigravity

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed test clock; the fixtures' expiry times are around it.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture returns the absolute path of a testdata tree.
func fixture(t testing.TB, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// homePaths are the auth paths of a fixture HOME tree.
func homePaths(home string) auth.Paths {
	return auth.Paths{
		Home:      home,
		XDGConfig: filepath.Join(home, ".config"),
		XDGData:   filepath.Join(home, ".local", "share"),
	}
}

func newProvider(paths auth.Paths, env map[string]string) *Provider {
	p := New(provider.Deps{
		HTTP:     httpx.New(5 * time.Second),
		Auth:     auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
	// The fixture home holds a broken manager file: re-read it at once
	// instead of waiting out the real pause.
	p.pause = func(context.Context) {}
	return p
}

// snapshot records every fixture file's bytes and mtime, so tests can
// assert credentials are only ever read.
func snapshot(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[path] = st.ModTime().String() + " " + string(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkUnchanged(t *testing.T) {
	before := snapshot(t)
	t.Cleanup(func() {
		if after := snapshot(t); !reflect.DeepEqual(before, after) {
			t.Error("a fixture file changed (bytes or mtime)")
		}
	})
}

type wantTarget struct {
	name, key string
	kind      quota.Kind
	source    string
}

func summarize(ts []quota.Target) []wantTarget {
	var out []wantTarget
	for _, t := range ts {
		w := wantTarget{name: t.Name, key: t.Key, kind: quota.KindOf(t.Err)}
		if c, ok := t.Data.(*cred); ok {
			w.source = c.source
		}
		out = append(out, w)
	}
	return out
}

func TestDiscoverFixtureHome(t *testing.T) {
	checkUnchanged(t)
	home := fixture(t, "home")
	p := newProvider(homePaths(home), nil)
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []wantTarget{
		{"alice@example.com", "antigravity:alice@example.com", "", sourceOpenCode},
		// bob has no project id: Fetch resolves it.
		{"bob@example.com", "antigravity:bob@example.com", "", sourceOpenCode},
		// In both stores: Antigravity-Manager's entry (valid stored token) wins.
		{"dave@example.com", "antigravity:dave@example.com", "", sourceManager},
		// A file that stays unparsable after the retry is reported alone.
		{"e1e1e1e1-3333-4444-8555-00000000000a.json", "antigravity:file:" + filepath.Join(home, ".antigravity_tools/accounts/e1e1e1e1-3333-4444-8555-00000000000a.json"), quota.KindFileMalformed, ""},
		{"erin@example.com", "antigravity:erin@example.com", quota.KindAccountDisabled, sourceManager},
		{"frank@example.com", "antigravity:frank@example.com", "", sourceManager},
		{"grace@example.com", "antigravity:grace@example.com", quota.KindVerification, sourceManager},
	}
	if got := summarize(ts); !reflect.DeepEqual(got, want) {
		t.Fatalf("targets\n got %+v\nwant %+v", got, want)
	}

	byName := map[string]quota.Target{}
	for _, tg := range ts {
		byName[tg.Name] = tg
	}
	erin := quota.AsError(byName["erin@example.com"].Err)
	if erin.Reason != "invalid_grant: Token has been expired or revoked." || erin.Code != "invalid_grant" ||
		!erin.Since.Equal(time.Unix(1771576200, 0)) {
		t.Errorf("disabled account error = %+v", erin)
	}
	grace := quota.AsError(byName["grace@example.com"].Err)
	if grace.Link != "https://accounts.google.com/signin/continue?sarp=1" {
		t.Errorf("verification link = %q", grace.Link)
	}
	dave := byName["dave@example.com"].Data.(*cred)
	if dave.project != "dave-proj" || !dave.accessValid(now) {
		t.Errorf("dave = project %q, valid token %v", dave.project, dave.accessValid(now))
	}
	frank := byName["frank@example.com"].Data.(*cred)
	wantFact := []quota.Fact{{ID: FactProxyDisabled, Data: map[string]any{"Reason": "quota_protection", "Since": time.Unix(1772186400, 0)}}}
	if !reflect.DeepEqual(frank.facts, wantFact) || frank.accessValid(now) {
		t.Errorf("frank facts = %+v, valid token %v", frank.facts, frank.accessValid(now))
	}
	for _, tg := range ts {
		if e := quota.AsError(tg.Err); e != nil && e.Path == "" {
			t.Errorf("%s: error without path: %v", tg.Name, e)
		}
	}
}

func TestDiscoverLocations(t *testing.T) {
	alt := fixture(t, "home-alt")
	paths := homePaths(alt)
	paths.AppData = filepath.Join(alt, "AppData", "Roaming")
	p := newProvider(paths, nil)
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	appFile := filepath.Join(paths.AppData, "opencode", "antigravity-accounts.json")
	want := []wantTarget{
		{"accounts[1]", "antigravity:file:" + appFile + "#accounts[1].email", quota.KindFieldMissing, ""},
		{"win@example.com", "antigravity:win@example.com", "", sourceOpenCode},
		{"xdg@example.com", "antigravity:xdg@example.com", "", sourceOpenCode},
	}
	if got := summarize(ts); !reflect.DeepEqual(got, want) {
		t.Fatalf("targets\n got %+v\nwant %+v", got, want)
	}

	info := p.Info()
	wantSources := []quota.Source{
		{Path: filepath.Join(alt, ".config", "opencode", "antigravity-accounts.json")},
		{Path: filepath.Join(alt, ".local", "share", "opencode", "antigravity-accounts.json")},
		{Path: appFile},
		{Path: filepath.Join(alt, ".antigravity_tools", "accounts"), What: "Antigravity-Manager *.json"},
	}
	if info.ID != ID || !info.Configured || !reflect.DeepEqual(info.Sources, wantSources) {
		t.Errorf("Info() = %+v", info)
	}
}

func TestDiscoverErrors(t *testing.T) {
	empty := t.TempDir()
	malformed := homePaths(fixture(t, "home-malformed"))
	mixed := malformed // with ABV_DATA_DIR pointing at another home's store
	mixedEnv := map[string]string{"ABV_DATA_DIR": fixture(t, "home", ".antigravity_tools")}
	onlyDebris := homePaths(t.TempDir())
	if err := os.MkdirAll(filepath.Join(filepath.Join(onlyDebris.Home, ".antigravity_tools"), "accounts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Join(onlyDebris.Home, ".antigravity_tools"), "accounts", "x.tmp.1.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		paths    auth.Paths
		env      map[string]string
		wantErr  error
		wantKind quota.Kind
		check    func(t *testing.T, ts []quota.Target)
	}{
		{name: "nothing anywhere", paths: homePaths(empty), wantErr: quota.ErrNotConfigured},
		{name: "only temporary files", paths: onlyDebris, wantErr: quota.ErrNotConfigured},
		{name: "malformed accounts file alone", paths: malformed, wantKind: quota.KindFileMalformed},
		{name: "empty accounts list", paths: homePaths(fixture(t, "home-empty")), wantKind: quota.KindNoAccounts},
		{name: "malformed accounts file next to manager accounts", paths: mixed, env: mixedEnv, check: func(t *testing.T, ts []quota.Target) {
			var found bool
			for _, tg := range ts {
				if tg.Name == accountsFile {
					found = quota.KindOf(tg.Err) == quota.KindFileMalformed
				}
			}
			if !found || len(ts) != 6 {
				t.Errorf("targets = %+v", summarize(ts))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(tt.paths, tt.env)
			ts, err := p.Discover(context.Background())
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.wantKind != "":
				if quota.KindOf(err) != tt.wantKind || quota.AsError(err).Path == "" {
					t.Fatalf("err = %v, want kind %s with a path", err, tt.wantKind)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, ts)
			}
			if err != nil && ts != nil {
				t.Errorf("targets and error together")
			}
			if info := p.Info(); info.Configured != !errors.Is(err, quota.ErrNotConfigured) {
				t.Errorf("Info().Configured = %v with Discover error %v", info.Configured, err)
			}
		})
	}
}

// TestDiscoverReparse shows a manager file caught mid-write is parsed
// again after the pause instead of being reported as malformed.
func TestDiscoverReparse(t *testing.T) {
	paths := homePaths(t.TempDir())
	dir := filepath.Join(paths.Home, ".antigravity_tools", "accounts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "a.json")
	full := `{"email":"w@example.com","token":{"refresh_token":"1//CANARY-w","project_id":"p"}}`
	if err := os.WriteFile(file, []byte(full[:20]), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newProvider(paths, nil)
	pauses := 0
	p.pause = func(context.Context) {
		pauses++
		// The writer finishes while Discover waits.
		if err := os.WriteFile(file, []byte(full), 0o600); err != nil {
			t.Error(err)
		}
	}
	ts, err := p.Discover(context.Background())
	if err != nil || len(ts) != 1 || ts[0].Err != nil || ts[0].Name != "w@example.com" || pauses != 1 {
		t.Fatalf("Discover = %+v, %v after %d pauses", summarize(ts), err, pauses)
	}
}
