#!/usr/bin/env bash
# CI for contrib/redisstore: its tests need a real redis-server, which they
# start themselves on a free loopback port. With CI=true they fail instead of
# skipping when the server is missing, so this script installs it first.
set -euo pipefail
cd "$(dirname "$0")"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq
  # The package starts a service where systemd runs; the tests use their own
  # servers on other ports, so that one is harmless.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
# -race needs cgo and a C compiler.
if ! command -v gcc >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
fi
redis-server --version

go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
CI=true go test -race -count=1 ./...
