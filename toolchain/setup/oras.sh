#!/usr/bin/env bash
# Installs the oras CLI (tests read pelatod's OCI layouts with it, as users do) into
# $PELATO_CACHE/bin, built once from its Go module and reused afterwards.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/go-binary.sh"
go_binary oras oras.land/oras/cmd/oras "${ORAS_VERSION:-v1.3.6}" "about two minutes"
