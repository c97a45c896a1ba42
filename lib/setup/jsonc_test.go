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
)

// toValue decodes a parsed tree the way encoding/json would (numbers as
// json.Number, the last duplicate key wins).
func toValue(src []byte, n *node) any {
	switch n.kind {
	case '{':
		m := map[string]any{}
		for _, mem := range n.members {
			m[mem.key] = toValue(src, mem.val)
		}
		return m
	case '[':
		a := make([]any, 0, len(n.elems))
		for _, e := range n.elems {
			a = append(a, toValue(src, e))
		}
		return a
	case '"':
		var s string
		if err := json.Unmarshal(src[n.start:n.end], &s); err != nil {
			panic("string token rejected by encoding/json: " + err.Error())
		}
		return s
	case '0':
		return json.Number(src[n.start:n.end])
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return v
}

func TestParseJSONCAccepts(t *testing.T) {
	tests := []struct {
		name, in string
		strict   bool
		want     any
	}{
		{"object", `{"a": 1, "b": [true, false, null], "c": "x\u00e9\n"}`, true,
			map[string]any{"a": json.Number("1"), "b": []any{true, false, nil}, "c": "xé\n"}},
		{"numbers", `[0, -0, 1.5, -2e10, 3E+2, 4e-1]`, true,
			[]any{json.Number("0"), json.Number("-0"), json.Number("1.5"), json.Number("-2e10"), json.Number("3E+2"), json.Number("4e-1")}},
		{"line comments", "// head\n{\"a\": 1 // tail\n}\n// end", false, map[string]any{"a": json.Number("1")}},
		{"block comments", "/* a */{/* b */\"a\"/* c */:/* d */1/* e */}/* f */", false, map[string]any{"a": json.Number("1")}},
		{"trailing commas", `{"a": [1, 2,], "b": {"c": 3,},}`, false,
			map[string]any{"a": []any{json.Number("1"), json.Number("2")}, "b": map[string]any{"c": json.Number("3")}}},
		{"bom", "\xEF\xBB\xBF{}", false, map[string]any{}},
		{"duplicate keys keep the last", `{"a": 1, "a": 2}`, true, map[string]any{"a": json.Number("2")}},
		{"comment lookalike in string", `{"url": "https://x/*y*/"}`, true, map[string]any{"url": "https://x/*y*/"}},
		{"scalar", ` "s" `, true, "s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseJSONC([]byte(tt.in), tt.strict)
			if err != nil {
				t.Fatalf("parseJSONC: %v", err)
			}
			if got := toValue([]byte(tt.in), n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("value = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseJSONCRejects(t *testing.T) {
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
		{"double comma", `{"a": 1,, "b": 2}`, false, whyChar, 1, 9},
		{"bare word", `{"a": yes}`, false, whyChar, 1, 7},
		{"single quotes", `{'a': 1}`, false, whyChar, 1, 2},
		{"unterminated string", `{"a": "b`, false, whyString, 1, 7},
		{"newline in string", "{\"a\": \"b\n\"}", false, whyControl, 1, 9},
		{"bad escape", `["\x"]`, false, whyEscape, 1, 4},
		{"short unicode escape", `["\u12"]`, false, whyEscape, 1, 7},
		{"leading zero", `[01]`, false, whyChar, 1, 3},
		{"bare minus", `[-]`, false, whyNumber, 1, 3},
		{"dot without digits", `[1.]`, false, whyNumber, 1, 4},
		{"exponent without digits", `[1e+]`, false, whyNumber, 1, 5},
		{"unterminated block comment", "{\n/* x", false, whyComment, 2, 1},
		{"lone slash", `{/}`, false, whyChar, 1, 2},
		{"unclosed object", `{"a": 1`, false, whyEOF, 1, 8},
		{"two documents", `{} {}`, false, whyTrailing, 1, 4},
		{"column counts characters", `{"é": x}`, false, whyChar, 1, 7},
		{"strict comment", "{\n  // no\n}", true, whyNoComments, 2, 3},
		{"strict trailing comma in object", `{"a": 1,}`, true, whyTrailingComma, 1, 8},
		{"strict trailing comma in array", `[1,]`, true, whyTrailingComma, 1, 3},
		{"strict bom", "\xEF\xBB\xBF{}", true, whyChar, 1, 1},
		{"too deep", strings.Repeat("[", maxDepth+1), false, whyDepth, 1, maxDepth + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseJSONC([]byte(tt.in), tt.strict)
			if err == nil {
				t.Fatalf("accepted, value %#v", toValue([]byte(tt.in), n))
			}
			var e *Error
			if !errors.As(parseError("f.json", []byte(tt.in), err), &e) {
				t.Fatalf("parseError gave %T", err)
			}
			if e.Reason != tt.why || e.Line != tt.line || e.Col != tt.col {
				t.Errorf("got %s at %d:%d, want %s at %d:%d", e.Reason, e.Line, e.Col, tt.why, tt.line, tt.col)
			}
		})
	}
}

func TestBlank(t *testing.T) {
	for in, want := range map[string]bool{
		"": true, " \r\n\t": true, "// c\n/* d */": true, "{}": false, "/* open": false,
	} {
		if got := blank([]byte(in), false); got != want {
			t.Errorf("blank(%q) = %v", in, got)
		}
	}
	if blank([]byte("// c"), true) {
		t.Error("strict blank accepted a comment")
	}
}

// FuzzJSONC checks the scanner never panics, agrees with encoding/json on
// plain JSON, and that setting the mystatus entry in any accepted object
// yields a document that parses to the old value plus the entry, and
// that a second run changes nothing.
func FuzzJSONC(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "write", "*", "*.in"))
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{}`, `[]`, `{"mcp":{"mystatus":1}}`, `{"mcp":null}`, "{//c\n}", `{"a":1,}`, `"\ud800"`, "\xEF\xBB\xBF{}", "{\"\xff\": 1}"} {
		f.Add([]byte(s))
	}
	entry := []field{{"type", "local"}, {"command", []string{"mystatus", "serve"}}, {"environment", []field{{"MYSTATUS_LANG", "zh-CN"}}}}
	entrySrc := []byte(render(entry, "", style{unit: "  ", nl: "\n"}))
	entryNode, err := parseJSONC(entrySrc, true)
	if err != nil {
		f.Fatal(err)
	}
	wantEntry := toValue(entrySrc, entryNode)

	f.Fuzz(func(t *testing.T, data []byte) {
		for _, strict := range []bool{false, true} {
			root, err := parseJSONC(data, strict)
			if (root == nil) == (err == nil) {
				t.Fatalf("strict=%v: node %v and error %v", strict, root, err)
			}
			var se *syntaxError
			if err != nil && (!errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data)) {
				t.Fatalf("strict=%v: bad error %#v", strict, err)
			}
			if strict {
				if valid := json.Valid(data); valid != (err == nil) && !(se != nil && se.Reason == whyDepth) {
					t.Fatalf("strict scanner says %v, encoding/json valid=%v", err, valid)
				}
			}
			if err != nil {
				continue
			}
			if strict || json.Valid(data) {
				if got, want := toValue(data, root), decodeJSON(t, data); !reflect.DeepEqual(got, want) {
					t.Fatalf("value %#v, encoding/json %#v", got, want)
				}
			}
			out, err := setPath(data, root, []string{"mcp", "mystatus"}, entry)
			if err != nil {
				var ne *notObjectError
				if !errors.As(err, &ne) {
					t.Fatalf("setPath: %v", err)
				}
				continue
			}
			root2, err := parseJSONC(out, strict)
			if err != nil {
				t.Fatalf("strict=%v: merged output rejected: %v\n%s", strict, err, out)
			}
			want := toValue(data, root).(map[string]any)
			mcp, _ := want["mcp"].(map[string]any)
			if mcp == nil {
				mcp = map[string]any{}
				want["mcp"] = mcp
			}
			mcp["mystatus"] = wantEntry
			if got := toValue(out, root2); !reflect.DeepEqual(got, want) {
				t.Fatalf("merged value %#v, want %#v\n%s", got, want, out)
			}
			again, err := setPath(out, root2, []string{"mcp", "mystatus"}, entry)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("second merge changed the document (%v):\n%s\n---\n%s", err, out, again)
			}
		}
	})
}
