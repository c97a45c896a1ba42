package agents

import (
	"path/filepath"
	"testing"
)

// gemini runs Gemini CLI headless (-p) with an API key against the fake
// Gemini endpoint (GOOGLE_GEMINI_BASE_URL), the mystatus MCP server
// trusted, telemetry, usage statistics and update checks off.
func (w *world) gemini(prompt string) (string, string) {
	t := w.t
	writeFile(t, filepath.Join(w.agentHome, ".gemini", "settings.json"), mustJSON(map[string]any{
		"security":  map[string]any{"auth": map[string]any{"selectedType": "gemini-api-key"}, "folderTrust": map[string]any{"enabled": false}},
		"telemetry": map[string]any{"enabled": false},
		"privacy":   map[string]any{"usageStatisticsEnabled": false},
		"general":   map[string]any{"disableAutoUpdate": true, "disableUpdateNag": true, "enableAutoUpdate": false, "enableAutoUpdateNotification": false},
		"mcpServers": map[string]any{"mystatus": map[string]any{
			"command": bin, "args": []string{"serve"}, "env": w.serverEnv, "trust": true, "timeout": 60000,
		}},
	}))
	exe := agentBin(t, ".bin", "gemini")
	env := w.env(
		"GEMINI_API_KEY=e2e-fake-key",
		"GOOGLE_GEMINI_BASE_URL="+w.model.URL(),
		"GEMINI_CLI_TRUST_WORKSPACE=true",
		"GEMINI_CLI_HOME="+w.agentHome,
	)
	return w.run("gemini", []string{exe, "-p", prompt, "-m", "gemini-2.5-flash",
		"--allowed-mcp-server-names", "mystatus", "--approval-mode", "yolo", "--output-format", "text",
	}, env, w.project())
}

func TestGeminiCLITool(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.gemini(toolPrompt)
		w.check("Gemini CLI", "tool", stderr)
	})
}

func TestGeminiCLISlashCommand(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.gemini("/mystatus")
		w.check("Gemini CLI /mystatus", "prompt", stderr)
	})
}
