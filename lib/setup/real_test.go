package setup

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/i18n"
)

// TestWriteRealConfigs runs init --write on config files from public
// repositories (testdata/real/SOURCES.md): the result keeps every comment
// and every setting, and a mystatus entry the user tuned keeps everything
// but its command line.
func TestWriteRealConfigs(t *testing.T) {
	tests := []struct {
		file   string
		client Client
		lang   string
		kept   []string // members of the user's entry that must survive
	}{
		{"opencode-18F-identity-idp.jsonc", OpenCode, "", nil},
		{"opencode-18F-with-entry.jsonc", OpenCode, "", []string{`"enabled": false, // keep off`, `"timeout": 15000`, `"MYSTATUS_LANG": "fr"`, `"HTTPS_PROXY": "http://proxy.internal:3128"`}},
		{"vscode-0GiS0-home-assistant-mcp.json", VSCode, "fr", nil},
		{"claude-anthropics-claude-code.mcp.json", Claude, "", nil},
		{"zed-1111mp-nvm-desktop.json", Zed, "zh", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "real", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			opts := testOptions(t.TempDir())
			opts.Lang = tt.lang
			snip, err := Snippet(tt.client, opts)
			if err != nil {
				t.Fatal(err)
			}
			path := snip.Path
			if tt.client == OpenCode && strings.HasSuffix(tt.file, ".jsonc") {
				path = strings.TrimSuffix(path, ".json") + ".jsonc"
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, in, 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := Write(tt.client, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Files[0].Path != path {
				t.Fatalf("wrote %s, want %s", res.Files[0].Path, path)
			}
			got, _ := os.ReadFile(path)
			golden(t, filepath.Join("write-real", tt.file+".out"), got)
			for _, c := range commentRE.FindAll(in, -1) {
				if !bytes.Contains(got, c) && !bytes.Contains(c, []byte("://")) {
					t.Errorf("comment %q lost", c)
				}
			}
			for _, k := range tt.kept {
				if !bytes.Contains(got, []byte(k)) {
					t.Errorf("user's %s lost:\n%s", k, got)
				}
			}
			// Everything outside mcp.mystatus is as it was.
			sp, _ := specFor(tt.client, opts)
			before := docValue(t, in, sp.strict).(map[string]any)
			after := docValue(t, got, sp.strict).(map[string]any)
			for _, doc := range []map[string]any{before, after} {
				if s, ok := doc[sp.key].(map[string]any); ok {
					delete(s, ServerName)
					if len(s) == 0 {
						delete(doc, sp.key)
					}
				}
			}
			if a, b := mustJSON(t, after), mustJSON(t, before); a != b {
				t.Errorf("settings outside the entry changed:\n%s\nwant\n%s", a, b)
			}
			out := res.Render(i18n.New("en"))
			if !strings.Contains(out, "command") {
				t.Errorf("Render does not say what changed:\n%s", out)
			}
			if res2, err := Write(tt.client, opts); err != nil || res2.Files[0].Action != Unchanged {
				t.Errorf("second run: %+v %v", res2, err)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	writeAny(&b, v)
	return b.String()
}

// writeAny prints a decoded value with sorted keys (encoding/json sorts
// map keys), enough to compare two documents.
func writeAny(b *strings.Builder, v any) {
	data, err := jsonMarshal(v)
	if err != nil {
		b.WriteString(err.Error())
		return
	}
	b.Write(data)
}

func jsonMarshal(v any) ([]byte, error) { return json.MarshalIndent(v, "", " ") }
