#include "api/lab_state_routes.h"

#include <memory>

#include "api/errors.h"
#include "engine/core/log.h"
#include "engine/core/policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::api {

namespace {

constexpr std::size_t kMaxAuditLimit = 10000;

std::shared_ptr<Policy> lab_state_policy() {
  auto p = std::make_shared<Policy>();
  for (const char* action : {"stacklab:snapshot:create", "stacklab:snapshot:list", "stacklab:snapshot:delete",
                             "stacklab:snapshot:restore", "stacklab:reset", "stacklab:audit:list"})
    p->register_default(action, "role:admin");
  return p;
}

Response error(const Request& req, const Status& st) {
  return error_response(ErrorStyle::kKeystone, st, req.request_id);
}

Response restored(StateSnapshots& snapshots, const std::string& name, const Request& req) {
  auto report = snapshots.restore(name);
  if (!report.ok()) return error(req, report.status());
  Log::get("stacklab")
      .info("restored snapshot " + name + ": " + std::to_string(report->documents) + " documents in " +
            std::to_string(report->seconds) + " s");
  return json_response(200,
                       {{"restore", {{"name", name}, {"documents", report->documents}, {"seconds", report->seconds}}}});
}

Result<AuditQuery> audit_query(const Request& req) {
  AuditQuery q;
  if (auto since = req.query_param("since")) {
    q.since = parse_iso(*since);
    if (!q.since) return BadRequest("Invalid since '" + *since + "': an ISO 8601 time expected.");
  }
  q.user = req.query_param("user").value_or("");
  q.project = req.query_param("project").value_or("");
  q.service = req.query_param("service").value_or("");
  if (auto limit = req.query_param("limit")) {
    std::size_t used = 0;
    long long n = -1;
    try {
      n = std::stoll(*limit, &used);
    } catch (...) {
    }
    if (used != limit->size() || n < 1 || n > static_cast<long long>(kMaxAuditLimit))
      return BadRequest("Invalid limit '" + *limit + "': an integer from 1 to " + std::to_string(kMaxAuditLimit) +
                        " expected.");
    q.limit = static_cast<std::size_t>(n);
  }
  return q;
}

}  // namespace

void add_lab_state_routes(Router& r, LabStateDeps deps) {
  auto policy = lab_state_policy();
  // Runs `fn` when the caller's token passes `action`'s rule.
  auto guarded = [policy](const char* action, std::function<Response(Request&)> fn) {
    return [policy, action, fn = std::move(fn)](Request& req) {
      Status st = policy->enforce(action, req.auth->credentials());
      return st.ok() ? fn(req) : error(req, st);
    };
  };
  StateSnapshots& snapshots = deps.snapshots;
  AuditLog& audit = deps.audit;

  r.add_sync("POST", "/_stacklab/snapshots", guarded("stacklab:snapshot:create", [&snapshots](Request& req) {
               auto body = req.json();
               if (!body.ok()) return error(req, body.status());
               if (!body->contains("name") || !(*body)["name"].is_string())
                 return error(req, BadRequest("'name' is a required property and must be a string."));
               auto info = snapshots.save((*body)["name"].get<std::string>());
               if (!info.ok()) return error(req, info.status());
               return json_response(201, {{"snapshot", info->to_json()}});
             }));
  r.add_sync("GET", "/_stacklab/snapshots", guarded("stacklab:snapshot:list", [&snapshots](Request&) {
               Json list = Json::array();
               for (const auto& info : snapshots.list()) list.push_back(info.to_json());
               return json_response(200, {{"snapshots", list}});
             }));
  r.add_sync("DELETE", "/_stacklab/snapshots/{name}", guarded("stacklab:snapshot:delete", [&snapshots](Request& req) {
               Status st = snapshots.remove(req.params["name"]);
               return st.ok() ? empty_response(204) : error(req, st);
             }));
  r.add_sync("POST", "/_stacklab/snapshots/{name}/restore",
             guarded("stacklab:snapshot:restore",
                     [&snapshots](Request& req) { return restored(snapshots, req.params["name"], req); }));
  r.add_sync("POST", "/_stacklab/reset", guarded("stacklab:reset", [&snapshots](Request& req) {
               return restored(snapshots, kPristineSnapshot, req);
             }));
  r.add_sync("GET", "/_stacklab/audit", guarded("stacklab:audit:list", [&audit](Request& req) {
               auto q = audit_query(req);
               if (!q.ok()) return error(req, q.status());
               return json_response(200, {{"audit", audit.query(*q)}});
             }));
}

}  // namespace stacklab::api
