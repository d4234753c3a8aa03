#!/usr/bin/env bash
# A container engine that answers: PELATO_CONTAINER_ENGINE, else docker or podman; when neither
# does, Debian's docker.io, its daemon started and left running like a system service. Prints
# the engine's command on stdout.
set -euo pipefail
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"

# docker's client answers `version` without its daemon, but fails to print the server's version.
engine_ok() { if [ "$1" = docker ]; then docker version --format '{{.Server.Version}}'; else "$1" version; fi >/dev/null 2>&1; }

if [ -n "${PELATO_CONTAINER_ENGINE:-}" ]; then
  engine_ok "$PELATO_CONTAINER_ENGINE" || { echo "pelato setup: $PELATO_CONTAINER_ENGINE does not answer" >&2; exit 1; }
  echo "$PELATO_CONTAINER_ENGINE"; exit 0
fi
if engine_ok docker; then echo docker; exit 0; fi
if engine_ok podman; then echo podman; exit 0; fi
if ! command -v dockerd >/dev/null; then
  echo "pelato setup: installing docker.io (container engine)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2
fi
# dockerd's defaults (overlay2, runc) work here.
echo "pelato setup: starting dockerd (log: $cache/dockerd.log)" >&2
mkdir -p "$cache"
setsid nohup dockerd >"$cache/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 60); do engine_ok docker && break; sleep 1; done
engine_ok docker || { echo "pelato setup: dockerd did not start; see $cache/dockerd.log" >&2; exit 1; }
echo docker
