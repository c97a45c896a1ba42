// Package agents drives the built mystatus binary with the real coding
// agents from npm (Claude Code, OpenCode, Gemini CLI, Codex CLI, pinned in
// package-lock.json), each run non-interactively and pointed at a loopback
// fake model (fakemodel_test.go), and checks what each agent sends the model
// after calling the mystatus tool or running its slash command.
//
// run.sh installs the agents (e2e/deps.sh agents) and sets MYSTATUS_BIN and
// MYSTATUS_AGENTS; without them the tests are skipped.
package agents

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
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// agentDeadline bounds one agent run (start-up, two model turns, one tool
// call). The agents start in a few seconds; a hang fails, never blocks.
const agentDeadline = 150 * time.Second

var (
	bin       = os.Getenv("MYSTATUS_BIN")
	agentsDir = os.Getenv("MYSTATUS_AGENTS") // holds node_modules
)

func need(t *testing.T) {
	t.Helper()
	if bin == "" || agentsDir == "" {
		t.Skip("set MYSTATUS_BIN and MYSTATUS_AGENTS (e2e/run.sh does)")
	}
}

// zhipuLimits is a recorded Zhipu quota answer (../testdata/SOURCES.md).
func zhipuLimits(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "zhipu_limits.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const zhipuKey = "sk-e2e-agents-zhipu-0003.abcdefghijklmnop"

// world is one agent run's surroundings: the fake model, the egress
// tripwire, a fake Zhipu endpoint with a key in mystatus's own HOME, and
// the agent's HOME (a different directory).
type world struct {
	t         *testing.T
	lang      string
	model     *fakeModel
	egress    *egress
	agentHome string
	// serverEnv is the environment of `mystatus serve`, as each agent's
	// MCP configuration passes it.
	serverEnv map[string]string
	// expect are lines of the report the model must be shown.
	expect []string
}

func newWorld(t *testing.T, lang string) *world {
	t.Helper()
	w := &world{t: t, lang: lang, model: newFakeModel(t), egress: newEgress(t), agentHome: t.TempDir()}
	body := zhipuLimits(t)
	zhipu := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != zhipuKey {
			http.Error(rw, `{"code":401,"msg":"bad key"}`, http.StatusUnauthorized)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.Write(body)
	}))
	t.Cleanup(zhipu.Close)
	serverHome := t.TempDir()
	dir := filepath.Join(serverHome, ".local", "share", "opencode")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	auth := fmt.Sprintf(`{"zhipuai-coding-plan":{"type":"api","key":%q}}`, zhipuKey)
	if err := os.WriteFile(filepath.Join(dir, "auth.json"), []byte(auth), 0o600); err != nil {
		t.Fatal(err)
	}
	w.serverEnv = map[string]string{
		"HOME":                    serverHome,
		"XDG_DATA_HOME":           filepath.Join(serverHome, ".local", "share"),
		"XDG_CONFIG_HOME":         filepath.Join(serverHome, ".config"),
		"MYSTATUS_LANG":           lang,
		"MYSTATUS_ZHIPU_BASE_URL": zhipu.URL,
	}
	w.expect = expectedLines(t, w.serverEnv)
	return w
}

// expectedLines renders the same report with the CLI and keeps the lines
// that do not depend on the minute: headings and the percentage lines.
func expectedLines(t *testing.T, env map[string]string) []string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=C"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mystatus: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "## ") || strings.Contains(l, "%") {
			lines = append(lines, strings.TrimSpace(strings.TrimRight(l, "\\ ")))
		}
	}
	if len(lines) < 2 {
		t.Fatalf("report without headings or figures:\n%s", out)
	}
	return lines
}

// env is the agent's environment: nothing of the developer's, every
// proxy variable at the tripwire (loopback exempt), plus extra.
func (w *world) env(extra ...string) []string {
	proxy := w.egress.URL()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + w.agentHome,
		"USER=e2e", "LOGNAME=e2e", "SHELL=/bin/sh", "TERM=dumb", "LANG=C.UTF-8",
		"TMPDIR=" + w.t.TempDir(),
		"XDG_CONFIG_HOME=" + filepath.Join(w.agentHome, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(w.agentHome, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(w.agentHome, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(w.agentHome, ".local", "state"),
		"HTTP_PROXY=" + proxy, "HTTPS_PROXY=" + proxy, "ALL_PROXY=" + proxy,
		"http_proxy=" + proxy, "https_proxy=" + proxy, "all_proxy=" + proxy,
		"NO_PROXY=127.0.0.1,localhost,::1", "no_proxy=127.0.0.1,localhost,::1",
		"NO_COLOR=1", "CI=1",
	}
	return append(env, extra...)
}

// project is the directory an agent runs in: an empty project under its
// HOME (agents refuse or warn about working in HOME itself).
func (w *world) project() string {
	dir := filepath.Join(w.agentHome, "project")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		w.t.Fatal(err)
	}
	return dir
}

// agentBin is the native binary of an npm package's platform package.
func agentBin(t *testing.T, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{agentsDir, "node_modules"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("agent binary missing (run e2e/deps.sh agents): %v", err)
	}
	return p
}

// platform is the npm platform suffix of this machine (linux-x64, …).
func platform() string {
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	return runtime.GOOS + "-" + arch
}

// run runs an agent under the deadline and returns its stdout and stderr.
func (w *world) run(name string, args []string, env []string, dir string) (string, string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), agentDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdin = nil
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	w.t.Logf("%s ran %v", name, time.Since(start).Round(time.Millisecond))
	if os.Getenv("MYSTATUS_AGENTS_VERBOSE") != "" {
		w.t.Logf("%s stderr:\n%s", name, stderr.String())
	}
	if ctx.Err() != nil {
		w.t.Fatalf("%s did not finish within %v\nstdout:\n%s\nstderr:\n%s", name, agentDeadline, tail(stdout.String()), tail(stderr.String()))
	}
	if err != nil {
		w.t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", name, err, tail(stdout.String()), tail(stderr.String()))
	}
	return stdout.String(), stderr.String()
}

func tail(s string) string {
	if len(s) > 6000 {
		return "…" + s[len(s)-6000:]
	}
	return s
}

// check asserts what the model was sent. via is "tool" (the report in a
// tool result) or "prompt" (in a user message: the slash command's text;
// the report is fresh, so the prompt carries it rather than asking for the
// tool).
func (w *world) check(name, via, stderr string) {
	w.t.Helper()
	reqs := w.model.all()
	if len(reqs) == 0 {
		w.t.Fatalf("%s never reached the fake model\nstderr:\n%s", name, tail(stderr))
	}
	if b := w.egress.Blocked(); len(b) > 0 {
		w.t.Errorf("%s tried to leave loopback: %v", name, b)
	}
	haystacks := w.model.toolResults()
	if via == "prompt" {
		haystacks = w.model.userTexts()
	}
	found := ""
	for _, h := range haystacks {
		if md := reportText(h); containsAll(md, w.expect) {
			found = h
			break
		}
	}
	if found == "" {
		w.t.Fatalf("%s (%s): no %s sent to the model holds the report lines %q\nsent:\n%s\nstderr:\n%s",
			name, w.lang, via, w.expect, tail(strings.Join(haystacks, "\n----\n")), tail(stderr))
	}
	form := "markdown text"
	if strings.Contains(found, `"markdown":`) {
		form = "structuredContent JSON (report in its markdown field)"
	}
	w.t.Logf("%s (%s, %s): the model got the report as %s", name, w.lang, via, form)
	if bad := serverErrors(stderr); len(bad) > 0 {
		w.t.Errorf("%s logged errors about the server:\n%s", name, strings.Join(bad, "\n"))
	}
}

// reportText is what a tool result shows the model: its text, or, when
// the agent forwarded structuredContent as JSON, that JSON with its
// markdown field (and any JSON-wrapped text) unwrapped.
func reportText(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(reportText(x))
			b.WriteString("\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

func containsAll(s string, lines []string) bool {
	for _, l := range lines {
		if !strings.Contains(s, l) {
			return false
		}
	}
	return true
}

// serverErrors are stderr lines of an agent that report a problem with
// the mystatus MCP server (connection errors, failed calls, dropped
// notifications).
var serverErrorRE = regexp.MustCompile(`(?i)(\berror|fail|dropped|unknown token|timed out|disconnect)`)

func serverErrors(stderr string) []string {
	var bad []string
	for _, l := range strings.Split(stderr, "\n") {
		ll := strings.ToLower(l)
		if (strings.Contains(ll, "mystatus") || strings.Contains(ll, "mcp")) && serverErrorRE.MatchString(l) {
			bad = append(bad, l)
		}
	}
	return bad
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

const toolPrompt = "Show my AI plan quota: call the mystatus tool."

// each runs f for both languages, side by side: each run has its own
// world (fake model, tripwire, homes, ports), and an agent run mostly waits
// on its own start-up and turns, so two at once take little longer than
// one (the whole suite: 46 → 26 s on 2 cores).
func each(t *testing.T, f func(t *testing.T, lang string)) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			f(t, lang)
		})
	}
}
