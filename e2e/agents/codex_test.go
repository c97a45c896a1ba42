package agents

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// codex runs `codex exec` with a model provider pointed at the fake
// Responses endpoint and the mystatus MCP server, never asking for
// approval, update checks and analytics off.
func (w *world) codex(prompt string) (string, string) {
	t := w.t
	home := filepath.Join(w.agentHome, ".codex")
	keys := make([]string, 0, len(w.serverEnv))
	for k := range w.serverEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env []string
	for _, k := range keys {
		env = append(env, fmt.Sprintf("%s = %s", k, strconv.Quote(w.serverEnv[k])))
	}
	// A model Codex has no metadata for gets the fallback metadata, which
	// offers MCP tools directly; known models defer them behind
	// tool_search, a round trip the fake does not play.
	writeFile(t, filepath.Join(home, "config.toml"), fmt.Sprintf(`model = "e2e-fake-model"
model_provider = "fake"
approval_policy = "never"
sandbox_mode = "read-only"
check_for_update_on_startup = false

[analytics]
enabled = false

# The curated plugin catalog is synced from GitHub and chatgpt.com at
# start-up; apps are fetched from chatgpt.com.
[features]
plugins = false
remote_plugin = false
apps = false
plugin_sharing = false
in_app_updates = false

[feedback]
enabled = false

[model_providers.fake]
name = "fake"
base_url = %q
wire_api = "responses"
env_key = "FAKE_OPENAI_API_KEY"
request_max_retries = 0
stream_max_retries = 0

[mcp_servers.mystatus]
command = %q
args = ["serve"]
startup_timeout_sec = 30
tool_timeout_sec = 60
env = { %s }
`, w.model.URL()+"/v1", bin, strings.Join(env, ", ")))
	exe := agentBin(t, ".bin", "codex")
	e := w.env("CODEX_HOME="+home, "FAKE_OPENAI_API_KEY=sk-e2e-fake", "RUST_LOG=warn")
	return w.run("codex", []string{exe, "exec", "--skip-git-repo-check", "--color", "never", prompt}, e, w.project())
}

func TestCodexTool(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.codex(toolPrompt)
		w.check("Codex CLI", "tool", stderr)
	})
}
