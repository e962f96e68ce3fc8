// /v3/users (with passwords, their projects and groups, application
// credentials), /v3/groups (with membership) and /v3/credentials.
#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

namespace {

Json user_target(const std::string& id) { return {{"target", {{"user", {{"id", id}}}}}}; }

std::string scope_domain(const Request& req) {
  std::string d = !req.auth->domain_id.empty() ? req.auth->domain_id : req.auth->project_domain_id;
  return d.empty() ? "default" : d;
}

Json app_cred_links(const Request& req, Json c) {
  c["links"] = {{"self", req.service_url() + "/v3/users/" + c["user_id"].get<std::string>() +
                             "/application_credentials/" + c["id"].get<std::string>()}};
  return c;
}

}  // namespace

void add_user_routes(Router& r, Ctx ctx) {
  // ---- users ----
  r.add_sync("POST", "/v3/users", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_user");
    if (!st.ok()) return fail(st);
    auto in = member(req, "user");
    if (!in.ok()) return fail(in.status());
    Json doc = *in;
    if (!doc.contains("domain_id")) doc["domain_id"] = scope_domain(req);
    return entity(req, 201, "user", "users", ctx.identity.create_user(doc));
  });
  r.add_sync("GET", "/v3/users", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_users");
    if (!st.ok()) return fail(st);
    return collection(req, "users", ctx.identity.list_users(), {"name", "enabled", "domain_id"});
  });
  r.add_sync("GET", "/v3/users/{user_id}", [ctx](Request& req) {
    const auto& id = req.params["user_id"];
    Status st = enforce(ctx, req, "identity:get_user", user_target(id));
    if (!st.ok()) return fail(st);
    return entity(req, 200, "user", "users", ctx.identity.get_user(id));
  });
  r.add_sync("PATCH", "/v3/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:update_user");
    if (!st.ok()) return fail(st);
    auto in = member(req, "user");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "user", "users", ctx.identity.update_user(req.params["user_id"], *in));
  });
  r.add_sync("DELETE", "/v3/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_user");
    if (st.ok()) st = ctx.identity.delete_user(req.params["user_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  // As Keystone (UserChangePasswordResource is @unenforced_api): no policy; the
  // original password is the credential, so an admin who knows a user's
  // password may change it this way too. Keystone needs no token either (for
  // expired passwords, which stacklab does not have); here a token is still
  // required, because change_password() runs two PBKDF2 hashes on the engine
  // loop, which anonymous callers must not be able to queue.
  r.add_sync("POST", "/v3/users/{user_id}/password", [ctx](Request& req) {
    auto in = member(req, "user");
    if (!in.ok()) return fail(in.status());
    for (const char* f : {"password", "original_password"})
      if (!in->contains(f) || !(*in)[f].is_string())
        return fail(BadRequest(std::string("Invalid input for field '") + f + "': '" + f + "' is a required property"));
    Status st = ctx.identity.change_password(req.params["user_id"], (*in)["original_password"], (*in)["password"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v3/users/{user_id}/projects", [ctx](Request& req) {
    const auto& id = req.params["user_id"];
    Status st = enforce(ctx, req, "identity:list_user_projects");
    if (!st.ok()) return fail(st);
    auto user = ctx.identity.get_user(id);
    if (!user.ok()) return fail(user.status());
    return collection(req, "projects", ctx.identity.list_user_projects(id), {"name", "enabled", "domain_id"});
  });
  r.add_sync("GET", "/v3/users/{user_id}/groups", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_groups_for_user");
    if (!st.ok()) return fail(st);
    auto groups = ctx.identity.list_user_groups(req.params["user_id"]);
    if (!groups.ok()) return fail(groups.status());
    return collection(req, "groups", *groups, {"name", "domain_id"});
  });

  // ---- groups ----
  r.add_sync("POST", "/v3/groups", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_group");
    if (!st.ok()) return fail(st);
    auto in = member(req, "group");
    if (!in.ok()) return fail(in.status());
    Json doc = *in;
    if (!doc.contains("domain_id")) doc["domain_id"] = scope_domain(req);
    return entity(req, 201, "group", "groups", ctx.identity.create_group(doc));
  });
  r.add_sync("GET", "/v3/groups", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_groups");
    if (!st.ok()) return fail(st);
    return collection(req, "groups", ctx.identity.list_groups(), {"name", "domain_id"});
  });
  r.add_sync("GET", "/v3/groups/{group_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_group");
    if (!st.ok()) return fail(st);
    return entity(req, 200, "group", "groups", ctx.identity.get_group(req.params["group_id"]));
  });
  r.add_sync("PATCH", "/v3/groups/{group_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:update_group");
    if (!st.ok()) return fail(st);
    auto in = member(req, "group");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "group", "groups", ctx.identity.update_group(req.params["group_id"], *in));
  });
  r.add_sync("DELETE", "/v3/groups/{group_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_group");
    if (st.ok()) st = ctx.identity.delete_group(req.params["group_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v3/groups/{group_id}/users", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_users_in_group");
    if (!st.ok()) return fail(st);
    auto users = ctx.identity.list_group_users(req.params["group_id"]);
    if (!users.ok()) return fail(users.status());
    return collection(req, "users", *users, {"name", "enabled", "domain_id"});
  });
  r.add_sync("PUT", "/v3/groups/{group_id}/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:add_user_to_group");
    if (st.ok()) st = ctx.identity.add_user_to_group(req.params["group_id"], req.params["user_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("HEAD", "/v3/groups/{group_id}/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:check_user_in_group");
    if (st.ok()) st = ctx.identity.check_user_in_group(req.params["group_id"], req.params["user_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v3/groups/{group_id}/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:check_user_in_group");
    if (st.ok()) st = ctx.identity.check_user_in_group(req.params["group_id"], req.params["user_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("DELETE", "/v3/groups/{group_id}/users/{user_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:remove_user_from_group");
    if (st.ok()) st = ctx.identity.remove_user_from_group(req.params["group_id"], req.params["user_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  // ---- application credentials ----
  r.add_sync("POST", "/v3/users/{user_id}/application_credentials", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_application_credential");
    if (!st.ok()) return fail(st);
    auto in = member(req, "application_credential");
    if (!in.ok()) return fail(in.status());
    auto cred = ctx.identity.create_application_credential(*req.auth, req.params["user_id"], *in);
    if (!cred.ok()) return fail(cred.status());
    return json_response(201, {{"application_credential", app_cred_links(req, *cred)}});
  });
  r.add_sync("GET", "/v3/users/{user_id}/application_credentials", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_application_credentials");
    if (!st.ok()) return fail(st);
    auto user = ctx.identity.get_user(req.params["user_id"]);
    if (!user.ok()) return fail(user.status());
    Json list = Json::array();
    auto creds = ctx.identity.list_application_credentials(req.params["user_id"]);
    auto name = req.query_param("name");
    for (auto& c : creds)
      if (!name || c["name"] == Json(*name)) list.push_back(app_cred_links(req, c));
    return json_response(
        200, {{"application_credentials", list},
              {"links", {{"self", req.host_url + req.full_path}, {"previous", nullptr}, {"next", nullptr}}}});
  });
  r.add_sync("GET", "/v3/users/{user_id}/application_credentials/{cred_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_application_credential");
    if (!st.ok()) return fail(st);
    auto c = ctx.identity.get_application_credential(req.params["user_id"], req.params["cred_id"]);
    if (!c.ok()) return fail(c.status());
    return json_response(200, {{"application_credential", app_cred_links(req, *c)}});
  });
  r.add_sync("DELETE", "/v3/users/{user_id}/application_credentials/{cred_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_application_credential");
    if (st.ok()) st = ctx.identity.delete_application_credential(req.params["user_id"], req.params["cred_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::identity_api
