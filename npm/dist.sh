#!/usr/bin/env bash
# Release build: six static binaries (linux, darwin, windows × amd64, arm64),
# the npm packages that carry them (one per OS/arch, the front package
# @mystatus/cli and the OpenCode plugin @mystatus/opencode) packed as
# tarballs, and SHA256SUMS — all in dist/.
#
# Reproducible: the same commit gives the same bytes. Version and commit come
# from git, the date from the commit time (never the clock); -trimpath,
# -buildvcs=false and an empty build id keep paths and VCS state out.
#
# Plain `go build` rather than GoReleaser: its npm publishing is a paid
# feature, and a toolchain that builds it would be a large download for what
# is a loop over six targets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"
out="${DIST:-$root/dist}"

version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
date="$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo 1970-01-01T00:00:00Z)"
# npm needs semver: a vX.Y.Z tag gives X.Y.Z, anything else a dev
# pre-release named after the commit ("g" so an all-digit hash stays valid).
if [[ "$version" =~ ^v?([0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?)$ ]]; then
  npmversion="${BASH_REMATCH[1]}"
else
  npmversion="0.0.0-dev.g${commit}"
  [[ "$version" == *-dirty ]] && npmversion="$npmversion.dirty"
fi

rm -rf "$out"
mkdir -p "$out/bin" "$out/npm"
ldflags="-s -w -buildid= -X main.version=$version -X main.commit=$commit -X main.date=$date"

# goos/goarch → npm os/cpu
targets="linux/amd64:linux/x64 linux/arm64:linux/arm64 darwin/amd64:darwin/x64 darwin/arm64:darwin/arm64 windows/amd64:win32/x64 windows/arm64:win32/arm64"
for t in $targets; do
  go_t="${t%%:*}" npm_t="${t##*:}"
  goos="${go_t%/*}" goarch="${go_t#*/}" npmos="${npm_t%/*}" npmcpu="${npm_t#*/}"
  exe=""; [ "$goos" = windows ] && exe=".exe"
  bin="$out/bin/mystatus-$goos-$goarch$exe"
  echo "build $goos/$goarch"
  CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" GOFLAGS=-mod=readonly \
    "$GO" build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$bin" .
  pkg="$out/npm/cli-$npmos-$npmcpu"
  mkdir -p "$pkg/bin"
  cp "$bin" "$pkg/bin/mystatus$exe"
  chmod 0755 "$pkg/bin/mystatus$exe"
  node "$root/npm/platform/package.mjs" "$npmos" "$npmcpu" "$npmversion" "$pkg"
done

for p in cli opencode; do
  mkdir -p "$out/npm/$p"
  (cd "$root/npm/$p" && find . -type f ! -path './test/*' ! -path './node_modules/*' | sort) |
    while read -r f; do mkdir -p "$out/npm/$p/$(dirname "$f")"; cp "$root/npm/$p/$f" "$out/npm/$p/$f"; done
  node "$root/npm/platform/package.mjs" --stamp "$npmversion" "$out/npm/$p/package.json"
done

for d in "$out"/npm/*/; do
  (cd "$d" && npm pack --silent --pack-destination "$out" >/dev/null)
done

{ (cd "$out/bin" && sha256sum -- *); (cd "$out" && sha256sum -- *.tgz); } > "$out/SHA256SUMS"
echo "dist: $version ($npmversion) → $out"
