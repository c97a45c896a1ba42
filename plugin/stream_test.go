package plugin

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// TestStreamBadInput sends every kind of input sourcegraph/jsonrpc2 closes
// the connection on (reference §4.2) and checks the answer, then that the
// connection still serves a ping.
func TestStreamBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code int64  // 0: no reply expected
		id   string // raw id of the error reply
	}{
		{"malformed JSON", `{"jsonrpc":"2.0","id":1,`, -32700, "null"},
		{"garbage", `hello world`, -32700, "null"},
		{"two objects on a line", `{"jsonrpc":"2.0","id":1,"method":"ping"}{"a":1}`, -32700, "null"},
		{"batch", `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, -32600, "null"},
		{"empty batch", `[]`, -32600, "null"},
		{"number", `42`, -32600, "null"},
		{"string", `"ping"`, -32600, "null"},
		{"null", `null`, -32600, "null"},
		{"null id", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, -32600, "null"},
		{"object id", `{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`, -32600, "null"},
		{"bool id", `{"jsonrpc":"2.0","id":true,"method":"ping"}`, -32600, "null"},
		{"no method", `{"jsonrpc":"2.0","id":1}`, -32600, "1"},
		{"no method no id", `{"jsonrpc":"2.0"}`, -32600, "null"},
		{"numeric method", `{"jsonrpc":"2.0","id":2,"method":5}`, -32600, "2"},
		{"numeric method notification", `{"jsonrpc":"2.0","method":5}`, -32600, "null"},
		{"method and result", `{"jsonrpc":"2.0","id":3,"method":"ping","result":{}}`, -32600, "3"},
		{"scalar params", `{"jsonrpc":"2.0","id":4,"method":"ping","params":7}`, -32600, "4"},
		{"duplicate id keys (gjson and encoding/json disagree)", `{"jsonrpc":"2.0","id":1,"id":true,"method":"ping"}`, -32600, "1"},
		{"nested deeper than the limit", `{"jsonrpc":"2.0","id":6,"method":"ping","params":{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}}`, -32600, "6"},
		{"a line of brackets", strings.Repeat("[", MaxMessage-1), -32600, "null"},
		{"string id echoed", `{"jsonrpc":"2.0","id":"x","method":5}`, -32600, `"x"`},
		{"response is dropped", `{"jsonrpc":"2.0","id":9,"result":{}}`, 0, ""},
		{"error response is dropped", `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}`, 0, ""},
		{"unknown notification is ignored", `{"jsonrpc":"2.0","method":"notifications/whatever"}`, 0, ""},
		{"cancel of unknown id is ignored", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":77}}`, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, newService())
			s.sendLine(`{"jsonrpc":"2.0","id":0,"method":"ping"}`) // fixes NDJSON framing
			s.reply()
			s.sendLine(tt.in)
			if tt.code != 0 {
				r := s.recv()
				if got := r.Get("error.code").Int(); got != tt.code {
					t.Fatalf("code %d, want %d: %s", got, tt.code, r.Raw)
				}
				if got := r.Get("id").Raw; got != tt.id {
					t.Fatalf("id %s, want %s", got, tt.id)
				}
				if r.Get("jsonrpc").Str != "2.0" || r.Get("error.message").Str == "" {
					t.Fatalf("bad error frame %s", r.Raw)
				}
			}
			if r := s.call(99, "ping", ""); !r.Get("result").IsObject() {
				t.Fatalf("connection did not survive: %s", r.Raw)
			}
		})
	}
}

// TestStreamAcceptedIDs checks every id JSON-RPC allows comes back byte
// for byte, including those sourcegraph/jsonrpc2 cannot hold (mapped on
// the way in, restored on the way out), and lenient input is accepted.
func TestStreamAcceptedIDs(t *testing.T) {
	s := start(t, newService())
	for _, id := range []string{
		`0`, `1`, `"abc"`, `""`, `9223372036854775807`, `"with \"quotes\""`,
		`-1`, `-5`, `-9223372036854775808`, `9223372036854775808`, `18446744073709551615`,
		`123456789012345678901234567890`, `1.5`, `1e3`, `-0`, `2.0`,
		`"\u0000id:-5"`, `"\u0000id:"`, `"é"`, `"\u00e9"`,
	} {
		s.sendLine(`{"jsonrpc":"2.0","id":` + id + `,"method":"ping"}`)
		r := s.reply()
		if !r.Get("result").IsObject() {
			t.Fatalf("id %s: %s", id, r.Raw)
		}
		if got := r.Get("id").Raw; got != id && !(gjson.Parse(id).Type == gjson.String && plainID(gjson.Parse(id)) && gjson.Parse(got).Str == gjson.Parse(id).Str) {
			t.Fatalf("id %s, want %s", got, id)
		}
		// An error reply echoes it too.
		s.sendLine(`{"jsonrpc":"2.0","id":` + id + `,"method":"no/such"}`)
		if r := s.reply(); r.Get("id").Raw != id && gjson.Parse(r.Get("id").Raw).Str != gjson.Parse(id).Str || r.Get("error.code").Int() != -32601 {
			t.Fatalf("error reply for id %s: %s", id, r.Raw)
		}
	}
	// No "jsonrpc" member, CRLF line ending, blank lines and padding.
	s.send("\r\n\n  {\"id\":5,\"method\":\"ping\"}  \r\n")
	if r := s.reply(); r.Get("id").Int() != 5 {
		t.Fatalf("lenient line: %s", r.Raw)
	}
}

func TestStreamNDJSONSizeCap(t *testing.T) {
	s := start(t, newService())
	pad := strings.Repeat("x", MaxMessage)
	s.sendLine(`{"jsonrpc":"2.0","id":7,"method":"ping","params":{"pad":"` + pad + `"}}`)
	r := s.recv()
	if r.Get("error.code").Int() != -32600 || r.Get("id").Raw != "7" {
		t.Fatalf("oversized: %s", r.Raw)
	}
	if !strings.Contains(r.Get("error.message").Str, "larger than") {
		t.Fatalf("message: %s", r.Raw)
	}
	// Resynchronised: the next line is read as a message.
	if r := s.call(8, "ping", ""); !r.Get("result").IsObject() {
		t.Fatalf("after oversized: %s", r.Raw)
	}
}

// TestStreamAtCap: a message exactly at the cap is served, one byte more
// is not (a small cap keeps the test fast under -race).
func TestStreamAtCap(t *testing.T) {
	const limit = 64 << 10
	s := start(t, newService(), withHost(func(h *host) { h.st.max = limit }))
	msg := func(id string, size int) string {
		m := `{"jsonrpc":"2.0","id":` + id + `,"method":"ping","params":{"pad":"`
		return m + strings.Repeat("y", size-len(m)-len(`"}}`)) + `"}}`
	}
	s.send(msg("9", limit) + "\r\n")
	if r := s.reply(); r.Get("id").Int() != 9 || !r.Get("result").IsObject() {
		t.Fatalf("message at the cap: %.200s", r.Raw)
	}
	s.sendLine(msg("10", limit+1))
	if r := s.reply(); r.Get("id").Int() != 10 || r.Get("error.code").Int() != -32600 {
		t.Fatalf("message over the cap: %.200s", r.Raw)
	}
}

func TestStreamLSP(t *testing.T) {
	frame := func(headers, body string) string { return headers + "\r\n" + body }
	cl := func(body string) string { return "Content-Length: " + itoa(len(body)) + "\r\n" }
	s := start(t, newService(), withHost(func(h *host) { h.st.max = 1024 }))

	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	s.send(frame(cl(ping), ping))
	r := s.recv()
	if r.Get("id").Int() != 1 || !r.Get("result").IsObject() {
		t.Fatalf("ping: %s", r.Raw)
	}
	s.mu.Lock()
	if last := s.all[len(s.all)-1]; !strings.HasPrefix(last, "LSP:") {
		t.Fatalf("reply not Content-Length framed: %q", last)
	}
	s.mu.Unlock()

	// Header names are case-insensitive; other headers are ignored.
	ping2 := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	s.send(frame("content-length: "+itoa(len(ping2))+"\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n", ping2))
	if r := s.recv(); r.Get("id").Int() != 2 {
		t.Fatalf("lowercase header: %s", r.Raw)
	}

	// Bad JSON in a well-framed body.
	bad := `{"id":3,`
	s.send(frame(cl(bad), bad))
	if r := s.recv(); r.Get("error.code").Int() != -32700 {
		t.Fatalf("bad body: %s", r.Raw)
	}

	// Too large: the body is skipped, its id found in the prefix.
	big := `{"jsonrpc":"2.0","id":4,"method":"ping","params":{"pad":"` + strings.Repeat("z", 2000) + `"}}`
	s.send(frame(cl(big), big))
	if r := s.recv(); r.Get("error.code").Int() != -32600 || r.Get("id").Int() != 4 {
		t.Fatalf("oversized: %s", r.Raw)
	}

	// Missing Content-Length.
	s.send("Content-Type: x\r\n\r\n")
	if r := s.recv(); r.Get("error.code").Int() != -32700 {
		t.Fatalf("no length: %s", r.Raw)
	}

	ping5 := `{"jsonrpc":"2.0","id":5,"method":"ping"}`
	s.send(frame(cl(ping5), ping5))
	if r := s.recv(); r.Get("id").Int() != 5 || !r.Get("result").IsObject() {
		t.Fatalf("after errors: %s", r.Raw)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestStreamForcedFraming(t *testing.T) {
	// Forced NDJSON: a Content-Length header is just bad input.
	s := start(t, newService(), withFraming(FramingNDJSON))
	s.sendLine("Content-Length: 10")
	if r := s.recv(); r.Get("error.code").Int() != -32700 {
		t.Fatalf("header under ndjson: %s", r.Raw)
	}
	// Forced LSP: a JSON line is a bad header, answered, and skipped.
	l := start(t, newService(), withFraming(FramingLSP))
	l.send(`{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\r\n")
	if r := l.recv(); r.Get("error.code").Int() != -32700 {
		t.Fatalf("json line under lsp: %s", r.Raw)
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	l.send("Content-Length: " + itoa(len(ping)) + "\r\n\r\n" + ping)
	if r := l.recv(); r.Get("id").Int() != 2 {
		t.Fatalf("ping under lsp: %s", r.Raw)
	}
}

// TestStreamEOFDrain: input ends while a tools/call is running; its reply
// is still written before the host returns.
func TestStreamEOFDrain(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
	s := start(t, newService(p))
	s.sendLine(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mystatus","arguments":{}}}`)
	<-p.entered
	s.in.Close()
	close(p.block)
	frames := s.finish()
	if len(frames) != 1 || gjson.Get(frames[0], "id").Int() != 1 || !gjson.Get(frames[0], "result.content").IsArray() {
		t.Fatalf("frames after EOF: %v", frames)
	}
}

// TestStreamEOFDrainBounded: a request that never finishes does not keep
// the host alive past the drain bound.
func TestStreamEOFDrainBounded(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
	defer close(p.block)
	s := start(t, newService(p), withHost(func(h *host) { h.drainT = 1 })) // 1 ns
	s.sendLine(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mystatus"}}`)
	<-p.entered
	s.finish()
}

func TestServeOptions(t *testing.T) {
	if err := Serve(t.Context(), Options{Framing: "xml"}); err == nil {
		t.Fatal("bad framing accepted")
	}
	if err := Serve(t.Context(), Options{}); err == nil {
		t.Fatal("missing In/Out/Service accepted")
	}
}
