#!/usr/bin/env bash
# Makes the pinned TinyGo toolchain image available (pelatod build --toolchain tinygo, and auto):
# a container engine first (docker or podman; Debian's docker.io, its daemon started when it is
# not running), then toolchain/tinygo/build-image.sh, which reuses what $PELATO_CACHE holds.
# Prints the image ID on stdout; progress goes to stderr. A cold build takes ≈ 10 min on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$here/container-engine.sh" >/dev/null
exec nice -n 10 bash "$here/../tinygo/build-image.sh"
