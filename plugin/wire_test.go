package plugin

import (
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
)

// metaPath is the gjson path of a _meta key (its dots escaped).
func metaPath(key string) string { return "_meta." + gjson.Escape(key) }

// TestParamTypes sends each param the host reads with every wrong JSON
// type, positional params and unknown fields, and checks the answer is
// the one the host gave before params were typed (this table passed on
// the gjson-lookup host too): a wrong type is never a decoding error,
// only the -32602 or tool error the value itself earns.
func TestParamTypes(t *testing.T) {
	en := i18n.New("en")
	object := en.T("plugin.arg.object", nil)
	type want struct {
		code int64  // 0: a result
		msg  string // the error message, exactly
		res  string // gjson path that must hold resVal in the result
		val  string // its raw JSON
	}
	err := func(code int64, msg string) want { return want{code: code, msg: msg} }
	res := func(path, raw string) want { return want{res: path, val: raw} }
	tests := []struct {
		method, params string
		want           want
	}{
		// name: anything but a known name is an unknown tool or prompt,
		// echoed as sent.
		{"tools/call", `{"name":5}`, err(-32602, "unknown tool: 5")},
		{"tools/call", `{"name":-1.5e3}`, err(-32602, "unknown tool: -1500")}, // as jsonrpc2 re-encodes it
		{"tools/call", `{"name":true}`, err(-32602, "unknown tool: true")},
		{"tools/call", `{"name":null}`, err(-32602, "unknown tool: ")},
		{"tools/call", `{"name":{"a":1}}`, err(-32602, `unknown tool: {"a":1}`)},
		{"tools/call", `{"name":["mystatus"]}`, err(-32602, `unknown tool: ["mystatus"]`)},
		{"tools/call", `{"name":"` + strings.Repeat("n", 50) + `"}`, err(-32602, "unknown tool: "+strings.Repeat("n", 40)+"…")},
		{"tools/call", `{}`, err(-32602, "unknown tool: ")},
		{"tools/call", `{"Name":"mystatus"}`, err(-32602, "unknown tool: ")}, // keys match exactly
		{"prompts/get", `{"name":7}`, err(-32602, "unknown prompt: 7")},
		{"prompts/get", `{"name":false}`, err(-32602, "unknown prompt: false")},
		{"tool/execute", `{"name":[]}`, err(-32602, "unknown tool: []")},
		// arguments: a tool error for tools/call, -32602 for the native
		// methods.
		{"tools/call", `{"name":"mystatus","arguments":5}`, res("isError", "true")},
		{"tools/call", `{"name":"mystatus","arguments":"x"}`, res("content.0.text", jsonString(object))},
		{"tools/call", `{"name":"mystatus","arguments":null}`, res("isError", "false")},
		{"tool/execute", `{"name":"mystatus","args":5}`, err(-32602, object)},
		{"tool/execute", `{"name":"mystatus","args":[]}`, err(-32602, object)},
		{"tool/execute", `{"name":"mystatus","args":null}`, res("metadata.locale", `"en"`)},
		{"mystatus/report", `[1]`, err(-32602, object)},
		{"mystatus/report", `{"lang":5}`, err(-32602, en.T("plugin.arg.lang", nil))},
		{"mystatus/report", `{"refresh":"yes"}`, err(-32602, en.T("plugin.arg.refresh", nil))},
		{"mystatus/report", `{"format":1}`, err(-32602, en.T("plugin.arg.format", nil))},
		{"mystatus/report", `{"extra":1}`, err(-32602, en.T("plugin.arg.unknown", map[string]any{"Name": "extra", "Allowed": "lang, platforms, format, refresh"}))},
		{"mystatus/report", `{"_meta":5,"workDoneToken":{}}`, res("locale", `"en"`)},
		{"mystatus/report", `null`, res("locale", `"en"`)},
		// lang of the wrong type: the default language.
		{"mystatus/platforms", `{"lang":5}`, res("locale", `"en"`)},
		{"mystatus/platforms", `{"lang":["fr"]}`, res("locale", `"en"`)},
		{"mystatus/platforms", `{"lang":"fr","Lang":"zh"}`, res("locale", `"fr"`)},
		{"tools/call", `{"name":"mystatus","lang":"fr"}`, res("structuredContent.locale", `"en"`)}, // lang belongs in arguments
		// initialize: a protocolVersion that is not a known string gets
		// the newest; clientInfo of any type is fine.
		{"initialize", `{"protocolVersion":20250618}`, res("protocolVersion", `"2025-11-25"`)},
		{"initialize", `{"protocolVersion":["2025-06-18"]}`, res("protocolVersion", `"2025-11-25"`)},
		{"initialize", `{"protocolVersion":"2025-03-26","clientInfo":"x","capabilities":7,"extra":{}}`, res("protocolVersion", `"2025-03-26"`)},
		{"initialize", `{"ProtocolVersion":"2025-03-26"}`, res("protocolVersion", `"2025-11-25"`)},
		// _meta of the wrong type counts as absent; inside it, the
		// version's type decides.
		{"tools/list", `{"_meta":5}`, res("tools.#", "1")},
		{"tools/list", `{"_meta":[{"io.modelcontextprotocol/protocolVersion":"2099"}]}`, res("tools.#", "1")},
		{"tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":true}}`, err(-32022, "unsupported protocol version: true; supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05")},
		{"tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":{"v":1}}}`, err(-32022, `unsupported protocol version: {"v":1}; supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05`)},
		{"tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":[]}}`, err(-32602, "missing _meta field io.modelcontextprotocol/clientCapabilities")},
		{"tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":null}}`, err(-32602, "missing _meta field io.modelcontextprotocol/clientCapabilities")},
		{"tools/call", `{"name":"mystatus","_meta":{"progressToken":true}}`, res("isError", "false")},
		{"tools/call", `{"name":"mystatus","_meta":{"progressToken":{"t":1}}}`, res("isError", "false")},
		// Positional params: no method takes them, so they are as good
		// as none.
		{"tools/call", `["mystatus"]`, err(-32602, "unknown tool: ")},
		{"prompts/get", `["mystatus"]`, err(-32602, "unknown prompt: ")},
		{"tool/execute", `["mystatus",{}]`, err(-32602, "unknown tool: ")},
		{"initialize", `["2025-06-18"]`, res("protocolVersion", `"2025-11-25"`)},
		{"mystatus/platforms", `["fr"]`, res("locale", `"en"`)},
		{"plugin/describe", `[]`, res("name", `"mystatus"`)},
		{"tools/list", `[{"_meta":5}]`, res("tools.#", "1")},
		{"ping", `[]`, res("@this", `{}`)},
		// Unknown fields are ignored.
		{"tools/call", `{"name":"mystatus","arguments":{},"extra":[1,{"x":null}],"task":{"ttl":5}}`, res("isError", "false")},
		{"plugin/describe", `{"name":5,"whatever":true}`, res("name", `"mystatus"`)},
		{"ping", `{"x":1}`, res("@this", `{}`)},
	}
	s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}))
	for i, tt := range tests {
		r := s.call(1000+i, tt.method, tt.params)
		label := tt.method + " " + tt.params
		if tt.want.code != 0 {
			if got := r.Get("error.code").Int(); got != tt.want.code || r.Get("error.message").Str != tt.want.msg {
				t.Errorf("%s: got %d %q, want %d %q", label, got, r.Get("error.message").Str, tt.want.code, tt.want.msg)
			}
			continue
		}
		if r.Get("error").Exists() {
			t.Errorf("%s: %s", label, r.Get("error").Raw)
			continue
		}
		if got := r.Get("result." + tt.want.res).Raw; tt.want.res == "@this" && r.Get("result").Raw != tt.want.val || tt.want.res != "@this" && got != tt.want.val {
			t.Errorf("%s: result.%s = %s, want %s", label, tt.want.res, got, tt.want.val)
		}
	}
	// A cancellation naming no usable id is ignored.
	for _, p := range []string{`{"requestId":true}`, `{"requestId":{"id":1}}`, `[1]`, `null`, `{"id":[1]}`} {
		s.sendLine(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":` + p + `}`)
		s.sendLine(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":` + p + `}`)
	}
	if r := s.call(1, "ping", ""); r.Get("result").Raw != "{}" {
		t.Fatalf("after odd cancellations: %s", r.Raw)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestDecodeParams checks the fields decoded from params jsonrpc2 hands
// over (compact, keys sorted).
func TestDecodeParams(t *testing.T) {
	raw := json.RawMessage(`{"_meta":{"io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":-1.5},"args":[1],"arguments":{"lang":"fr"},"clientInfo":{"name":"c","version":"1"},"lang":"zh","name":"mystatus","protocolVersion":"2025-06-18","workDoneToken":"w"}`)
	p := decodeParams(&raw)
	if p.Name.Str != "mystatus" || p.Lang != "zh" || p.Arguments.Raw != `{"lang":"fr"}` || p.Args.Raw != `[1]` ||
		p.ProtocolVersion != "2025-06-18" || p.ClientName != "c" || string(p.WorkDoneToken) != `"w"` || !p.protocolFields {
		t.Fatalf("params: %+v", p)
	}
	if m := p.Meta; string(m.ProgressToken) != "-1.5" || m.ProtocolVersion.Str != ModernVersion || !m.ClientCapabilities {
		t.Fatalf("meta: %+v", m)
	}
	for _, raw := range []string{`[1,2]`, `null`, `{}`, `{"x":1}`} {
		r := json.RawMessage(raw)
		p := decodeParams(&r)
		if p.Name.Exists() || p.Lang != "" || p.protocolFields || p.Meta.ProtocolVersion.Exists() || p.raw.Raw != raw {
			t.Fatalf("%s: %+v", raw, p)
		}
	}
	if p := decodeParams(nil); p.raw.Exists() {
		t.Fatalf("absent params: %+v", p)
	}
	c := json.RawMessage(`{"id":"x","requestId":5}`)
	if p := decodeCancel(&c); p.RequestID.Raw != "5" || p.ID.Str != "x" {
		t.Fatalf("cancel: %+v", p)
	}
}

// FuzzDecodeParams: any params jsonrpc2 can hand over decode without
// panicking, and the fields agree with a lookup of the same key.
func FuzzDecodeParams(f *testing.F) {
	for _, s := range []string{`{"name":"mystatus"}`, `[1]`, `null`, `{"_meta":{"progressToken":1}}`, `{"_meta":5,"lang":7}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		b, _ := json.Marshal(v) // what jsonrpc2 hands over
		raw := json.RawMessage(b)
		p := decodeParams(&raw)
		g := gjson.ParseBytes(b)
		if !g.IsObject() {
			return
		}
		if name := g.Get("name"); name.Raw != p.Name.Raw {
			t.Fatalf("name %q, lookup %q", p.Name.Raw, name.Raw)
		}
		if tok := g.Get("_meta.progressToken"); (tok.Type == gjson.String || tok.Type == gjson.Number) != (p.Meta.ProgressToken != nil) {
			t.Fatalf("progress token %q, lookup %q", p.Meta.ProgressToken, tok.Raw)
		}
	})
}

// writes records every Write call.
type writes struct{ calls []string }

func (w *writes) Write(p []byte) (int, error) {
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

// oldFrame is the frame jsonrpc2's Reply or Notify wrote for msg, through
// the stream's WriteObject, as the host used to send its messages.
// writeOnly is a stream that is only written to: without newStream's
// 64 KiB read buffer, which the fuzz targets would allocate for every
// input several times over.
func writeOnly(w io.Writer, framing string) *stream {
	return &stream{w: w, framing: framing, max: MaxMessage, log: slog.New(slog.DiscardHandler), drain: func() {}}
}

func oldFrame(t testing.TB, framing string, msg any) string {
	var w writes
	s := writeOnly(&w, framing)
	if err := s.WriteObject(msg); err != nil {
		t.Fatal(err)
	}
	return strings.Join(w.calls, "")
}

// TestWriteEquivalence: writeResponse and writeNotification write, in one
// Write call, the bytes jsonrpc2's Reply, ReplyWithError and Notify wrote
// (ids mapped back, HTML escaped, raw JSON compacted), in both framings.
func TestWriteEquivalence(t *testing.T) {
	ids := []jsonrpc2.ID{{Num: 0}, {Num: 1<<63 - 1}, {Str: "a<b>&é\u2028", IsString: true}, {Str: "", IsString: true},
		{Str: mappedIDPrefix + "-5", IsString: true}, {Str: mappedIDPrefix + `"\u0000id:x"`, IsString: true}}
	results := []any{
		&emptyResult{},
		&toolsCallResult{Content: []textContent{textBlock("<b>&\u2028 \"q\" é")}, StructuredContent: json.RawMessage(`{ "a" : [1, 2] }`)},
		&workDoneParams{Token: json.RawMessage(`1e3`), Value: &workDoneBegin{Kind: "begin"}},
		map[string]any{"z": 1, "a": []int{}},
	}
	for _, framing := range []string{FramingNDJSON, FramingLSP} {
		for _, id := range ids {
			for i, res := range results {
				var w writes
				s := writeOnly(&w, framing)
				if err := s.writeResponse(id, res, nil); err != nil {
					t.Fatal(err)
				}
				resp := &jsonrpc2.Response{ID: id}
				if err := resp.SetResult(res); err != nil {
					t.Fatal(err)
				}
				if want := oldFrame(t, framing, resp); len(w.calls) != 1 || w.calls[0] != want {
					t.Errorf("%s id %+v result %d:\n got %q\nwant %q", framing, id, i, w.calls, want)
				}
			}
			var w writes
			s := writeOnly(&w, framing)
			e := invalidParams("bad <x>")
			e.SetError(&versionErrorData{Requested: json.RawMessage(` "v" `), Supported: supportedVersions})
			if err := s.writeResponse(id, nil, e); err != nil {
				t.Fatal(err)
			}
			if want := oldFrame(t, framing, &jsonrpc2.Response{ID: id, Error: e}); len(w.calls) != 1 || w.calls[0] != want {
				t.Errorf("%s error to %+v:\n got %q\nwant %q", framing, id, w.calls, want)
			}
		}
		var w writes
		s := writeOnly(&w, framing)
		params := &progressParams{Message: "<é>", Progress: 1, ProgressToken: json.RawMessage(`"t<"`), Total: 2}
		if err := s.writeNotification("notifications/progress", params); err != nil {
			t.Fatal(err)
		}
		req := &jsonrpc2.Request{Method: "notifications/progress", Notif: true}
		if err := req.SetParams(params); err != nil {
			t.Fatal(err)
		}
		if want := oldFrame(t, framing, req); len(w.calls) != 1 || w.calls[0] != want {
			t.Errorf("%s notification:\n got %q\nwant %q", framing, w.calls, want)
		}
	}
}

// TestWriteUnencodable: a result that cannot be encoded is answered
// -32603 rather than left without a reply.
func TestWriteUnencodable(t *testing.T) {
	var w writes
	s := writeOnly(&w, FramingNDJSON)
	if err := s.writeResponse(jsonrpc2.ID{Num: 3}, &reportResult{Report: math.NaN()}, nil); err != nil {
		t.Fatal(err)
	}
	if want := `{"id":3,"error":{"code":-32603,"message":"internal error"},"jsonrpc":"2.0"}` + "\n"; len(w.calls) != 1 || w.calls[0] != want {
		t.Fatalf("got %q, want %q", w.calls, want)
	}
}

// FuzzWriteEquivalence: for any string in the id and the result, the
// frame is the one jsonrpc2 wrote.
func FuzzWriteEquivalence(f *testing.F) {
	for _, s := range []string{"", "<>&", "\u2028\u2029", "\x00id:1", "\xff", `"\`} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, id, text string) {
		for _, jid := range []jsonrpc2.ID{{Str: id, IsString: true}, {Num: uint64(len(id))}} {
			if strings.HasPrefix(id, mappedIDPrefix) {
				continue // only the stream makes mapped ids, from valid tokens
			}
			res := &toolsCallResult{Content: []textContent{textBlock(text)}}
			var w writes
			s := writeOnly(&w, FramingNDJSON)
			if err := s.writeResponse(jid, res, nil); err != nil {
				t.Fatal(err)
			}
			resp := &jsonrpc2.Response{ID: jid}
			if err := resp.SetResult(res); err != nil {
				t.Fatal(err)
			}
			want := oldFrame(t, FramingNDJSON, resp)
			if len(w.calls) != 1 || w.calls[0] != want {
				t.Fatalf("got %q, want %q", w.calls, want)
			}
			// The memo's pre-encoded form of the same result writes the
			// same bytes.
			content, err := json.Marshal(res.Content)
			if err != nil {
				t.Fatal(err)
			}
			var w2 writes
			s2 := writeOnly(&w2, FramingNDJSON)
			if err := s2.writeResponse(jid, &encodedCall{content: content}, nil); err != nil {
				t.Fatal(err)
			}
			if len(w2.calls) != 1 || w2.calls[0] != want {
				t.Fatalf("pre-encoded: got %q, want %q", w2.calls, want)
			}
		}
	})
}
