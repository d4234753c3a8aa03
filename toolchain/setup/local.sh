#!/usr/bin/env bash
# What the embedded default needs (pelatod up with the go toolchain): Go, the Node packages and a
# nats-server >= 2.10 (built once into $PELATO_CACHE). The README's demo runs only this.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v go >/dev/null; then
  echo "pelato setup: Go >= 1.24 is required (GOOS=wasip1 builds); install it from your distribution or go.dev" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "pelato setup: installing Node packages" >&2
  npm ci --no-audit --no-fund >&2
fi
bash toolchain/setup/nats-server.sh >/dev/null
