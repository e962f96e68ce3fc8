// Keystone v3's REST mapping onto IdentityService, served at /identity
// (and its aliases). identity_routes.cpp holds what the route files share.
#pragma once

#include "api/router.h"
#include "engine/core/runtime.h"
#include "engine/identity/identity_service.h"
#include "metrics/api_metrics.h"

namespace stacklab::api::identity_api {

using identity::IdentityService;

struct Ctx {
  IdentityService& identity;
  metrics::ApiMetrics& metrics;
  Runtime& runtime;
};

// The whole identity Router: version documents, auth, resources, users, roles, catalog.
Router make_identity_router(Ctx ctx);

// ---- shared by the route files ----
void add_auth_routes(Router& r, Ctx ctx);
void add_resource_routes(Router& r, Ctx ctx);
void add_user_routes(Router& r, Ctx ctx);
void add_credential_routes(Router& r, Ctx ctx);
void add_role_routes(Router& r, Ctx ctx);
void add_catalog_routes(Router& r, Ctx ctx);

// Keystone-shaped error response.
Response fail(const Status& st);
// `doc` with "links": {"self": <service>/v3/<collection>/<id>}.
Json with_links(const Request& req, Json doc, const std::string& collection);
// {"<key>": doc-with-links}, or the error.
Response entity(const Request& req, int status, const std::string& key, const std::string& collection,
                const Result<Json>& doc);
// {"<collection>": [...], "links": {...}}, after filters given in `filters`.
Response collection(const Request& req, const std::string& collection, std::vector<Json> items,
                    const std::vector<std::string>& filters = {}, const std::string& link_collection = "");
// The object under `key` in the request body, or 400.
Result<Json> member(const Request& req, const char* key);
// Policy check of `action` for the request's token against `target`.
Status enforce(const Ctx& ctx, const Request& req, const std::string& action, const Json& target = Json::object());

}  // namespace stacklab::api::identity_api
