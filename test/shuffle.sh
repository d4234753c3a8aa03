#!/usr/bin/env bash
# A guard against tests that lean on each other or on the machine's speed: every test file in a
# random order, then the daemon and host files twice with two CPU-bound processes beside them.
# PELATO_SHUFFLE_SEED=<n> repeats an order that failed (the seed is printed first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash toolchain/setup/all.sh
npx tsc -p tsconfig.json
seed="${PELATO_SHUFFLE_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "== shuffle seed $seed"
mapfile -t files < <(node -e '
  const files = require("child_process").execFileSync("find", ["dist/test", "-name", "*.test.js"], { encoding: "utf8" }).trim().split("\n").sort();
  let s = Number(process.argv[1]) >>> 0;
  const next = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0) / 2 ** 32);
  for (let i = files.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [files[i], files[j]] = [files[j], files[i]]; }
  console.log(files.join("\n"));' "$seed")
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

echo "== test/daemon and test/host, twice, beside two CPU-bound processes"
burners=()
for _ in 1 2; do
  node -e 'for (;;) {}' &
  burners+=("$!")
done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT
for round in 1 2; do
  echo "== round $round"
  node --test --test-concurrency=1 --test-reporter=spec $(find dist/test/daemon dist/test/host -name '*.test.js' | sort)
done
