// /types (create, list, show, update, delete, "default"),
// /types/{id}/extra_specs and the access list of private types
// (/types/{id}/os-volume-type-access, action addProjectAccess/removeProjectAccess);
// /types/{id}/encryption, always none.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

// ?is_public=true|false|None; absent is true, as Cinder assumes.
Result<std::optional<bool>> is_public_filter(const Request& req) {
  auto p = req.query_param("is_public");
  if (!p) return std::optional<bool>(true);
  if (*p == "None" || *p == "none") return std::optional<bool>();
  auto b = parse_bool(Json(*p));
  if (!b) return BadRequest("Invalid is_public filter [" + *p + "]");
  return std::optional<bool>(*b);
}

Result<volume::NewVolumeType> parse_new_type(const Json& body) {
  volume::NewVolumeType t;
  if (!body.contains("name") || !body["name"].is_string()) return BadRequest("Volume type name can not be empty.");
  t.name = body["name"];
  if (body.contains("description")) {
    auto d = parse_string(body["description"]);
    if (!d) return BadRequest("Invalid input for field/attribute description.");
    t.description = *d;
  }
  for (const char* key : {"os-volume-type-access:is_public", "is_public"}) {
    if (!body.contains(key) || body[key].is_null()) continue;
    auto b = parse_bool(body[key]);
    if (!b)
      return BadRequest("Invalid value '" + body[key].dump() + "' for is_public. Accepted values: True or False.");
    t.is_public = *b;
  }
  if (body.contains("extra_specs") && !body["extra_specs"].is_null()) t.extra_specs = body["extra_specs"];
  return t;
}

}  // namespace

void add_type_routes(Router& r, Ctx ctx, const std::string& root) {
  const std::string base = root + "/types";
  r.add_sync("GET", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto filter = is_public_filter(req);
      if (!filter.ok()) return fail(filter.status());
      Json out = Json::array();
      for (const auto& t : ctx.types.list(caller(req), *filter)) out.push_back(type_view(t));
      return json_response(200, {{"volume_types", out}});
    });
  });
  r.add_sync("POST", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "volume_type");
      if (!body.ok()) return fail(body.status());
      auto spec = parse_new_type(*body);
      if (!spec.ok()) return fail(spec.status());
      auto t = ctx.types.create(caller(req), *spec);
      if (!t.ok()) return fail(t.status());
      return json_response(200, {{"volume_type", type_view(*t, TypeView::kCreated)}});
    });
  });
  r.add_sync("GET", base + "/{type_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto t = ctx.types.get(caller(req), req.params["type_id"]);
      if (!t.ok()) return fail(t.status());
      return json_response(200, {{"volume_type", type_view(*t)}});
    });
  });
  r.add_sync("PUT", base + "/{type_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "volume_type");
      if (!body.ok()) return fail(body.status());
      volume::VolumeTypeChange change;
      if (body->contains("name")) {
        auto n = parse_string((*body)["name"]);
        if (!n || n->empty()) return fail(BadRequest("Volume type name can not be empty."));
        change.name = *n;
      }
      if (body->contains("description")) {
        auto d = parse_string((*body)["description"]);
        if (!d) return fail(BadRequest("Invalid input for field/attribute description."));
        change.description = *d;
      }
      if (body->contains("is_public")) {
        auto b = parse_bool((*body)["is_public"]);
        if (!b) return fail(BadRequest("Invalid value for is_public. Accepted values: True or False."));
        change.is_public = *b;
      }
      if (!change.name && !change.description && !change.is_public)
        return fail(BadRequest("Specify volume type name, description, is_public or a combination thereof."));
      auto t = ctx.types.update(caller(req), req.params["type_id"], change);
      if (!t.ok()) return fail(t.status());
      return json_response(200, {{"volume_type", type_view(*t, TypeView::kUpdated)}});
    });
  });
  r.add_sync("DELETE", base + "/{type_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.types.remove(caller(req), req.params["type_id"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });

  r.add_sync("GET", base + "/{type_id}/extra_specs", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto specs = ctx.types.extra_specs(caller(req), req.params["type_id"]);
      if (!specs.ok()) return fail(specs.status());
      return json_response(200, {{"extra_specs", *specs}});
    });
  });
  r.add_sync("POST", base + "/{type_id}/extra_specs", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto specs = body_object(req, "extra_specs");
      if (!specs.ok()) return fail(specs.status());
      auto out = ctx.types.set_extra_specs(caller(req), req.params["type_id"], *specs);
      if (!out.ok()) return fail(out.status());
      return json_response(200, {{"extra_specs", *out}});
    });
  });
  r.add_sync("GET", base + "/{type_id}/extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto specs = ctx.types.extra_specs(caller(req), req.params["type_id"]);
      if (!specs.ok()) return fail(specs.status());
      const std::string& key = req.params["key"];
      if (!specs->contains(key))
        return fail(NotFound("Volume Type " + req.params["type_id"] + " has no extra specs with key " + key + "."));
      return json_response(200, {{key, (*specs)[key]}});
    });
  });
  r.add_sync("PUT", base + "/{type_id}/extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      const std::string& key = req.params["key"];
      if (!body->is_object() || body->size() != 1 || !body->contains(key))
        return fail(BadRequest(body->is_object() && body->size() > 1 ? "Request body contains too many items."
                                                                     : "Request body and URI mismatch"));
      auto out = ctx.types.set_extra_specs(caller(req), req.params["type_id"], *body);
      if (!out.ok()) return fail(out.status());
      return json_response(200, *out);
    });
  });
  r.add_sync("DELETE", base + "/{type_id}/extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.types.unset_extra_spec(caller(req), req.params["type_id"], req.params["key"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });

  // No type is encrypted here (stacklab has no key manager): the encryption
  // spec of an existing type is Cinder's empty answer, {}, and making one
  // encrypted is refused once the type is found (an unknown type is 404
  // first, as Cinder looks it up first). Admin only, as Cinder's
  // volume_extension:volume_type_encryption rule.
  auto encryption_route = [ctx](Response (*answer)()) {
    return [ctx, answer](Request& req) {
      return versioned(req, [&](const Microversion&) {
        Credentials who = caller(req);
        if (!who.is_admin())
          return fail(Forbidden("Policy doesn't allow volume_extension:volume_type_encryption to be performed."));
        auto t = ctx.types.get(who, req.params["type_id"]);
        return t.ok() ? answer() : fail(t.status());
      });
    };
  };
  r.add_sync("GET", base + "/{type_id}/encryption",
             encryption_route([] { return json_response(200, Json::object()); }));
  r.add_sync("POST", base + "/{type_id}/encryption", encryption_route([] {
               return fail(Status(Code::kNotImplemented, "Volume type encryption needs a key manager; this cloud has none."));
             }));
  r.add_sync("GET", base + "/{type_id}/os-volume-type-access", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto projects = ctx.types.access(caller(req), req.params["type_id"]);
      if (!projects.ok()) return fail(projects.status());
      Json out = Json::array();
      for (const auto& p : *projects) out.push_back({{"volume_type_id", req.params["type_id"]}, {"project_id", p}});
      return json_response(200, {{"volume_type_access", out}});
    });
  });
  r.add_sync("POST", base + "/{type_id}/action", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      for (const char* action : {"addProjectAccess", "removeProjectAccess"}) {
        if (!body->is_object() || !body->contains(action)) continue;
        const Json& args = (*body)[action];
        if (!args.is_object() || !args.contains("project") || !args["project"].is_string())
          return fail(BadRequest("Access list not available for public volume types."));
        Credentials who = caller(req);
        Status st = std::string(action) == "addProjectAccess"
                        ? ctx.types.add_access(who, req.params["type_id"], args["project"])
                        : ctx.types.remove_access(who, req.params["type_id"], args["project"]);
        return st.ok() ? empty_response(202) : fail(st);
      }
      return fail(BadRequest("There is no such action on volume types."));
    });
  });
}

}  // namespace stacklab::api::volume_api
