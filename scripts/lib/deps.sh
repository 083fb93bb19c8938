#!/usr/bin/env bash
# Installs node_modules with `npm ci` when missing or stale; silent when up to date.
# Run it (scripts/lib/deps.sh) or source it (then call nothing: sourcing runs the check).
set -euo pipefail

ensure_deps() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local marker="$root/node_modules/.package-lock.json"
  # npm ci rewrites node_modules/.package-lock.json, so it is the install's timestamp.
  if [ -f "$marker" ] && ! [ "$root/package-lock.json" -nt "$marker" ]; then
    return 0
  fi
  mkdir -p "$root/.local"
  (
    # Two scripts started together (e.g. two `scripts/start`) must not both wipe node_modules.
    if command -v flock >/dev/null; then flock 9; fi
    if [ -f "$marker" ] && ! [ "$root/package-lock.json" -nt "$marker" ]; then exit 0; fi
    echo "deps: installing node_modules (npm ci)" >&2
    # npm 11 leaves esbuild's and msgpackr-extract's install scripts unrun (not allow-listed);
    # neither is needed: both load their prebuilt binaries from optional @esbuild/* and
    # @msgpackr-extract/* packages.
    cd "$root" && npm ci --no-audit --no-fund >&2
    # Guarantee the marker is newer than the lock even on coarse-mtime filesystems.
    touch "$marker"
  ) 9>"$root/.local/deps.lock"
}

ensure_deps
