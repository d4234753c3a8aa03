#!/usr/bin/env bash
# Installs what the OCI tests and bench/push need, when missing: Debian's docker-registry (the
# CNCF distribution server, /usr/bin/docker-registry), skopeo, and htpasswd (apache2-utils) for
# bcrypt password files. Idempotent: installs nothing when all three are there.
set -euo pipefail
missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v skopeo >/dev/null || missing+=(skopeo)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "pelato setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# The package enables a system service on :5000; the tests start their own registries instead.
echo "$(command -v docker-registry)"
