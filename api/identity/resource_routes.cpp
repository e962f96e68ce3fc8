// /v3/domains and /v3/projects (with project tags).
#include <algorithm>
#include <sstream>

#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}

// ?tags=a,b (all), ?tags-any=, ?not-tags=, ?not-tags-any=
void filter_tags(std::vector<Json>& projects, const Request& req) {
  auto has = [](const Json& p, const std::string& t) {
    const auto& tags = p.value("tags", Json::array());
    return std::find(tags.begin(), tags.end(), Json(t)) != tags.end();
  };
  auto apply = [&](const char* param, bool any, bool negate) {
    auto v = req.query_param(param);
    if (!v) return;
    auto want = split_commas(*v);
    std::erase_if(projects, [&](const Json& p) {
      bool match = any ? std::any_of(want.begin(), want.end(), [&](auto& t) { return has(p, t); })
                       : std::all_of(want.begin(), want.end(), [&](auto& t) { return has(p, t); });
      return negate ? match : !match;
    });
  };
  apply("tags", false, false);
  apply("tags-any", true, false);
  apply("not-tags", false, true);
  apply("not-tags-any", true, true);
}

Json project_target(const std::string& id) { return {{"target", {{"project", {{"id", id}}}}}}; }

}  // namespace

void add_resource_routes(Router& r, Ctx ctx) {
  // ---- domains ----
  r.add_sync("POST", "/v3/domains", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_domain");
    if (!st.ok()) return fail(st);
    auto in = member(req, "domain");
    if (!in.ok()) return fail(in.status());
    return entity(req, 201, "domain", "domains", ctx.identity.create_domain(*in));
  });
  r.add_sync("GET", "/v3/domains", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_domains");
    if (!st.ok()) return fail(st);
    return collection(req, "domains", ctx.identity.list_domains(), {"name", "enabled"});
  });
  r.add_sync("GET", "/v3/domains/{domain_id}", [ctx](Request& req) {
    const auto& id = req.params["domain_id"];
    Status st = enforce(ctx, req, "identity:get_domain", {{"target", {{"domain", {{"id", id}}}}}});
    if (!st.ok()) return fail(st);
    return entity(req, 200, "domain", "domains", ctx.identity.get_domain(id));
  });
  r.add_sync("PATCH", "/v3/domains/{domain_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:update_domain");
    if (!st.ok()) return fail(st);
    auto in = member(req, "domain");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "domain", "domains", ctx.identity.update_domain(req.params["domain_id"], *in));
  });
  r.add_sync("DELETE", "/v3/domains/{domain_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_domain");
    if (st.ok()) st = ctx.identity.delete_domain(req.params["domain_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  // ---- projects ----
  r.add_sync("POST", "/v3/projects", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_project");
    if (!st.ok()) return fail(st);
    auto in = member(req, "project");
    if (!in.ok()) return fail(in.status());
    Json doc = *in;
    if (!doc.contains("domain_id") && !doc.contains("parent_id") && doc.value("is_domain", Json(false)) != true) {
      // As Keystone: the domain of the token's scope when the body names none.
      std::string d = !req.auth->domain_id.empty() ? req.auth->domain_id : req.auth->project_domain_id;
      doc["domain_id"] = d.empty() ? "default" : d;
    }
    return entity(req, 201, "project", "projects", ctx.identity.create_project(doc));
  });
  r.add_sync("GET", "/v3/projects", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_projects");
    if (!st.ok()) return fail(st);
    // Without ?is_domain, Keystone lists only real projects (is_domain=false).
    bool is_domain_query = req.query_param("is_domain").has_value();
    auto projects = ctx.identity.list_projects(is_domain_query);
    filter_tags(projects, req);
    return collection(req, "projects", std::move(projects), {"name", "enabled", "domain_id", "parent_id", "is_domain"});
  });
  r.add_sync("GET", "/v3/projects/{project_id}", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:get_project", project_target(id));
    if (!st.ok()) return fail(st);
    return entity(req, 200, "project", "projects", ctx.identity.get_project(id));
  });
  r.add_sync("PATCH", "/v3/projects/{project_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:update_project");
    if (!st.ok()) return fail(st);
    auto in = member(req, "project");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "project", "projects", ctx.identity.update_project(req.params["project_id"], *in));
  });
  r.add_sync("DELETE", "/v3/projects/{project_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_project");
    if (st.ok()) st = ctx.identity.delete_project(req.params["project_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  // ---- project tags ----
  r.add_sync("GET", "/v3/projects/{project_id}/tags", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:list_project_tags", project_target(id));
    if (!st.ok()) return fail(st);
    auto tags = ctx.identity.project_tags(id);
    if (!tags.ok()) return fail(tags.status());
    return json_response(200, {{"tags", *tags}});
  });
  r.add_sync("PUT", "/v3/projects/{project_id}/tags", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:update_project_tags");
    if (!st.ok()) return fail(st);
    auto body = req.json();
    if (!body.ok()) return fail(body.status());
    if (!body->contains("tags") || !(*body)["tags"].is_array())
      return fail(BadRequest("Invalid input for field 'tags': 'tags' is a required property"));
    for (const auto& t : (*body)["tags"])
      if (!t.is_string()) return fail(BadRequest("Invalid input for field 'tags': every tag must be a string"));
    st = ctx.identity.set_project_tags(id, (*body)["tags"].get<std::vector<std::string>>());
    if (!st.ok()) return fail(st);
    return json_response(200, {{"tags", *ctx.identity.project_tags(id)}});
  });
  r.add_sync("DELETE", "/v3/projects/{project_id}/tags", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_project_tags");
    if (st.ok()) st = ctx.identity.set_project_tags(req.params["project_id"], {});
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v3/projects/{project_id}/tags/{tag}", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:get_project_tag", project_target(id));
    if (!st.ok()) return fail(st);
    auto tags = ctx.identity.project_tags(id);
    if (!tags.ok()) return fail(tags.status());
    if (std::find(tags->begin(), tags->end(), req.params["tag"]) == tags->end())
      return fail(NotFound("Could not find project tag: " + req.params["tag"] + "."));
    return empty_response(204);
  });
  r.add_sync("PUT", "/v3/projects/{project_id}/tags/{tag}", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:create_project_tag");
    if (!st.ok()) return fail(st);
    auto tags = ctx.identity.project_tags(id);
    if (!tags.ok()) return fail(tags.status());
    tags->push_back(req.params["tag"]);
    st = ctx.identity.set_project_tags(id, *tags);
    if (!st.ok()) return fail(st);
    auto resp = empty_response(201);
    resp.header("Location", req.host_url + req.full_path);
    return resp;
  });
  r.add_sync("DELETE", "/v3/projects/{project_id}/tags/{tag}", [ctx](Request& req) {
    const auto& id = req.params["project_id"];
    Status st = enforce(ctx, req, "identity:delete_project_tag");
    if (!st.ok()) return fail(st);
    auto tags = ctx.identity.project_tags(id);
    if (!tags.ok()) return fail(tags.status());
    auto it = std::find(tags->begin(), tags->end(), req.params["tag"]);
    if (it == tags->end()) return fail(NotFound("Could not find project tag: " + req.params["tag"] + "."));
    tags->erase(it);
    st = ctx.identity.set_project_tags(id, *tags);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::identity_api
