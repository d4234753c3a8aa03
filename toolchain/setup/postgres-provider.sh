#!/usr/bin/env bash
# Builds toolchain/postgres-provider (the wasmCloud capability provider for PostgreSQL and
# `pelato-par`, which packages it as a provider archive) once per machine into $PELATO_CACHE/bin,
# and reuses it afterwards, with the provider archive made once from it (<binary>.par.gz: signed
# with keys made for it, so the same build is always the same archive and the same image digest).
# Prints the provider binary's path on stdout (pelato-par sits beside it with the same suffix);
# progress goes to stderr. Honours CARGO_BUILD_JOBS; run it under `nice` on a
# shared machine.
#
# The crate's Cargo.lock is wasmcloud-host 0.27.1's published lock plus the provider's own crates,
# and the build shares wasmcloud-host's target directory: run after wasmcloud-host.sh, the crates
# both build the same way are not compiled again.
set -euo pipefail
name=pelato-postgres-provider
crate="$(cd "$(dirname "${BASH_SOURCE[0]}")/../postgres-provider" && pwd)"
version="$(sed -n 's/^version = "\([^"]*\)".*/\1/p' "$crate/Cargo.toml" | head -n1)"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
hash="$(cd "$crate" && find Cargo.toml Cargo.lock src wit -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)"
bin="$cache/bin/$name-$version-$hash"
par="$cache/bin/pelato-par-$version-$hash"

need() { # need COMMAND DEBIAN-PACKAGE: apt-get installs the package when the command is missing
  command -v "$1" >/dev/null && return
  echo "pelato setup: installing $2 (for $1)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}

if [ ! -x "$bin" ] || [ ! -x "$par" ]; then
  mkdir -p "$cache/bin" "$cache/build"
  exec 9>"$cache/build/$name.lock"
  flock 9 # another run building the same binaries: wait for it, then reuse its result
fi
if [ ! -x "$bin" ] || [ ! -x "$par" ]; then
  {
    echo "pelato setup: building $name $version (once per machine: ≈ 8 min on 2 cores after wasmcloud-host, ≈ 11 min without it)"
    need cc gcc
    build="$cache/build/$name-$version-$hash"
    rm -rf "$build"
    mkdir -p "$build"
    cp -r "$crate/Cargo.toml" "$crate/Cargo.lock" "$crate/src" "$crate/wit" "$build/"
    export CARGO_TARGET_DIR="$cache/target/wasmcloud-host"
    cargo build --release --locked --manifest-path "$build/Cargo.toml"
    cp "$CARGO_TARGET_DIR/release/pelato-par" "$par.tmp"
    mv "$par.tmp" "$par"
    cp "$CARGO_TARGET_DIR/release/$name" "$bin.tmp"
    mv "$bin.tmp" "$bin"
    rm -rf "$build"
    echo "pelato setup: installed $bin and $par"
  } >&2
fi
if [ ! -s "$bin.par.gz" ]; then
  "$par" --binary "$bin" --name "$name" --vendor pelato --version "$version-$hash" --out "$bin.par.gz.tmp" >&2
  mv "$bin.par.gz.tmp" "$bin.par.gz"
fi
ln -sf "$(basename "$bin")" "$cache/bin/$name"
ln -sf "$(basename "$par")" "$cache/bin/pelato-par"
echo "$bin"
