#!/usr/bin/env bash
# Builds FerretDB 1.24.2 once into a cache outside the repo (see README "Local stack").
# The published module lacks build/version/version.txt, so we build from a patched copy.
set -euo pipefail
VERSION=v1.24.2
CACHE_DIR="${BPMN_CACHE_DIR:-$HOME/.cache/bpmn-orchestrator}"
BIN="$CACHE_DIR/ferretdb-$VERSION"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { echo "Go toolchain not found: needed once to build FerretDB" >&2; exit 1; }
mkdir -p "$CACHE_DIR"
src_dir=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$src_dir" ] || { echo "could not download FerretDB $VERSION source" >&2; exit 1; }
work=$(mktemp -d "$CACHE_DIR/build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$src_dir/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$BIN.tmp" ./cmd/ferretdb) >&2
mv "$BIN.tmp" "$BIN"
echo "$BIN"
