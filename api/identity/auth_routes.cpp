// /v3/auth/*: tokens (issue, validate, check, revoke) and what a token may see.
#include <memory>

#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

namespace {

using identity::AuthContext;

Response token_response(const Ctx& ctx, int status, const AuthContext& token, bool with_catalog) {
  auto resp = json_response(status, ctx.identity.token_body(token, with_catalog));
  resp.header("X-Subject-Token", token.token);
  return resp;
}

// The X-Subject-Token of a GET/HEAD/DELETE, validated (404 when it is not valid).
Result<AuthContext> subject_token(const Ctx& ctx, const Request& req) {
  std::string subject = req.header("X-Subject-Token");
  if (subject.empty()) return BadRequest("X-Subject-Token header is required.");
  return ctx.identity.validate_token(subject, true);
}

// The subject token, once the caller may `action` it. As in Keystone's
// enforcer, the subject is validated while the policy target is built, so an
// invalid or revoked subject token is 404 before any policy check (a user
// checking their own revoked token gets 404, not 403).
Result<AuthContext> authorized_subject(const Ctx& ctx, const Request& req, const std::string& action) {
  auto subject = subject_token(ctx, req);
  if (!subject.ok()) return subject;
  Status st = enforce(ctx, req, action, {{"target", {{"token", {{"user_id", subject->user_id}}}}}});
  if (!st.ok()) return st;
  return subject;
}

}  // namespace

void add_auth_routes(Router& r, Ctx ctx) {
  // Issue: resolve on the loop, check secrets on a worker, issue on the loop.
  r.add(
      "POST", "/v3/auth/tokens",
      [ctx](Request& req, Reply reply) {
        auto body = req.json();
        if (!body.ok()) return reply(fail(body.status()));
        if (!body->contains("auth") || !(*body)["auth"].is_object())
          return reply(fail(BadRequest("Invalid input for field 'auth': 'auth' is a required property")));
        auto plan = ctx.identity.plan_auth((*body)["auth"]);
        if (!plan.ok()) return reply(fail(plan.status()));
        bool with_catalog = !req.query_param("nocatalog").has_value();
        auto shared = std::make_shared<IdentityService::AuthPlan>(std::move(*plan));
        auto verified = std::make_shared<bool>(true);
        auto finish = [ctx, shared, verified, with_catalog, reply]() {
          auto token = ctx.identity.complete_auth(*shared, *verified);
          if (!token.ok()) return reply(fail(token.status()));
          ctx.metrics.token_issued();
          reply(token_response(ctx, 201, *token, with_catalog));
        };
        if (shared->secret_checks.empty()) return finish();
        ctx.runtime.offload([shared, verified] { *verified = IdentityService::verify_secrets(*shared); }, finish);
      },
      false);

  r.add_sync("GET", "/v3/auth/tokens", [ctx](Request& req) {
    auto subject = authorized_subject(ctx, req, "identity:validate_token");
    if (!subject.ok()) return fail(subject.status());
    return token_response(ctx, 200, *subject, !req.query_param("nocatalog").has_value());
  });

  r.add_sync("HEAD", "/v3/auth/tokens", [ctx](Request& req) {
    auto subject = authorized_subject(ctx, req, "identity:check_token");
    if (!subject.ok()) return fail(subject.status());
    auto resp = empty_response(200);
    resp.header("X-Subject-Token", subject->token);
    return resp;
  });

  r.add_sync("DELETE", "/v3/auth/tokens", [ctx](Request& req) {
    auto subject = authorized_subject(ctx, req, "identity:revoke_token");
    if (!subject.ok()) return fail(subject.status());
    Status st = ctx.identity.revoke_token(*subject);
    if (!st.ok()) return fail(st);
    ctx.metrics.token_revoked();
    return empty_response(204);
  });

  r.add_sync("GET", "/v3/auth/catalog", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_auth_catalog");
    if (!st.ok()) return fail(st);
    if (!req.auth->scoped()) return fail(Forbidden("A scoped token is required to get a catalog."));
    return json_response(
        200, {{"catalog", ctx.identity.catalog_for(*req.auth)},
              {"links", {{"self", req.host_url + req.full_path}, {"previous", nullptr}, {"next", nullptr}}}});
  });

  r.add_sync("GET", "/v3/auth/projects", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_auth_projects");
    if (!st.ok()) return fail(st);
    std::vector<Json> projects;
    for (auto& p : ctx.identity.list_user_projects(req.auth->user_id))
      if (p.value("enabled", true)) projects.push_back(std::move(p));
    return collection(req, "projects", std::move(projects), {}, "projects");
  });

  r.add_sync("GET", "/v3/auth/domains", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_auth_domains");
    if (!st.ok()) return fail(st);
    std::vector<Json> domains;
    for (auto& d : ctx.identity.list_user_domains(req.auth->user_id))
      if (d.value("enabled", true)) domains.push_back(std::move(d));
    return collection(req, "domains", std::move(domains), {}, "domains");
  });

  r.add_sync("GET", "/v3/auth/system", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_auth_system");
    if (!st.ok()) return fail(st);
    bool has = !ctx.identity.effective_roles(req.auth->user_id, IdentityService::Grant::Target::kSystem, "all").empty();
    Json system = has ? Json::array({{{"all", true}}}) : Json::array();
    return json_response(200, {{"system", system}, {"links", {{"self", req.host_url + req.full_path}}}});
  });
}

}  // namespace stacklab::api::identity_api
