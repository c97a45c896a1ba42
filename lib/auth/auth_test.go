package auth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPathsFromEnv(t *testing.T) {
	p := PathsFromEnv(env(map[string]string{"HOME": "/h"}))
	if p.OpenCodeAuth() != "/h/.local/share/opencode/auth.json" || p.OpenCodeConfigDir() != "/h/.config/opencode" || p.ABVData != "/h/.antigravity_tools" {
		t.Errorf("defaults: %+v", p)
	}
	p = PathsFromEnv(env(map[string]string{"HOME": "/h", "XDG_DATA_HOME": "/d", "XDG_CONFIG_HOME": "/c", "ABV_DATA_DIR": "/abv"}))
	if p.OpenCodeAuth() != "/d/opencode/auth.json" || p.OpenCodeConfigDir() != "/c/opencode" || p.ABVData != "/abv" {
		t.Errorf("overrides: %+v", p)
	}
	// Relative XDG values are ignored, as the XDG spec says.
	p = PathsFromEnv(env(map[string]string{"HOME": "/h", "XDG_DATA_HOME": "rel"}))
	if p.XDGData != "/h/.local/share" {
		t.Errorf("relative XDG_DATA_HOME used: %q", p.XDGData)
	}
	p = PathsFromEnv(env(map[string]string{"USERPROFILE": `C:\Users\u`}))
	if p.Home != `C:\Users\u` {
		t.Errorf("USERPROFILE ignored: %+v", p)
	}
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenCode(t *testing.T) {
	home := t.TempDir()
	s := NewStore(PathsFromEnv(env(map[string]string{"HOME": home})))
	if _, _, err := s.OpenCode("openai"); err != quota.ErrNotConfigured {
		t.Fatalf("missing file: %v", err)
	}
	path := write(t, home, ".local/share/opencode/auth.json", `{
  "openai": {"type": "oauth", "access": "a-CANARY", "refresh": "r-CANARY", "expires": 1767312000000, "extra": [1,2]},
  "zai-coding-plan": {"type": "api", "key": "k-CANARY"},
  "weird": "string",
  "unknown-provider": {"type": "api"}
}`)
	before, _ := os.Stat(path)
	e, _, err := s.OpenCode("openai")
	if err != nil || e.Type != "oauth" || e.Access != "a-CANARY" || !e.Expires.Equal(time.UnixMilli(1767312000000)) {
		t.Fatalf("openai: %+v %v", e, err)
	}
	if e, _, err := s.OpenCode("zai-coding-plan"); err != nil || e.Key != "k-CANARY" {
		t.Fatalf("zai: %+v %v", e, err)
	}
	if _, _, err := s.OpenCode("anthropic"); err != quota.ErrNotConfigured {
		t.Fatalf("absent key: %v", err)
	}
	if _, _, err := s.OpenCode("weird"); quota.KindOf(err) != quota.KindFieldMissing {
		t.Fatalf("non-object entry: %v", err)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
		t.Error("auth.json changed")
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(Paths{})
	if _, err := s.Read(filepath.Join(dir, "none.json")); quota.KindOf(err) != quota.KindFileMissing {
		t.Errorf("missing: %v", err)
	}
	if _, err := s.Read(dir); quota.KindOf(err) != quota.KindFileUnreadable {
		t.Errorf("directory: %v", err)
	}
	bad := write(t, dir, "bad.json", "{\n  \"a\": 1,\n  oops\n}")
	_, err := s.Read(bad)
	if e := quota.AsError(err); e.Kind != quota.KindFileMalformed || e.Detail != "not valid JSON near line 3, column 3" {
		t.Errorf("malformed: %+v", e)
	}
	empty := write(t, dir, "empty.json", "")
	if e := quota.AsError(func() error { _, err := s.Read(empty); return err }()); e.Kind != quota.KindFileMalformed || e.Detail != "the file is empty" {
		t.Errorf("empty: %+v", e)
	}
	if os.Geteuid() != 0 {
		locked := write(t, dir, "locked.json", "{}")
		os.Chmod(locked, 0)
		if _, err := s.Read(locked); quota.KindOf(err) != quota.KindFileUnreadable {
			t.Errorf("unreadable: %v", err)
		}
	}
}

func TestReadCachesUnchangedFile(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "a.json", `{"v":1}`)
	s := NewStore(Paths{})
	f1, _ := s.Read(path)
	f2, _ := s.Read(path)
	if f1 != f2 {
		t.Error("unchanged file re-read")
	}
	os.WriteFile(path, []byte(`{"v":22}`), 0o600)
	f3, err := s.Read(path)
	if err != nil || f3.Get("v").Int() != 22 {
		t.Errorf("changed file not re-read: %v", err)
	}
}

func FuzzOpenCode(f *testing.F) {
	f.Add([]byte(`{"openai":{"type":"oauth","access":"x","expires":1}}`))
	f.Add([]byte(`{"openai":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"openai":{"expires":"soon"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, ".local/share/opencode/auth.json")
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, data, 0o600)
		s := NewStore(PathsFromEnv(env(map[string]string{"HOME": dir})))
		e, _, err := s.OpenCode("openai")
		if err != nil && (e.Type != "" || e.Access != "") {
			t.Fatalf("entry and error: %+v %v", e, err)
		}
		if err != nil && err != quota.ErrNotConfigured && quota.KindOf(err) == quota.KindInternal {
			t.Fatalf("unclassified error %v", err)
		}
	})
}
