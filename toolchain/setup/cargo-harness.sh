#!/usr/bin/env bash
# Builds a Rust harness crate of toolchain/<name> (wadm, wasmcloud-host) once per machine into
# $PELATO_CACHE/bin, with the published crate's own Cargo.lock, and reuses it afterwards. Prints the
# binary's path on stdout; progress goes to stderr. Honours CARGO_BUILD_JOBS; run it under `nice`
# on a shared machine.
set -euo pipefail
name="${1:?usage: cargo-harness.sh wadm|wasmcloud-host}"
harness="$(cd "$(dirname "${BASH_SOURCE[0]}")/../$name" && pwd)"
version="$(sed -n "s/^$name = .*\"=\([^\"]*\)\".*/\1/p" "$harness/Cargo.toml")"
cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
hash="$(cat "$harness/Cargo.toml" "$harness/src/main.rs" | sha256sum | cut -c1-12)"
bin="$cache/bin/$name-$version-$hash"

need() { # need COMMAND DEBIAN-PACKAGE: apt-get installs the package when the command is missing
  command -v "$1" >/dev/null && return
  echo "pelato setup: installing $2 (for $1)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}

if [ ! -x "$bin" ]; then
  mkdir -p "$cache/bin" "$cache/build"
  exec 9>"$cache/build/$name.lock"
  flock 9 # another run building the same binary: wait for it, then reuse its result
fi
if [ ! -x "$bin" ]; then
  {
    echo "pelato setup: building $name $version (once per machine: wadm ≈ 7 min, wasmcloud-host ≈ 25 min on 2 cores)"
    need cc gcc
    build="$cache/build/$name-$version-$hash"
    rm -rf "$build"
    mkdir -p "$build"
    cp -r "$harness/Cargo.toml" "$harness/src" "$build/"

    # The published crate ships the Cargo.lock it was tested with; fetch the crate (through
    # cargo, into its registry cache) and start from that lock.
    registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
    lock="$(ls "$registry"/*/"$name-$version"/Cargo.lock 2>/dev/null | head -n1 || true)"
    if [ -z "$lock" ]; then
      mkdir -p "$build/fetch/src"
      printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
        "$name" "$version" >"$build/fetch/Cargo.toml"
      : >"$build/fetch/src/lib.rs"
      cargo fetch --manifest-path "$build/fetch/Cargo.toml"
      lock="$(ls "$registry"/*/"$name-$version"/Cargo.lock | head -n1)"
    fi
    cp "$lock" "$build/Cargo.lock"
    chmod u+w "$build/Cargo.lock"
    # In that lock the crate is the root (path) package. Let cargo make it a registry entry, add the
    # harness's entry and drop the crate's dev-dependencies; it keeps every other locked version.
    cargo fetch --manifest-path "$build/Cargo.toml"
    pkgs() { awk '/^name = /{n=$3} /^version = /{if(n!=""){print n, $3; n=""}}' "$1" | sort; }
    added="$(comm -13 <(pkgs "$lock") <(pkgs "$build/Cargo.lock") | grep -v '^"pelato-' || true)"
    if [ -n "$added" ]; then
      echo "pelato setup: the harness would change versions from $name's Cargo.lock:" "$added"
      exit 1
    fi

    export CARGO_TARGET_DIR="$cache/target/$name"
    cargo build --release --locked --manifest-path "$build/Cargo.toml"
    cp "$CARGO_TARGET_DIR/release/$name" "$bin.tmp"
    mv "$bin.tmp" "$bin"
    echo "pelato setup: installed $bin"
  } >&2
fi
ln -sf "$(basename "$bin")" "$cache/bin/$name"
echo "$bin"
