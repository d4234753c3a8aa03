#!/usr/bin/env bash
# The README's first command: installs what pelatod needs, then runs the main job on the
# example project (examples/temperature).
set -euo pipefail
cd "$(dirname "$0")/.."
bash toolchain/setup/all.sh
npx tsc -p tsconfig.json
project="${1:-examples/temperature}"
pelatod() { node dist/src/cli/main.js "$@"; }

echo "== pelatod validate $project"
pelatod validate "$project"
echo "== pelatod gen $project"
pelatod gen "$project"
echo "== pelatod build $project"
pelatod build "$project"
echo "== pelatod graph $project"
pelatod graph "$project"
