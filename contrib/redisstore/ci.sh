#!/usr/bin/env bash
# CI for contrib/redisstore: its tests need a real redis-server, which they
# start themselves on free loopback ports, and a real 3-master Redis Cluster,
# which this script starts (redis-server in cluster mode + redis-cli
# --cluster create) and hands to the tests in SIMKIT_REDIS_CLUSTER. With
# CI=true the tests fail instead of skipping when the server is missing, so
# this script installs it first.
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

# A 3-master cluster on loopback, no persistence, removed on exit.
cluster_dir="$(mktemp -d)"
cluster_pids=()
cleanup() {
  for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$cluster_dir"
}
trap cleanup EXIT
# A port nothing listens on (a connect attempt is refused).
# A cluster node also listens on its port + 10000 (the cluster bus). Both
# stay below Linux's ephemeral range (32768+), where the tests' own
# servers and every client connection take their ports, so they never race.
free_port() {
  while :; do
    p=$((10000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null; then
      echo "$p"; return
    fi
  done
}
addrs=()
for _ in 1 2 3; do
  port="$(free_port)"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "nodes-$port.conf" --cluster-node-timeout 2000 \
    --save "" --appendonly no --dir "$cluster_dir" --daemonize no >"$cluster_dir/$port.log" 2>&1 &
  cluster_pids+=("$!")
  addrs+=("127.0.0.1:$port")
done
for a in "${addrs[@]}"; do
  for _ in $(seq 100); do redis-cli -h "${a%:*}" -p "${a#*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
for a in "${addrs[@]}"; do
  for _ in $(seq 150); do
    redis-cli -h "${a%:*}" -p "${a#*:}" cluster info | grep -q cluster_state:ok && break
    sleep 0.1
  done
done
SIMKIT_REDIS_CLUSTER="$(IFS=,; echo "${addrs[*]}")"
export SIMKIT_REDIS_CLUSTER
echo "redis cluster: $SIMKIT_REDIS_CLUSTER"

go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
CI=true go test -race -count=1 ./...
