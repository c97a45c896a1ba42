package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
)

func TestInitializeVersions(t *testing.T) {
	tests := []struct{ requested, want string }{
		{"2024-11-05", "2024-11-05"},
		{"2025-03-26", "2025-03-26"},
		{"2025-06-18", "2025-06-18"},
		{"2025-11-25", "2025-11-25"},
		{"2026-07-28", "2025-11-25"}, // modern is not negotiated by initialize
		{"1999-01-01", "2025-11-25"},
		{"", "2025-11-25"},
	}
	for _, tt := range tests {
		t.Run(tt.requested, func(t *testing.T) {
			s := start(t, newService())
			r := s.call(0, "initialize", `{"protocolVersion":"`+tt.requested+`","capabilities":{},"clientInfo":{"name":"t","version":"0"}}`)
			res := r.Get("result")
			if got := res.Get("protocolVersion").Str; got != tt.want {
				t.Fatalf("version %q, want %q", got, tt.want)
			}
			if !res.Get("capabilities.tools").IsObject() || !res.Get("capabilities.prompts").IsObject() {
				t.Fatalf("capabilities: %s", res.Raw)
			}
			if res.Get("serverInfo.name").Str != "mystatus" || res.Get("serverInfo.version").Str != "1.2.3" {
				t.Fatalf("serverInfo: %s", res.Raw)
			}
			if res.Get("instructions").Str == "" || res.Get("resultType").Exists() {
				t.Fatalf("legacy result shape: %s", res.Raw)
			}
			s.sendLine(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			if r := s.call(1, "ping", ""); r.Get("result").Raw != "{}" {
				t.Fatalf("ping: %s", r.Raw)
			}
		})
	}
}

// TestLSPInitialize: an LSP client's initialize (no protocolVersion) gets a
// harmless legacy answer.
func TestLSPInitialize(t *testing.T) {
	s := start(t, newService())
	r := s.call(1, "initialize", `{"processId":1,"rootUri":null,"capabilities":{}}`)
	if r.Get("result.protocolVersion").Str != LatestLegacyVersion {
		t.Fatalf("lsp initialize: %s", r.Raw)
	}
}

func TestModernEra(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a@example.com"}}
	s := start(t, newService(p))

	d := s.call("server-discover-probe-1", "server/discover", `{`+modernMeta+`}`).Get("result")
	if d.Get("resultType").Str != "complete" || d.Get("supportedVersions.0").Str != ModernVersion ||
		d.Get("ttlMs").Raw != "0" || d.Get("cacheScope").Str != "private" {
		t.Fatalf("discover: %s", d.Raw)
	}
	if !slicesEqual(d.Get("supportedVersions").Array(), supportedVersions) {
		t.Fatalf("supported versions: %s", d.Get("supportedVersions").Raw)
	}
	if d.Get(metaPath(metaServerInfo)+".name").Str != "mystatus" {
		t.Fatalf("discover serverInfo: %s", d.Raw)
	}

	for _, m := range []string{"tools/list", "prompts/list", "resources/list", "resources/templates/list"} {
		res := s.call(1, m, `{`+modernMeta+`}`).Get("result")
		if res.Get("resultType").Str != "complete" || res.Get("ttlMs").Raw != "0" || res.Get("cacheScope").Str != "private" ||
			res.Get(metaPath(metaServerInfo)+".version").Str != "1.2.3" {
			t.Fatalf("%s: %s", m, res.Raw)
		}
	}

	call := s.call(2, "tools/call", `{"name":"mystatus","arguments":{},`+modernMeta+`}`).Get("result")
	if call.Get("resultType").Str != "complete" || call.Get("isError").Bool() || !call.Get("structuredContent.platforms").IsArray() {
		t.Fatalf("modern tools/call: %s", call.Raw)
	}
	if call.Get("structuredContent.platforms.0.id").Str != "openai" {
		t.Fatalf("report: %s", call.Get("structuredContent").Raw)
	}

	pr := s.call(3, "prompts/get", `{"name":"mystatus",`+modernMeta+`}`).Get("result")
	if pr.Get("resultType").Str != "complete" || pr.Get("messages.0.role").Str != "user" {
		t.Fatalf("modern prompts/get: %s", pr.Raw)
	}

	// A bare ping (the Go SDK sends one in modern mode) is answered {}.
	if r := s.call(4, "ping", ""); r.Get("result").Raw != "{}" {
		t.Fatalf("ping: %s", r.Raw)
	}
}

func slicesEqual(got []gjson.Result, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Str != want[i] {
			return false
		}
	}
	return true
}

func TestModernErrors(t *testing.T) {
	s := start(t, newService())
	r := s.call(1, "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}`)
	if r.Get("error.code").Int() != -32022 || r.Get("error.data.requested").Str != "2099-01-01" ||
		r.Get("error.data.supported.0").Str != ModernVersion {
		t.Fatalf("unsupported version: %s", r.Raw)
	}
	r = s.call(2, "server/discover", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}`)
	if r.Get("error.code").Int() != -32022 {
		t.Fatalf("discover unsupported version: %s", r.Raw)
	}
	r = s.call(3, "tools/call", `{"name":"mystatus","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}`)
	if r.Get("error.code").Int() != -32602 {
		t.Fatalf("missing capabilities: %s", r.Raw)
	}
	// Any other value is refused the same way, so the client can retry
	// with a listed version.
	for i, v := range []string{`"1999-01-01"`, `"2026-07-27"`, `"2025-11-24"`, `""`, `20260728`, `null`} {
		r = s.call(40+i, "tools/call", `{"name":"mystatus","_meta":{"io.modelcontextprotocol/protocolVersion":`+v+`,"io.modelcontextprotocol/clientCapabilities":{}}}`)
		if r.Get("error.code").Int() != -32022 || r.Get("error.data.requested").Raw != v || !strings.Contains(r.Get("error.message").Str, ModernVersion) {
			t.Fatalf("version %s: %s", v, r.Raw)
		}
	}
	// A legacy version in _meta is served in the legacy shape.
	r = s.call(4, "tools/list", `{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-03-26"}}`)
	if r.Get("result.resultType").Exists() || r.Get("result.tools.0.outputSchema").Exists() {
		t.Fatalf("legacy _meta: %s", r.Raw)
	}
}

// TestStructuredByVersion: structuredContent and outputSchema only for
// 2025-06-18 and later.
func TestStructuredByVersion(t *testing.T) {
	for _, v := range legacyVersions {
		t.Run(v, func(t *testing.T) {
			s := start(t, newService(&fakeProvider{id: "zhipu", accounts: []string{"k"}}))
			s.call(0, "initialize", `{"protocolVersion":"`+v+`","capabilities":{}}`)
			want := v >= "2025-06-18"
			tools := s.call(1, "tools/list", "").Get("result.tools.0")
			if tools.Get("outputSchema").Exists() != want {
				t.Fatalf("outputSchema present=%v: %s", !want, tools.Raw)
			}
			res := s.call(2, "tools/call", `{"name":"mystatus"}`).Get("result")
			if res.Get("structuredContent").Exists() != want {
				t.Fatalf("structuredContent present=%v", !want)
			}
			if !strings.Contains(res.Get("content.0.text").Str, "##") {
				t.Fatalf("markdown: %s", res.Get("content.0.text").Str)
			}
		})
	}
}

func TestToolsList(t *testing.T) {
	s := start(t, newService())
	tool := s.call(1, "tools/list", "").Get("result.tools")
	if len(tool.Array()) != 1 {
		t.Fatalf("tools: %s", tool.Raw)
	}
	tl := tool.Get("0")
	in := tl.Get("inputSchema")
	if tl.Get("name").Str != "mystatus" || in.Get("type").Str != "object" || in.Get("additionalProperties").Raw != "false" ||
		in.Get("required").Exists() {
		t.Fatalf("input schema: %s", in.Raw)
	}
	for _, k := range []string{"lang", "platforms", "format", "refresh"} {
		if !in.Get("properties." + k).Exists() {
			t.Fatalf("property %s missing", k)
		}
	}
	// The enum is the registry's list, in report order.
	var enum []string
	for _, id := range in.Get("properties.platforms.items.enum").Array() {
		enum = append(enum, id.Str)
	}
	if want := fmt.Sprint(all.IDs()); fmt.Sprint(enum) != want {
		t.Fatalf("platform enum %v, want the registry's %s", enum, want)
	}
	a := tl.Get("annotations")
	if a.Get("readOnlyHint").Raw != "true" || a.Get("openWorldHint").Raw != "true" || a.Get("idempotentHint").Raw != "true" ||
		a.Get("destructiveHint").Raw != "false" {
		t.Fatalf("annotations: %s", a.Raw)
	}
	if !json.Valid([]byte(tl.Get("outputSchema").Raw)) || tl.Get("outputSchema.type").Str != "object" {
		t.Fatalf("outputSchema: %.200s", tl.Get("outputSchema").Raw)
	}
}

func TestLanguage(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}}
	s := start(t, newService(p), withEnv(map[string]string{"MYSTATUS_LANG": "fr", "LANG": "zh_CN.UTF-8"}))
	desc := s.call(1, "tools/list", "").Get("result.tools.0.description").Str
	if want := i18n.New("fr").T("plugin.mystatus.description", map[string]any{"Platforms": "OpenAI"}); desc != want {
		t.Fatalf("description %q, want French %q", desc, want)
	}
	res := s.call(2, "tools/call", `{"name":"mystatus","arguments":{"lang":"zh-CN"}}`).Get("result")
	if res.Get("structuredContent.locale").Str != "zh" {
		t.Fatalf("lang argument ignored: %s", res.Get("structuredContent.locale").Raw)
	}
	res = s.call(3, "tools/call", `{"name":"mystatus"}`).Get("result")
	if res.Get("structuredContent.locale").Str != "fr" {
		t.Fatalf("MYSTATUS_LANG ignored: %s", res.Get("structuredContent.locale").Raw)
	}

	l := start(t, newService(p), withEnv(map[string]string{"LANG": "zh_CN.UTF-8"}))
	if got := l.call(1, "tools/call", `{"name":"mystatus"}`).Get("result.structuredContent.locale").Str; got != "zh" {
		t.Fatalf("process locale ignored: %s", got)
	}
	e := start(t, newService(p))
	if got := e.call(1, "tools/call", `{"name":"mystatus"}`).Get("result.structuredContent.locale").Str; got != "en" {
		t.Fatalf("default: %s", got)
	}
}

func TestToolCallArguments(t *testing.T) {
	s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, &fakeProvider{id: "copilot", accounts: []string{"c"}}))
	fr := i18n.New("fr")
	tests := []struct {
		args    string
		isError bool
		want    string // substring of content[0].text
	}{
		{`{}`, false, ""},
		{`null`, false, ""},
		{`{"platforms":["copilot"],"format":"json","refresh":true,"lang":"en"}`, false, `"schemaVersion"`},
		{`{"format":"xml","lang":"fr"}`, true, fr.T("plugin.arg.format", nil)},
		{`{"platforms":["openai","nope"]}`, true, "nope"},
		{`{"platforms":"openai"}`, true, "platforms"},
		{`{"refresh":"yes"}`, true, "refresh"},
		{`{"lang":5}`, true, "lang"},
		{`{"extra":1}`, true, "extra"},
		{`[1]`, true, ""},
	}
	for i, tt := range tests {
		res := s.call(i, "tools/call", `{"name":"mystatus","arguments":`+tt.args+`}`).Get("result")
		if res.Get("isError").Bool() != tt.isError {
			t.Fatalf("%s: isError=%v: %s", tt.args, !tt.isError, res.Raw)
		}
		text := res.Get("content.0.text").Str
		if text == "" || !strings.Contains(text, tt.want) {
			t.Fatalf("%s: text %q lacks %q", tt.args, text, tt.want)
		}
		if tt.isError && res.Get("structuredContent").Exists() {
			t.Fatalf("%s: structuredContent on a tool error", tt.args)
		}
	}
	// Only the platform asked for is in the report.
	res := s.call(100, "tools/call", `{"name":"mystatus","arguments":{"platforms":["copilot"]}}`).Get("result.structuredContent")
	if res.Get("platforms.#").Int() != 1 || res.Get("platforms.0.id").Str != "copilot" {
		t.Fatalf("platform filter: %s", res.Raw)
	}
}

func TestProtocolErrors(t *testing.T) {
	s := start(t, newService())
	if r := s.call(1, "tools/call", `{"name":"nope"}`); r.Get("error.code").Int() != -32602 {
		t.Fatalf("unknown tool: %s", r.Raw)
	}
	if r := s.call(2, "prompts/get", `{"name":"nope"}`); r.Get("error.code").Int() != -32602 {
		t.Fatalf("unknown prompt: %s", r.Raw)
	}
	for i, m := range []string{"logging/setLevel", "resources/read", "completion/complete", "nope"} {
		if r := s.call(10+i, m, `{}`); r.Get("error.code").Int() != -32601 {
			t.Fatalf("%s: %s", m, r.Raw)
		}
	}
	if r := s.call(20, "resources/list", ""); r.Get("result.resources").Raw != "[]" {
		t.Fatalf("resources/list: %s", r.Raw)
	}
	if r := s.call(21, "resources/templates/list", ""); r.Get("result.resourceTemplates").Raw != "[]" {
		t.Fatalf("resources/templates/list: %s", r.Raw)
	}
}

// TestCancellation: a cancelled request gets no reply, its upstream fetch
// is stopped, and the host keeps serving. Both MCP and LSP cancellation,
// integer and string ids.
func TestCancellation(t *testing.T) {
	tests := []struct{ name, id, cancel string }{
		{"mcp integer id", `5`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"user"}}`},
		{"mcp string id", `"r-5"`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r-5"}}`},
		{"mcp escaped string id", `"r-6"`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r\u002d6"}}`},
		{"lsp", `6`, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":6}}`},
		{"mcp negative id (mapped)", `-7`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":-7}}`},
		{"mcp big id (mapped)", `18446744073709551616`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":18446744073709551616}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
			defer close(p.block)
			s := start(t, newService(p))
			s.sendLine(`{"jsonrpc":"2.0","id":` + tt.id + `,"method":"tools/call","params":{"name":"mystatus","_meta":{"progressToken":1}}}`)
			<-p.entered
			s.sendLine(tt.cancel)
			if r := s.call(7, "ping", ""); r.Get("result").Raw != "{}" {
				t.Fatalf("ping after cancel: %s", r.Raw)
			}
			for _, f := range s.finish() {
				if id := gjson.Get(f, "id"); id.Exists() && id.Raw == tt.id {
					t.Fatalf("cancelled request got a reply: %s", f)
				}
			}
			waitAbort(t, p)
			if n := p.aborted.Load(); n != 1 {
				t.Fatalf("%d fetches cancelled, want 1", n)
			}
		})
	}
}

// TestProgress runs calls under testing/synctest (a fake clock, no
// sleeps) and checks the pacing of progressGrace: a fast call sends no
// notification; a slow one does, from the grace period on, coalesced, never
// for the last platform, the token keeping its JSON type, the message the
// localized platform name; the reply comes progressSettle after the last
// notification at the earliest.
func TestProgress(t *testing.T) {
	zh := i18n.New("zh")
	call := func(token string) string {
		return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mystatus","arguments":{"lang":"zh"},"_meta":{"progressToken":` + token + `}}}`
	}
	// expectProgress receives a notification and checks it.
	expectProgress := func(t *testing.T, s *session, token string, done, total int, platform quota.PlatformID) time.Time {
		t.Helper()
		n := s.recv()
		p := n.Get("params")
		if n.Get("method").Str != "notifications/progress" || p.Get("progressToken").Raw != token ||
			p.Get("progress").Int() != int64(done) || p.Get("total").Int() != int64(total) ||
			p.Get("message").Str != render.PlatformName(zh, platform) {
			t.Fatalf("want progress %d/%d (%s), got %s", done, total, platform, n.Raw)
		}
		return time.Now()
	}
	expectReply := func(t *testing.T, s *session) time.Time {
		t.Helper()
		if r := s.recv(); r.Get("id").Int() != 1 || !r.Get("result.content").Exists() {
			t.Fatalf("want the reply, got %s", r.Raw)
		}
		return time.Now()
	}
	blocked := func(id quota.PlatformID) *fakeProvider {
		return &fakeProvider{id: id, accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
	}

	t.Run("fast call sends none", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, &fakeProvider{id: "zhipu", accounts: []string{"z"}}))
			s.sendLine(call(`"tok-1"`))
			expectReply(t, s)
		})
	})

	for _, token := range []string{`"tok-1"`, `42`, `0`} {
		t.Run("slow call "+token, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				t0 := time.Now()
				b, c := blocked("zhipu"), blocked("copilot")
				s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, b, c))
				s.sendLine(call(token))
				// OpenAI is done at once, but reported only after the grace.
				if at := expectProgress(t, s, token, 1, 3, "openai"); at.Sub(t0) != progressGrace {
					t.Fatalf("first notification after %v, want %v", at.Sub(t0), progressGrace)
				}
				close(b.block)
				last := expectProgress(t, s, token, 2, 3, "zhipu")
				// The last platform gets none: the reply follows, no sooner
				// than progressSettle after the last notification.
				close(c.block)
				if at := expectReply(t, s); at.Sub(last) < progressSettle {
					t.Fatalf("reply %v after the last notification, want ≥ %v", at.Sub(last), progressSettle)
				}
			})
		})
	}

	t.Run("coalesced", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := blocked("copilot")
			s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, &fakeProvider{id: "zhipu", accounts: []string{"z"}}, c))
			s.sendLine(call(`7`))
			// Two platforms done within the grace: one notification (the
			// latest count; either may be named).
			n := s.recv()
			if n.Get("params.progress").Int() != 2 || n.Get("params.total").Int() != 3 {
				t.Fatalf("want one coalesced notification 2/3, got %s", n.Raw)
			}
			close(c.block)
			expectReply(t, s)
		})
	})

	t.Run("none for a platform finishing with the last", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b, c := blocked("zhipu"), blocked("copilot")
			s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, b, c))
			s.sendLine(call(`"t"`))
			expectProgress(t, s, `"t"`, 1, 3, "openai")
			// Zhipu's 2/3 is due only progressEvery later; Copilot, the
			// last, finishes first, so it is never sent.
			close(b.block)
			synctest.Wait()
			close(c.block)
			expectReply(t, s)
		})
	})
}

func TestLSPWorkDoneProgress(t *testing.T) {
	s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}))
	s.sendLine(`{"jsonrpc":"2.0","id":1,"method":"mystatus/report","params":{"workDoneToken":"w1"}}`)
	kinds := []string{}
	for {
		m := s.recv()
		if m.Get("id").Exists() {
			break
		}
		if m.Get("method").Str != "$/progress" || m.Get("params.token").Raw != `"w1"` {
			t.Fatalf("progress: %s", m.Raw)
		}
		kinds = append(kinds, m.Get("params.value.kind").Str)
	}
	if strings.Join(kinds, ",") != "begin,end" {
		t.Fatalf("kinds %v", kinds)
	}
}

// TestPanic: a panicking command answers -32603 and the host goes on.
func TestPanic(t *testing.T) {
	boom := &Command{Name: "boom", Title: "plugin.mystatus.title", Description: "plugin.mystatus.description",
		Template: "plugin.mystatus.template", Input: mystatusCommand.Input,
		Run: func(context.Context, Env, gjson.Result) Output { panic("boom") }}
	commands = append(commands, boom)
	t.Cleanup(func() { commands = commands[:len(commands)-1] })
	s := start(t, newService())
	if r := s.call(1, "tools/call", `{"name":"boom"}`); r.Get("error.code").Int() != -32603 {
		t.Fatalf("panic: %s", r.Raw)
	}
	if r := s.call(2, "tool/execute", `{"name":"boom","args":{}}`); r.Get("error.code").Int() != -32603 {
		t.Fatalf("panic: %s", r.Raw)
	}
	if r := s.call(3, "ping", ""); r.Get("result").Raw != "{}" {
		t.Fatalf("after panic: %s", r.Raw)
	}
}

func TestDuplicateID(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
	s := start(t, newService(p))
	s.sendLine(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mystatus"}}`)
	<-p.entered
	if r := s.call(1, "tools/call", `{"name":"mystatus"}`); r.Get("error.code").Int() != -32600 {
		t.Fatalf("duplicate id: %s", r.Raw)
	}
	close(p.block)
	if r := s.reply(); r.Get("id").Int() != 1 || !r.Get("result").Exists() {
		t.Fatalf("first request: %s", r.Raw)
	}
}

func TestNative(t *testing.T) {
	s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}, &fakeProvider{id: "anthropic"}))

	d := s.call(1, "plugin/describe", "").Get("result")
	if d.Get("name").Str != "mystatus" || d.Get("version").Str != "1.2.3" || d.Get("tools.0.name").Str != "mystatus" ||
		!d.Get("tools.0.inputSchema.properties").IsObject() || d.Get("commands.0.template").Str == "" || d.Get("commands.0.description").Str == "" {
		t.Fatalf("describe: %s", d.Raw)
	}
	// A request's own lang wins, for describe and platforms as for reports.
	for _, lang := range []string{"fr", "zh"} {
		fr := s.call(11, "plugin/describe", `{"lang":"`+lang+`"}`).Get("result")
		names := map[string]string{"fr": "OpenAI, Anthropic Claude", "zh": "OpenAI、Anthropic Claude"}[lang]
		if want := i18n.New(lang).T("plugin.mystatus.description", map[string]any{"Platforms": names}); fr.Get("tools.0.description").Str != want || fr.Get("commands.0.description").Str != want {
			t.Fatalf("describe in %s: %s", lang, fr.Raw)
		}
		if p := s.call(12, "mystatus/platforms", `{"lang":"`+lang+`"}`).Get("result"); p.Get("locale").Str != lang {
			t.Fatalf("platforms in %s: %s", lang, p.Raw)
		}
	}

	x := s.call(2, "tool/execute", `{"name":"mystatus","args":{"lang":"fr"},"context":{"sessionID":"s","callID":"c"}}`).Get("result")
	if x.Get("title").Str != i18n.New("fr").T("plugin.mystatus.title", nil) || !strings.Contains(x.Get("output").Str, "##") ||
		x.Get("metadata.locale").Str != "fr" || !x.Get("metadata.report.platforms").IsArray() {
		t.Fatalf("tool/execute: %s", x.Raw)
	}
	if r := s.call(3, "tool/execute", `{"name":"nope"}`); r.Get("error.code").Int() != -32602 {
		t.Fatalf("unknown tool: %s", r.Raw)
	}
	if r := s.call(4, "tool/execute", `{"name":"mystatus","args":{"format":1}}`); r.Get("error.code").Int() != -32602 ||
		r.Get("error.data.kind").Str != "invalid_arguments" {
		t.Fatalf("invalid args: %s", r.Raw)
	}

	rep := s.call(5, "mystatus/report", `{"format":"json","platforms":["openai"]}`).Get("result")
	if rep.Get("locale").Str != "en" || !gjson.Valid(rep.Get("text").Str) || rep.Get("report.platforms.0.id").Str != "openai" {
		t.Fatalf("mystatus/report: %s", rep.Raw)
	}
	if r := s.call(6, "mystatus/report", `{"platforms":["x"]}`); r.Get("error.code").Int() != -32602 {
		t.Fatalf("mystatus/report invalid: %s", r.Raw)
	}

	pl := s.call(7, "mystatus/platforms", "").Get("result.platforms")
	if pl.Get("#").Int() != 2 || pl.Get("0.configured").Raw != "true" || pl.Get("1.configured").Raw != "false" ||
		pl.Get("1.id").Str != "anthropic" || pl.Get("1.sources.0.path").Str == "" || pl.Get("1.name").Str == "" {
		t.Fatalf("platforms: %s", pl.Raw)
	}
}

func TestPrompts(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}, plan: "pro $5 !`rm -rf` $ARGUMENTS"}
	s := start(t, newService(p))
	list := s.call(1, "prompts/list", "").Get("result.prompts")
	if list.Get("#").Int() != 1 || list.Get("0.name").Str != "mystatus" || list.Get("0.arguments").Raw != "[]" || list.Get("0.description").Str == "" {
		t.Fatalf("prompts/list: %s", list.Raw)
	}
	// OpenCode passes no arguments for a prompt that declares none.
	msg := s.call(2, "prompts/get", `{"name":"mystatus"}`).Get("result.messages")
	if msg.Get("#").Int() != 1 || msg.Get("0.role").Str != "user" || msg.Get("0.content.type").Str != "text" {
		t.Fatalf("prompts/get: %s", msg.Raw)
	}
	text := msg.Get("0.content.text").Str
	en := i18n.New("en")
	if !strings.HasPrefix(text, en.T("plugin.prompt.show", nil)) || !strings.Contains(text, "##") {
		t.Fatalf("prompt text: %q", text)
	}
	assertTemplateSafe(t, text)
}

// TestPromptBudget: a report that is not ready within the budget gives an
// instruction to call the tool; the report goes on in the background, so
// a later prompts/get has it. Under synctest: the budget passes on the
// fake clock, and synctest.Wait lets the background report finish.
func TestPromptBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
		s := start(t, newService(p))
		t0 := time.Now()
		text := s.call(1, "prompts/get", `{"name":"mystatus"}`).Get("result.messages.0.content.text").Str
		if want := i18n.New("en").T("plugin.mystatus.template", nil); text != want {
			t.Fatalf("slow prompt: %q, want the instruction", text)
		}
		if d := time.Since(t0); d != promptBudget {
			t.Fatalf("answered after %v, want the budget %v", d, promptBudget)
		}
		<-p.entered
		close(p.block)
		synctest.Wait() // the background report is done and cached
		text = s.call(2, "prompts/get", `{"name":"mystatus"}`).Get("result.messages.0.content.text").Str
		if !strings.Contains(text, "##") {
			t.Fatalf("after the background report: %q, want the report", text)
		}
		if n := p.count("a"); n != 1 {
			t.Fatalf("%d upstream fetches, want 1", n)
		}
	})
}

var unsafeTemplate = regexp.MustCompile("\\$[0-9]|\\$ARGUMENTS|!`|(^|\\s)@\\S")

func assertTemplateSafe(t *testing.T, s string) {
	t.Helper()
	if m := unsafeTemplate.FindString(s); m != "" {
		t.Fatalf("prompt text has %q: %q", m, s)
	}
}

func TestSanitizePrompt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"costs $5.00", "costs ＄5.00"},
		{"$1 and $ARGUMENTS", "＄1 and ＄ARGUMENTS"},
		{"a $ sign and $x stay", "a $ sign and $x stay"},
		{"run !`ls`", "run ! `ls`"},
		{"wow! `code`", "wow! `code`"},
		{"@file at start", "＠file at start"},
		{"see @docs/readme", "see ＠docs/readme"},
		{"(@x)", "(＠x)"},
		{"user@example.com stays", "user@example.com stays"},
		{"`@inside` code", "`@inside` code"},
		{"a lone @ stays", "a lone @ stays"},
		{"line\n@start", "line\n＠start"},
		{"中文 $9", "中文 ＄9"},
	}
	for _, tt := range tests {
		got := SanitizePrompt(tt.in)
		if got != tt.want {
			t.Errorf("SanitizePrompt(%q) = %q, want %q", tt.in, got, tt.want)
		}
		assertTemplateSafe(t, got)
	}
}

func FuzzSanitizePrompt(f *testing.F) {
	for _, s := range []string{"$1", "$ARGUMENTS", "!`x`", "@a", "x@y", "$$1", "!!`", "@@a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		assertTemplateSafe(t, SanitizePrompt(s))
	})
}

// TestStdoutPurity: a whole session, good and bad input mixed, writes
// nothing but JSON-RPC frames.
func TestStdoutPurity(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}}
	s := start(t, newService(p, &fakeProvider{id: "copilot", accounts: []string{"b", "c"}}))
	for _, l := range []string{
		`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`garbage`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
		`[1,2]`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"mystatus","_meta":{"progressToken":"p"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"mystatus"}}`,
		`{"jsonrpc":"2.0","id":4,"method":"mystatus/report","params":{"format":"json"}}`,
		`{"jsonrpc":"2.0","id":5,"method":"nope"}`,
		`{"jsonrpc":"2.0","id":-1,"method":"ping"}`,
	} {
		s.sendLine(l)
	}
	frames := s.finish()
	replies := map[string]bool{}
	for _, f := range frames {
		if !json.Valid([]byte(f)) || strings.ContainsAny(f, "\n") {
			t.Fatalf("not a frame: %q", f)
		}
		m := gjson.Parse(f)
		if m.Get("jsonrpc").Str != "2.0" {
			t.Fatalf("no jsonrpc 2.0: %s", f)
		}
		switch {
		case m.Get("method").Exists():
			if m.Get("id").Exists() {
				t.Fatalf("host sent a request: %s", f)
			}
		case m.Get("result").Exists() != m.Get("error").Exists():
			replies[m.Get("id").Raw] = true
			if m.Get("error").Exists() && m.Get("error.code").Int() == 0 {
				t.Fatalf("error without code: %s", f)
			}
		default:
			t.Fatalf("not a request or a reply: %s", f)
		}
	}
	for _, id := range []string{"0", "1", "2", "3", "4", "5", "-1", "null"} {
		if !replies[id] {
			t.Errorf("no reply for id %s", id)
		}
	}
}

// TestConcurrentCalls: 100 concurrent tools/call are all answered
// correctly, with exactly one upstream fetch per account.
func TestConcurrentCalls(t *testing.T) {
	a := &fakeProvider{id: "openai", accounts: []string{"a1", "a2"}, block: make(chan struct{})}
	b := &fakeProvider{id: "copilot", accounts: []string{"b1"}, block: make(chan struct{})}
	s := start(t, newService(a, b))
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.sendLine(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"mystatus","arguments":{}}}`, i))
		}()
	}
	wg.Wait()
	// All requests are in; let the upstream answer once.
	close(a.block)
	close(b.block)
	seen := map[int64]bool{}
	for range n {
		r := s.reply()
		res := r.Get("result")
		if res.Get("isError").Bool() || res.Get("structuredContent.platforms.#").Int() != 2 ||
			res.Get("structuredContent.platforms.0.accounts.#").Int() != 2 || !strings.Contains(res.Get("content.0.text").Str, "##") {
			t.Fatalf("reply: %.300s", r.Raw)
		}
		seen[r.Get("id").Int()] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct replies, want %d", len(seen), n)
	}
	for p, keys := range map[*fakeProvider][]string{a: {"a1", "a2"}, b: {"b1"}} {
		for _, k := range keys {
			if got := p.count(k); got != 1 {
				t.Errorf("%s/%s fetched %d times, want 1", p.id, k, got)
			}
		}
	}
}

// TestStructuredMarkdown: clients that show the model only
// structuredContent (Claude Code, Codex) still get the localized report,
// in its "markdown" field, the same text as content[0]; the JSON forms for
// programs (format "json", native mystatus/report) stay pure data.
func TestStructuredMarkdown(t *testing.T) {
	s := start(t, newService(&fakeProvider{id: "openai", accounts: []string{"a"}}))
	for i, lang := range []string{"en", "zh", "fr"} {
		res := s.call(i, "tools/call", `{"name":"mystatus","arguments":{"lang":"`+lang+`"}}`).Get("result")
		md := res.Get("structuredContent.markdown")
		if md.Type != gjson.String || md.Str == "" || md.Str != res.Get("content.0.text").Str {
			t.Fatalf("%s: markdown field %q, text %q", lang, md.Str, res.Get("content.0.text").Str)
		}
		if !strings.Contains(md.Str, render.PlatformName(i18n.New(lang), "openai")) {
			t.Fatalf("%s: markdown lacks the platform heading: %q", lang, md.Str)
		}
	}
	res := s.call(10, "tools/call", `{"name":"mystatus","arguments":{"format":"json"}}`).Get("result")
	if res.Get("structuredContent.markdown").Exists() || gjson.Get(res.Get("content.0.text").Str, "markdown").Exists() {
		t.Fatalf("format json carries markdown: %s", res.Raw)
	}
	if r := s.call(11, "mystatus/report", `{}`); r.Get("result.report.markdown").Exists() || r.Get("result.text").Str == "" {
		t.Fatalf("native report: %s", r.Raw)
	}
	// The field is declared, so clients validating against outputSchema
	// (the TypeScript SDK does) accept it.
	tools := s.call(12, "tools/list", "").Get("result.tools.0.outputSchema")
	if tools.Get("properties.markdown.type").Str != "string" {
		t.Fatalf("outputSchema lacks markdown: %s", tools.Get("properties").Raw)
	}
}
