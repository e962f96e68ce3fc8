-- wrk: POST /v3/auth/tokens, password method, project scope (what
-- `openstack token issue` sends). Point wrk at the tokens URL, e.g.
--   wrk -t2 -c4 -d10s --latency -s bench/wrk_token_issue.lua http://127.0.0.1:8080/identity/v3/auth/tokens
-- Append ?nocatalog to the URL to leave the catalog out of the response.
-- Environment (defaults: the lab's admin):
--   BENCH_USER, BENCH_PASSWORD, BENCH_DOMAIN_ID, BENCH_PROJECT
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("wrk_common")
local q = common.q

local user = os.getenv("BENCH_USER") or "admin"
local password = os.getenv("BENCH_PASSWORD") or "nomoresecret"
local domain = os.getenv("BENCH_DOMAIN_ID") or "default"
local project = os.getenv("BENCH_PROJECT") or "admin"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":' .. q(user) ..
  ',"domain":{"id":' .. q(domain) .. '},"password":' .. q(password) .. '}}},' ..
  '"scope":{"project":{"name":' .. q(project) .. ',"domain":{"id":' .. q(domain) .. '}}}}}'

done = common.done
