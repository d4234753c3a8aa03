#!/usr/bin/env bash
# Installs a nats-server >= 2.10 (wadm and JetStream KV need it; Debian's 2.9 is too old)
# into $PELATO_CACHE/bin, built once from the nats-server Go module and reused afterwards.
set -euo pipefail
version="${NATS_SERVER_VERSION:-v2.15.2}"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
bin="$cache/bin/nats-server-$version"
if [ ! -x "$bin" ]; then
  echo "pelato setup: building nats-server $version (once per machine, a few minutes)" >&2
  tmp="$(mktemp -d)"
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@$version" >&2
  mkdir -p "$cache/bin"
  mv "$tmp/nats-server" "$bin"
  rmdir "$tmp"
fi
ln -sf "$(basename "$bin")" "$cache/bin/nats-server"
echo "$cache/bin/nats-server"
