#!/usr/bin/env bash
# Installs Debian's PostgreSQL server (initdb, pg_ctl) when missing, for the nats_to_postgres tests
# and bench/sink, which start their own clusters. Prints the folder of its binaries.
set -euo pipefail
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
bin="$(find_bin)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pelato setup: installing postgresql (for the nats_to_postgres tests)" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
  # The package starts a cluster on :5432; the tests start their own instead.
  bin="$(find_bin)"
fi
echo "$bin"
