#!/usr/bin/env bash
# Upstream Keystone on this machine, measured with the same wrk scripts as stacklab
# (DESIGN.md: "Token issue + validate: > 20x the requests per second of upstream Keystone
# measured on the same machine").
#
# INSTALLS PACKAGES: Debian 12's python3-keystone (Keystone 22, Zed), uwsgi-core and
# uwsgi-plugin-python3, with apt-get (--no-install-recommends), if they are missing. They are
# for this baseline only and deliberately not in deps.txt. The `keystone` package itself
# (its debconf/dbconfig/apache setup) is not needed and not installed.
#
# What it sets up, in a temporary directory ($KS_WORK), the way a deployment would:
#   keystone.conf: SQLite database, fernet tokens, default password hashing (bcrypt, passlib's
#     default 12 rounds), no cache (Keystone's default; DevStack adds memcached), debug off;
#   keystone-manage db_sync, fernet_setup, credential_setup, bootstrap (admin/admin, RegionOne,
#     identity endpoints); the rest of the lab's catalog (12 services, 36 endpoints, DevStack's
#     paths, as stacklab's lab) is added through the API, so token bodies have the same catalog;
#   a second admin, admin_pbkdf2, bootstrapped with [identity] password_hash_algorithm =
#     pbkdf2_sha512 and password_hash_rounds = 10000 (stacklab's hash and rounds), so issue can
#     be compared with the same hash cost too (Keystone picks the hasher from the stored hash);
#   keystone-wsgi-public served by uwsgi: $KS_PROCESSES processes x 1 thread (DevStack's
#     layout), HTTP/1.1 keep-alive socket straight to uwsgi (no Apache in front), request
#     logging off.
# Then: start-to-ready ($KS_STARTS times), RSS/PSS, and wrk runs: issue (bcrypt admin),
# issue (pbkdf2 admin, with and without catalog), validate (with and without catalog); then,
# restarted with [cache] enabled = true (dogpile.cache.memory), issue (pbkdf2) and validate again.
#
# Usage: bench/keystone_baseline.sh      (run_bench.sh calls it with WITH_KEYSTONE=1)
# Settings: DURATION=10s THREADS=2 CONNECTIONS=4 KS_PROCESSES=2 KS_STARTS=3 KS_KEEP=0
#   OUT/RESULTS as in run_bench.sh (results go to the same results.txt when called from it).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench_lib.sh"

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-4}
KS_PROCESSES=${KS_PROCESSES:-2}
KS_STARTS=${KS_STARTS:-3}
KS_KEEP=${KS_KEEP:-0}
PASSWORD=nomoresecret
OUT=${OUT:-$HERE/out/keystone-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS=${RESULTS:-$OUT/results.txt}
if [[ ! -s $RESULTS ]]; then
  record_machine
  record wrk.threads "$THREADS"
  record wrk.connections "$CONNECTIONS"
  record wrk.duration "$DURATION"
fi

# ---- packages ----------------------------------------------------------------------------------
PKGS="python3-keystone uwsgi-core uwsgi-plugin-python3"
missing=
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [[ -n $missing ]]; then
  SUDO=; [[ $(id -u) == 0 ]] || SUDO=sudo
  echo "keystone_baseline.sh: installing Debian packages for the baseline:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
record ks.version "$(dpkg-query -W -f='${Version}' python3-keystone)"
record ks.uwsgi_version "$(dpkg-query -W -f='${Version}' uwsgi-core)"
record ks.processes "$KS_PROCESSES"

# ---- configuration -----------------------------------------------------------------------------
KS_WORK=${KS_WORK:-$(mktemp -d /tmp/keystone-bench.XXXXXX)}
mkdir -p "$KS_WORK"
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
UWSGI_PID=
cleanup() {
  if [[ -n $UWSGI_PID ]] && kill -0 "$UWSGI_PID" 2>/dev/null; then
    kill -TERM "$UWSGI_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$UWSGI_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  UWSGI_PID=
  if [[ $KS_KEEP != 1 ]]; then rm -rf "$KS_WORK"; fi
  return 0
}
trap cleanup EXIT

cat >"$KS_WORK/keystone.conf" <<EOF
[DEFAULT]
debug = false
log_file = $KS_WORK/keystone.log
[database]
connection = sqlite:///$KS_WORK/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $KS_WORK/fernet-keys
[fernet_receipts]
key_repository = $KS_WORK/fernet-receipts
[credential]
key_repository = $KS_WORK/credential-keys
[identity]
# Keystone's defaults, spelled out: bcrypt with passlib's default cost (12).
password_hash_algorithm = bcrypt
EOF
# The second configuration: Keystone's cache on, in each worker's memory. DevStack turns the
# cache on with memcached; an in-process dict is the cheapest backend there is, so this is
# Keystone at its fastest.
cat >"$KS_WORK/cache.conf" <<EOF
[cache]
enabled = true
backend = dogpile.cache.memory
EOF
cat >"$KS_WORK/pbkdf2.conf" <<EOF
[identity]
password_hash_algorithm = pbkdf2_sha512
password_hash_rounds = 10000
EOF
record ks.password_hash "\"admin: bcrypt 12 rounds (Keystone default); admin_pbkdf2: pbkdf2_sha512 10000 rounds\""

KM=(keystone-manage --config-file "$KS_WORK/keystone.conf")
echo "== keystone: setting up in $KS_WORK"
mkdir -p "$KS_WORK"/{fernet-keys,fernet-receipts,credential-keys}
"${KM[@]}" db_sync >"$KS_WORK/manage.log" 2>&1
# WAL, so that one uwsgi worker's open read does not lock the other's writes out ("database is
# locked" after 5 s in the default rollback-journal mode; a real deployment would use MySQL).
sqlite3 "$KS_WORK/keystone.db" 'PRAGMA journal_mode=WAL;' >/dev/null
"${KM[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >>"$KS_WORK/manage.log" 2>&1
"${KM[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >>"$KS_WORK/manage.log" 2>&1
# Receipts (MFA) keys: fernet_setup only does tokens; copy the layout so keystone-status is quiet.
cp -a "$KS_WORK/fernet-keys/." "$KS_WORK/fernet-receipts/"
"${KM[@]}" bootstrap --bootstrap-password "$PASSWORD" --bootstrap-username admin \
  --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
  --bootstrap-region-id RegionOne --bootstrap-admin-url "$BASE" \
  --bootstrap-internal-url "$BASE" --bootstrap-public-url "$BASE" >>"$KS_WORK/manage.log" 2>&1
"${KM[@]}" --config-file "$KS_WORK/pbkdf2.conf" bootstrap --bootstrap-password "$PASSWORD" \
  --bootstrap-username admin_pbkdf2 --bootstrap-project-name admin --bootstrap-role-name admin \
  >>"$KS_WORK/manage.log" 2>&1
sqlite3 "$KS_WORK/keystone.db" \
  "select u.name, substr(p.password_hash, 1, 22) from password p join local_user u on u.id = p.local_user_id;" |
  sed 's/^/   stored hash: /'

# ---- uwsgi ---------------------------------------------------------------------------------------
KS_CONFIG_FILES=keystone.conf
start_keystone() {  # with the config files in $KS_CONFIG_FILES (';'-separated, in $KS_WORK)
  : >"$KS_WORK/uwsgi.log"
  uwsgi --plugin python3 --http11-socket "127.0.0.1:$PORT" --wsgi-file /usr/bin/keystone-wsgi-public \
    --master --processes "$KS_PROCESSES" --threads 1 --enable-threads --lazy-apps --thunder-lock \
    --buffer-size 65535 --die-on-term --disable-logging --need-app \
    --env "OS_KEYSTONE_CONFIG_DIR=$KS_WORK" --env "OS_KEYSTONE_CONFIG_FILES=$KS_CONFIG_FILES" --logto "$KS_WORK/uwsgi.log" \
    --pidfile "$KS_WORK/uwsgi.pid" >/dev/null 2>&1 &
  UWSGI_PID=$!
}
# Ready: every worker has loaded the app and GET /v3 answers.
wait_keystone() {
  local i
  for ((i = 0; i < 1200; i++)); do
    if [[ $(grep -c 'WSGI app 0 (mountpoint=.*) ready' "$KS_WORK/uwsgi.log" 2>/dev/null) -ge $KS_PROCESSES ]] &&
      curl -s -o /dev/null -f --max-time 5 "$BASE/v3"; then
      return 0
    fi
    kill -0 "$UWSGI_PID" 2>/dev/null || { echo "uwsgi died; see $KS_WORK/uwsgi.log" >&2; tail -20 "$KS_WORK/uwsgi.log" >&2; return 1; }
    sleep 0.01
  done
  return 1
}
stop_keystone() {
  kill -TERM "$UWSGI_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$UWSGI_PID" 2>/dev/null || break; sleep 0.1; done
  UWSGI_PID=
}

echo "== keystone: start-to-ready (all $KS_PROCESSES workers loaded and GET /v3 answers), $KS_STARTS runs"
times=()
for ((n = 0; n < KS_STARTS; n++)); do
  t0=$(date +%s%N)
  start_keystone
  wait_keystone || { echo "keystone did not start" >&2; exit 1; }
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000000)))
  stop_keystone
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
echo "   times_ms: ${times[*]}; median $median ms"
record ks.startup.n "$KS_STARTS"
record ks.startup.median_ms "$median"
record ks.startup.times_ms "\"${times[*]}\""

start_keystone
wait_keystone || { echo "keystone did not start" >&2; exit 1; }
workers=$(pgrep -P "$UWSGI_PID" | tr '\n' ' ')
SERVER_PIDS="$UWSGI_PID $workers"
echo "== keystone (uwsgi master $UWSGI_PID, workers $workers) on $BASE"

# The rest of the lab's catalog (stacklab: scenarios/lab/lab_profile.cpp), through the API.
ADMIN_TOKEN=$(issue_token "$BASE" admin "$PASSWORD" admin)
[[ -n $ADMIN_TOKEN ]] || { echo "could not issue the admin token" >&2; exit 1; }
api() {  # api METHOD PATH JSON: prints the response body
  curl -s -f -X "$1" -H "X-Auth-Token: $ADMIN_TOKEN" -H 'Content-Type: application/json' "$BASE$2" -d "$3"
}
while IFS='|' read -r name type path description; do
  sid=$(api POST /v3/services "{\"service\":{\"name\":\"$name\",\"type\":\"$type\",\"description\":\"$description\"}}" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["service"]["id"])')
  for iface in public internal admin; do
    api POST /v3/endpoints "{\"endpoint\":{\"service_id\":\"$sid\",\"interface\":\"$iface\",\"region_id\":\"RegionOne\",\"url\":\"$BASE$path\"}}" >/dev/null
  done
done <<'EOF'
nova|compute|/compute/v2.1|Nova Compute Service
nova_legacy|compute_legacy|/compute/v2/$(project_id)s|Nova Compute Service (Legacy 2.0)
placement|placement|/placement|Placement Service
glance|image|/image|Glance Image Service
neutron|network|/networking|Neutron Service
cinder|volume|/volume/v3/$(project_id)s|Cinder Volume Service
cinderv2|volumev2|/volume/v2/$(project_id)s|Cinder Volume Service V2
cinderv3|volumev3|/volume/v3/$(project_id)s|Cinder Volume Service V3
swift|object-store|/object-store/v1/AUTH_$(project_id)s|Swift Service
gnocchi|metric|/metric|OpenStack Metric Service
heat|orchestration|/heat-api/v1/$(project_id)s|Heat Orchestration Service
EOF
# Tokens for validation: admin's (X-Auth-Token) validating admin_pbkdf2's (X-Subject-Token).
ADMIN_TOKEN=$(issue_token "$BASE" admin "$PASSWORD" admin)
SUBJECT_TOKEN=$(issue_token "$BASE" admin_pbkdf2 "$PASSWORD" admin)
[[ -n $ADMIN_TOKEN && -n $SUBJECT_TOKEN ]] || { echo "could not issue the tokens" >&2; exit 1; }
curl -s -H "X-Auth-Token: $ADMIN_TOKEN" -H "X-Subject-Token: $SUBJECT_TOKEN" "$BASE/v3/auth/tokens" >"$OUT/keystone_token_body.json"
"$PY" -c 'import json, sys; t = json.load(open(sys.argv[1]))["token"]; c = t["catalog"]
print("   validated token: %d services, %d endpoints in the catalog; roles %s" % (len(c), sum(len(s["endpoints"]) for s in c), sorted(r["name"] for r in t["roles"])))' \
  "$OUT/keystone_token_body.json"
record ks.token_body_bytes "$(wc -c <"$OUT/keystone_token_body.json")"

sleep 2
rss=0 pss=0
for p in $SERVER_PIDS; do rss=$((rss + $(rss_kb "$p"))); pss=$((pss + $(pss_kb "$p"))); done
record ks.rss_idle_kb "$rss"
record ks.pss_idle_kb "$pss"
echo "== idle: VmRSS sum $rss kB, PSS sum $pss kB (master + $KS_PROCESSES workers)"

run_wrk ks.issue_bcrypt "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens" BENCH_USER=admin
sleep 1
run_wrk ks.issue_pbkdf2 "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens" BENCH_USER=admin_pbkdf2
sleep 1
run_wrk ks.issue_pbkdf2_nocatalog "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens?nocatalog" BENCH_USER=admin_pbkdf2
sleep 1
run_wrk ks.validate "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$SUBJECT_TOKEN"
sleep 1
run_wrk ks.validate_nocatalog "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens?nocatalog" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$SUBJECT_TOKEN"
sleep 2
rss=0 pss=0
for p in $SERVER_PIDS; do rss=$((rss + $(rss_kb "$p"))); pss=$((pss + $(pss_kb "$p"))); done
record ks.rss_after_load_kb "$rss"
record ks.pss_after_load_kb "$pss"
echo "== after the load: VmRSS sum $rss kB, PSS sum $pss kB"
stop_keystone

echo "== keystone with [cache] enabled (dogpile.cache.memory in each worker)"
KS_CONFIG_FILES="keystone.conf;cache.conf"
start_keystone
wait_keystone || { echo "keystone (cache) did not start" >&2; exit 1; }
workers=$(pgrep -P "$UWSGI_PID" | tr '\n' ' ')
SERVER_PIDS="$UWSGI_PID $workers"
run_wrk ks_cache.issue_pbkdf2 "$HERE/wrk_token_issue.lua" "$BASE/v3/auth/tokens" BENCH_USER=admin_pbkdf2
sleep 1
run_wrk ks_cache.validate "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$SUBJECT_TOKEN"
sleep 1
run_wrk ks_cache.validate_nocatalog "$HERE/wrk_token_validate.lua" "$BASE/v3/auth/tokens?nocatalog" \
  BENCH_AUTH_TOKEN="$ADMIN_TOKEN" BENCH_SUBJECT_TOKEN="$SUBJECT_TOKEN"
sleep 2
rss=0 pss=0
for p in $SERVER_PIDS; do rss=$((rss + $(rss_kb "$p"))); pss=$((pss + $(pss_kb "$p"))); done
record ks_cache.rss_after_load_kb "$rss"
record ks_cache.pss_after_load_kb "$pss"
echo "== after the load (cache): VmRSS sum $rss kB, PSS sum $pss kB"
stop_keystone
cp "$KS_WORK/keystone.conf" "$KS_WORK/cache.conf" "$KS_WORK/pbkdf2.conf" "$OUT/"
