#!/usr/bin/env bash
# Installs wasmcloud-host into $PELATO_CACHE/bin (built once, reused): see cargo-harness.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/cargo-harness.sh" wasmcloud-host
