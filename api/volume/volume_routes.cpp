// /volumes (create, list, detail, show, update, delete) and
// /volumes/{id}/metadata.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

// The "volume" object of a create request, as Cinder reads it (v2 names
// display_name/display_description too; null means absent).
Result<volume::NewVolume> parse_new_volume(const Json& v) {
  volume::NewVolume out;
  if (v.contains("size") && !v["size"].is_null()) {
    auto size = parse_int(v["size"]);
    if (!size)
      return BadRequest("Invalid volume size provided for create request: " + v["size"].dump() +
                        " (size argument must be an integer (or string representation of an integer) and greater "
                        "than zero).");
    out.size = *size;
  }
  struct Field {
    const char* key;
    std::string* to;
  };
  std::string display_name, display_description;
  for (auto [key, to] :
       {Field{"name", &out.name}, Field{"display_name", &display_name}, Field{"description", &out.description},
        Field{"display_description", &display_description}, Field{"volume_type", &out.volume_type},
        Field{"availability_zone", &out.availability_zone}, Field{"snapshot_id", &out.snapshot_id},
        Field{"source_volid", &out.source_volid}, Field{"imageRef", &out.image_ref}}) {
    if (!v.contains(key)) continue;
    auto s = parse_string(v[key]);
    if (!s)
      return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + v[key].dump() + ". " +
                        v[key].dump() + " is not of type 'string', 'null'");
    *to = *s;
  }
  if (out.name.empty()) out.name = display_name;
  if (out.description.empty()) out.description = display_description;
  if (out.image_ref.empty() && v.contains("image_id") && v["image_id"].is_string()) out.image_ref = v["image_id"];
  if (out.name.size() > 255) return BadRequest("Invalid input received: Name has more than 255 characters.");
  if (v.contains("metadata") && !v["metadata"].is_null()) out.metadata = v["metadata"];
  if (v.contains("multiattach") && !v["multiattach"].is_null()) {
    auto b = parse_bool(v["multiattach"]);
    if (!b) return BadRequest("Invalid value '" + v["multiattach"].dump() + "' for multiattach; expected a boolean.");
    out.multiattach = *b;
  }
  return out;
}

Result<volume::VolumeChange> parse_change(const Json& v) {
  volume::VolumeChange out;
  for (const char* key : {"name", "display_name", "description", "display_description"}) {
    if (!v.contains(key)) continue;
    auto s = parse_string(v[key]);
    if (!s) return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + v[key].dump());
    if (std::string(key).find("name") != std::string::npos)
      out.name = *s;
    else
      out.description = *s;
  }
  if (v.contains("metadata")) out.metadata = v["metadata"];
  if (!out.name && !out.description && !out.metadata)
    return BadRequest("Invalid input received: Missing required element 'volume' in request body.");
  return out;
}

}  // namespace

void add_volume_routes(Router& r, Ctx ctx, const std::string& root) {
  const std::string base = root + "/volumes";
  r.add_sync("POST", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto body = body_object(req, "volume");
      if (!body.ok()) return fail(body.status());
      auto spec = parse_new_volume(*body);
      if (!spec.ok()) return fail(spec.status());
      auto v = ctx.volumes.create(caller(req), *spec);
      if (!v.ok()) return fail(v.status());
      return json_response(202, {{"volume", volume_write_view(req, ctx, *v, mv)}});
    });
  });
  for (bool detail : {false, true})
    r.add_sync("GET", detail ? base + "/detail" : base, [ctx, detail](Request& req) {
      return versioned(req, [&](const Microversion& mv) {
        if (!detail && req.trailing_slash) return fail(NotFound("The resource could not be found."));
        bool all = req.query_param("all_tenants") && parse_bool(Json(*req.query_param("all_tenants"))).value_or(true);
        std::vector<Json> views;
        for (const auto& v : ctx.volumes.list(caller(req), all)) views.push_back(volume_view(req, ctx, v, mv));
        // An admin's ?project_id narrows all_tenants to one project.
        if (auto p = req.query_param("project_id"); p && caller(req).is_admin())
          std::erase_if(views, [&](const Json& v) { return v["os-vol-tenant-attr:tenant_id"] != *p; });
        return list_response(
            req, std::move(views), "volumes", {"name", "status", "availability_zone"},
            detail ? std::function<Json(const Json&)>() : [&req](const Json& v) { return volume_summary(req, v); });
      });
    });
  add_blank_id_routes(r, base);
  r.add_sync("GET", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto v = ctx.volumes.get(caller(req), req.params["volume_id"]);
      if (!v.ok()) return fail(v.status());
      return json_response(200, {{"volume", volume_view(req, ctx, *v, mv)}});
    });
  });
  r.add_sync("PUT", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto body = body_object(req, "volume");
      if (!body.ok()) return fail(body.status());
      auto change = parse_change(*body);
      if (!change.ok()) return fail(change.status());
      auto v = ctx.volumes.update(caller(req), req.params["volume_id"], *change);
      if (!v.ok()) return fail(v.status());
      return json_response(200, {{"volume", volume_write_view(req, ctx, *v, mv)}});
    });
  });
  r.add_sync("DELETE", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      bool cascade = parse_bool(Json(req.query_param("cascade").value_or("false"))).value_or(false);
      Status st = ctx.volumes.remove(caller(req), req.params["volume_id"], cascade);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });

  // Metadata: GET, POST (merge), PUT (replace), and one key.
  r.add_sync("GET", base + "/{volume_id}/metadata", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto v = ctx.volumes.get(caller(req), req.params["volume_id"]);
      if (!v.ok()) return fail(v.status());
      return json_response(200, {{"metadata", (*v)["metadata"]}});
    });
  });
  for (const char* method : {"POST", "PUT"})
    r.add_sync(method, base + "/{volume_id}/metadata", [ctx, replace = std::string(method) == "PUT"](Request& req) {
      return versioned(req, [&](const Microversion&) {
        auto md = body_object(req, "metadata");
        if (!md.ok()) return fail(md.status());
        auto out = ctx.volumes.set_metadata(caller(req), req.params["volume_id"], *md, replace);
        if (!out.ok()) return fail(out.status());
        return json_response(200, {{"metadata", *out}});
      });
    });
  r.add_sync("GET", base + "/{volume_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto v = ctx.volumes.get(caller(req), req.params["volume_id"]);
      if (!v.ok()) return fail(v.status());
      auto item = metadata_item((*v)["metadata"], req.params["key"]);
      return item.ok() ? json_response(200, {{"meta", *item}}) : fail(item.status());
    });
  });
  r.add_sync("PUT", base + "/{volume_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto meta = metadata_item_body(req);
      if (!meta.ok()) return fail(meta.status());
      auto out = ctx.volumes.set_metadata(caller(req), req.params["volume_id"], *meta, false);
      if (!out.ok()) return fail(out.status());
      return json_response(200, {{"meta", *meta}});
    });
  });
  r.add_sync("DELETE", base + "/{volume_id}/metadata/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.volumes.delete_metadata(caller(req), req.params["volume_id"], req.params["key"]);
      return st.ok() ? empty_response(200) : fail(st);
    });
  });
}

}  // namespace stacklab::api::volume_api
