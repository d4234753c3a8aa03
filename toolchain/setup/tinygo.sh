#!/usr/bin/env bash
# Makes the pinned TinyGo toolchain image available (pelatod build --toolchain tinygo, and auto):
# a container engine first (docker or podman; Debian's docker.io, its daemon started when it is
# not running), then toolchain/tinygo/build-image.sh, which reuses what $PELATO_CACHE holds.
# Prints the image ID on stdout; progress goes to stderr. A cold build takes ≈ 10 min on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"

# docker's client answers `version` without its daemon, but fails to print the server's version.
engine_ok() { if [ "$1" = docker ]; then docker version --format '{{.Server.Version}}'; else "$1" version; fi >/dev/null 2>&1; }

if [ -n "${PELATO_CONTAINER_ENGINE:-}" ]; then
  engine_ok "$PELATO_CONTAINER_ENGINE" || { echo "pelato setup: $PELATO_CONTAINER_ENGINE does not answer" >&2; exit 1; }
elif ! engine_ok docker && ! engine_ok podman; then
  if ! command -v dockerd >/dev/null; then
    echo "pelato setup: installing docker.io (container engine for the tinygo toolchain)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2
  fi
  if ! engine_ok docker; then
    # dockerd's defaults (overlay2, runc) work here; started once and left running like a system service.
    echo "pelato setup: starting dockerd (log: $cache/dockerd.log)" >&2
    mkdir -p "$cache"
    setsid nohup dockerd >"$cache/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 60); do engine_ok docker && break; sleep 1; done
    engine_ok docker || { echo "pelato setup: dockerd did not start; see $cache/dockerd.log" >&2; exit 1; }
  fi
fi
exec nice -n 10 bash "$here/../tinygo/build-image.sh"
