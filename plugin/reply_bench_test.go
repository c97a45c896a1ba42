package plugin

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
)

// frameCounter is an output that signals every frame written.
type frameCounter struct{ wrote chan struct{} }

func (f frameCounter) Write(p []byte) (int, error) {
	f.wrote <- struct{}{}
	return len(p), nil
}

// BenchmarkReply measures one request from Handle to its frame on the
// output (decoding the params, running the method, encoding and framing
// the reply), per method. The report of tools/call comes from the cache
// and the memo, so what is measured is the host, not the platforms.
func BenchmarkReply(b *testing.B) {
	for _, bm := range []struct{ name, method, params string }{
		{"ping", "ping", ``},
		{"initialize", "initialize", `{"capabilities":{},"clientInfo":{"name":"b","version":"1"},"protocolVersion":"2025-06-18"}`},
		{"tools-list", "tools/list", `{}`},
		{"tools-list-modern", "tools/list", `{` + modernMeta + `}`},
		{"tools-call", "tools/call", `{"arguments":{},"name":"mystatus"}`},
		{"tools-call-modern", "tools/call", `{"arguments":{},"name":"mystatus",` + modernMeta + `}`},
		{"platforms", "mystatus/platforms", `{"lang":"fr"}`},
		{"unknown-tool", "tools/call", `{"name":"nope"}`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			inR, inW := io.Pipe()
			defer inW.Close()
			out := frameCounter{wrote: make(chan struct{}, 1)}
			p := &fakeProvider{id: "openai", accounts: []string{"a"}}
			h := newHost(Options{In: inR, Out: out, Service: newService(p, &fakeProvider{id: "copilot", accounts: []string{"c"}}), Version: "1",
				Getenv: func(string) string { return "" }})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h.base = ctx
			conn := jsonrpc2.NewConn(ctx, h.st, h)
			defer conn.Close()
			h.st.framing = FramingNDJSON
			req := &jsonrpc2.Request{Method: bm.method, ID: jsonrpc2.ID{Num: 1}}
			if bm.params != "" {
				raw := json.RawMessage(bm.params)
				req.Params = &raw
			}
			do := func() {
				h.Handle(ctx, conn, req)
				<-out.wrote
			}
			do() // fill the report cache and the memo
			do()
			b.ReportAllocs()
			for b.Loop() {
				do()
			}
		})
	}
}
