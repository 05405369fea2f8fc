#!/usr/bin/env bash
# Runs the official Airalo Node SDK (npm: airalo-sdk), unchanged except for
# its base URL, through a top-up journey against `simkit fakes --http2`
# (HTTPS; Node's https module speaks HTTP/1.1 to it, curl HTTP/2), then
# checks through the admin API (curl only) that exactly one top-up was
# made. Needs go, node >= 18, npm, curl and network access to the npm
# registry. Usage: scripts/officialclients/airalo-node.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SDK_VERSION="${AIRALO_SDK_VERSION:-1.2.2}"

tmp="$(mktemp -d)"
fakes_pid=""
cleanup() {
  if [ -n "$fakes_pid" ]; then kill "$fakes_pid" 2>/dev/null || true; wait "$fakes_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/simkit" ./cmd/simkit
(cd "$tmp" && npm install --silent --no-audit --no-fund --no-save "airalo-sdk@$SDK_VERSION" >/dev/null)

"$tmp/simkit" fakes --http2 --cert-file "$tmp/cert.pem" --env-file "$tmp/env" >/dev/null 2>"$tmp/fakes.log" &
fakes_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/env" ] && break; sleep 0.1; done
[ -s "$tmp/env" ] || { cat "$tmp/fakes.log"; echo "simkit fakes did not start" >&2; exit 1; }
set -a; . "$tmp/env"; set +a

export NODE_EXTRA_CA_CERTS="$tmp/cert.pem" AIRALO_SDK_CACHE_PATH="$tmp/cache"
export NODE_PATH="$tmp/node_modules" ICCID=89852341234567890123 REFERENCE="ci-$$-$RANDOM"
node scripts/officialclients/airalo-node.js

orders="$(curl -fsS --cacert "$tmp/cert.pem" "$SIMKIT_FAKES_ADMIN_URL/journal/orders?provider=topups&ref=$REFERENCE")"
echo "admin journal: $orders"
case "$orders" in *'"orders":1'*) ;; *) echo "want exactly one top-up for $REFERENCE" >&2; exit 1 ;; esac
routes="$(curl -fsS --cacert "$tmp/cert.pem" "$SIMKIT_FAKES_ADMIN_URL/journal?provider=topups" | grep -o '"route":"[^"]*"' | sort | uniq -c)"
echo "$routes"
proto="$(curl -sS -o /dev/null --http2 -w '%{http_version}' --cacert "$tmp/cert.pem" "$SIMKIT_SMS_BASE_URL/v1/guest/countries")"
echo "curl over the same TLS listener: HTTP/$proto"
[ "$proto" = 2 ] || { echo "want HTTP/2" >&2; exit 1; }
