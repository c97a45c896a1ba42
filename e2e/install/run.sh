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
npm ci --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 ./*.test.mjs
