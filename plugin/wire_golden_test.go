package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs (run with -update to accept):\n%s", path, lineDiff(string(want), got))
	}
}

// pinRegistry fixes what other packages decide (the platform registry,
// the report schema) for the test, so the goldens change only with the
// host's own wire.
func pinRegistry(t *testing.T) {
	ids, schema := platformIDs, mystatusCommand.Output
	platformIDs = func() []quota.PlatformID { return []quota.PlatformID{"openai", "anthropic", "copilot"} }
	mystatusCommand.Output = json.RawMessage(`{"type": "object", "description": "<&>"}`)
	t.Cleanup(func() { platformIDs, mystatusCommand.Output = ids, schema })
}

// lineDiff lists the lines that differ between want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n- " + wl + "\n+ " + gl + "\n")
		}
	}
	return b.String()
}

// wireStep is one exchange of the golden session: a request line and the
// number of frames it produces (notifications, then the reply; 0 for a
// notification that gets no answer; an empty send only receives). A
// step with do runs it instead.
type wireStep struct {
	send   string
	frames int
	do     func()
}

// runWire plays steps and returns the transcript: each request after
// "> ", each frame the host wrote after "< ".
func runWire(t *testing.T, s *session, steps []wireStep) string {
	t.Helper()
	var b strings.Builder
	for _, st := range steps {
		if st.do != nil {
			st.do()
			continue
		}
		if st.send != "" {
			b.WriteString("> " + st.send + "\n")
			s.sendLine(st.send)
		}
		for range st.frames {
			b.WriteString("< " + s.frame() + "\n")
		}
	}
	return b.String()
}

// frame returns the next frame as written.
func (s *session) frame() string {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			s.t.Fatalf("host output ended")
		}
		return l
	case <-time.After(guard):
		s.t.Fatalf("no frame from the host")
	}
	return ""
}

func req(id, method, params string) string {
	m := `{"jsonrpc":"2.0","id":` + id + `,"method":"` + method + `"`
	if params != "" {
		m += `,"params":` + params
	}
	return m + "}"
}

// TestWireGolden pins the bytes of every kind of reply and notification
// the host writes: typed results must encode exactly as the maps they
// replaced (alphabetical keys), ids come back as sent, HTML characters
// are escaped as encoding/json does.
func TestWireGolden(t *testing.T) {
	pinRegistry(t)
	svc := newService(&fakeProvider{id: "openai", accounts: []string{"a<b>&c"}, plan: "pro <b>&amp; $5"}, &fakeProvider{id: "anthropic"})
	doctor := func(_ context.Context, lang string) (any, string, int) {
		return []map[string]string{{"id": "x", "lang": lang}}, "# doctor <ok>", 1
	}
	s := start(t, svc, func(o *Options, _ *host) { o.Doctor = doctor })
	only := `"platforms":["openai","anthropic"]`
	mcpMeta := `{"name":"mystatus","arguments":{` + only + `},` + modernMeta + `}`
	steps := []wireStep{
		{send: req("0", "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}`), frames: 1},
		{send: `{"jsonrpc":"2.0","method":"notifications/initialized"}`},
		{send: req("1", "ping", ""), frames: 1},
		{send: req("2", "tools/list", ""), frames: 1},
		{send: req("3", "prompts/list", `{}`), frames: 1},
		{send: req("4", "resources/list", ""), frames: 1},
		{send: req("5", "resources/templates/list", ""), frames: 1},
		{send: req("6", "tools/call", `{"name":"mystatus","arguments":{`+only+`}}`), frames: 1},
		{send: req("7", "tools/call", `{"name":"mystatus","arguments":{`+only+`,"format":"json"}}`), frames: 1},
		{send: req("8", "tools/call", `{"name":"mystatus","arguments":{"format":"xml","lang":"fr"}}`), frames: 1},
		{send: req("9", "tools/call", `{"name":"nope"}`), frames: 1},
		{send: req("10", "tools/call", `{"name":{"a":[1, 2]}}`), frames: 1},
		{send: req("11", "prompts/get", `{"name":"mystatus"}`), frames: 1},
		{send: req("12", "prompts/get", `{"name":5}`), frames: 1},
		{send: req("13", "plugin/describe", ""), frames: 1},
		{send: req("14", "plugin/describe", `{"lang":"zh"}`), frames: 1},
		{send: req("15", "tool/execute", `{"name":"mystatus","args":{`+only+`,"lang":"fr"},"context":{}}`), frames: 1},
		{send: req("16", "tool/execute", `{"name":"mystatus","args":{"format":1}}`), frames: 1},
		{send: req("17", "mystatus/report", `{"platforms":["openai"],"format":"json","workDoneToken":"w<1>","_meta":{"x":1}}`), frames: 3},
		{send: req("18", "mystatus/report", `{"platforms":["x"]}`), frames: 1},
		{send: req("19", "mystatus/platforms", `{"lang":"fr"}`), frames: 1},
		{send: req("20", "mystatus/doctor", `{"lang":"zh"}`), frames: 1},
		{send: req("21", "no/such<&>", ""), frames: 1},
		// Modern era.
		{send: req(`"d"`, "server/discover", `{`+modernMeta+`}`), frames: 1},
		{send: req("22", "tools/list", `{`+modernMeta+`}`), frames: 1},
		{send: req("23", "prompts/list", `{`+modernMeta+`}`), frames: 1},
		{send: req("24", "resources/list", `{`+modernMeta+`}`), frames: 1},
		{send: req("25", "resources/templates/list", `{`+modernMeta+`}`), frames: 1},
		{send: req("26", "tools/call", mcpMeta), frames: 1},
		{send: req("27", "tools/call", `{"name":"mystatus","arguments":{"format":"xml"},`+modernMeta+`}`), frames: 1},
		{send: req("28", "prompts/get", `{"name":"mystatus",`+modernMeta+`}`), frames: 1},
		{send: req("29", "ping", `{`+modernMeta+`}`), frames: 1},
		{send: req("30", "initialize", `{"protocolVersion":"2025-03-26",`+modernMeta+`}`), frames: 1},
		{send: req("31", "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}`), frames: 1},
		{send: req("32", "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}`), frames: 1},
		{send: req("33", "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-03-26"}}`), frames: 1},
		// Ids of every kind.
		{send: req("-5", "ping", ""), frames: 1},
		{send: req("1.5e3", "ping", ""), frames: 1},
		{send: req("18446744073709551616", "no/such", ""), frames: 1},
		{send: req(`"a<b>&\u00e9"`, "ping", ""), frames: 1},
		{send: req(`"\u0000id:7"`, "ping", ""), frames: 1},
		// Bad input answered by the stream.
		{send: `{"jsonrpc":"2.0","id":40,`, frames: 1},
		{send: `[1]`, frames: 1},
	}
	got := runWire(t, s, steps)

	// LSP work-done progress: begin and report while a platform is still
	// running, end with the last one.
	slow := &fakeProvider{id: "copilot", accounts: []string{"c"}, block: make(chan struct{}), entered: make(chan string, 1)}
	l := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, slow))
	got += runWire(t, l, []wireStep{
		{send: req("41", "mystatus/report", `{"workDoneToken":7}`), frames: 2},
		{do: func() { close(slow.block) }},
		{frames: 2},
	})
	checkGolden(t, "wire.golden", got)
}

// TestWireGoldenProgress pins MCP progress notifications (under synctest:
// they are paced by the clock).
func TestWireGoldenProgress(t *testing.T) {
	pinRegistry(t)
	synctest.Test(t, func(t *testing.T) {
		slow := &fakeProvider{id: "copilot", accounts: []string{"c"}, block: make(chan struct{}), entered: make(chan string, 1)}
		s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, slow))
		var got strings.Builder
		for i, tok := range []string{`"p<1>"`, `-2`} {
			slow.block = make(chan struct{})
			got.WriteString(runWire(t, s, []wireStep{
				{send: req(itoa(100+i), "tools/call", `{"name":"mystatus","arguments":{"refresh":true},"_meta":{"progressToken":`+tok+`}}`), frames: 1},
				{do: func() { close(slow.block) }},
			}))
			got.WriteString("< " + s.frame() + "\n")
		}
		checkGolden(t, "wire_progress.golden", got.String())
	})
}

// TestWireFraming pins whole frames, headers and line ends included, in
// both framings, for replies, notifications and the stream's own errors.
func TestWireFraming(t *testing.T) {
	lines := []string{
		req("1", "ping", ""),
		`{"jsonrpc":"2.0","id":2,`,
		req(`"x"`, "no/such", ""),
		req("3", "mystatus/report", `{"workDoneToken":"w","platforms":["openai"]}`),
	}
	var ndjson, lsp strings.Builder
	for _, l := range lines {
		ndjson.WriteString(l + "\n")
		lsp.WriteString("Content-Length: " + itoa(len(l)) + "\r\n\r\n" + l)
	}
	var got strings.Builder
	for _, in := range []string{ndjson.String(), lsp.String()} {
		var out bytes.Buffer
		p := &fakeProvider{id: "openai", accounts: []string{"a"}}
		err := Serve(t.Context(), Options{In: strings.NewReader(in), Out: &out, Service: newService(p), Version: "1",
			Getenv: func(string) string { return "" }, Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString(strings.ReplaceAll(out.String(), "\r\n", "\\r\\n\n") + "\n----\n")
	}
	checkGolden(t, "wire_framing.golden", got.String())
}
