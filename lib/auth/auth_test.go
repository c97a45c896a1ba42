package auth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPathsFromEnv(t *testing.T) {
	p := PathsFromEnv(env(map[string]string{"HOME": "/h"}))
	if p.OpenCodeAuth() != "/h/.local/share/opencode/auth.json" || p.OpenCodeConfigDir() != "/h/.config/opencode" {
		t.Errorf("defaults: %+v", p)
	}
	p = PathsFromEnv(env(map[string]string{"HOME": "/h", "XDG_DATA_HOME": "/d", "XDG_CONFIG_HOME": "/c"}))
	if p.OpenCodeAuth() != "/d/opencode/auth.json" || p.OpenCodeConfigDir() != "/c/opencode" {
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
	f.Add([]byte(`{"openai":` + strings.Repeat("[", 1000)))
	f.Add([]byte(`{"openai":{"type":"api","key":"k1"},"openai":{"type":"api","key":"k2"}}`))
	// One HOME per fuzzing process, rewritten for each input (a fresh
	// TempDir per input costs more than the parse it tests); a new Store
	// per input, so nothing is served from its cache.
	dir := f.TempDir()
	path := filepath.Join(dir, ".local/share/opencode/auth.json")
	os.MkdirAll(filepath.Dir(path), 0o755)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
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

// TestDuplicateKeysLastWins: OpenCode reads auth.json with JSON.parse, so
// a key written twice (a hand edit, a tool appending) counts with its
// last value, at the top level and inside an entry.
func TestDuplicateKeysLastWins(t *testing.T) {
	home := t.TempDir()
	write(t, home, ".local/share/opencode/auth.json", `{
  "zai-coding-plan": {"type": "api", "key": "old-key-first-0001"},
  "openai": {"type": "oauth", "access": "first-access-0001", "access": "last-access-0002", "nested": {"a": 1, "a": [2, {"b": 3, "b": 4}]}},
  "zai-coding-plan": {"type": "api", "key": "new-key-last-00002"}
}`)
	s := NewStore(PathsFromEnv(env(map[string]string{"HOME": home})))
	e, _, err := s.OpenCode("zai-coding-plan")
	if err != nil || e.Key != "new-key-last-00002" {
		t.Fatalf("top-level duplicate: %+v %v (want the last)", e, err)
	}
	e, _, err = s.OpenCode("openai")
	if err != nil || e.Access != "last-access-0002" {
		t.Fatalf("field duplicate: %+v %v", e, err)
	}
	if got := e.Raw.Get("nested").Raw; got != `{"a":[2,{"b":4}]}` {
		t.Errorf("nested duplicates: %s", got)
	}
	// Both keys are masked wherever shown, the shadowed one too.
	for _, k := range []string{"old-key-first-0001", "new-key-last-00002", "last-access-0002"} {
		if got := quota.Scrub("echo " + k); strings.Contains(got, k) {
			t.Errorf("%s not registered: %q", k, got)
		}
	}
}

func TestLastWinsUnchanged(t *testing.T) {
	for _, in := range []string{`{"a":1,"b":[1,2,{"c":"d"}]}`, `[1,2]`, `"x"`, " {\n \"a\" : 1 }\n"} {
		if got := string(LastWins([]byte(in))); got != in {
			t.Errorf("LastWins(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestSecretField(t *testing.T) {
	for name, want := range map[string]bool{
		"key": true, "apiKey": true, "api_key": true, "access": true, "refresh": true, "token": true,
		"refreshToken": true, "access_token": true, "client_secret": true, "password": true,
		"token_uri": false, "tokenType": false, "token_expiry": false, "email": false, "projectId": false,
		"type": false, "expires": false, "accountId": false,
	} {
		if got := secretField(name); got != want {
			t.Errorf("secretField(%q) = %v", name, got)
		}
	}
}

func FuzzLastWins(f *testing.F) {
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`{"a":{"b":1,"b":[{"c":1,"c":2}]},"a":3}`))
	f.Add([]byte(`[[[[{"x":"y","x":"z"}]]]]`))
	f.Add([]byte(strings.Repeat("[", 300)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if jsonval.CheckDepth(data, jsonval.MaxDepth) != nil || !gjson.ValidBytes(data) {
			return
		}
		out := LastWins(data)
		if !gjson.ValidBytes(out) {
			t.Fatalf("LastWins(%q) = %q is not JSON", data, out)
		}
		if hasDuplicate(gjson.ParseBytes(out)) {
			t.Fatalf("LastWins(%q) = %q keeps a duplicate", data, out)
		}
		if again := LastWins(out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}
