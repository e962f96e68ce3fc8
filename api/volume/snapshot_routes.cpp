// /snapshots (create, list, detail, show, update, delete, os-reset_status)
// and /snapshots/{id}/metadata.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

void add_snapshot_routes(Router& r, Ctx ctx, const std::string& root) {
  const std::string base = root + "/snapshots";
  r.add_sync("POST", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto body = body_object(req, "snapshot");
      if (!body.ok()) return fail(body.status());
      volume::NewSnapshot spec;
      // A null volume_id names no volume (404, as Cinder); any other non-string is bad input.
      if (body->contains("volume_id") && (*body)["volume_id"].is_null())
        return fail(NotFound("Volume None could not be found."));
      if (!body->contains("volume_id") || !(*body)["volume_id"].is_string())
        return fail(BadRequest("'volume_id' must be specified"));
      spec.volume_id = (*body)["volume_id"];
      for (auto [key, to] :
           {std::pair{"name", &spec.name}, std::pair{"display_name", &spec.name},
            std::pair{"description", &spec.description}, std::pair{"display_description", &spec.description}}) {
        if (!body->contains(key)) continue;
        auto s = parse_string((*body)[key]);
        if (!s) return fail(BadRequest(std::string("Invalid input for field/attribute ") + key + "."));
        if (!s->empty()) *to = *s;
      }
      if (body->contains("force") && !(*body)["force"].is_null()) {
        auto f = parse_bool((*body)["force"]);
        if (!f) return fail(BadRequest("Invalid value '" + (*body)["force"].dump() + "' for force."));
        spec.force = *f;
      }
      if (body->contains("metadata") && !(*body)["metadata"].is_null()) spec.metadata = (*body)["metadata"];
      auto s = ctx.volumes.create_snapshot(caller(req), spec);
      if (!s.ok()) return fail(s.status());
      return json_response(202, {{"snapshot", snapshot_view(*s, mv, false)}});
    });
  });
  for (bool detail : {false, true})
    r.add_sync("GET", detail ? base + "/detail" : base, [ctx, detail](Request& req) {
      return versioned(req, [&](const Microversion& mv) {
        bool all = req.query_param("all_tenants") && parse_bool(Json(*req.query_param("all_tenants"))).value_or(true);
        if (!detail && req.trailing_slash) return fail(NotFound("The resource could not be found."));
        std::vector<Json> views;
        for (const auto& s : ctx.volumes.list_snapshots(caller(req), all))
          views.push_back(snapshot_view(s, mv, detail));
        return list_response(req, std::move(views), "snapshots", {"name", "status", "volume_id"}, nullptr);
      });
    });
  add_blank_id_routes(r, base);
  r.add_sync("GET", base + "/{snapshot_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto s = ctx.volumes.get_snapshot(caller(req), req.params["snapshot_id"]);
      if (!s.ok()) return fail(s.status());
      return json_response(200, {{"snapshot", snapshot_view(*s, mv, true)}});
    });
  });
  r.add_sync("PUT", base + "/{snapshot_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto body = body_object(req, "snapshot");
      if (!body.ok()) return fail(body.status());
      volume::VolumeChange change;
      for (const char* key : {"name", "display_name", "description", "display_description"}) {
        if (!body->contains(key)) continue;
        auto s = parse_string((*body)[key]);
        if (!s) return fail(BadRequest(std::string("Invalid input for field/attribute ") + key + "."));
        (std::string(key).find("name") != std::string::npos ? change.name : change.description) = *s;
      }
      if (!change.name && !change.description)
        return fail(BadRequest("Invalid input received: Missing required element 'snapshot' in request body."));
      auto s = ctx.volumes.update_snapshot(caller(req), req.params["snapshot_id"], change);
      if (!s.ok()) return fail(s.status());
      return json_response(200, {{"snapshot", snapshot_view(*s, mv, false)}});
    });
  });
  r.add_sync("DELETE", base + "/{snapshot_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.volumes.remove_snapshot(caller(req), req.params["snapshot_id"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });
  r.add_sync("POST", base + "/{snapshot_id}/action", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->is_object() || !body->contains("os-reset_status"))
        return fail(BadRequest("There is no such action: " +
                               (body->is_object() && !body->empty() ? body->begin().key() : std::string("(none)"))));
      const Json& args = (*body)["os-reset_status"];
      if (!args.is_object() || !args.contains("status") || !args["status"].is_string())
        return fail(BadRequest("Invalid input received: Must specify 'status'"));
      Status st = ctx.volumes.reset_snapshot_status(caller(req), req.params["snapshot_id"], args["status"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });

  r.add_sync("GET", base + "/{snapshot_id}/metadata", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto s = ctx.volumes.get_snapshot(caller(req), req.params["snapshot_id"]);
      if (!s.ok()) return fail(s.status());
      return json_response(200, {{"metadata", (*s)["metadata"]}});
    });
  });
  for (const char* method : {"POST", "PUT"})
    r.add_sync(method, base + "/{snapshot_id}/metadata", [ctx, replace = std::string(method) == "PUT"](Request& req) {
      return versioned(req, [&](const Microversion&) {
        auto md = body_object(req, "metadata");
        if (!md.ok()) return fail(md.status());
        auto out = ctx.volumes.set_snapshot_metadata(caller(req), req.params["snapshot_id"], *md, replace);
        if (!out.ok()) return fail(out.status());
        return json_response(200, {{"metadata", *out}});
      });
    });
  r.add_sync("GET", base + "/{snapshot_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto s = ctx.volumes.get_snapshot(caller(req), req.params["snapshot_id"]);
      if (!s.ok()) return fail(s.status());
      auto item = metadata_item((*s)["metadata"], req.params["key"]);
      return item.ok() ? json_response(200, {{"meta", *item}}) : fail(item.status());
    });
  });
  r.add_sync("PUT", base + "/{snapshot_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto meta = metadata_item_body(req);
      if (!meta.ok()) return fail(meta.status());
      auto out = ctx.volumes.set_snapshot_metadata(caller(req), req.params["snapshot_id"], *meta, false);
      return out.ok() ? json_response(200, {{"meta", *meta}}) : fail(out.status());
    });
  });
  r.add_sync("DELETE", base + "/{snapshot_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.volumes.delete_snapshot_metadata(caller(req), req.params["snapshot_id"], req.params["key"]);
      return st.ok() ? empty_response(200) : fail(st);
    });
  });
}

}  // namespace stacklab::api::volume_api
