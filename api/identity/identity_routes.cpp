#include "api/identity/identity_routes.h"

#include "api/errors.h"
#include "api/query.h"
#include "api/versions/version_documents.h"

namespace stacklab::api::identity_api {

Router make_identity_router(Ctx ctx) {
  Router r;
  add_identity_version_routes(r);
  add_auth_routes(r, ctx);
  add_resource_routes(r, ctx);
  add_user_routes(r, ctx);
  add_credential_routes(r, ctx);
  add_role_routes(r, ctx);
  add_catalog_routes(r, ctx);
  return r;
}

Response fail(const Status& st) { return error_response(ErrorStyle::kKeystone, st); }

Json with_links(const Request& req, Json doc, const std::string& collection) {
  if (doc.contains("id") && doc["id"].is_string())
    doc["links"] = {{"self", req.service_url() + "/v3/" + collection + "/" + doc["id"].get<std::string>()}};
  return doc;
}

Response entity(const Request& req, int status, const std::string& key, const std::string& collection,
                const Result<Json>& doc) {
  if (!doc.ok()) return fail(doc.status());
  return json_response(status, {{key, with_links(req, doc.value(), collection)}});
}

Response collection(const Request& req, const std::string& name, std::vector<Json> items,
                    const std::vector<std::string>& filters, const std::string& link_collection) {
  filter_items(items, req, filters);
  Json list = Json::array();
  for (auto& item : items)
    list.push_back(with_links(req, std::move(item), link_collection.empty() ? name : link_collection));
  std::string self = req.host_url + req.full_path;
  return json_response(200, {{name, list}, {"links", {{"self", self}, {"previous", nullptr}, {"next", nullptr}}}});
}

Result<Json> member(const Request& req, const char* key) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains(key))
    return BadRequest(std::string("Invalid input for field '") + key + "': '" + key + "' is a required property");
  if (!(*body)[key].is_object())
    return BadRequest(std::string("Invalid input for field '") + key + "': it is not of type 'object'");
  return (*body)[key];
}

Status enforce(const Ctx& ctx, const Request& req, const std::string& action, const Json& target) {
  if (!req.auth) return Unauthorized("The request you have made requires authentication.");
  Json t = target;
  if (!t.contains("user_id") && req.params.count("user_id")) t["user_id"] = req.params.at("user_id");
  return ctx.identity.policy().enforce(action, req.auth->credentials(), t);
}

}  // namespace stacklab::api::identity_api
