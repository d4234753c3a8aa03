#!/usr/bin/env bash
# Builds pelatod's pinned TinyGo toolchain image without an image registry: a Debian bookworm
# root filesystem (debootstrap) plus TinyGo, Go, LLVM 19, binaryen and wasm-tools, every input
# from a package registry and pinned in versions.env; then `docker|podman import`.
#
#   build-image.sh            build (or reuse) the image; prints its ID (sha256:…) on stdout
#   build-image.sh --tag      print the image tag pelatod looks for, and exit
#
# Results are cached in $PELATO_CACHE/build/tinygo (default ~/.cache/pelato): the built tinygo
# and wasm-tools binaries, the Debian sources and the final root filesystem tarball, so a wiped
# container store costs one import (≈ 1 min), not a rebuild. Progress goes to stderr.
# Needs: root, a Debian 12 host (the binaries built here link against bookworm's LLVM 19 and
# glibc, the image's own), Go >= 1.21 (it fetches Go $GO_VERSION itself), cargo, and docker or
# podman (PELATO_CONTAINER_ENGINE chooses). A machine with internet can use Containerfile instead.
set -euo pipefail
shopt -s inherit_errexit
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# The tag is a hash of the pins, of this recipe and of pelato's net package (net/*.go without its
# tests, in byte order); src/build/tinygo-image.ts derives the same.
net_sources() { find "$here/net" -maxdepth 1 -name '*.go' ! -name '*_test.go' | LC_ALL=C sort; }
key="$( (cat "$here/versions.env" "$here/build-image.sh"; net_sources | xargs cat) | sha256sum | cut -c1-12)"
tag="pelato-tinygo:$TINYGO_VERSION-$key"
if [ "${1:-}" = "--tag" ]; then echo "$tag"; exit 0; fi

cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
work="$cache/build/tinygo"
engine="${PELATO_CONTAINER_ENGINE:-$(command -v docker >/dev/null && echo docker || echo podman)}"
log() { echo "pelato tinygo: $*" >&2; }
image_id() { "$engine" image inspect --format '{{.Id}}' "$tag" 2>/dev/null; }

if id="$(image_id)"; then echo "$id"; exit 0; fi
mkdir -p "$work"
exec 9>"$work/build.lock"
flock 9 # a concurrent run is building the same image: wait, then reuse it
if id="$(image_id)"; then echo "$id"; exit 0; fi

rootfs_tar="$work/rootfs-$key.tar"
import_image() {
  log "importing $rootfs_tar as $tag"
  "$engine" import \
    --change "ENV PATH=/usr/local/tinygo/bin:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin" \
    --change "ENV GOROOT=/usr/local/go" --change "ENV GOTOOLCHAIN=local" --change "ENV GOFLAGS=-mod=mod" \
    --change "ENV HOME=/tmp" --change "ENV XDG_CACHE_HOME=/cache" --change "ENV GOCACHE=/cache/go-build" \
    --change "ENV GOPATH=/tmp/go" --change "WORKDIR /src" \
    --change "LABEL org.pelato.tinygo=$TINYGO_VERSION org.pelato.recipe=$key" \
    "$rootfs_tar" "$tag" >&2
  image_id
}
if [ -s "$rootfs_tar" ]; then import_image; exit 0; fi

t0=$SECONDS
log "building $tag (once per machine: TinyGo $TINYGO_VERSION, Go $GO_VERSION, LLVM $LLVM_MAJOR, wasm-tools $WASM_TOOLS_VERSION)"
[ "$(id -u)" = 0 ] || { log "needs root (debootstrap, chroot)"; exit 1; }
grep -q "VERSION_CODENAME=$DEBIAN_SUITE" /etc/os-release || {
  log "the offline recipe needs a Debian $DEBIAN_SUITE host (its binaries link against the image's libraries); elsewhere build toolchain/tinygo/Containerfile"
  exit 1
}
pkgs=(debootstrap "llvm-$LLVM_MAJOR-dev=$LLVM_DEB_VERSION" "libclang-$LLVM_MAJOR-dev=$LLVM_DEB_VERSION" g++ xz-utils)
if ! dpkg-query -W debootstrap "llvm-$LLVM_MAJOR-dev" "libclang-$LLVM_MAJOR-dev" g++ xz-utils >/dev/null 2>&1; then
  log "installing the host's build dependencies: ${pkgs[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
fi
for c in go cargo; do command -v "$c" >/dev/null || { log "needs $c on PATH"; exit 1; }; done

mkdir -p "$work/logs"
gomod="$work/gomod"
tinygo_bin="$work/tinygo-$TINYGO_VERSION-llvm$LLVM_MAJOR/tinygo"
wasm_tools="$work/wasm-tools-$WASM_TOOLS_VERSION/bin/wasm-tools"
srcs="$work/src"
rootfs="$work/rootfs-$key"

# go mod download, checked against the pinned h1: sum; prints the module's folder.
go_download() {
  local json
  json="$(GOMODCACHE="$gomod" GOFLAGS=-modcacherw GOTOOLCHAIN=local go mod download -json "$1")"
  grep -q "\"Sum\": \"$2\"" <<<"$json" || { log "$1: checksum is not the pinned $2"; return 1; }
  sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$json"
}

build_tinygo() {
  [ -x "$tinygo_bin" ] && return
  local src goroot
  goroot="$(go_download "golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-amd64" "$GO_MODULE_SUM")"
  chmod +x "$goroot"/bin/* "$goroot"/pkg/tool/*/* # what GOTOOLCHAIN does after its download
  src="$(go_download "github.com/tinygo-org/tinygo@v$TINYGO_VERSION" "$TINYGO_MODULE_SUM")"
  mkdir -p "$(dirname "$tinygo_bin")"
  # TinyGo's own dependencies come through the proxy too (its go.sum pins them).
  (cd "$src" && PATH="$goroot/bin:$PATH" GOROOT="$goroot" GOTOOLCHAIN=local GOMODCACHE="$gomod" GOFLAGS=-modcacherw \
    nice -n 10 go build -tags="llvm$LLVM_MAJOR" -trimpath -o "$tinygo_bin.tmp" .)
  mv "$tinygo_bin.tmp" "$tinygo_bin"
}

build_wasm_tools() {
  [ -x "$wasm_tools" ] && return
  # Only the `component` subcommands (embed, new, wit): a third of the full build.
  CARGO_TARGET_DIR="$work/wasm-tools-target" nice -n 10 cargo install --locked --quiet "wasm-tools@$WASM_TOOLS_VERSION" \
    --no-default-features --features component --root "$work/wasm-tools-$WASM_TOOLS_VERSION"
  rm -rf "$work/wasm-tools-target"
}

# Debian source packages through apt with a private list folder (the host's apt setup is untouched).
fetch_sources() {
  [ -f "$srcs/.done" ] && return
  local apt=("-o" "Dir::Etc::SourceList=$srcs/apt/sources.list" "-o" "Dir::Etc::SourceParts=/dev/null"
    "-o" "Dir::State::Lists=$srcs/apt/lists" "-o" "Dir::Cache=$srcs/apt/cache")
  mkdir -p "$srcs/apt/lists/partial" "$srcs/apt/cache"
  echo "deb-src http://deb.debian.org/debian $DEBIAN_SUITE main" >"$srcs/apt/sources.list"
  apt-get "${apt[@]}" update -qq
  (cd "$srcs" && apt-get "${apt[@]}" source --download-only -qq \
    "llvm-toolchain-$LLVM_MAJOR=$LLVM_DEB_VERSION" "wasi-libc=$WASI_LIBC_DEB_VERSION")
  (cd "$srcs" && sha256sum -c <<<"$LLVM_SRC_SHA256  $LLVM_SRC_ORIG
$WASI_LIBC_SRC_SHA256  $WASI_LIBC_SRC_ORIG")
  rm -rf "$srcs/compiler-rt-builtins" "$srcs/wasi-libc"
  mkdir -p "$srcs/compiler-rt-builtins" "$srcs/wasi-libc"
  tar -xJf "$srcs/$LLVM_SRC_ORIG" -C "$srcs/compiler-rt-builtins" --strip-components=4 --wildcards '*/compiler-rt/lib/builtins/*'
  tar -xJf "$srcs/$WASI_LIBC_SRC_ORIG" -C "$srcs/wasi-libc" --strip-components=1
  rm -f "$srcs/$LLVM_SRC_ORIG" # 160 MB, no longer needed
  touch "$srcs/.done"
}

make_rootfs() {
  rm -rf "$rootfs"
  nice -n 10 debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" http://deb.debian.org/debian
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  chroot "$rootfs" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends \
    "clang-$LLVM_MAJOR=$LLVM_DEB_VERSION" "lld-$LLVM_MAJOR=$LLVM_DEB_VERSION" \
    "libclang1-$LLVM_MAJOR=$LLVM_DEB_VERSION" "binaryen=$BINARYEN_DEB_VERSION"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info
  : >"$rootfs/etc/resolv.conf"
}

# The four slow parts run at once; each logs to $work/logs/<part>.log.
pids=()
for part in build_tinygo build_wasm_tools fetch_sources make_rootfs; do
  ( s=$SECONDS; $part >"$work/logs/$part.log" 2>&1; echo "$part: $((SECONDS - s)) s" >>"$work/logs/$part.log" ) &
  pids+=("$!:$part")
done
failed=0
for p in "${pids[@]}"; do
  if wait "${p%%:*}"; then log "$(tail -n1 "$work/logs/${p#*:}.log")"; else
    failed=1; log "${p#*:} failed; the end of $work/logs/${p#*:}.log:"; tail -n 20 "$work/logs/${p#*:}.log" >&2
  fi
done
[ "$failed" = 0 ] || exit 1

# TINYGOROOT as a release lays it out: bin/, src/, targets/, lib/ (the submodules' stand-ins).
tinygo_src="$gomod/github.com/tinygo-org/tinygo@v$TINYGO_VERSION"
root="$rootfs/usr/local/tinygo"
mkdir -p "$root/bin" "$root/lib/wasi-cli/wit/deps"
cp "$tinygo_bin" "$root/bin/tinygo"
cp -r "$tinygo_src/src" "$tinygo_src/targets" "$tinygo_src/LICENSE" "$root/"
cp "$tinygo_src/lib/picolibc-stdio.c" "$root/lib/" 2>/dev/null || true
mkdir -p "$root/src/net" # pelato's net in place of the tinygo-org/net submodule (see versions.env)
net_sources | xargs cp -t "$root/src/net/"
cp -r "$srcs/compiler-rt-builtins" "$srcs/wasi-libc" "$root/lib/"
cp "$repo"/templates/wit/deps/cli/*.wit "$root/lib/wasi-cli/wit/"
for d in io clocks random filesystem sockets; do cp -r "$repo/templates/wit/deps/$d" "$root/lib/wasi-cli/wit/deps/"; done
cp -r "$gomod/golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-amd64" "$rootfs/usr/local/go"
cp "$wasm_tools" "$rootfs/usr/local/bin/wasm-tools"
mkdir -p "$rootfs/etc/pelato" "$rootfs/src" "$rootfs/out" "$rootfs/cache"
chmod 1777 "$rootfs/cache" "$rootfs/tmp"
cp "$here/versions.env" "$rootfs/etc/pelato/tinygo-versions.env"
chmod -R u+w,go+rX "$rootfs/usr/local"

# Smoke test before anything is kept: the toolchain runs in the root filesystem.
chroot "$rootfs" env PATH=/usr/local/tinygo/bin:/usr/local/go/bin:/usr/bin:/bin GOROOT=/usr/local/go tinygo version >&2
tar --numeric-owner -C "$rootfs" -cf "$rootfs_tar.tmp" .
mv "$rootfs_tar.tmp" "$rootfs_tar"
rm -rf "$rootfs"
import_image
# Older recipes' root filesystems (≈ 800 MB each) and TinyGo builds are of no further use.
find "$work" -mindepth 1 -maxdepth 1 \( \( -name 'rootfs-*' ! -name "rootfs-$key.tar" \) -o \
  \( -name 'tinygo-*-llvm*' ! -name "tinygo-$TINYGO_VERSION-llvm$LLVM_MAJOR" \) \) -exec rm -rf {} +
log "built $tag in $((SECONDS - t0)) s"
