# Sourced by the setup scripts of tools built from a Go module (nats-server, toxiproxy, oras).
# go_binary NAME PACKAGE VERSION NOTE: builds PACKAGE@VERSION once into $PELATO_CACHE/bin/NAME-VERSION
# (NOTE says how long, for the first time) and prints that path; reuses it afterwards.
go_binary() {
  local name="$1" package="$2" version="$3" note="$4"
  local cache="${PELATO_CACHE:-$HOME/.cache/pelato}"
  local bin="$cache/bin/$name-$version"
  if [ ! -x "$bin" ]; then
    echo "pelato setup: building $name $version (once per machine, $note)" >&2
    local tmp
    tmp="$(mktemp -d)"
    GOBIN="$tmp" GOFLAGS=-mod=mod go install "$package@$version" >&2
    mkdir -p "$cache/bin"
    # go install names the binary after the package's last element, or the one before a /vN.
    local built="${package##*/}"
    if [[ "$built" =~ ^v[0-9]+$ ]]; then built="${package%/*}" && built="${built##*/}"; fi
    mv "$tmp/$built" "$bin"
    rmdir "$tmp"
  fi
  echo "$bin"
}
