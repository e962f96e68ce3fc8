// /v3/regions, /v3/services, /v3/endpoints, /v3/policies.
#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

namespace {

// The five CRUD routes of one catalog collection.
template <typename Create, typename Get, typename List, typename Update, typename Delete>
void add_crud(Router& r, Ctx ctx, const std::string& noun, const std::string& plural,
              const std::vector<std::string>& filters, Create create, Get get, List list, Update update, Delete del) {
  std::string base = "/v3/" + plural, one = base + "/{id}";
  r.add_sync("POST", base, [=](Request& req) {
    Status st = enforce(ctx, req, "identity:create_" + noun);
    if (!st.ok()) return fail(st);
    auto in = member(req, noun.c_str());
    if (!in.ok()) return fail(in.status());
    return entity(req, 201, noun, plural, create(*in));
  });
  r.add_sync("GET", base, [=](Request& req) {
    Status st = enforce(ctx, req, "identity:list_" + plural);
    if (!st.ok()) return fail(st);
    return collection(req, plural, list(), filters);
  });
  r.add_sync("GET", one, [=](Request& req) {
    Status st = enforce(ctx, req, "identity:get_" + noun);
    if (!st.ok()) return fail(st);
    return entity(req, 200, noun, plural, get(req.params["id"]));
  });
  r.add_sync("PATCH", one, [=](Request& req) {
    Status st = enforce(ctx, req, "identity:update_" + noun);
    if (!st.ok()) return fail(st);
    auto in = member(req, noun.c_str());
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, noun, plural, update(req.params["id"], *in));
  });
  r.add_sync("DELETE", one, [=](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_" + noun);
    if (st.ok()) st = del(req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace

void add_catalog_routes(Router& r, Ctx ctx) {
  auto& id = ctx.identity;
  add_crud(
      r, ctx, "region", "regions", {"parent_region_id"}, [&id](const Json& in) { return id.create_region(in); },
      [&id](const std::string& i) { return id.get_region(i); }, [&id] { return id.list_regions(); },
      [&id](const std::string& i, const Json& p) { return id.update_region(i, p); },
      [&id](const std::string& i) { return id.delete_region(i); });
  add_crud(
      r, ctx, "service", "services", {"type", "name"}, [&id](const Json& in) { return id.create_service(in); },
      [&id](const std::string& i) { return id.get_service(i); }, [&id] { return id.list_services(); },
      [&id](const std::string& i, const Json& p) { return id.update_service(i, p); },
      [&id](const std::string& i) { return id.delete_service(i); });
  add_crud(
      r, ctx, "endpoint", "endpoints", {"interface", "service_id", "region_id", "enabled"},
      [&id](const Json& in) { return id.create_endpoint(in); },
      [&id](const std::string& i) { return id.get_endpoint(i); }, [&id] { return id.list_endpoints(); },
      [&id](const std::string& i, const Json& p) { return id.update_endpoint(i, p); },
      [&id](const std::string& i) { return id.delete_endpoint(i); });
  add_crud(
      r, ctx, "policy", "policies", {"type"}, [&id](const Json& in) { return id.create_policy(in); },
      [&id](const std::string& i) { return id.get_policy(i); }, [&id] { return id.list_policies(); },
      [&id](const std::string& i, const Json& p) { return id.update_policy(i, p); },
      [&id](const std::string& i) { return id.delete_policy(i); });
  // A region may be created with the id in the path, as Keystone allows.
  r.add_sync("PUT", "/v3/regions/{id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_region");
    if (!st.ok()) return fail(st);
    auto in = member(req, "region");
    if (!in.ok()) return fail(in.status());
    Json doc = *in;
    doc["id"] = req.params["id"];
    return entity(req, 201, "region", "regions", ctx.identity.create_region(doc));
  });
}

}  // namespace stacklab::api::identity_api
