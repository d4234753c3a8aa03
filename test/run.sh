#!/usr/bin/env bash
# The whole test suite: installs what it needs, typechecks, lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash toolchain/setup/all.sh
npx tsc -p tsconfig.json
npx eslint .
node --test --test-reporter=spec dist/test/
