// Nova's deprecated block storage proxies, /os-volumes and /os-snapshots (up
// to 2.35; 404 from 2.36, as Nova): Cinder's volumes and snapshots in Nova's
// camelCase shapes, called as the user (Cinder's policy and visibility apply).
#include "api/compute/compute_routes.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k236{2, 36};

Json proxy_volume_view(const Ctx& ctx, const Credentials& who, const Json& v) {
  Json attachments = Json::array();
  // Cinder's view shows attached ones only (not reserved or attaching ones of its attachments API).
  for (const Json& a : v["attachments"])
    if (volume::attachment_status(a) == "attached")
      attachments.push_back({{"id", v["id"]}, {"volumeId", v["id"]}, {"serverId", a["server_id"]}, {"device", a["device"]}});
  if (attachments.empty()) attachments.push_back(Json::object());  // Nova's [{}] for a volume attached nowhere
  auto type = ctx.cinder->types().get(who, v["volume_type_id"]);
  return {{"id", v["id"]},
          {"status", v["status"]},
          {"size", v["size"]},
          {"availabilityZone", v["availability_zone"]},
          {"createdAt", v["created_at"]},
          {"displayName", v["name"]},
          {"displayDescription", v["description"]},
          {"volumeType", type.ok() ? (*type)["name"] : Json(nullptr)},
          {"snapshotId", v["snapshot_id"]},
          {"metadata", v["metadata"]},
          {"attachments", attachments}};
}

Json proxy_snapshot_view(const Json& s) {
  return {{"id", s["id"]},
          {"volumeId", s["volume_id"]},
          {"status", s["status"]},
          {"size", s["size"]},
          {"createdAt", s["created_at"]},
          {"displayName", s["name"]},
          {"displayDescription", s["description"]}};
}

// Nova's limit and offset (common.limited) over a list.
Json limited(const Request& req, const std::vector<Json>& all) {
  auto number = [&](const char* key, std::size_t fallback) {
    auto q = req.query_param(key);
    try {
      return q ? static_cast<std::size_t>(std::max(0LL, std::stoll(*q))) : fallback;
    } catch (...) {
      return fallback;
    }
  };
  std::size_t offset = number("offset", 0), limit = number("limit", 1000);
  Json out = Json::array();
  for (std::size_t i = offset; i < all.size() && out.size() < limit; ++i) out.push_back(all[i]);
  return out;
}

Response list_volumes(Request& req, const Ctx& ctx) {
  // "/os-volumes/" is a show of the empty id in Nova's routing.
  if (req.trailing_slash) return fail(NotFound("The resource could not be found."));
  Credentials who = caller(req);
  std::vector<Json> views;
  for (const Json& v : ctx.cinder->list(who, false)) views.push_back(proxy_volume_view(ctx, who, v));
  return json_response(200, {{"volumes", limited(req, views)}});
}

Response show_volume(Request& req, const Ctx& ctx) {
  auto v = ctx.cinder->get(caller(req), req.params["id"]);
  if (!v.ok()) return fail(v.status());
  return json_response(200, {{"volume", proxy_volume_view(ctx, caller(req), *v)}});
}

Response create_volume(Request& req, const Ctx& ctx) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  Json v = body->is_object() ? body->value("volume", Json()) : Json();
  if (!v.is_object()) return fail(BadRequest("'volume' is a required property"));
  if (Status st = only_keys(v, {"volume_type", "metadata", "snapshot_id", "size", "availability_zone",
                                "display_name", "display_description"});
      !st.ok())
    return fail(st);
  // size: an integer >= 1, or a string of digits (Nova's schema).
  const Json size = v.value("size", Json());
  long long n = 0;
  if (size.is_number_integer()) n = size.get<long long>();
  if (size.is_string() && !size.get<std::string>().empty() &&
      size.get<std::string>().find_first_not_of("0123456789") == std::string::npos)
    n = std::stoll(size.get<std::string>());
  if (n < 1)
    return fail(BadRequest("Invalid input for field/attribute size. Value: " + size.dump() + ". " + size.dump() +
                           " is not a valid volume size"));
  volume::NewVolume request;
  request.size = n;
  for (auto [key, target] : {std::pair{"display_name", &request.name},
                             std::pair{"display_description", &request.description},
                             std::pair{"volume_type", &request.volume_type},
                             std::pair{"availability_zone", &request.availability_zone},
                             std::pair{"snapshot_id", &request.snapshot_id}})
    if (v.contains(key) && v[key].is_string()) *target = v[key];
  if (v.contains("metadata")) request.metadata = v["metadata"];
  auto created = ctx.cinder->create(caller(req), request);
  if (!created.ok()) return fail(created.status());
  return json_response(200, {{"volume", proxy_volume_view(ctx, caller(req), *created)}});
}

Response delete_volume(Request& req, const Ctx& ctx) {
  Status st = ctx.cinder->remove(caller(req), req.params["id"], false);
  return st.ok() ? empty_response(202) : fail(st);
}

Response list_snapshots(Request& req, const Ctx& ctx) {
  std::vector<Json> views;
  for (const Json& s : ctx.cinder->list_snapshots(caller(req), false)) views.push_back(proxy_snapshot_view(s));
  return json_response(200, {{"snapshots", limited(req, views)}});
}

Response show_snapshot(Request& req, const Ctx& ctx) {
  auto s = ctx.cinder->get_snapshot(caller(req), req.params["id"]);
  if (!s.ok()) return fail(s.status());
  return json_response(200, {{"snapshot", proxy_snapshot_view(*s)}});
}

Response create_snapshot(Request& req, const Ctx& ctx) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  Json s = body->is_object() ? body->value("snapshot", Json()) : Json();
  if (!s.is_object()) return fail(BadRequest("'snapshot' is a required property"));
  if (!s.contains("volume_id") || !s["volume_id"].is_string())
    return fail(BadRequest("'volume_id' is a required property"));
  volume::NewSnapshot request;
  request.volume_id = s["volume_id"];
  if (s.contains("display_name") && s["display_name"].is_string()) request.name = s["display_name"];
  if (s.contains("display_description") && s["display_description"].is_string())
    request.description = s["display_description"];
  if (s.contains("force")) request.force = s["force"] == true || s["force"] == "True" || s["force"] == "true";
  auto created = ctx.cinder->create_snapshot(caller(req), request);
  if (!created.ok()) return fail(created.status());
  return json_response(200, {{"snapshot", proxy_snapshot_view(*created)}});
}

Response delete_snapshot(Request& req, const Ctx& ctx) {
  Status st = ctx.cinder->remove_snapshot(caller(req), req.params["id"]);
  return st.ok() ? empty_response(202) : fail(st);
}

}  // namespace

void add_volume_proxy_routes(Router& r, Ctx ctx) {
  // Each route answers 404 from 2.36, where Nova removed the proxies.
  auto proxy = [ctx](Response (*handler)(Request&, const Ctx&)) {
    return [handler, ctx](Request& req) {
      return versioned(req, [&](const Microversion& v) {
        return v >= k236 ? fail(NotFound("The resource could not be found.")) : handler(req, ctx);
      });
    };
  };
  r.add_sync("GET", "/v2.1/os-volumes", proxy(list_volumes));
  r.add_sync("GET", "/v2.1/os-volumes/detail", proxy(list_volumes));
  r.add_sync("POST", "/v2.1/os-volumes", proxy(create_volume));
  r.add_sync("GET", "/v2.1/os-volumes/{id}", proxy(show_volume));
  r.add_sync("DELETE", "/v2.1/os-volumes/{id}", proxy(delete_volume));
  r.add_sync("DELETE", "/v2.1/os-volumes", proxy(delete_volume));  // no id: Cinder's 404
  r.add_sync("GET", "/v2.1/os-snapshots", proxy(list_snapshots));
  r.add_sync("GET", "/v2.1/os-snapshots/detail", proxy(list_snapshots));
  r.add_sync("POST", "/v2.1/os-snapshots", proxy(create_snapshot));
  r.add_sync("GET", "/v2.1/os-snapshots/{id}", proxy(show_snapshot));
  r.add_sync("DELETE", "/v2.1/os-snapshots/{id}", proxy(delete_snapshot));
}

}  // namespace stacklab::api::compute_api
