// /v2.0/security-groups and /v2.0/security-group-rules.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

namespace {}  // namespace

void add_security_group_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/security-groups", [ctx](Request& req) {
    return list_response(req, "security_groups", ctx.networks.list_security_groups(caller(req)),
                         network::kSecurityGroupFilters);
  });
  r.add_sync("POST", "/v2.0/security-groups", [ctx](Request& req) {
    auto body = resource_body(req, "security_group");
    if (!body.ok()) return fail(body.status());
    auto g = ctx.networks.create_security_group(caller(req), *body);
    return g.ok() ? item_response(req, 201, "security_group", *g) : fail(g.status());
  });
  r.add_sync("GET", "/v2.0/security-groups/{id}", [ctx](Request& req) {
    auto g = ctx.networks.get_security_group(caller(req), req.params["id"]);
    return g.ok() ? item_response(req, 200, "security_group", *g) : fail(g.status());
  });
  r.add_sync("PUT", "/v2.0/security-groups/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "security_group");
    if (!body.ok()) return fail(body.status());
    auto g = ctx.networks.update_security_group(caller(req), req.params["id"], *body);
    return g.ok() ? item_response(req, 200, "security_group", *g) : fail(g.status());
  });
  r.add_sync("DELETE", "/v2.0/security-groups/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_security_group(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  r.add_sync("GET", "/v2.0/security-group-rules", [ctx](Request& req) {
    return list_response(req, "security_group_rules", ctx.networks.list_security_group_rules(caller(req)),
                         network::kSecurityGroupRuleFilters);
  });
  r.add_sync("POST", "/v2.0/security-group-rules", [ctx](Request& req) {
    auto body = resource_body(req, "security_group_rule");
    if (!body.ok()) return fail(body.status());
    auto rule = ctx.networks.create_security_group_rule(caller(req), *body);
    return rule.ok() ? item_response(req, 201, "security_group_rule", *rule) : fail(rule.status());
  });
  r.add_sync("GET", "/v2.0/security-group-rules/{id}", [ctx](Request& req) {
    auto rule = ctx.networks.get_security_group_rule(caller(req), req.params["id"]);
    return rule.ok() ? item_response(req, 200, "security_group_rule", *rule) : fail(rule.status());
  });
  r.add_sync("DELETE", "/v2.0/security-group-rules/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_security_group_rule(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
