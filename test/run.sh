#!/usr/bin/env bash
# The whole test suite: installs what it needs, typechecks, lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash toolchain/setup/all.sh
npx tsc -p tsconfig.json
npx eslint .
# Only the *.test.js files: given the folder, node --test also runs the helpers as (empty) tests.
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
node --test --test-reporter=spec "${files[@]}"
