#!/usr/bin/env bash
# `npm run package -- DIR`: a self-contained copy of pelatod in DIR, for a machine without npm
# or Go's module proxy (an edge gateway): the built code, its runtime dependencies, the
# templates, toolchain scripts and systemd files, and the nats-server that the embedded default
# runs (bin/nats-server, found by toolchain/setup/nats-server.sh). Built from this folder's
# sources in DIR itself, so that this working copy's node_modules and dist are left alone. The
# gateway needs Node of the same major version and, for the go toolchain, Go at /usr/local/go.
# See README.md, "Running pelatod as a service".
set -euo pipefail
out="${1:?usage: npm run package -- DIR}"
cd "$(dirname "$0")/.."
[ -e "$out" ] && { echo "package: $out exists; give a new folder" >&2; exit 2; }
mkdir -p "$out"
cp -r package.json package-lock.json tsconfig.json README.md src templates schema toolchain systemd "$out/"
cd "$out"
echo "package: installing and building in $out" >&2
npm ci --no-audit --no-fund --prefer-offline --loglevel=error >&2
npx tsc -p tsconfig.json
npm prune --omit=dev --no-audit --no-fund --loglevel=error >&2
rm -rf src tsconfig.json dist/*.tsbuildinfo
mkdir -p bin
cp "$(bash toolchain/setup/nats-server.sh)" bin/nats-server
echo "package: pelatod in $out ($(du -sh . | cut -f1))" >&2
