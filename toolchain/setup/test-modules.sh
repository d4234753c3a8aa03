#!/usr/bin/env bash
# Downloads the Go modules the tests' projects pin into the Go module cache (as `go get` in a
# project would), so that the tests themselves run with GOPROXY=off and send nothing anywhere.
set -euo pipefail
GOFLAGS=-mod=mod go mod download github.com/google/uuid@v1.6.0 >&2
GOFLAGS=-mod=mod go mod download github.com/tidwall/gjson@v1.18.0 github.com/tidwall/match@v1.1.1 github.com/tidwall/pretty@v1.2.0 >&2
