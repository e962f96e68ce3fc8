-- Shared by the wrk scripts in bench/: prints one machine-readable line at the
-- end of a run, which bench/run_bench.sh and bench/keystone_baseline.sh parse:
--   BENCH requests=N duration_s=D rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=M non2xx=K errors=E
-- (wrk's own --latency table is printed above it, unchanged.)
local M = {}

function M.done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

-- A JSON string literal (the values here are plain ASCII names and passwords).
function M.q(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

return M
