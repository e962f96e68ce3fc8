// /compute: version documents and the microversion envelope of every route.
#include "api/compute/compute_routes.h"

#include <algorithm>

#include "api/errors.h"

namespace stacklab::api::compute_api {

namespace {

Json version_doc(const Request& req, bool full) {
  Json links = Json::array({{{"rel", "self"}, {"href", req.service_url() + "/v2.1/"}}});
  if (full) links.push_back({{"rel", "describedby"}, {"type", "text/html"}, {"href", "http://docs.openstack.org/"}});
  Json v = {{"id", "v2.1"},
            {"status", "CURRENT"},
            {"version", kComputeVersions.max.str()},
            {"min_version", kComputeVersions.min.str()},
            {"updated", "2013-07-23T11:33:21Z"},
            {"links", links}};
  if (full)
    v["media-types"] =
        Json::array({{{"base", "application/json"}, {"type", "application/vnd.openstack.compute+json;version=2.1"}}});
  return v;
}

}  // namespace

Response fail(const Status& st) { return error_response(ErrorStyle::kNova, st); }

Credentials caller(const Request& req) { return req.auth->credentials(); }

Response versioned(Request& req, const std::function<Response(const Microversion&)>& fn, Microversion since) {
  auto v = negotiate(req, kComputeVersions);
  if (!v.ok()) return fail(v.status());
  Response resp = *v < since ? fail(NotFound("The resource could not be found.")) : fn(*v);
  annotate(resp, kComputeVersions, *v);
  return resp;
}

Status only_keys(const Json& obj, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : obj.items())
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; }))
      return BadRequest("Additional properties are not allowed ('" + k + "' was unexpected)");
  return {};
}

Router make_compute_router(Ctx ctx) {
  Router r;
  r.add_sync(
      "GET", "/",
      [](Request& req) {
        return json_response(200, {{"versions", Json::array({version_doc(req, false)})}});
      },
      false);
  r.add_sync(
      "GET", "/v2.1",
      [](Request& req) {
        auto resp = json_response(200, {{"version", version_doc(req, true)}});
        auto v = negotiate(req, kComputeVersions);
        annotate(resp, kComputeVersions, v.ok() ? *v : kComputeVersions.min);
        return resp;
      },
      false);
  add_flavor_routes(r, ctx);
  add_keypair_routes(r, ctx);
  add_server_routes(r, ctx);
  add_image_proxy_routes(r, ctx);
  if (ctx.quotas) add_quota_routes(r, ctx);
  if (ctx.quotas) add_limits_routes(r, ctx);
  if (ctx.usage) add_usage_routes(r, ctx);
  if (ctx.server_groups) add_server_group_routes(r, ctx);
  if (ctx.server_metadata) add_server_metadata_routes(r, ctx);
  if (ctx.server_actions && ctx.server_moves) add_server_action_routes(r, ctx);
  if (ctx.instance_actions) add_instance_action_routes(r, ctx);
  if (ctx.server_moves) add_migration_routes(r, ctx);
  if (ctx.network) add_interface_routes(r, ctx);
  if (ctx.servers.volumes()) add_volume_attachment_routes(r, ctx);
  if (ctx.cinder) add_volume_proxy_routes(r, ctx);
  return r;
}

}  // namespace stacklab::api::compute_api
