#!/usr/bin/env bash
# Installs toxiproxy-server (Shopify's, which `lattice up --sites` puts on every leaf link so that
# `pelatod lattice link` can cut, slow or break it) into $PELATO_CACHE/bin, built once from its Go
# module and reused afterwards.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/go-binary.sh"
go_binary toxiproxy-server github.com/Shopify/toxiproxy/v2/cmd/server "${TOXIPROXY_VERSION:-v2.5.0}" "about a minute"
