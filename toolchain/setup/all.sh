#!/usr/bin/env bash
# Installs everything pelatod's commands and tests need on this machine, reusing what is there.
# Slow builds are cached in $PELATO_CACHE (default ~/.cache/pelato).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash toolchain/setup/local.sh
bash toolchain/setup/wasmtime-py.sh >/dev/null
bash toolchain/setup/registry.sh >/dev/null # Debian's docker-registry and skopeo (push, deploy)
bash toolchain/setup/toxiproxy.sh >/dev/null # the leaf links of `lattice up --sites`
bash toolchain/setup/oras.sh >/dev/null # tests read the OCI layouts push writes with oras, as users do
bash toolchain/setup/postgres.sh >/dev/null # PostgreSQL 15 for the nats_to_postgres tests (each starts its own cluster)
bash toolchain/setup/test-modules.sh # the modules the tests pin (github.com/google/uuid)
# wadm (deploy) and the wasmCloud host (lattice up) are built from crates.io once per machine;
# nice keeps the machine usable during the first build.
nice -n 10 bash toolchain/setup/wadm.sh >/dev/null
nice -n 10 bash toolchain/setup/wasmcloud-host.sh >/dev/null
# pelatod's PostgreSQL capability provider (nats_to_postgres on a lattice), after the host: they share a target dir.
nice -n 10 bash toolchain/setup/postgres-provider.sh >/dev/null
bash toolchain/setup/tinygo.sh >/dev/null # the pinned TinyGo toolchain image (--toolchain tinygo, auto)
bash toolchain/setup/systemd-image.sh >/dev/null # systemd as PID 1 in a container (test/daemon/systemd-boot.test.ts)
