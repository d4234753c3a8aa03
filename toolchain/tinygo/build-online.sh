#!/usr/bin/env bash
# With internet: builds the TinyGo toolchain image from Containerfile (the official TinyGo image
# plus wasm-tools) under the tag pelatod looks for. The base images must be pinned by digest in
# versions.env first; print the digests to pin with
#   docker buildx imagetools inspect ghcr.io/tinygo-org/tinygo:0.40.1 --format '{{.Manifest.Digest}}'
#   docker buildx imagetools inspect docker.io/library/rust:1.88-bookworm --format '{{.Manifest.Digest}}'
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
engine="${PELATO_CONTAINER_ENGINE:-$(command -v docker >/dev/null && echo docker || echo podman)}"
if [ -z "$UPSTREAM_DIGEST" ] || [ -z "$RUST_IMAGE_DIGEST" ]; then
  echo "pelato tinygo: pin UPSTREAM_DIGEST and RUST_IMAGE_DIGEST in $here/versions.env first (see the top of this script)" >&2
  exit 1
fi
tag="$(bash "$here/build-image.sh" --tag)"
"$engine" build -f "$here/Containerfile" -t "$tag" \
  --build-arg "UPSTREAM_IMAGE=$UPSTREAM_IMAGE" --build-arg "UPSTREAM_DIGEST=$UPSTREAM_DIGEST" \
  --build-arg "RUST_IMAGE=$RUST_IMAGE@$RUST_IMAGE_DIGEST" --build-arg "WASM_TOOLS_VERSION=$WASM_TOOLS_VERSION" "$here" >&2
"$engine" image inspect --format '{{.Id}}' "$tag"
