#!/usr/bin/env bash
# End-to-end tests of `mystatus serve` with real MCP clients: the official
# Go SDK (this module) and the TypeScript SDK v1 (node/), both against one
# freshly built binary. Set MYSTATUS_BIN to test a prebuilt binary instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "${MYSTATUS_BIN:-}" ]; then
  MYSTATUS_BIN="$work/mystatus"
  (cd "$root" && go build -o "$MYSTATUS_BIN" .)
fi
export MYSTATUS_BIN
echo "== Go SDK client (github.com/modelcontextprotocol/go-sdk)"
(cd "$here" && go vet ./... && go test -count=1 . )
echo "== TypeScript SDK v1 client (@modelcontextprotocol/sdk)"
"$here/deps.sh" node
(cd "$here/node" && node --test)
echo "== Real agents (Claude Code, OpenCode, Gemini CLI, Codex CLI) against a loopback fake model"
"$here/deps.sh" agents
(cd "$here" && MYSTATUS_AGENTS="$here/agents" go test -count=1 -timeout 15m ./agents/)
