#!/usr/bin/env bash
# Tests of the release artefacts in dist/ (make dist builds them): the
# tarballs installed offline and driven with npx and the MCP SDK client,
# the OpenCode plugin's unit tests, and a real OpenCode with the plugin.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DIST="${DIST:-$root/dist}"
export MYSTATUS_BIN="${MYSTATUS_BIN:-$DIST/bin/mystatus-$(go env GOOS 2>/dev/null || uname -s | tr A-Z a-z)-$(go env GOARCH 2>/dev/null || echo amd64)}"
cd "$here"
# The harness's own dependencies (MCP SDK, OpenCode, its plugin API) from
# the lockfile; this also fills the npm cache the offline install reads.
"$here/../deps.sh" install
node --test --test-concurrency=1 ./*.test.mjs
# A real OpenCode (opencode-ai from this folder's lockfile) with the plugin
# from the tarball and the loopback fake model of e2e/agents.
if [ -f "$here/../agents/fakemodel_test.go" ]; then
  (cd "$here/.." && MYSTATUS_AGENTS="$here" MYSTATUS_DIST="$DIST" \
    go test -tags plugin_e2e -count=1 -run 'OpenCodePlugin' -v ./agents 2>&1 | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|opencode_plugin_test' ) 
  exit "${PIPESTATUS[0]}"
fi
echo "e2e/agents is missing: the real-OpenCode plugin test did not run" >&2
exit 1
