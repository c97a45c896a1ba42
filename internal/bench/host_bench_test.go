package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
	"github.com/mystatus/mystatus/plugin"
)

// BenchmarkHostToolsCallCached is row 3a in process, for profiling: one
// tools/call round trip through plugin.Serve over pipes, every account
// served from the cache (the demo's five healthy platforms).
func BenchmarkHostToolsCallCached(b *testing.B) {
	env, err := demo.Start(context.Background(), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	deps := env.Deps(provider.Deps{HTTP: httpx.New(10 * time.Second), Now: time.Now})
	svc := &report.Service{Providers: all.Providers(deps), Timeout: 10 * time.Second, TTL: time.Hour}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go plugin.Serve(ctx, plugin.Options{In: inR, Out: outW, Service: svc, Lang: "en",
		Getenv: func(string) string { return "" }, Render: render.Options{Location: time.UTC}})
	defer inW.Close()
	out := bufio.NewReaderSize(outR, 1<<16)
	id := 0
	call := func(method, params string) {
		id++
		fmt.Fprintf(inW, `{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`+"\n", id, method, params)
		for {
			line, err := out.ReadBytes('\n')
			if err != nil {
				b.Fatal(err)
			}
			if gjson.GetBytes(line, "id").Int() == int64(id) {
				if e := gjson.GetBytes(line, "error"); e.Exists() {
					b.Fatal(e.Raw)
				}
				return
			}
		}
	}
	call("initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}`)
	const tool = `{"name":"mystatus","arguments":{"platforms":["openai","anthropic","zhipu","antigravity","copilot"]}}`
	call("tools/call", tool) // fill the cache
	b.ReportAllocs()
	for b.Loop() {
		call("tools/call", tool)
	}
}
