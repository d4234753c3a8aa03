#!/usr/bin/env bash
# The README's first command: installs what pelatod needs, then runs the example project
# (examples/temperature) end to end on the embedded default: build the tasks, start a local
# NATS server and component host, POST readings to the HTTP producer, show what arrives.
set -euo pipefail
cd "$(dirname "$0")/.."
bash toolchain/setup/local.sh
npx tsc -p tsconfig.json
project="${1:-examples/temperature}"
port="${PELATO_HTTP_PORT:-8000}"
export PELATO_HTTP_PORT="$port"
pelatod() { node dist/src/cli/main.js "$@"; }

echo "== the pipeline"
pelatod graph "$project"
echo "== pelatod up $project (build with the go toolchain, local NATS, local host)"
node dist/src/cli/main.js up "$project" --toolchain go &
up=$!
trap 'kill -INT $up 2>/dev/null; wait $up 2>/dev/null' EXIT
for _ in $(seq 1 600); do
  grep -qs "\"pid\": $up," "$project/.pelato/up.json" && break
  kill -0 "$up" 2>/dev/null || { echo "pelatod up failed" >&2; exit 1; }
  sleep 0.5
done
sleep 0.5

echo "== POST 21.5 °C to the HTTP producer: converted to Kelvin, then passed by the filter"
pelatod send "http://127.0.0.1:$port/" '{"Data":21.5,"Name":"living room"}' "$project" --count 2
echo "== POST 150 °C: converted (423.15 K), then dropped by the filter (above 400 K)"
pelatod send "http://127.0.0.1:$port/" '{"Data":150,"Name":"oven"}' "$project" --timeout 2
echo "== stopping"
