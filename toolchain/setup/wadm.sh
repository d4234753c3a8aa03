#!/usr/bin/env bash
# Installs wadm into $PELATO_CACHE/bin (built once, reused): see cargo-harness.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/cargo-harness.sh" wadm
