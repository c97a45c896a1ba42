package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/tailscale/hujson"
)

// docValue decodes a JSON or JSONC document the way encoding/json would
// (numbers as json.Number, the last duplicate key wins).
func docValue(t testing.TB, src []byte, strict bool) any {
	t.Helper()
	// Standardize rewrites the parsed buffer in place: work on a copy.
	v, _, err := parseDoc(bytes.Clone(src), strict)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	v.Standardize()
	return decodeJSON(t, v.Pack())
}

func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return v
}

func TestParseDocRejects(t *testing.T) {
	tests := []struct {
		name, in  string
		strict    bool
		why       string
		line, col int
	}{
		{"empty", "", false, whyEOF, 1, 1},
		{"missing colon", `{"a" 1}`, false, whyChar, 1, 6},
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", false, whyChar, 3, 3},
		{"leading comma", `[,1]`, false, whyChar, 1, 2},
		{"bare word", `{"a": yes}`, false, whyChar, 1, 7},
		{"single quotes", `{'a': 1}`, false, whyChar, 1, 2},
		{"unterminated string", `{"a": "b`, false, whyString, 1, 9},
		{"newline in string", "{\"a\": \"b\n\"}", false, whyString, 1, 7},
		{"bad escape", `["\x"]`, false, whyString, 1, 2},
		{"leading zero", `[01]`, false, whyNumber, 1, 2},
		{"bare minus", `[-]`, false, whyNumber, 1, 2},
		{"unterminated block comment", "{\n/* x", false, whyComment, 2, 1},
		{"unclosed object", `{"a": 1`, false, whyEOF, 1, 8},
		{"two documents", `{} {}`, false, whyTrailing, 1, 4},
		{"column counts characters", `{"é": x}`, false, whyChar, 1, 7},
		{"strict comment", "{\n  // no\n}", true, whyNoComments, 2, 3},
		{"strict trailing comma in object", `{"a": 1,}`, true, whyTrailingComma, 1, 8},
		{"strict trailing comma in array", `[1,]`, true, whyTrailingComma, 1, 3},
		{"strict bom", "\xEF\xBB\xBF{}", true, whyChar, 1, 1},
		{"too deep", strings.Repeat("[", jsonval.MaxDepth+1), false, whyDepth, 1, jsonval.MaxDepth + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseDoc([]byte(tt.in), tt.strict)
			if err == nil {
				t.Fatal("accepted")
			}
			var e *Error
			if !errors.As(parseError("f.json", []byte(tt.in), err), &e) {
				t.Fatalf("parseError gave %T", err)
			}
			if e.Reason != tt.why || e.Line != tt.line || e.Col != tt.col {
				t.Errorf("got %s at %d:%d, want %s at %d:%d (%v)", e.Reason, e.Line, e.Col, tt.why, tt.line, tt.col, err)
			}
		})
	}
}

func TestParseDocAccepts(t *testing.T) {
	for in, want := range map[string]any{
		"// head\n{\"a\": 1 // tail\n}\n// end": map[string]any{"a": json.Number("1")},
		`{"a": [1, 2,], "b": {"c": 3,},}`:       map[string]any{"a": []any{json.Number("1"), json.Number("2")}, "b": map[string]any{"c": json.Number("3")}},
		"\xEF\xBB\xBF{}":                        map[string]any{},
		`{"a": 1, "a": 2}`:                      map[string]any{"a": json.Number("2")},
		`{"url": "https://x/*y*/"}`:             map[string]any{"url": "https://x/*y*/"},
		"/* a */{/* b */\"a\"/* c */:/* d */1}": map[string]any{"a": json.Number("1")},
	} {
		if got := docValue(t, []byte(in), false); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %#v, want %#v", in, got, want)
		}
	}
}

func TestBlank(t *testing.T) {
	for in, want := range map[string]bool{
		"": true, " \r\n\t": true, "// c\n/* d */": true, "// c": true, "{}": false, "/* open": false, "null": false, "// c\nnull": false,
	} {
		if got := blank([]byte(in), false); got != want {
			t.Errorf("blank(%q) = %v", in, got)
		}
	}
	if blank([]byte("// c"), true) {
		t.Error("strict blank accepted a comment")
	}
}

// FuzzMerge checks that setting the mystatus entry in any accepted object
// yields a document that parses to the old value plus the entry (an
// existing object entry keeping its other members), keeps every comment,
// and that a second run changes nothing. Seeds include deep nesting.
func FuzzMerge(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*", "*.in"))
	more, _ := filepath.Glob(filepath.Join("testdata", "real", "*"))
	for _, p := range append(seeds, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{}`, `[]`, `{"mcp":{"mystatus":1}}`, `{"mcp":null}`, "{//c\n}", `{"a":1,}`, `"\ud800"`, "\xEF\xBB\xBF{}", "{\"\xff\": 1}",
		`{"mcp":{"mystatus":{"enabled":false,"command":["x"],}}}`, strings.Repeat("[", 200), `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"} {
		f.Add([]byte(s))
	}
	sp := spec{key: "mcp", entry: []field{{"type", "local"}, {"command", []string{"mystatus", "serve"}}, {"environment", []field{{"MYSTATUS_LANG", "zh-CN"}}}},
		cmdKeys: []string{"command"}, envKey: "environment", lang: "zh-CN"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, strict := range []bool{false, true} {
			sp.strict = strict
			out, _, err := merge(sp, data, true)
			if err != nil {
				var se *syntaxError
				var ne *notObjectError
				if !errors.As(err, &se) && !errors.As(err, &ne) {
					t.Fatalf("merge error %T %v", err, err)
				}
				if se != nil && (se.Offset < 0 || se.Offset > len(data)) {
					t.Fatalf("offset %d out of range", se.Offset)
				}
				continue
			}
			if _, _, err := parseDoc(out, strict); err != nil {
				t.Fatalf("strict=%v: merged output rejected: %v\n%s", strict, err, out)
			}
			if !blank(data, strict) {
				v, _, _ := parseDoc(data, strict)
				for _, c := range comments(v) {
					if !bytes.Contains(out, c) {
						t.Fatalf("comment %q lost:\n%s", c, out)
					}
				}
			}
			again, _, err := merge(sp, out, true)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("second merge changed the document (%v):\n%s\n---\n%s", err, out, again)
			}
		}
	})
}

// comments are the comments of a parsed document, read from its
// whitespace-and-comment runs only (a regexp over the raw bytes would also
// match "//" inside string values).
func comments(v hujson.Value) [][]byte {
	var out [][]byte
	add := func(e hujson.Extra) { out = append(out, commentRE.FindAll(e, -1)...) }
	var walk func(v hujson.Value)
	walk = func(v hujson.Value) {
		add(v.BeforeExtra)
		add(v.AfterExtra)
		switch c := v.Value.(type) {
		case *hujson.Object:
			for _, m := range c.Members {
				walk(m.Name)
				walk(m.Value)
			}
			add(c.AfterExtra)
		case *hujson.Array:
			for _, e := range c.Elements {
				walk(e)
			}
			add(c.AfterExtra)
		}
	}
	walk(v)
	return out
}
