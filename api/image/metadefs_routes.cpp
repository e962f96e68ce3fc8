// /v2/metadefs: Glance's metadata definitions catalog, empty here.
//
// stacklab ships no namespaces (Glance seeds them from JSON files an operator
// loads), so the lists are empty and a named one is not found. Horizon reads
// these lists for Admin > Metadata Definitions and for every "Update
// Metadata" dialog (instances, images, flavors, volumes); a 404 there is an
// error on the page.
#include "api/errors.h"
#include "api/image/image_routes.h"

namespace stacklab::api::image_api {

namespace {

// Glance's schema of one namespace (python-glanceclient fetches it before it
// lists: it builds its model class from it), with the fields it names.
Json namespace_schema() {
  auto str = [](const char* description) { return Json{{"type", "string"}, {"description", description}}; };
  Json p;
  p["namespace"] = str("The unique namespace text.");
  p["namespace"]["maxLength"] = 80;
  p["display_name"] = str("The user friendly name for the namespace.");
  p["description"] = str("Provides a user friendly description of the namespace.");
  p["visibility"] = {{"type", "string"},
                     {"description", "Scope of namespace accessibility."},
                     {"enum", {"public", "private"}}};
  p["protected"] = {{"type", "boolean"}, {"description", "If true, namespace will not be deletable."}};
  p["owner"] = str("Owner of the namespace.");
  p["created_at"] = str("Date and time of namespace creation");
  p["created_at"]["format"] = "date-time";
  p["updated_at"] = str("Date and time of the last namespace modification");
  p["updated_at"]["format"] = "date-time";
  p["schema"] = {{"type", "string"}, {"readOnly", true}};
  p["self"] = {{"type", "string"}, {"readOnly", true}};
  p["resource_type_associations"] = {{"type", "array"}, {"items", {{"type", "object"}}}};
  p["properties"] = {{"type", "object"}};
  p["objects"] = {{"type", "array"}, {"items", {{"type", "object"}}}};
  p["tags"] = {{"type", "array"}, {"items", {{"type", "object"}}}};
  return {{"name", "namespace"}, {"required", {"namespace"}}, {"additionalProperties", false}, {"properties", p}};
}

}  // namespace

void add_metadefs_routes(Router& r) {
  r.add_sync("GET", "/v2/schemas/metadefs/namespace", [](Request&) {
    return json_response(200, namespace_schema());
  });
  r.add_sync("GET", "/v2/schemas/metadefs/namespaces", [](Request&) {
    Json item = namespace_schema();
    return json_response(200, {{"name", "namespaces"},
                               {"properties",
                                {{"namespaces", {{"type", "array"}, {"items", item}}},
                                 {"first", {{"type", "string"}}},
                                 {"next", {{"type", "string"}}},
                                 {"schema", {{"type", "string"}}}}},
                               {"links", Json::array({{{"rel", "first"}, {"href", "{first}"}},
                                                      {{"rel", "next"}, {"href", "{next}"}},
                                                      {{"rel", "describedby"}, {"href", "{schema}"}}})}});
  });
  r.add_sync("GET", "/v2/metadefs/namespaces", [](Request&) {
    return json_response(200, {{"namespaces", Json::array()},
                               {"first", "/v2/metadefs/namespaces"},
                               {"schema", "/v2/schemas/metadefs/namespaces"}});
  });
  r.add_sync("GET", "/v2/metadefs/namespaces/{namespace}", [](Request& req) {
    return fail(NotFound("Metadata definition namespace=" + req.params["namespace"] + " was not found."));
  });
  r.add_sync("GET", "/v2/metadefs/resource_types", [](Request&) {
    return json_response(200, {{"resource_types", Json::array()}});
  });
}

}  // namespace stacklab::api::image_api
