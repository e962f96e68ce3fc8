# Helpers shared by bench/run_bench.sh and bench/keystone_baseline.sh (sourced).
# Results are appended as key=value lines to $RESULTS; wrk's full output goes to $OUT/*.wrk.txt.

PY=/usr/bin/python3   # Debian's python (a pyenv python on PATH may lack the Debian modules)

# A TCP port nothing listens on right now.
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL TIMEOUT_S: 0 once URL answers 2xx/3xx, 1 on timeout.
wait_http() {
  local url=$1 timeout=${2:-30} i
  for ((i = 0; i < timeout * 20; i++)); do
    curl -s -o /dev/null -f --max-time 2 "$url" && return 0
    sleep 0.05
  done
  return 1
}

# VmRSS of PID in kB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# PSS of PID in kB (shared pages split between the processes sharing them).
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }

# CPU seconds (user + system) used so far by the processes in $SERVER_PIDS.
server_cpu_s() {
  local pid ticks=0 t
  for pid in $SERVER_PIDS; do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    ticks=$((ticks + t))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}

record() {  # record KEY VALUE
  echo "$1=$2" >>"$RESULTS"
}

# issue_token BASE_URL USER PASSWORD PROJECT: prints the X-Subject-Token (empty on failure).
issue_token() {
  local base=$1 user=$2 password=$3 project=$4
  curl -s -o /dev/null -D - -X POST -H 'Content-Type: application/json' "$base/v3/auth/tokens" \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$user\",\"domain\":{\"id\":\"default\"},\"password\":\"$password\"}}},\"scope\":{\"project\":{\"name\":\"$project\",\"domain\":{\"id\":\"default\"}}}}}" |
    awk -F': ' 'tolower($1) == "x-subject-token" {sub(/\r$/, "", $2); print $2}'
}

# run_wrk NAME SCRIPT URL [ENV=VALUE...]: one wrk run; records NAME.rps, NAME.p50_ms, ... from
# the BENCH line that bench/wrk_common.lua prints, and NAME.server_cpu_s / NAME.server_cpu_ms_per_req:
# the CPU time the server processes ($SERVER_PIDS) used during the run (wrk shares the machine).
run_wrk() {
  local name=$1 script=$2 url=$3
  shift 3
  local log="$OUT/$name.wrk.txt"
  echo "--- $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url" | tee "$log"
  local cpu0 cpu1
  cpu0=$(server_cpu_s)
  env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$script" "$url" >>"$log" 2>&1 || true
  cpu1=$(server_cpu_s)
  local line
  line=$(grep '^BENCH ' "$log" | tail -1)
  if [[ -z $line ]]; then
    echo "    wrk failed, see $log" >&2
    record "$name.failed" 1
    return 1
  fi
  local kv requests=0 cpu
  for kv in ${line#BENCH }; do
    record "$name.${kv%%=*}" "${kv#*=}"
    if [[ ${kv%%=*} == requests ]]; then requests=${kv#*=}; fi
  done
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.2f", b - a}')
  record "$name.server_cpu_s" "$cpu"
  record "$name.server_cpu_ms_per_req" "$(awk -v c="$cpu" -v n="$requests" 'BEGIN {printf "%.3f", n ? 1000 * c / n : 0}')"
  record "$name.loadavg1_after" "$(cut -d' ' -f1 /proc/loadavg)"
  echo "    ${line#BENCH } server_cpu_s=$cpu load1=$(cut -d' ' -f1 /proc/loadavg)"
}

# The machine, for the record.
record_machine() {
  record machine.cpu "\"$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)\""
  record machine.cores "$(nproc)"
  record machine.debian "$(cat /etc/debian_version 2>/dev/null || echo unknown)"
  record machine.kernel "$(uname -r)"
  record machine.virt "$(systemd-detect-virt 2>/dev/null || echo unknown)"
  record machine.cpu_family_model "$(awk -F': ' '/^cpu family/ {f = $2} /^model\t/ {m = $2} END {print f "/" m}' /proc/cpuinfo)"
  record machine.hypervisor "$(lscpu 2>/dev/null | awk -F': *' '/^Hypervisor vendor/ {print $2}')"
  record machine.mem_total_kb "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
  record machine.loadavg_at_start "\"$(cut -d' ' -f1-3 /proc/loadavg)\""
  record wrk.version "\"$(wrk -v 2>&1 | head -1)\""
  record date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
