package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// canaryKey is the fake Zhipu API key; it must never reach any output.
const canaryKey = "sk-CANARY-e2e-zhipu-0001.abcdefghijklmnop"

// bin is the mystatus binary under test: $MYSTATUS_BIN, or built from the
// repository root by TestMain.
var bin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin = os.Getenv("MYSTATUS_BIN")
	if bin == "" {
		dir, err := os.MkdirTemp("", "mystatus-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "mystatus")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = ".."
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building mystatus:", err)
			return 1
		}
	}
	return m.Run()
}

// fixture is a temporary HOME, optionally with a Zhipu API key and a fake
// Zhipu quota endpoint on loopback.
type fixture struct {
	home    string
	env     []string
	fetches int
	mu      sync.Mutex
	// hold, when set, holds the Zhipu answer until it is closed (a slow
	// platform).
	hold chan struct{}
}

func newFixture(t *testing.T, zhipu bool, lang string) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir()}
	f.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + f.home,
		"XDG_DATA_HOME=" + filepath.Join(f.home, ".local", "share"),
		"XDG_CONFIG_HOME=" + filepath.Join(f.home, ".config"),
		"MYSTATUS_LANG=" + lang,
		"LANG=C",
	}
	if !zhipu {
		return f
	}
	body, err := os.ReadFile(filepath.Join("testdata", "zhipu_limits.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/monitor/usage/quota/limit" || r.Header.Get("Authorization") != canaryKey {
			http.Error(w, `{"code":401,"msg":"bad request"}`, http.StatusUnauthorized)
			return
		}
		f.mu.Lock()
		f.fetches++
		hold := f.hold
		f.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	dir := filepath.Join(f.home, ".local", "share", "opencode")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	auth := fmt.Sprintf(`{"zhipuai-coding-plan":{"type":"api","key":%q}}`, canaryKey)
	if err := os.WriteFile(filepath.Join(dir, "auth.json"), []byte(auth), 0o600); err != nil {
		t.Fatal(err)
	}
	f.env = append(f.env, "MYSTATUS_ZHIPU_BASE_URL="+srv.URL)
	return f
}

func (f *fixture) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches
}

// progressLog collects progress notifications; arrived is signalled on
// each one.
type progressLog struct {
	mu      sync.Mutex
	items   []*mcp.ProgressNotificationParams
	arrived chan struct{}
}

func newProgressLog() *progressLog { return &progressLog{arrived: make(chan struct{}, 64)} }

func (p *progressLog) handler(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
	p.mu.Lock()
	p.items = append(p.items, req.Params)
	p.mu.Unlock()
	select {
	case p.arrived <- struct{}{}:
	default:
	}
}

func (p *progressLog) all() []*mcp.ProgressNotificationParams {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*mcp.ProgressNotificationParams(nil), p.items...)
}

// connect starts `mystatus serve` under the Go SDK client. version "" is
// the SDK default: server/discover, the 2026-07-28 revision.
func connect(t *testing.T, f *fixture, version string, progress *progressLog) (*mcp.ClientSession, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := exec.Command(bin, "serve", "--log-level=debug")
	cmd.Env = f.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	c := mcp.NewClient(&mcp.Implementation{Name: "mystatus-e2e", Version: "0"}, &mcp.ClientOptions{ProgressNotificationHandler: progress.handler})
	var opts *mcp.ClientSessionOptions
	if version != "" {
		opts = &mcp.ClientSessionOptions{ProtocolVersion: version}
	}
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, opts)
	if err != nil {
		t.Fatalf("connect: %v\nstderr:\n%s", err, stderr.String())
	}
	t.Cleanup(func() {
		if err := cs.Close(); err != nil {
			t.Logf("close: %v", err)
		}
		if strings.Contains(stderr.String(), "CANARY") {
			t.Errorf("a secret reached the log")
		}
	})
	return cs, &stderr
}

func text(t *testing.T, content []mcp.Content) string {
	t.Helper()
	if len(content) == 0 {
		t.Fatal("no content")
	}
	tc, ok := content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content[0] is %T, want text", content[0])
	}
	return tc.Text
}

// TestGoSDK drives the host in both eras: the SDK default (modern, via
// server/discover) and forced legacy revisions (initialize).
func TestGoSDK(t *testing.T) {
	for _, tt := range []struct {
		version, negotiated string
	}{
		{"", "2026-07-28"},
		{"2025-11-25", "2025-11-25"},
		{"2025-06-18", "2025-06-18"},
	} {
		name := tt.version
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, true, "en")
			progress := newProgressLog()
			cs, stderr := connect(t, f, tt.version, progress)
			ctx := t.Context()
			init := cs.InitializeResult()
			if init.ProtocolVersion != tt.negotiated {
				t.Fatalf("negotiated %q, want %q", init.ProtocolVersion, tt.negotiated)
			}
			if init.ServerInfo == nil || init.ServerInfo.Name != "mystatus" || init.Capabilities.Tools == nil || init.Capabilities.Prompts == nil {
				t.Fatalf("server: %+v %+v", init.ServerInfo, init.Capabilities)
			}

			tools, err := cs.ListTools(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(tools.Tools) != 1 || tools.Tools[0].Name != "mystatus" || tools.Tools[0].OutputSchema == nil {
				t.Fatalf("tools: %+v", tools.Tools)
			}
			tool := tools.Tools[0]
			n := float64(platformCount(t, tool))
			if a := tool.Annotations; a == nil || !a.ReadOnlyHint || a.DestructiveHint == nil || *a.DestructiveHint {
				t.Fatalf("annotations: %+v", a)
			}

			// A slow call (Zhipu held) shows progress: the five platforms not
			// configured finish at once and are reported together once the
			// grace period is over; Zhipu, the last, is announced by the
			// reply alone.
			f.mu.Lock()
			f.hold = make(chan struct{})
			f.mu.Unlock()
			type result struct {
				res *mcp.CallToolResult
				err error
			}
			done := make(chan result, 1)
			go func() {
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "mystatus", Arguments: map[string]any{},
					Meta: mcp.Meta{"progressToken": "p-1"}})
				done <- result{res, err}
			}()
			select {
			case <-progress.arrived:
			case <-ctx.Done():
				t.Fatal("no progress notification during a slow call")
			}
			f.mu.Lock()
			close(f.hold)
			f.hold = nil
			f.mu.Unlock()
			r := <-done
			res, err := r.res, r.err
			if err != nil {
				t.Fatal(err)
			}
			md := text(t, res.Content)
			if res.IsError || !strings.Contains(md, "Zhipu AI") || !strings.Contains(md, "█") {
				t.Fatalf("report: isError=%v\n%s", res.IsError, md)
			}
			var doc struct {
				Locale    string `json:"locale"`
				Platforms []struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"platforms"`
			}
			raw, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(raw, &doc); err != nil || doc.Locale != "en" || len(doc.Platforms) != 1 ||
				doc.Platforms[0].ID != "zhipu" || doc.Platforms[0].Status != "ok" {
				t.Fatalf("structuredContent: %s", raw)
			}
			// Every notification came before the reply, counting up, below
			// the total, naming a platform.
			p := progress.all()
			if len(p) == 0 {
				t.Fatal("no progress notification")
			}
			for i, x := range p {
				if x.ProgressToken != "p-1" || x.Progress < 1 || x.Progress >= n || x.Total != n || x.Message == "" ||
					i > 0 && x.Progress <= p[i-1].Progress {
					t.Fatalf("progress %d: %+v", i, *x)
				}
			}

			// A fast call (refreshed, nothing held) sends no notification at
			// all: the host logs each one it sends, checked at the end.
			if fast, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "mystatus", Arguments: map[string]any{"refresh": true},
				Meta: mcp.Meta{"progressToken": "p-2"}}); err != nil || fast.IsError {
				t.Fatalf("fast call: %v %+v", err, fast)
			}

			// Invalid argument values are a tool error, not a protocol error.
			bad, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "mystatus", Arguments: map[string]any{"format": "xml"}})
			if err != nil || !bad.IsError || !strings.Contains(text(t, bad.Content), "format") {
				t.Fatalf("invalid argument: %v %+v", err, bad)
			}
			if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "nope"}); err == nil {
				t.Fatal("unknown tool accepted")
			}

			prompts, err := cs.ListPrompts(ctx, nil)
			if err != nil || len(prompts.Prompts) != 1 || prompts.Prompts[0].Name != "mystatus" || len(prompts.Prompts[0].Arguments) != 0 {
				t.Fatalf("prompts: %v %+v", err, prompts)
			}
			pr, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: "mystatus"})
			if err != nil {
				t.Fatal(err)
			}
			pt := pr.Messages[0].Content.(*mcp.TextContent).Text
			// The report is cached by the tool call above: the prompt has it.
			if !strings.Contains(pt, "Zhipu AI") {
				t.Fatalf("prompt: %s", pt)
			}
			if err := cs.Ping(ctx, nil); err != nil {
				t.Fatalf("ping: %v", err)
			}
			if n := f.count(); n != 2 {
				t.Fatalf("%d upstream fetches, want 2 (slow call, refreshed call; cached for the prompt)", n)
			}
			if err := cs.Close(); err != nil {
				t.Logf("close: %v", err)
			}
			log := stderr.String()
			for _, s := range []string{md, pt, string(raw), log} {
				if strings.Contains(s, "CANARY") {
					t.Fatalf("secret in output: %s", s)
				}
			}
			if n := strings.Count(log, "msg=progress"); n != len(p) {
				t.Fatalf("host sent %d notifications, the client saw %d for the slow call; the fast call must send none:\n%s", n, len(p), log)
			}
		})
	}
}

// TestGoSDKNothingConfigured: an empty HOME gives a report listing the
// supported platforms, in the language of MYSTATUS_LANG.
func TestGoSDKNothingConfigured(t *testing.T) {
	f := newFixture(t, false, "fr")
	cs, _ := connect(t, f, "", newProgressLog())
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "mystatus"})
	if err != nil {
		t.Fatal(err)
	}
	md := text(t, res.Content)
	if res.IsError || !strings.Contains(md, "GitHub Copilot") || !strings.Contains(md, "auth.json") {
		t.Fatalf("report: %s", md)
	}
	tools, err := cs.ListTools(t.Context(), nil)
	if err != nil || len(tools.Tools) != 1 {
		t.Fatalf("tools: %v %v", tools, err)
	}
	raw, _ := json.Marshal(res.StructuredContent)
	var doc struct {
		Locale    string `json:"locale"`
		Supported []any  `json:"supported"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Locale != "fr" || len(doc.Supported) != platformCount(t, tools.Tools[0]) {
		t.Fatalf("structuredContent: %s", raw)
	}
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "mystatus", Arguments: map[string]any{"lang": "zh"}})
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := json.Marshal(res.StructuredContent); !strings.Contains(string(raw), `"locale":"zh"`) {
		t.Fatalf("lang argument: %s", raw)
	}
}

// platformCount is how many platforms the host serves: the platforms
// argument's enum in the tool's input schema.
func platformCount(t *testing.T, tool *mcp.Tool) int {
	t.Helper()
	raw, err := json.Marshal(tool.InputSchema)
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Platforms struct {
				Items struct {
					Enum []string `json:"enum"`
				} `json:"items"`
			} `json:"platforms"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil || len(schema.Properties.Platforms.Items.Enum) < 6 {
		t.Fatalf("input schema %s: %v", raw, err)
	}
	return len(schema.Properties.Platforms.Items.Enum)
}
