// /v2/images/{id}/members: sharing an image with other projects.
#include "api/image/image_routes.h"

namespace stacklab::api::image_api {

namespace {

Json member_view(const Json& m) {
  return {{"created_at", m["created_at"]},  {"image_id", m["image_id"]}, {"member_id", m["member_id"]},
          {"schema", "/v2/schemas/member"}, {"status", m["status"]},     {"updated_at", m["updated_at"]}};
}

}  // namespace

void add_member_routes(Router& r, Ctx ctx) {
  r.add_sync("POST", "/v2/images/{image_id}/members", [ctx](Request& req) {
    auto body = req.json();
    if (!body.ok()) return fail(body.status());
    if (!body->contains("member") || !(*body)["member"].is_string())
      return fail(BadRequest("Member to be added not specified"));
    auto m = ctx.images.add_member(caller(req), req.params["image_id"], (*body)["member"]);
    return m.ok() ? json_response(200, member_view(*m)) : fail(m.status());
  });
  r.add_sync("GET", "/v2/images/{image_id}/members", [ctx](Request& req) {
    auto ms = ctx.images.list_members(caller(req), req.params["image_id"]);
    if (!ms.ok()) return fail(ms.status());
    Json list = Json::array();
    for (const auto& m : *ms) list.push_back(member_view(m));
    return json_response(200, {{"members", list}, {"schema", "/v2/schemas/members"}});
  });
  r.add_sync("GET", "/v2/images/{image_id}/members/{member_id}", [ctx](Request& req) {
    auto m = ctx.images.get_member(caller(req), req.params["image_id"], req.params["member_id"]);
    return m.ok() ? json_response(200, member_view(*m)) : fail(m.status());
  });
  r.add_sync("PUT", "/v2/images/{image_id}/members/{member_id}", [ctx](Request& req) {
    auto body = req.json();
    if (!body.ok()) return fail(body.status());
    if (!body->contains("status") || !(*body)["status"].is_string()) return fail(BadRequest("Status not specified"));
    auto m = ctx.images.update_member(caller(req), req.params["image_id"], req.params["member_id"], (*body)["status"]);
    return m.ok() ? json_response(200, member_view(*m)) : fail(m.status());
  });
  r.add_sync("DELETE", "/v2/images/{image_id}/members/{member_id}", [ctx](Request& req) {
    Status st = ctx.images.remove_member(caller(req), req.params["image_id"], req.params["member_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::image_api
