// /v2.0/<collection>/<id>/tags[/<tag>] on every taggable collection
// (NetworkService::taggable_collections()).
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

void add_tag_routes(Router& r, Ctx ctx) {
  for (const std::string& collection : network::NetworkService::taggable_collections()) {
    const std::string tags = "/v2.0/" + collection + "/{id}/tags";
    const std::string one = tags + "/{tag}";
    r.add_sync("GET", tags, [ctx, collection](Request& req) {
      auto t = ctx.networks.get_tags(caller(req), collection, req.params["id"]);
      return t.ok() ? json_response(200, {{"tags", *t}}) : fail(t.status());
    });
    r.add_sync("PUT", tags, [ctx, collection](Request& req) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->is_object() || !body->contains("tags"))
        return fail(
            network::neutron_error(Code::kBadRequest, "HTTPBadRequest", "Unable to find 'tags' in request body"));
      auto t = ctx.networks.replace_tags(caller(req), collection, req.params["id"], (*body)["tags"]);
      return t.ok() ? json_response(200, {{"tags", *t}}) : fail(t.status());
    });
    r.add_sync("DELETE", tags, [ctx, collection](Request& req) {
      Status st = ctx.networks.remove_tag(caller(req), collection, req.params["id"], "");
      return st.ok() ? empty_response(204) : fail(st);
    });
    r.add_sync("GET", one, [ctx, collection](Request& req) {
      Status st = ctx.networks.check_tag(caller(req), collection, req.params["id"], req.params["tag"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
    r.add_sync("PUT", one, [ctx, collection](Request& req) {
      Status st = ctx.networks.add_tag(caller(req), collection, req.params["id"], req.params["tag"]);
      return st.ok() ? empty_response(201) : fail(st);
    });
    r.add_sync("DELETE", one, [ctx, collection](Request& req) {
      Status st = ctx.networks.remove_tag(caller(req), collection, req.params["id"], req.params["tag"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  }
}

}  // namespace stacklab::api::network_api
