#!/usr/bin/env bash
# A Python venv with PyPI's `wasmtime` (the real wasmtime engine, as wasmCloud hosts run it),
# used by the tests to run built components outside Node. Created once in $PELATO_CACHE.
set -euo pipefail
version="${WASMTIME_PY_VERSION:-50.0.1}"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
venv="$cache/venv-wasmtime-$version"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import wasmtime" 2>/dev/null; then
  echo "pelato setup: creating a Python venv with wasmtime $version" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "wasmtime==$version" >&2
fi
echo "$venv/bin/python"
