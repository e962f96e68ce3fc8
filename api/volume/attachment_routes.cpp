// /attachments (microversion 3.27+): create (reserve, or reserve and
// connect with a connector), list, detail, show, update (connect), delete,
// and the os-complete action (3.44). Below 3.27 the routes do not exist
// (404), as in Cinder.
#include "api/compute/host_routes.h"  // is_uuid_like, Nova's and Cinder's uuid check
#include "api/errors.h"
#include "api/query.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

const Microversion kNewAttach{3, 27};
const Microversion kAttachComplete{3, 44};
const Microversion kAttachMode{3, 54};

// Cinder's attachment views: the summary, and the detail with the connection.
Json attachment_summary(const Json& a) {
  return {{"id", a["id"]}, {"status", a["attach_status"]}, {"instance", a["server_id"]}, {"volume_id", a["volume_id"]}};
}

Json attachment_detail(const Json& a) {
  Json out = attachment_summary(a);
  out["attached_at"] = a["attached_at"].is_string() ? a["attached_at"] : Json("");
  out["detached_at"] = "";
  out["attach_mode"] = a["attach_mode"];
  out["connection_info"] = a.value("connection_info", Json(nullptr));
  if (out["connection_info"].is_null()) out["connection_info"] = Json::object();
  return out;
}

Json attachment_list(const std::vector<Json>& items, bool detail) {
  Json out = Json::array();
  for (const auto& a : items) out.push_back(detail ? attachment_detail(a) : attachment_summary(a));
  return {{"attachments", out}};
}

// Runs `fn` at `min` and above; below it the route is not there.
Response at_least(Request& req, const Microversion& min, const std::function<Response(const Microversion&)>& fn) {
  return versioned(req, [&](const Microversion& v) {
    if (v < min) return fail(NotFound("The resource could not be found."));
    return fn(v);
  });
}

// The connector of a create or update body: an object, or null/absent (nullptr).
Result<Json> connector_of(const Json& attachment) {
  if (!attachment.contains("connector") || attachment["connector"].is_null()) return Json(nullptr);
  if (!attachment["connector"].is_object())
    return BadRequest("Invalid input for field/attribute connector. Value: " + attachment["connector"].dump() +
                      ". " + attachment["connector"].dump() + " is not of type 'object', 'null'");
  return attachment["connector"];
}

// The ?volume_id, ?status / ?attach_status, ?instance_id (and, for openstackclient's
// --project, ?project_id) filters of the lists.
std::vector<Json> filtered(const Request& req, std::vector<Json> items) {
  std::vector<std::pair<std::string, std::string>> wanted;  // attachment field, query parameter
  for (auto [field, param] : {std::pair{"volume_id", "volume_id"}, std::pair{"attach_status", "status"},
                              std::pair{"attach_status", "attach_status"}, std::pair{"server_id", "instance_id"},
                              std::pair{"project_id", "project_id"}})
    if (auto value = req.query_param(param)) wanted.emplace_back(field, *value);
  std::vector<Json> out;
  for (auto& a : items) {
    bool keep = true;
    for (const auto& [field, value] : wanted) keep = keep && a[field].is_string() && a[field] == value;
    if (keep) out.push_back(std::move(a));
  }
  return out;
}

Response create_attachment(Request& req, const Ctx& ctx, const Microversion& v) {
  auto body = body_object(req, "attachment");
  if (!body.ok()) return fail(body.status());
  std::string volume_id, instance_uuid, mode;
  for (auto [key, to] : {std::pair{"volume_uuid", &volume_id}, std::pair{"instance_uuid", &instance_uuid}}) {
    if (!body->contains(key) || (*body)[key].is_null()) continue;
    if (!(*body)[key].is_string() || !compute_api::is_uuid_like((*body)[key]))
      return fail(BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " +
                             (*body)[key].dump() + ". " + (*body)[key].dump() + " is not a 'uuid'"));
    *to = (*body)[key];
  }
  if (volume_id.empty())
    return fail(BadRequest("Invalid input for field/attribute attachment. 'volume_uuid' is a required property"));
  auto connector = connector_of(*body);
  if (!connector.ok()) return fail(connector.status());
  if (v >= kAttachMode && body->contains("mode")) {
    const Json& m = (*body)["mode"];
    if (!m.is_string() || (m != "rw" && m != "ro"))
      return fail(BadRequest("Invalid input for field/attribute mode. Value: " + m.dump() +
                             ". " + m.dump() + " is not one of ['rw', 'ro']"));
    mode = m;
  }
  auto a = ctx.volumes.create_attachment(caller(req), volume_id, instance_uuid, *connector, mode);
  if (!a.ok()) return fail(a.status());
  return json_response(200, {{"attachment", attachment_detail(*a)}});
}

}  // namespace

void add_attachment_routes(Router& r, Ctx ctx, const std::string& root) {
  const std::string base = root + "/attachments";
  r.add_sync("POST", base, [ctx](Request& req) {
    return at_least(req, kNewAttach, [&](const Microversion& v) { return create_attachment(req, ctx, v); });
  });
  for (bool detail : {false, true})
    r.add_sync("GET", detail ? base + "/detail" : base, [ctx, detail](Request& req) {
      return at_least(req, kNewAttach, [&](const Microversion&) {
        bool all = req.query_param("all_tenants") && parse_bool(Json(*req.query_param("all_tenants"))).value_or(true);
        // ?limit and ?marker page the filtered list (openstackclient's --limit, --marker).
        auto page = paginate(filtered(req, ctx.volumes.list_attachments(caller(req), all)), req);
        if (!page.ok()) return fail(page.status());
        Json body = attachment_list(page->items, detail);
        if (page->next_marker)
          body["attachments_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
        return json_response(200, body);
      });
    });
  add_blank_id_routes(r, base);
  r.add_sync("GET", base + "/{attachment_id}", [ctx](Request& req) {
    return at_least(req, kNewAttach, [&](const Microversion&) {
      auto a = ctx.volumes.get_attachment(caller(req), req.params["attachment_id"]);
      if (!a.ok()) return fail(a.status());
      return json_response(200, {{"attachment", attachment_detail(*a)}});
    });
  });
  r.add_sync("PUT", base + "/{attachment_id}", [ctx](Request& req) {
    return at_least(req, kNewAttach, [&](const Microversion&) {
      auto body = body_object(req, "attachment");
      if (!body.ok()) return fail(body.status());
      auto connector = connector_of(*body);
      if (!connector.ok()) return fail(connector.status());
      if (!connector->is_object())
        return fail(BadRequest("Invalid input for field/attribute attachment. 'connector' is a required property"));
      auto a = ctx.volumes.update_attachment(caller(req), req.params["attachment_id"], *connector);
      if (!a.ok()) return fail(a.status());
      return json_response(200, {{"attachment", attachment_detail(*a)}});
    });
  });
  r.add_sync("DELETE", base + "/{attachment_id}", [ctx](Request& req) {
    return at_least(req, kNewAttach, [&](const Microversion&) {
      auto left = ctx.volumes.delete_attachment(caller(req), req.params["attachment_id"]);
      if (!left.ok()) return fail(left.status());
      return json_response(200, attachment_list(*left, false));
    });
  });
  r.add_sync("POST", base + "/{attachment_id}/action", [ctx](Request& req) {
    return at_least(req, kNewAttach, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->is_object() || body->size() != 1)
        return fail(BadRequest("Invalid request body: exactly one action is expected."));
      const std::string name = body->begin().key();
      if (name != "os-complete" || v < kAttachComplete) return fail(BadRequest("There is no such action: " + name));
      Status st = ctx.volumes.complete_attachment(caller(req), req.params["attachment_id"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
}

}  // namespace stacklab::api::volume_api
