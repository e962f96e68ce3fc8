#!/usr/bin/env bash
# /metrics is valid Prometheus text: start stacklab, make some traffic, and
# run `promtool check metrics` (Debian's prometheus package) on what it serves.
set -euo pipefail
bin=${1:-build/stacklab}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" up --ephemeral --listen 127.0.0.1:"$port" --quiet >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/identity/v3" >/dev/null && break; sleep 0.05; done
auth='{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"nomoresecret"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}'
tok=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' -d "$auth" "http://127.0.0.1:$port/identity/v3/auth/tokens" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}')
curl -s -o /dev/null -H "X-Auth-Token: $tok" "http://127.0.0.1:$port/identity/v3/projects"
curl -s -o /dev/null "http://127.0.0.1:$port/identity/v3/projects"   # a 401
curl -s -o /dev/null "http://127.0.0.1:$port/nowhere"                # a 404
out=$(curl -sf "http://127.0.0.1:$port/metrics")
echo "$out" | grep -q 'stacklab_http_requests_total{.*status="401"' || { echo "FAIL: 401 not counted"; exit 1; }
echo "$out" | grep -q 'stacklab_http_request_duration_seconds_bucket' || { echo "FAIL: no latency histogram"; exit 1; }
if echo "$out" | promtool check metrics; then
  echo "promtool check metrics: PASS"
else
  echo "promtool check metrics: FAIL"
  exit 1
fi
