#!/usr/bin/env bash
# Installs a nats-server >= 2.10 (wadm and JetStream KV need it; Debian's 2.9 is too old)
# into $PELATO_CACHE/bin, built once from the nats-server Go module and reused afterwards
# (or the one a packaged pelatod carries in bin/).
set -euo pipefail
version="${NATS_SERVER_VERSION:-v2.15.2}"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
# A packaged pelatod (toolchain/package.sh) carries its nats-server: a gateway has no Go proxy.
packaged="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin/nats-server"
if [ -x "$packaged" ]; then echo "$packaged"; exit 0; fi
. "$(dirname "${BASH_SOURCE[0]}")/go-binary.sh"
bin="$(go_binary nats-server github.com/nats-io/nats-server/v2 "$version" "a few minutes")"
ln -sf "$(basename "$bin")" "$cache/bin/nats-server"
echo "$cache/bin/nats-server"
