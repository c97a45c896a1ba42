#!/usr/bin/env bash
# Installs the npm trees the end-to-end tests run — e2e/node (the MCP SDK
# client), e2e/agents (the real agents), e2e/install (the release-package
# harness and a real OpenCode) — from their committed lockfiles. A tree
# already installed from the same package.json and lockfile is left as it is
# (a stamp in its node_modules records which), so e2e/run.sh and
# e2e/install/run.sh call this and .ci/run can start it beside `make test`:
# npm waits on the network and the disk (~1.8 GB unpacked), the Go tests on
# the cores.
#
# Delete a tree's node_modules to force its reinstall (after clearing npm's
# cache, say: the offline install test of e2e/install reads that cache).
#
# usage: e2e/deps.sh [node|agents|install]...   (no argument: all three)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -gt 0 ] || set -- node agents install
for tree in "$@"; do
  dir="$here/$tree"
  [ -f "$dir/package-lock.json" ] || { echo "e2e/deps.sh: no lockfile in e2e/$tree" >&2; exit 2; }
  stamp="$dir/node_modules/.mystatus-installed"
  want="$(cd "$dir" && sha256sum package.json package-lock.json)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "npm: e2e/$tree is installed from its lockfile"
    continue
  fi
  s=$SECONDS
  case "$tree" in
    # npm ci: the SDK client's lockfile is complete, so any drift fails.
    node) (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ;;
    # npm install against the committed lockfile, not npm ci: the registry here
    # lacks the other platforms' optional opencode-* packages, so the lockfile
    # cannot list them and npm ci would reject it.
    *) (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error) ;;
  esac
  printf '%s\n' "$want" > "$stamp"
  echo "npm: e2e/$tree installed in $((SECONDS - s)) s"
done
