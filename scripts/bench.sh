#!/usr/bin/env bash
# bench.sh — `make bench`: the Go benchmarks (renderer, report fan-out,
# i18n, plugin host), CPU profiles of start-up and of a cached tools/call,
# then the loopback latency driver (internal/bench TestDriver), which writes
# BENCHMARKS.md at the repository root. About 1.5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== Go benchmarks" >&2
"$GO" test -run '^$' -bench . -benchmem ./lib/render ./lib/report ./i18n ./internal/bench | tee "$tmp/gobench.txt"

# CPU profiles for the analysis of missed targets: catalog loading (start-up)
# and a cached tools/call through the plugin host.
echo "== profiles" >&2
profile() { # profile NAME PACKAGE BENCHMARK
	"$GO" test -run '^$' -bench "^$3\$" -cpuprofile "$tmp/$1.cpu" -o "$tmp/$1.test" "$2" >/dev/null
	"$GO" tool pprof -top -cum "$tmp/$1.test" "$tmp/$1.cpu" 2>/dev/null | grep -v '^Build ID' | sed -n '1,30p' >"$tmp/$1.txt"
}
profile start ./i18n BenchmarkLoadCatalogs
profile host ./internal/bench BenchmarkHostToolsCallCached

echo "== driver (loopback fakes with injected latency)" >&2
MYSTATUS_BENCH_OUT="$tmp/BENCHMARKS.md" \
MYSTATUS_BENCH_GOBENCH="$tmp/gobench.txt" \
MYSTATUS_BENCH_PROFILE_START="$tmp/start.txt" \
MYSTATUS_BENCH_PROFILE_HOST="$tmp/host.txt" \
	"$GO" test -count=1 -run '^TestDriver$' -v -timeout 15m ./internal/bench

mv "$tmp/BENCHMARKS.md" BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
