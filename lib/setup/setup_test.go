package setup

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/internal/testkit"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC) }

func testOptions(dir string) Options {
	return Options{
		Home:       filepath.Join(dir, "home"),
		ProjectDir: filepath.Join(dir, "proj"),
		GOOS:       "linux",
		Command:    "/usr/local/bin/mystatus",
		Lang:       "zh_CN.UTF-8",
		Now:        fixedNow,
	}
}

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got)
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

var commentRE = regexp.MustCompile(`//[^\r\n]*|(?s:/\*.*?\*/)`)

func TestWrite(t *testing.T) {
	tests := []struct {
		client Client
		name   string // fixture testdata/write/<client>/<name>.in; "absent" has none
		reason string // ErrParse reason when the file must be refused
	}{
		{OpenCode, "absent", ""},
		{OpenCode, "empty", ""},
		{OpenCode, "comments_only", ""},
		{OpenCode, "no_mcp", ""},
		{OpenCode, "other_keys", ""},
		{OpenCode, "replace", ""},
		{OpenCode, "jsonc", ""},
		{OpenCode, "broken", whyChar},
		{OpenCode, "not_object", "not_object"},
		{OpenCode, "top_array", "top"},
		{Claude, "absent", ""},
		{Claude, "empty", ""},
		{Claude, "other_keys", ""},
		{Claude, "compact", ""},
		{Claude, "replace", ""},
		{Claude, "comments", whyNoComments},
		{Claude, "trailing_comma", whyTrailingComma},
		{Claude, "broken", whyString},
		{VSCode, "absent", ""},
		{VSCode, "empty", ""},
		{VSCode, "tabs", ""},
		{VSCode, "replace", ""},
		{VSCode, "jsonc", ""},
		{VSCode, "broken", whyComment},
		{Zed, "absent", ""},
		{Zed, "empty", ""},
		{Zed, "default", ""},
		{Zed, "other_keys", ""},
		{Zed, "crlf_replace", ""},
		{Zed, "broken", whyNumber},
	}
	for _, tt := range tests {
		t.Run(string(tt.client)+"/"+tt.name, func(t *testing.T) {
			opts := testOptions(t.TempDir())
			snip, err := Snippet(tt.client, opts)
			if err != nil {
				t.Fatal(err)
			}
			path := snip.Path
			in, readErr := os.ReadFile(filepath.Join("testdata", "write", string(tt.client), tt.name+".in"))
			exists := readErr == nil
			if exists {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, in, 0o640); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, 0o640); err != nil {
					t.Fatal(err)
				}
			} else if tt.name != "absent" {
				t.Fatal(readErr)
			}

			res, err := Write(tt.client, opts)
			if tt.reason != "" {
				var e *Error
				if !errors.As(err, &e) || e.Kind != ErrParse || e.Reason != tt.reason || e.Path != path {
					t.Fatalf("Write error = %#v, want parse error %q on %s", err, tt.reason, path)
				}
				if !strings.Contains(err.Error(), "fix it or use the printed snippet") {
					t.Errorf("error text %q", err)
				}
				if got, _ := os.ReadFile(path); !bytes.Equal(got, in) {
					t.Errorf("refused file was modified:\n%s", got)
				}
				if names := listDir(t, filepath.Dir(path)); len(names) != 1 {
					t.Errorf("directory holds %v, want only the config file", names)
				}
				return
			}
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("write", string(tt.client), tt.name+".out"), got)

			// The result is the input's value plus the entry (an existing
			// entry keeps its members, only its command line is set), and
			// every comment of the input survives.
			sp, _ := specFor(tt.client, opts)
			want := map[string]any{}
			if exists && !blank(in, sp.strict) {
				want = docValue(t, in, sp.strict).(map[string]any)
			}
			servers, _ := want[sp.key].(map[string]any)
			if servers == nil {
				servers = map[string]any{}
				want[sp.key] = servers
			}
			entry := docValue(t, []byte(render(sp.entry, "", style{unit: " ", nl: "\n"})), true).(map[string]any)
			if old, ok := servers["mystatus"].(map[string]any); ok {
				for _, k := range sp.cmdKeys {
					old[k] = entry[k]
				}
				env, _ := old[sp.envKey].(map[string]any)
				if env == nil {
					env = map[string]any{}
					old[sp.envKey] = env
				}
				env["MYSTATUS_LANG"] = sp.lang
			} else {
				servers["mystatus"] = entry
			}
			if v := docValue(t, got, sp.strict); !reflect.DeepEqual(v, want) {
				t.Errorf("value %#v\nwant %#v", v, want)
			}
			if exists && len(res.Files[0].Changes) == 0 {
				t.Errorf("no change reported")
			}
			for _, c := range commentRE.FindAll(in, -1) {
				if !bytes.Contains(got, c) {
					t.Errorf("comment %q lost", c)
				}
			}

			// Action, backup and mode.
			fr := res.Files[0]
			wantMode := fs.FileMode(0o644)
			if exists {
				wantMode = 0o640
				if fr.Action != Updated {
					t.Errorf("action %s, want updated", fr.Action)
				}
				bak, err := os.ReadFile(fr.Backup)
				if err != nil || !bytes.Equal(bak, in) {
					t.Errorf("backup %s: %v, content %q", fr.Backup, err, bak)
				}
				if want := path + ".bak-20261123T113000Z"; fr.Backup != want {
					t.Errorf("backup at %s, want %s", fr.Backup, want)
				}
			} else if fr.Action != Created || fr.Backup != "" {
				t.Errorf("result %+v, want created without backup", fr)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != wantMode {
				t.Errorf("mode %v (%v), want %v", fi.Mode().Perm(), err, wantMode)
			}
			if tt.client == OpenCode {
				if len(res.Files) != 2 || res.Files[1].Path != snip.CommandPath {
					t.Fatalf("files %+v", res.Files)
				}
				if cmd, err := os.ReadFile(snip.CommandPath); err != nil || string(cmd) != snip.CommandText {
					t.Errorf("command file %q (%v)", cmd, err)
				}
			}

			// Idempotence: a second run finds nothing to do.
			before := listDir(t, filepath.Dir(path))
			res2, err := Write(tt.client, opts)
			if err != nil {
				t.Fatalf("second Write: %v", err)
			}
			for _, f := range res2.Files {
				if f.Action != Unchanged || f.Backup != "" {
					t.Errorf("second run: %+v", f)
				}
			}
			if again, _ := os.ReadFile(path); !bytes.Equal(again, got) {
				t.Errorf("second run changed the file:\n%s", again)
			}
			if after := listDir(t, filepath.Dir(path)); !slices.Equal(before, after) {
				t.Errorf("second run left %v, had %v", after, before)
			}
		})
	}
}

func TestWriteCommandFile(t *testing.T) {
	opts := testOptions(t.TempDir())
	snip, err := Snippet(OpenCode, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(snip.CommandPath), 0o755); err != nil {
		t.Fatal(err)
	}
	mine := []byte("---\ndescription: my own\n---\nDo something else.\n")
	if err := os.WriteFile(snip.CommandPath, mine, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Write(OpenCode, opts)
	if err != nil {
		t.Fatal(err)
	}
	cmd := res.Files[1]
	if cmd.Action != Updated {
		t.Fatalf("command file %+v", cmd)
	}
	if bak, _ := os.ReadFile(cmd.Backup); !bytes.Equal(bak, mine) {
		t.Errorf("backup holds %q", bak)
	}
	if fi, _ := os.Stat(snip.CommandPath); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if !strings.Contains(snip.CommandText, "mystatus_mystatus") || !strings.Contains(snip.CommandText, "查看") {
		t.Errorf("command text %q", snip.CommandText)
	}
}

func TestWriteBackupNamesNeverCollide(t *testing.T) {
	opts := testOptions(t.TempDir())
	opts.Lang = ""
	if _, err := Write(Claude, opts); err != nil {
		t.Fatal(err)
	}
	var backups []string
	for _, lang := range []string{"fr", "zh", "en"} {
		opts.Lang = lang
		res, err := Write(Claude, opts)
		if err != nil {
			t.Fatal(err)
		}
		backups = append(backups, filepath.Base(res.Files[0].Backup))
	}
	want := []string{".mcp.json.bak-20261123T113000Z", ".mcp.json.bak-20261123T113000Z-2", ".mcp.json.bak-20261123T113000Z-3"}
	if !slices.Equal(backups, want) {
		t.Errorf("backups %v, want %v", backups, want)
	}
}

func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	opts := testOptions(dir)
	target := filepath.Join(dir, "dotfiles", "mcp.json")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(opts.ProjectDir, ".vscode", "mcp.json")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, err := Write(VSCode, opts); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(target); !bytes.Contains(data, []byte(`"mystatus"`)) {
		t.Errorf("target not updated: %s", data)
	}
}

func TestSnippetGolden(t *testing.T) {
	base := Options{Home: "/home/user", ProjectDir: "/home/user/proj", GOOS: "linux", Command: "/usr/local/bin/mystatus", Lang: "zh-CN"}
	tests := []struct {
		name   string
		client Client
		lang   string // rendering language
		opts   func(o *Options)
	}{
		{"opencode", OpenCode, "en", nil},
		{"opencode-zh", OpenCode, "zh", nil},
		{"claude", Claude, "en", nil},
		{"claude-fr-nolang", Claude, "fr", func(o *Options) { o.Lang, o.Command = "", "" }},
		{"vscode", VSCode, "en", nil},
		{"zed", Zed, "en", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			if tt.opts != nil {
				tt.opts(&o)
			}
			s, err := Snippet(tt.client, o)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.ToSlash(s.Render(i18n.New(tt.lang)))
			golden(t, filepath.Join("snippet", tt.name+".golden"), []byte(out))
		})
	}
}

func TestPaths(t *testing.T) {
	j := filepath.Join
	tests := []struct {
		name   string
		client Client
		opts   Options
		want   string
	}{
		{"opencode default", OpenCode, Options{Home: "/h"}, j("/h", ".config", "opencode", "opencode.json")},
		{"opencode xdg", OpenCode, Options{Home: "/h", XDGConfig: "/x"}, j("/x", "opencode", "opencode.json")},
		{"opencode relative xdg ignored", OpenCode, Options{Home: "/h", XDGConfig: "x"}, j("/h", ".config", "opencode", "opencode.json")},
		{"opencode windows", OpenCode, Options{Home: `C:\Users\u`, GOOS: "windows"}, j(`C:\Users\u`, ".config", "opencode", "opencode.json")},
		{"claude", Claude, Options{ProjectDir: "/p"}, j("/p", ".mcp.json")},
		{"vscode", VSCode, Options{ProjectDir: "/p"}, j("/p", ".vscode", "mcp.json")},
		{"zed linux", Zed, Options{Home: "/h", GOOS: "linux"}, j("/h", ".config", "zed", "settings.json")},
		{"zed linux xdg", Zed, Options{Home: "/h", XDGConfig: "/x", GOOS: "linux"}, j("/x", "zed", "settings.json")},
		{"zed macos ignores xdg", Zed, Options{Home: "/h", XDGConfig: "/x", GOOS: "darwin"}, j("/h", ".config", "zed", "settings.json")},
		{"zed windows", Zed, Options{Home: `C:\Users\u`, AppData: `D:\AppData`, GOOS: "windows"}, j(`D:\AppData`, "Zed", "settings.json")},
		{"zed windows default appdata", Zed, Options{Home: `C:\Users\u`, GOOS: "windows"}, j(`C:\Users\u`, "AppData", "Roaming", "Zed", "settings.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Snippet(tt.client, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if s.Path != tt.want {
				t.Errorf("path %s, want %s", s.Path, tt.want)
			}
		})
	}
}

func TestOpenCodePrefersJSONC(t *testing.T) {
	opts := testOptions(t.TempDir())
	dir := filepath.Join(opts.Home, ".config", "opencode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "opencode.jsonc"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Snippet(OpenCode, opts)
	if err != nil || s.Path != filepath.Join(dir, "opencode.jsonc") {
		t.Errorf("path %s (%v)", s.Path, err)
	}
}

func TestOptionErrors(t *testing.T) {
	tests := []struct {
		client Client
		opts   Options
		kind   ErrKind
	}{
		{OpenCode, Options{}, ErrNoHome},
		{Zed, Options{GOOS: "darwin"}, ErrNoHome},
		{Zed, Options{GOOS: "windows"}, ErrNoHome},
		{Claude, Options{Home: "/h"}, ErrNoProject},
		{VSCode, Options{Home: "/h"}, ErrNoProject},
		{Client("cursor"), Options{Home: "/h", ProjectDir: "/p"}, ErrClient},
	}
	for _, tt := range tests {
		_, err := Snippet(tt.client, tt.opts)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind {
			t.Errorf("%s %+v: error %v, want %s", tt.client, tt.opts, err, tt.kind)
		}
		if _, err := Write(tt.client, tt.opts); !errors.As(err, &e) || e.Kind != tt.kind {
			t.Errorf("Write %s: error %v, want %s", tt.client, err, tt.kind)
		}
	}
}

func TestParseClient(t *testing.T) {
	for _, c := range Clients {
		if got, err := ParseClient(" " + strings.ToUpper(string(c)) + " "); err != nil || got != c {
			t.Errorf("ParseClient(%s) = %s, %v", c, got, err)
		}
	}
	for c, want := range map[Client]string{OpenCode: "OpenCode", Claude: "Claude Code", VSCode: "VS Code", Zed: "Zed", "x": "x"} {
		if got := c.Name(); got != want {
			t.Errorf("%s.Name() = %q", c, got)
		}
	}
	if _, err := ParseClient("cursor"); err == nil || !strings.Contains(err.Error(), "opencode, claude, vscode, zed") {
		t.Errorf("ParseClient(cursor) error %v", err)
	}
}

func TestClaudeCommandLine(t *testing.T) {
	tests := []struct {
		goos, command, lang, want string
	}{
		{"linux", "", "", "claude mcp add mystatus -- mystatus serve"},
		{"linux", "/usr/bin/mystatus", "fr", "claude mcp add mystatus --env MYSTATUS_LANG=fr -- /usr/bin/mystatus serve"},
		{"darwin", "/Users/a b/it's/mystatus", "zh_CN.UTF-8", `claude mcp add mystatus --env MYSTATUS_LANG=zh-CN -- '/Users/a b/it'\''s/mystatus' serve`},
		{"windows", `C:\Tools\mystatus.exe`, "", `claude mcp add mystatus -- C:\Tools\mystatus.exe serve`},
		{"windows", `C:\Program Files\mystatus\mystatus.exe`, "", `claude mcp add mystatus -- "C:\Program Files\mystatus\mystatus.exe" serve`},
	}
	for _, tt := range tests {
		s, err := Snippet(Claude, Options{ProjectDir: "/p", GOOS: tt.goos, Command: tt.command, Lang: tt.lang})
		if err != nil {
			t.Fatal(err)
		}
		if s.Shell != tt.want {
			t.Errorf("%s %q: got  %s\nwant %s", tt.goos, tt.command, s.Shell, tt.want)
		}
	}
}

// TestRenderAllLanguages renders every message in every language and
// checks no catalog ID leaks through (a missing message renders as its ID).
func TestRenderAllLanguages(t *testing.T) {
	errs := []*Error{
		{Kind: ErrClient, Client: "cursor"},
		{Kind: ErrNoHome},
		{Kind: ErrNoProject},
		{Kind: ErrParse, Path: "/f", Reason: "top"},
		{Kind: ErrParse, Path: "/f", Reason: "not_object", Key: "mcp"},
		{Kind: ErrIO, Path: "/f", Err: fs.ErrPermission},
		{Kind: ErrNoClient},
		{Kind: ErrGoRun, Path: "/tmp/go-build1/b001/exe/mystatus", Client: OpenCode},
	}
	for _, why := range []string{whyEOF, whyChar, whyString, whyComment, whyNoComments, whyTrailingComma, whyDepth, whyTrailing} {
		errs = append(errs, &Error{Kind: ErrParse, Path: "/f", Reason: why, Line: 2, Col: 3, Char: "'x'"})
	}
	res := Result{Files: []FileResult{{Path: "/a", Action: Created}, {Path: "/b", Action: Updated, Backup: "/b.bak",
		Changes: []Change{{Path: "mcp.mystatus.command", Old: `["/old","serve"]`, New: `["mystatus","serve"]`}, {Path: "mcp.mystatus.environment.MYSTATUS_LANG", New: `"zh"`}},
		Kept:    []string{"enabled", "timeout"}}, {Path: "/c", Action: Unchanged}}}
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		var texts []string
		for _, e := range errs {
			texts = append(texts, e.Render(loc))
		}
		for _, c := range Clients {
			res.Client = c
			texts = append(texts, res.Render(loc))
			s, err := Snippet(c, Options{Home: "/h", ProjectDir: "/p", Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, s.Render(loc), s.CommandText)
		}
		for _, text := range texts {
			if strings.Contains(text, "setup.") || strings.Contains(text, "<no value>") {
				t.Errorf("%s: untranslated or unfilled: %q", lang, text)
			}
		}
	}
	if got := (&Error{Kind: ErrParse, Path: "/f", Reason: whyChar, Line: 2, Col: 3, Char: "'x'"}).Error(); got != "cannot parse /f: line 2, column 3: unexpected character 'x'; fix it or use the printed snippet" {
		t.Errorf("Error() = %q", got)
	}
}

func TestWriteIOErrors(t *testing.T) {
	dir := t.TempDir()
	opts := testOptions(dir)
	// .mcp.json is a directory: it cannot be read.
	if err := os.MkdirAll(filepath.Join(opts.ProjectDir, ".mcp.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The project "directory" for VS Code is a file: .vscode cannot be made.
	vsOpts := opts
	vsOpts.ProjectDir = filepath.Join(dir, "plainfile")
	if err := os.WriteFile(vsOpts.ProjectDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		client Client
		opts   Options
	}{{Claude, opts}, {VSCode, vsOpts}} {
		_, err := Write(tt.client, tt.opts)
		var e *Error
		if !errors.As(err, &e) || e.Kind != ErrIO || e.Unwrap() == nil {
			t.Errorf("%s: error %#v, want an I/O error", tt.client, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "cannot update "+e.Path+": ") {
			t.Errorf("%s: message %q", tt.client, err)
		}
	}
	if data, _ := os.ReadFile(vsOpts.ProjectDir); string(data) != "x" {
		t.Errorf("file changed to %q", data)
	}
}
