#!/usr/bin/env bash
# Runs every fuzz target of the module for the given time each: a duration
# (30s) or an iteration count (2000x, the default: the same work on a busy
# 2-core machine as on a fast one, so a short run is not a race against a
# deadline). Every package's instrumented test binary is built by one
# `go test -c -fuzz` (one build graph, built in parallel) and then run once
# per target, instead of `go test -fuzz` rebuilding and relinking the
# package for every target.
set -euo pipefail
time=${1:-2000x}
cd "$(dirname "$0")/.."
root=$PWD
bins=$(mktemp -d)
log=$bins/fuzz.log
trap 'rm -rf "$bins"' EXIT
status=0
# "dir target" pairs, e.g. "lib/jsonval FuzzCheckDepth".
targets=$(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./e2e/' |
  sed -E 's#^\./([^:]*)/[^/:]*:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
dirs=$(awk '{print $1}' <<<"$targets" | sort -u)
echo "build $(wc -w <<<"$dirs") packages (fuzz instrumented)"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
tr ' ' '\n' <<<"$dirs" | xargs -P "$jobs" -I{} sh -c \
  'go test -c -fuzz=. -o "$1/$(echo "$2" | tr / _).test" "./$2"' _ "$bins" {}
for dir in $dirs; do
  bin=$bins/$(tr / _ <<<"$dir").test
  for name in $(awk -v d="$dir" '$1==d {print $2}' <<<"$targets"); do
    echo "fuzz ./$dir $name ($time)"
    ok=0
    for attempt in 1 2; do
      # The binary runs in its package directory, where testdata/fuzz holds
      # the committed corpus, as `go test` would run it.
      if (cd "$root/$dir" && "$bin" -test.run='^$' -test.fuzz="^${name}\$" -test.fuzztime="$time" \
        -test.fuzzcachedir="$bins/cache") >"$log" 2>&1; then
        ok=1
        break
      fi
      # With a short fuzz time the engine can stop a worker at its deadline
      # and report "context deadline exceeded" without any failing input (a
      # known engine flake under load): try once more.
      if grep -qi 'failing input' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        break
      fi
      echo "  (engine deadline flake, no failing input; retrying)"
    done
    if [ $ok = 0 ]; then
      if grep -qi 'failing input' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        cat "$log"
        status=1
      else
        echo "  (engine deadline flake twice, no failing input found)"
      fi
    fi
  done
done
exit $status
