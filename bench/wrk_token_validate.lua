-- wrk: GET /v3/auth/tokens with X-Auth-Token (an admin token) and
-- X-Subject-Token (the token being validated), as keystonemiddleware does.
--   BENCH_AUTH_TOKEN=... BENCH_SUBJECT_TOKEN=... \
--   wrk -t2 -c4 -d10s --latency -s bench/wrk_token_validate.lua http://127.0.0.1:8080/identity/v3/auth/tokens
-- Append ?nocatalog to the URL to leave the catalog out of the response.
-- BENCH_SUBJECT_TOKEN defaults to BENCH_AUTH_TOKEN (a token validating itself).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("wrk_common")

local auth = os.getenv("BENCH_AUTH_TOKEN")
local subject = os.getenv("BENCH_SUBJECT_TOKEN") or auth
if not auth or auth == "" then
  io.stderr:write("wrk_token_validate.lua: set BENCH_AUTH_TOKEN (and BENCH_SUBJECT_TOKEN)\n")
  os.exit(2)
end

wrk.method = "GET"
wrk.headers["X-Auth-Token"] = auth
wrk.headers["X-Subject-Token"] = subject

done = common.done
