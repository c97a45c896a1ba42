package agents

import (
	"path/filepath"
	"testing"
)

// opencode runs `opencode run` with a config holding only a fake provider
// (OpenCode's bundled Anthropic SDK pointed at the fake model) and the
// mystatus MCP server. With command set, it runs that slash command.
func (w *world) opencode(prompt, command string) (string, string) {
	t := w.t
	cfg := filepath.Join(w.agentHome, "opencode.json")
	env := map[string]string{}
	for k, v := range w.serverEnv {
		env[k] = v
	}
	writeFile(t, cfg, mustJSON(map[string]any{
		"$schema":    "https://opencode.ai/config.json",
		"model":      "fake/fake-model",
		"autoupdate": false,
		"share":      "disabled",
		"permission": map[string]any{"*": "allow"},
		"provider": map[string]any{"fake": map[string]any{
			"name":    "Fake",
			"npm":     "@ai-sdk/anthropic",
			"options": map[string]any{"baseURL": w.model.URL() + "/v1", "apiKey": "sk-ant-e2e-fake"},
			"models": map[string]any{"fake-model": map[string]any{
				"name": "Fake model", "tool_call": true, "attachment": false, "reasoning": false, "temperature": true,
				"limit": map[string]any{"context": 200000, "output": 8192},
			}},
		}},
		"mcp": map[string]any{"mystatus": map[string]any{
			"type": "local", "command": []string{bin, "serve"}, "environment": env, "enabled": true,
		}},
	}))
	// OpenCode installs @opencode-ai/plugin into each config directory in
	// the background unless its lock file already lists it beside a
	// node_modules: say it is there, so nothing is fetched from npm.
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
	)
	args := []string{exe, "run", "--pure", "--model", "fake/fake-model", "--print-logs", "--log-level", "WARN"}
	if command != "" {
		args = append(args, "--command", command)
	} else {
		args = append(args, prompt)
	}
	return w.run("opencode", args, e, w.project())
}

func TestOpenCodeTool(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.opencode(toolPrompt, "")
		w.check("OpenCode", "tool", stderr)
	})
}

func TestOpenCodeSlashCommand(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.opencode("", "mystatus:mystatus")
		w.check("OpenCode /mystatus:mystatus", "prompt", stderr)
	})
}
