#!/usr/bin/env bash
# Installs the oras CLI (tests read pelatod's OCI layouts with it, as users do) into
# $PELATO_CACHE/bin, built once from its Go module and reused afterwards.
set -euo pipefail
version="${ORAS_VERSION:-v1.3.6}"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
bin="$cache/bin/oras-$version"
if [ ! -x "$bin" ]; then
  echo "pelato setup: building oras $version (once per machine, about two minutes)" >&2
  tmp="$(mktemp -d)"
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "oras.land/oras/cmd/oras@$version" >&2
  mkdir -p "$cache/bin"
  mv "$tmp/oras" "$bin"
  rmdir "$tmp"
fi
echo "$bin"
