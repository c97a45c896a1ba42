package agents

import (
	"path/filepath"
	"testing"
)

// claude runs Claude Code in print mode with only the mystatus MCP server
// (--strict-mcp-config) and only its tool allowed, against the fake
// Anthropic endpoint.
func (w *world) claude(prompt string) (string, string) {
	t := w.t
	cfg := filepath.Join(w.agentHome, "mcp.json")
	writeFile(t, cfg, mustJSON(map[string]any{"mcpServers": map[string]any{
		"mystatus": map[string]any{"type": "stdio", "command": bin, "args": []string{"serve"}, "env": w.serverEnv},
	}}))
	exe := agentBin(t, "@anthropic-ai", "claude-code-"+platform(), "claude")
	env := w.env(
		"ANTHROPIC_BASE_URL="+w.model.URL(),
		"ANTHROPIC_API_KEY=sk-ant-e2e-fake",
		"CLAUDE_CONFIG_DIR="+filepath.Join(w.agentHome, ".claude"),
		"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
		"DISABLE_AUTOUPDATER=1", "DISABLE_TELEMETRY=1", "DISABLE_ERROR_REPORTING=1",
		"DISABLE_BUG_COMMAND=1", "CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY=1",
		"MCP_TIMEOUT=30000", "MCP_TOOL_TIMEOUT=60000",
		// MCP tools are offered directly, not behind the ToolSearch tool.
		"ENABLE_TOOL_SEARCH=false",
	)
	return w.run("claude", []string{exe, "-p", prompt,
		"--mcp-config", cfg, "--strict-mcp-config",
		"--allowedTools", "mcp__mystatus__mystatus",
		"--model", "sonnet",
		"--output-format", "text",
		// Its MCP client's debug log (connection errors, dropped
		// notifications) goes to stderr, where check looks for errors.
		"--debug", "mcp", "--debug-to-stderr",
	}, env, w.project())
}

func TestClaudeCodeTool(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.claude(toolPrompt)
		w.check("Claude Code", "tool", stderr)
	})
}

func TestClaudeCodeSlashCommand(t *testing.T) {
	need(t)
	each(t, func(t *testing.T, lang string) {
		w := newWorld(t, lang)
		_, stderr := w.claude("/mcp__mystatus__mystatus")
		w.check("Claude Code /mcp__mystatus__mystatus", "prompt", stderr)
	})
}
