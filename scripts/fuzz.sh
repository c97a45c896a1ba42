#!/usr/bin/env bash
# Runs every fuzz target of the module for the given time each (default 2s).
set -euo pipefail
time=${1:-2s}
cd "$(dirname "$0")/.."
status=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"${line#*:}")
  pkg=./$(dirname "$file")
  echo "fuzz $pkg $name ($time)"
  if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$time" "$pkg" >/tmp/fuzz.$$.log 2>&1; then
    cat /tmp/fuzz.$$.log
    status=1
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./e2e/' | sed 's#^\./##' | awk -F: '{print $1":"$3}')
rm -f /tmp/fuzz.$$.log
exit $status
