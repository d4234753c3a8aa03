#!/usr/bin/env bash
# The base image of test/daemon/systemd-boot.test.ts: Debian bookworm with systemd as PID 1,
# made with debootstrap (minbase + systemd, systemd-sysv, dbus) and loaded with `docker import`.
# Built once per machine: the root's tarball is kept in $PELATO_CACHE, so that a docker engine
# that lost its images imports it again in seconds. Prints the image's tag on stdout.
set -euo pipefail
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
mirror="${PELATO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
packages=systemd,systemd-sysv,dbus
version="$suite-$(printf '%s' "$suite $packages" | sha256sum | cut -c1-12)"
tag="pelato-systemd:$version"
tarball="$cache/systemd-image/$version.tar"

[ "$(bash "$(dirname "${BASH_SOURCE[0]}")/container-engine.sh")" = docker ] || { echo "pelato setup: the systemd image needs docker (podman's systemd mode differs)" >&2; exit 1; }
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2; }
  echo "pelato setup: debootstrap $suite with $packages (once per machine, a few minutes)" >&2
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >&2
  mkdir -p "$cache/systemd-image"
  tar -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
docker import "$tarball" "$tag" >/dev/null
echo "$tag"
