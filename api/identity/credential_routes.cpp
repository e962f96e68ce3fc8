// /v3/credentials and OS-EC2 (/v3/users/{id}/credentials/OS-EC2).
#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

void add_credential_routes(Router& r, Ctx ctx) {
  // ---- credentials ----
  // Policy targets carry the credential (Keystone's _build_target_enforcement):
  // its owner or an admin may see and change it; an unknown id is an empty
  // target, so only an admin gets as far as the 404.
  auto credential_target = [ctx](const std::string& id) {
    auto c = ctx.identity.get_credential(id);
    return c.ok() ? Json{{"target", {{"credential", *c}}}} : Json{{"target", Json::object()}};
  };
  r.add_sync("POST", "/v3/credentials", [ctx](Request& req) {
    auto in = member(req, "credential");
    if (!in.ok()) return fail(in.status());
    Status st = enforce(ctx, req, "identity:create_credential", {{"target", {{"credential", *in}}}});
    if (!st.ok()) return fail(st);
    return entity(req, 201, "credential", "credentials", ctx.identity.create_credential(*in));
  });
  r.add_sync("GET", "/v3/credentials", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_credentials",
                        {{"target", {{"credential", {{"user_id", req.auth->user_id}}}}}});
    if (!st.ok()) return fail(st);
    // Only those the caller may also get one by one.
    std::vector<Json> mine;
    for (auto& c : ctx.identity.list_credentials())
      if (enforce(ctx, req, "identity:get_credential", {{"target", {{"credential", c}}}}).ok())
        mine.push_back(std::move(c));
    return collection(req, "credentials", std::move(mine), {"user_id", "type"});
  });
  r.add_sync("GET", "/v3/credentials/{credential_id}", [ctx, credential_target](Request& req) {
    const auto& id = req.params["credential_id"];
    Status st = enforce(ctx, req, "identity:get_credential", credential_target(id));
    if (!st.ok()) return fail(st);
    return entity(req, 200, "credential", "credentials", ctx.identity.get_credential(id));
  });
  r.add_sync("PATCH", "/v3/credentials/{credential_id}", [ctx, credential_target](Request& req) {
    const auto& id = req.params["credential_id"];
    Status st = enforce(ctx, req, "identity:update_credential", credential_target(id));
    if (!st.ok()) return fail(st);
    auto in = member(req, "credential");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "credential", "credentials", ctx.identity.update_credential(id, *in));
  });
  r.add_sync("DELETE", "/v3/credentials/{credential_id}", [ctx, credential_target](Request& req) {
    const auto& id = req.params["credential_id"];
    Status st = enforce(ctx, req, "identity:delete_credential", credential_target(id));
    if (st.ok()) st = ctx.identity.delete_credential(id);
    return st.ok() ? empty_response(204) : fail(st);
  });

  // ---- OS-EC2 ----
  auto ec2_links = [](const Request& req, Json c) {
    c["links"] = {{"self", req.service_url() + "/v3/users/" + c["user_id"].get<std::string>() + "/credentials/OS-EC2/" +
                               c["access"].get<std::string>()}};
    return c;
  };
  r.add_sync("POST", "/v3/users/{user_id}/credentials/OS-EC2", [ctx, ec2_links](Request& req) {
    Status st = enforce(ctx, req, "identity:ec2_create_credential");
    if (!st.ok()) return fail(st);
    auto body = req.json();
    if (!body.ok()) return fail(body.status());
    if (!body->is_object() || !body->contains("tenant_id") || !(*body)["tenant_id"].is_string())
      return fail(BadRequest("Invalid input for field 'tenant_id': 'tenant_id' is a required property"));
    auto c = ctx.identity.create_ec2_credential(req.params["user_id"], (*body)["tenant_id"]);
    if (!c.ok()) return fail(c.status());
    return json_response(201, {{"credential", ec2_links(req, *c)}});
  });
  r.add_sync("GET", "/v3/users/{user_id}/credentials/OS-EC2", [ctx, ec2_links](Request& req) {
    Status st = enforce(ctx, req, "identity:ec2_list_credentials");
    if (!st.ok()) return fail(st);
    auto creds = ctx.identity.list_ec2_credentials(req.params["user_id"]);
    if (!creds.ok()) return fail(creds.status());
    Json list = Json::array();
    for (auto& c : *creds) list.push_back(ec2_links(req, c));
    return json_response(
        200, {{"credentials", list},
              {"links", {{"self", req.host_url + req.full_path}, {"previous", nullptr}, {"next", nullptr}}}});
  });
  r.add_sync("GET", "/v3/users/{user_id}/credentials/OS-EC2/{access}", [ctx, ec2_links](Request& req) {
    Status st = enforce(ctx, req, "identity:ec2_get_credential");
    if (!st.ok()) return fail(st);
    auto c = ctx.identity.get_ec2_credential(req.params["user_id"], req.params["access"]);
    if (!c.ok()) return fail(c.status());
    return json_response(200, {{"credential", ec2_links(req, *c)}});
  });
  r.add_sync("DELETE", "/v3/users/{user_id}/credentials/OS-EC2/{access}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:ec2_delete_credential");
    if (st.ok()) st = ctx.identity.delete_ec2_credential(req.params["user_id"], req.params["access"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::identity_api
