#!/usr/bin/env bash
# stacklab's benchmarks (DESIGN.md, "Performance targets"). `make bench` runs
#   bench/run_bench.sh build
# It starts stacklab itself (a temporary --state directory, a free port) and measures:
#   - in-process (Google Benchmark), each if built: identity operations (build/bench/identity_bench),
#     volume cycles and scheduler (volume_bench), IPAM and reachability (network_bench);
#   - `stacklab up` start-to-ready: exec until GET /identity/v3 answers (and until the first
#     token is issued), median of $STARTS runs, for --ephemeral, a fresh --state dir and a restart
#     on an existing one (bench/startup_time.py);
#   - over HTTP with wrk (bench/wrk_token_*.lua): token issue (POST, password method, project
#     scope) and token validate (GET with X-Subject-Token), with and without the catalog:
#     req/s, p50/p99, and the server's CPU time per request;
#   - VmRSS idle after start and after the load.
# With WITH_KEYSTONE=1 it then runs bench/keystone_baseline.sh in the same session (installs
# Debian's Keystone, see that script) and prints stacklab/keystone ratios.
#
#   - images (bench/image_bench.py): 1 GiB upload and download against `cat` of the file, and
#     image-list latency with 10,000 images (WITH_IMAGES=0 skips it);
#   - servers (bench/server_bench.py): POST /servers and GET /servers/detail with 10,000 servers
#     on 1,000 simulated hosts (WITH_SERVERS=0 skips it);
# Settings (environment): DURATION=10s THREADS=2 CONNECTIONS=4 STARTS=10 WITH_KEYSTONE=0 WITH_IMAGES=1
#   OUT=bench/out/<date>  (results.txt, wrk logs, identity_bench output)
# Keep runs short: the machine is shared, and wrk runs on the same cores as the server.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN=$BUILD/stacklab
source "$HERE/bench_lib.sh"

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-4}
STARTS=${STARTS:-10}
WITH_KEYSTONE=${WITH_KEYSTONE:-0}
OUT=${OUT:-$HERE/out/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS=${RESULTS:-$OUT/results.txt}
export OUT RESULTS DURATION THREADS CONNECTIONS

[[ -x $BIN ]] || { echo "run_bench.sh: no $BIN (make build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "run_bench.sh: wrk is missing (apt-get install wrk; it is in deps.txt)" >&2; exit 1; }

SL_PID=
STATE=
cleanup() {
  if [[ -n $SL_PID ]] && kill -0 "$SL_PID" 2>/dev/null; then
    kill -TERM "$SL_PID" 2>/dev/null || true
    wait "$SL_PID" 2>/dev/null || true
  fi
  [[ -n $STATE ]] && rm -rf "$STATE"
  return 0
}
trap cleanup EXIT

echo "== stacklab benchmarks -> $OUT"
record_machine
record wrk.threads "$THREADS"
record wrk.connections "$CONNECTIONS"
record wrk.duration "$DURATION"
record sl.binary "$BIN"
record sl.binary_mtime "$(date -u -r "$BIN" +%Y-%m-%dT%H:%M:%SZ)"
record sl.git_head "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
record sl.git_dirty "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l)"
record sl.password_hash "\"pbkdf2_sha512, 10000 rounds ([identity] password_hash_rounds default)\""
record sl.io_threads 2

# ---- 1. in-process (Google Benchmark) ----------------------------------------------------------
# in_process NAME MIN_TIME WHAT: one Google Benchmark binary, if built.
in_process() {
  local name=$1 min_time=$2 what=$3
  if [[ -x $BUILD/bench/$name ]]; then
    echo "== $name ($what)"
    "$BUILD/bench/$name" --benchmark_min_time="$min_time" \
      --benchmark_out="$OUT/$name.json" --benchmark_out_format=json 2>&1 | tee "$OUT/$name.txt" |
      grep -E '^(BM_|Benchmark|-)' || true
  else
    echo "== $name not built (cmake --build $BUILD --target $name); skipped"
  fi
}
in_process identity_bench 0.3 "in-process, one thread"
in_process volume_bench 1 "in-process: volume cycles, cinder-scheduler decisions"
in_process network_bench 0.5 "in-process: IPAM at 60,000 ports, reachability over 1,000 routers"

# ---- 2. start-to-ready ---------------------------------------------------------------------------
echo "== stacklab up: start-to-ready, $STARTS runs each"
for mode in ephemeral fresh restart; do
  line=$("$HERE/startup_time.py" "$BIN" --mode "$mode" --repeat "$STARTS" 2>>"$OUT/startup.txt" | grep '^STARTUP ')
  echo "   $line"
  echo "$line" >>"$OUT/startup.txt"
  for kv in ${line#STARTUP }; do
    [[ ${kv%%=*} == mode ]] || record "sl.startup_$mode.${kv%%=*}" "${kv#*=}"
  done
done

# ---- 3. HTTP under load --------------------------------------------------------------------------
PORT=$(free_port)
STATE=$(mktemp -d /tmp/stacklab-bench.XXXXXX)
BASE=http://127.0.0.1:$PORT/identity
"$BIN" up --state "$STATE/state" --listen "127.0.0.1:$PORT" --quiet >"$OUT/stacklab.stdout" 2>&1 &
SL_PID=$!
SERVER_PIDS=$SL_PID
wait_http "$BASE/v3" 30 || { echo "stacklab did not answer on $BASE/v3" >&2; exit 1; }
sleep 1
record sl.rss_idle_kb "$(rss_kb "$SL_PID")"
echo "== stacklab pid $SL_PID on $BASE; idle VmRSS $(rss_kb "$SL_PID") kB"

ADMIN_TOKEN=$(issue_token "$BASE" admin nomoresecret admin)
[[ -n $ADMIN_TOKEN ]] || { echo "could not issue the admin token" >&2; exit 1; }
DEMO_TOKEN=$(issue_token "$BASE" demo nomoresecret demo)
[[ -n $DEMO_TOKEN ]] || { echo "could not issue the demo token" >&2; exit 1; }
curl -s -H "X-Auth-Token: $ADMIN_TOKEN" -H "X-Subject-Token: $DEMO_TOKEN" "$BASE/v3/auth/tokens" >"$OUT/stacklab_token_body.json"
record sl.token_body_bytes "$(wc -c <"$OUT/stacklab_token_body.json")"

run_wrk sl.issue "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens"
sleep 1
run_wrk sl.issue_nocatalog "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens?nocatalog"
sleep 1
run_wrk sl.validate "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$DEMO_TOKEN"
sleep 1
run_wrk sl.validate_nocatalog "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens?nocatalog" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$DEMO_TOKEN"
sleep 2
record sl.rss_after_load_kb "$(rss_kb "$SL_PID")"
echo "== VmRSS after the load: $(rss_kb "$SL_PID") kB"
cleanup
SL_PID=
STATE=

# ---- 4. images: 1 GiB upload/download against cat, list latency with 10,000 images --------------
if [[ ${WITH_IMAGES:-1} == 1 ]]; then
  echo "== image benchmark (bench/image_bench.py)"
  python3 "$HERE/image_bench.py" "$BIN" | tee "$OUT/image_bench.txt" | while read -r k v; do record "img.$k" "$v"; done
fi

if [[ ${WITH_SERVERS:-1} == 1 ]]; then
  echo "== compute servers benchmark (bench/server_bench.py: 10,000 servers on 1,000 simulated hosts)"
  python3 "$HERE/server_bench.py" "$BIN" | tee "$OUT/server_bench.txt" | while read -r k v; do record "srv.$k" "$v"; done
fi

# ---- 5. upstream Keystone, same session ----------------------------------------------------------
if [[ $WITH_KEYSTONE == 1 ]]; then
  "$HERE/keystone_baseline.sh" || echo "keystone_baseline.sh failed; see $OUT" >&2
fi

echo
echo "== summary ($RESULTS)"
"$PY" "$HERE/summarize.py" "$RESULTS"
