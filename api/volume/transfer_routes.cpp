// /os-volume-transfer: create (the auth key is shown once), list, detail,
// show, delete, and /{id}/accept.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

Json transfer_view(const Request& req, const Json& t, bool detail) {
  std::string href = self_href(req, "os-volume-transfer", t["id"]);
  Json out = {{"id", t["id"]},
              {"name", t["name"]},
              {"volume_id", t["volume_id"]},
              {"links", Json::array({{{"rel", "self"}, {"href", href}}})}};
  if (detail) out["created_at"] = t["created_at"];
  return out;
}

}  // namespace

void add_transfer_routes(Router& r, Ctx ctx, const std::string& root) {
  volume::VolumeTransfers& transfers = *ctx.transfers;
  const std::string base = root + "/os-volume-transfer";
  r.add_sync("POST", base, [&transfers](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "transfer");
      if (!body.ok()) return fail(body.status());
      if (!body->contains("volume_id") || !(*body)["volume_id"].is_string())
        return fail(BadRequest("Incorrect request body format"));
      auto name = parse_string(body->value("name", Json(nullptr)));
      if (!name) return fail(BadRequest("Transfer name must be a string."));
      auto t = transfers.create(caller(req), (*body)["volume_id"], *name);
      if (!t.ok()) return fail(t.status());
      Json view = transfer_view(req, *t, true);
      view["auth_key"] = (*t)["auth_key"];
      return json_response(202, {{"transfer", view}});
    });
  });
  for (bool detail : {false, true})
    r.add_sync("GET", detail ? base + "/detail" : base, [&transfers, detail](Request& req) {
      return versioned(req, [&](const Microversion&) {
        bool all = req.query_param("all_tenants") && parse_bool(Json(*req.query_param("all_tenants"))).value_or(true);
        Json out = Json::array();
        for (const auto& t : transfers.list(caller(req), all)) out.push_back(transfer_view(req, t, detail));
        return json_response(200, {{"transfers", out}});
      });
    });
  r.add_sync("GET", base + "/{transfer_id}", [&transfers](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto t = transfers.get(caller(req), req.params["transfer_id"]);
      if (!t.ok()) return fail(t.status());
      return json_response(200, {{"transfer", transfer_view(req, *t, true)}});
    });
  });
  r.add_sync("DELETE", base + "/{transfer_id}", [&transfers](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = transfers.remove(caller(req), req.params["transfer_id"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });
  r.add_sync("POST", base + "/{transfer_id}/accept", [&transfers](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "accept");
      if (!body.ok()) return fail(body.status());
      if (!body->contains("auth_key") || !(*body)["auth_key"].is_string())
        return fail(BadRequest("Incorrect request body format"));
      auto t = transfers.accept(caller(req), req.params["transfer_id"], (*body)["auth_key"]);
      if (!t.ok()) return fail(t.status());
      return json_response(202, {{"transfer", transfer_view(req, *t, false)}});
    });
  });
}

}  // namespace stacklab::api::volume_api
