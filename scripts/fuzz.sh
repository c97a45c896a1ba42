#!/usr/bin/env bash
# Runs every fuzz target of the module for the given time each: a duration
# (30s) or an iteration count (2000x, the default: the same work on a busy
# 2-core machine as on a fast one, so a short run is not a race against a
# deadline). Each package's instrumented test binary is built once
# (`go test -c -fuzz`, which takes one package at a time) and then run once
# per target, instead of `go test -fuzz` rebuilding and relinking the
# package for every target; see fuzz_package for how packages overlap.
# Each build and each target prints how long it took.
set -euo pipefail
time=${1:-2000x}
cd "$(dirname "$0")/.."
root=$PWD
bins=$(mktemp -d)
trap 'rm -rf "$bins"' EXIT
status=0
# "dir target" pairs, e.g. "lib/jsonval FuzzCheckDepth".
targets=$(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./e2e/' |
  sed -E 's#^\./([^:]*)/[^/:]*:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
dirs=$(awk '{print $1}' <<<"$targets" | sort -u)
# One package more than cores: a fuzzing run leaves some of its core idle
# (coordinator and worker hand inputs back and forth), and a link overlaps.
jobs=${FUZZ_JOBS:-$(( $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) + 1 ))}

# fuzz_package builds one package's instrumented binary, then runs each of
# its targets with one fuzzing worker; the packages run side by side
# ($jobs at a time), so one package's link overlaps another's fuzzing. Its output
# goes to $bins/<dir>.out, and $bins/<dir>.failed marks a failure.
fuzz_package() {
  local dir=$1 flat bin name attempt ok log started
  flat=$(tr / _ <<<"$dir")
  bin=$bins/$flat.test
  log=$bins/$flat.log
  exec >"$bins/$flat.out" 2>&1
  if [ -e "$bins/$flat.built" ]; then
    cat "$bins/$flat.built"
  else
    started=$(date +%s%N)
    if ! go test -c -fuzz=. -ldflags=-w -o "$bin" "./$dir"; then
      touch "$bins/$flat.failed"
      return
    fi
    echo "build ./$dir (fuzz instrumented): $(( ($(date +%s%N) - started) / 1000000 )) ms"
  fi
  for name in $(awk -v d="$dir" '$1==d {print $2}' <<<"$targets"); do
    started=$(date +%s%N)
    ok=0
    for attempt in 1 2; do
      # The binary runs in its package directory, where testdata/fuzz holds
      # the committed corpus, as `go test` would run it.
      if (cd "$root/$dir" && "$bin" -test.run='^$' -test.fuzz="^${name}\$" -test.fuzztime="$time" \
        -test.parallel=1 -test.fuzzcachedir="$bins/cache-$flat") >"$log" 2>&1; then
        ok=1
        break
      fi
      # With a short fuzz time the engine can stop a worker at its deadline
      # and report "context deadline exceeded" without any failing input (a
      # known engine flake under load): try once more.
      if grep -qi 'failing input' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        break
      fi
      echo "  (engine deadline flake, no failing input; retrying, attempt $attempt)"
    done
    echo "fuzz ./$dir $name ($time): $(( ($(date +%s%N) - started) / 1000000 )) ms"
    if [ $ok = 0 ]; then
      if grep -qi 'failing input' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        cat "$log"
        touch "$bins/$flat.failed"
      else
        echo "  (engine deadline flake twice, no failing input found)"
      fi
    fi
  done
}

# In a cold build cache, packages built side by side would each compile the
# same instrumented dependencies (the standard library included) at the
# same time: the package with the most dependencies is built first, alone,
# and the others find theirs in the cache (from an empty build cache on 2
# cores: 195 → 105 s; warm: unchanged).
first=$(go list -f '{{len .Deps}} {{.Dir}}' $(sed 's#^#./#' <<<"$dirs") | sort -rn | awk 'NR==1 {print $2}')
first=${first#"$root"/}
flat=$(tr / _ <<<"$first")
started=$(date +%s%N)
if go test -c -fuzz=. -ldflags=-w -o "$bins/$flat.test" "./$first"; then
  echo "build ./$first (fuzz instrumented, first: the others' dependencies): $(( ($(date +%s%N) - started) / 1000000 )) ms" >"$bins/$flat.built"
fi

running=0
for dir in $dirs; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_package "$dir" &
  running=$((running + 1))
done
wait
for dir in $dirs; do
  flat=$(tr / _ <<<"$dir")
  cat "$bins/$flat.out"
  if [ -e "$bins/$flat.failed" ]; then
    status=1
  fi
done
exit $status
