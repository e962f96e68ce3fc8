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

void add_metadefs_routes(Router& r) {
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
