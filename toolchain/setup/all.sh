#!/usr/bin/env bash
# Installs everything pelatod's commands and tests need on this machine, reusing what is there:
# Node packages, and the Go toolchain check. Slow builds are cached in $PELATO_CACHE.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v go >/dev/null; then
  echo "pelato setup: Go >= 1.24 is required (GOOS=wasip1 builds); install it from your distribution or go.dev" >&2
  exit 1
fi
bash toolchain/setup/wasmtime-py.sh >/dev/null
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "pelato setup: installing Node packages" >&2
  npm ci --no-audit --no-fund >&2
fi
