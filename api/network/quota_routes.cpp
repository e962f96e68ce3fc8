// /v2.0/quotas: the admin's list, a project's limits (GET/PUT/DELETE), its
// defaults and its usage details (openstacksdk asks for "details.json").
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

namespace {

Response quota_response(const Result<Json>& q) {
  return q.ok() ? json_response(200, {{"quota", *q}}) : fail(q.status());
}

}  // namespace

void add_quota_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/quotas", [ctx](Request& req) {
    auto list = ctx.networks.list_quotas(caller(req));
    if (!list.ok()) return fail(list.status());
    return json_response(200, {{"quotas", *list}});
  });
  r.add_sync("GET", "/v2.0/quotas/{project_id}", [ctx](Request& req) {
    return quota_response(ctx.networks.get_quota(caller(req), req.params["project_id"]));
  });
  r.add_sync("PUT", "/v2.0/quotas/{project_id}", [ctx](Request& req) {
    auto body = resource_body(req, "quota");
    if (!body.ok()) return fail(body.status());
    return quota_response(ctx.networks.update_quota(caller(req), req.params["project_id"], *body));
  });
  r.add_sync("DELETE", "/v2.0/quotas/{project_id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_quota(caller(req), req.params["project_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v2.0/quotas/{project_id}/default", [ctx](Request& req) {
    return quota_response(ctx.networks.get_default_quota(caller(req), req.params["project_id"]));
  });
  for (const char* details : {"/v2.0/quotas/{project_id}/details", "/v2.0/quotas/{project_id}/details.json"})
    r.add_sync("GET", details, [ctx](Request& req) {
      return quota_response(ctx.networks.get_quota_details(caller(req), req.params["project_id"]));
    });
}

}  // namespace stacklab::api::network_api
