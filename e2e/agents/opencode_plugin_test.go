//go:build plugin_e2e

// Built with -tags plugin_e2e (e2e/install/run.sh): it needs the dist/
// tarballs and the agents' fake model of this package.

package agents

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The OpenCode plugin (@mystatus/opencode) as a user gets it: the dist/
// tarballs installed offline, the plugin named in opencode.json's
// "plugin" list, and no MCP entry at all. OpenCode must offer the model a
// native `mystatus` tool and run a `/mystatus` command, both answered by
// the `mystatus serve` the plugin starts from the packaged binary, in the
// language OpenCode runs in. e2e/install/run.sh sets MYSTATUS_DIST (and
// MYSTATUS_AGENTS to the folder whose node_modules holds opencode-ai).

var distDir = os.Getenv("MYSTATUS_DIST")

// installPlugin installs the front package, this platform's binary package
// and the plugin from dist/ into a fresh project, offline, and returns the
// plugin's directory.
func installPlugin(t *testing.T) string {
	t.Helper()
	if distDir == "" {
		t.Skip("set MYSTATUS_DIST to the dist/ folder (e2e/install/run.sh does)")
	}
	var tgz []string
	for _, pkg := range []string{"cli", "cli-" + platform(), "opencode"} {
		hits, _ := filepath.Glob(filepath.Join(distDir, "mystatus-"+pkg+"-[0-9]*.tgz"))
		if len(hits) != 1 {
			t.Fatalf("want one %s tarball in %s, found %v", pkg, distDir, hits)
		}
		tgz = append(tgz, hits[0])
	}
	proj := t.TempDir()
	writeFile(t, filepath.Join(proj, "package.json"), `{"name":"opencode-plugin-probe","private":true}`)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", append([]string{"install", "--offline", "--no-audit", "--no-fund", "--no-update-notifier"}, tgz...)...)
	cmd.Dir = proj
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install: %v\n%s", err, out)
	}
	return filepath.Join(proj, "node_modules", "@mystatus", "opencode")
}

// opencodePlugin runs `opencode run` (external plugins on) with the plugin
// loaded from pluginDir. OpenCode's own environment is the one the plugin's
// server inherits, so the Zhipu key goes into the agent's data directory
// and the language is OpenCode's locale (LANG), not MYSTATUS_LANG.
func (w *world) opencodePlugin(pluginDir, locale, prompt, command string) (string, string) {
	t := w.t
	cfg := filepath.Join(w.agentHome, "opencode.json")
	writeFile(t, cfg, mustJSON(map[string]any{
		"$schema":    "https://opencode.ai/config.json",
		"model":      "fake/fake-model",
		"autoupdate": false,
		"share":      "disabled",
		"permission": map[string]any{"*": "allow"},
		"plugin":     []string{"file://" + pluginDir},
		"provider": map[string]any{"fake": map[string]any{
			"name":    "Fake",
			"npm":     "@ai-sdk/anthropic",
			"options": map[string]any{"baseURL": w.model.URL() + "/v1", "apiKey": "sk-ant-e2e-fake"},
			"models": map[string]any{"fake-model": map[string]any{
				"name": "Fake model", "tool_call": true, "attachment": false, "reasoning": false, "temperature": true,
				"limit": map[string]any{"context": 200000, "output": 8192},
			}},
		}},
	}))
	auth, err := os.ReadFile(filepath.Join(w.serverEnv["XDG_DATA_HOME"], "opencode", "auth.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(w.agentHome, ".local", "share", "opencode", "auth.json"), string(auth))
	// As opencode(): @opencode-ai/plugin counts as installed in the config dir.
	dir := filepath.Join(w.agentHome, ".config", "opencode")
	writeFile(t, filepath.Join(dir, "package.json"), `{"dependencies":{"@opencode-ai/plugin":"*"}}`)
	writeFile(t, filepath.Join(dir, "package-lock.json"), `{"lockfileVersion":3,"packages":{"":{"dependencies":{"@opencode-ai/plugin":"*"}}}}`)
	writeFile(t, filepath.Join(dir, "node_modules", ".keep"), "")
	exe := agentBin(t, "opencode-"+platform(), "bin", "opencode")
	e := w.env(
		"OPENCODE_CONFIG="+cfg,
		"OPENCODE_DISABLE_AUTOUPDATE=1",
		"OPENCODE_DISABLE_MODELS_FETCH=1",
		"OPENCODE_DISABLE_DEFAULT_PLUGINS=1",
		"OPENCODE_DISABLE_LSP_DOWNLOAD=1",
		"OPENCODE_DISABLE_SHARE=1",
		"OPENCODE_DISABLE_CLAUDE_CODE=1",
		"OPENCODE_DISABLE_EXTERNAL_SKILLS=1",
		"OPENCODE_DISABLE_PROJECT_CONFIG=1",
		"MYSTATUS_ZHIPU_BASE_URL="+w.serverEnv["MYSTATUS_ZHIPU_BASE_URL"],
		"LANG="+locale,
	)
	args := []string{exe, "run", "--model", "fake/fake-model", "--print-logs", "--log-level", "WARN"}
	if command != "" {
		args = append(args, "--command", command)
	} else {
		args = append(args, prompt)
	}
	return w.run("opencode", args, e, w.project())
}

// offered reports whether every request that offered tools offered a tool
// named exactly "mystatus" (the plugin's native tool, not an MCP one).
func (w *world) offeredNative() bool {
	seen := false
	for _, r := range w.model.all() {
		if len(r.ToolNames) == 0 {
			continue
		}
		if !slices.Contains(r.ToolNames, "mystatus") {
			return false
		}
		seen = true
	}
	return seen
}

func TestOpenCodePluginTool(t *testing.T) {
	need(t)
	plugin := installPlugin(t)
	for _, tt := range []struct{ lang, locale string }{{"fr", "fr_FR.UTF-8"}, {"zh", "zh_CN.UTF-8"}} {
		t.Run(tt.lang, func(t *testing.T) {
			w := newWorld(t, tt.lang) // expected lines in this language
			_, stderr := w.opencodePlugin(plugin, tt.locale, toolPrompt, "")
			if !w.offeredNative() {
				t.Fatalf("the native mystatus tool was not offered: %+v\nstderr:\n%s", w.model.all(), tail(stderr))
			}
			w.check("OpenCode plugin", "tool", stderr)
		})
	}
}

// describedTemplate asks the binary's plugin/describe for the template of
// the mystatus command.
func describedTemplate(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=fr_FR.UTF-8"}
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"plugin/describe","params":{"lang":"fr"}}` + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plugin/describe: %v", err)
	}
	var reply struct {
		Result struct {
			Commands []struct{ Name, Template string }
		}
	}
	if err := json.Unmarshal(out, &reply); err != nil || len(reply.Result.Commands) == 0 {
		t.Fatalf("plugin/describe reply %s: %v", out, err)
	}
	return strings.TrimSpace(reply.Result.Commands[0].Template)
}

func TestOpenCodePluginCommand(t *testing.T) {
	need(t)
	plugin := installPlugin(t)
	w := newWorld(t, "fr")
	_, stderr := w.opencodePlugin(plugin, "fr_FR.UTF-8", "", "mystatus")
	// /mystatus exists (opencode run fails on an unknown command) and its
	// template, as the server describes it, reached the model as the
	// user's message.
	template := describedTemplate(t)
	if texts := w.model.userTexts(); !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, template) }) {
		t.Fatalf("the /mystatus template %q never reached the model: %q\nstderr:\n%s", template, texts, tail(stderr))
	}
	if !w.offeredNative() {
		t.Fatalf("the native mystatus tool was not offered\nstderr:\n%s", tail(stderr))
	}
	w.check("OpenCode plugin /mystatus", "tool", stderr)
	if strings.Contains(stderr, "serve (") && strings.Contains(stderr, "exited") {
		t.Errorf("the plugin's server died:\n%s", tail(stderr))
	}
}
