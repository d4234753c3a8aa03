#!/usr/bin/env bash
# Installs toxiproxy-server (Shopify's, which `lattice up --sites` puts on every leaf link so that
# `pelatod lattice link` can cut, slow or break it) into $PELATO_CACHE/bin, built once from its Go
# module and reused afterwards.
set -euo pipefail
version="${TOXIPROXY_VERSION:-v2.5.0}"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
bin="$cache/bin/toxiproxy-server-$version"
if [ ! -x "$bin" ]; then
  echo "pelato setup: building toxiproxy $version (once per machine, about a minute)" >&2
  tmp="$(mktemp -d)"
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/Shopify/toxiproxy/v2/cmd/server@$version" >&2
  mkdir -p "$cache/bin"
  mv "$tmp/server" "$bin"
  rmdir "$tmp"
fi
echo "$bin"
