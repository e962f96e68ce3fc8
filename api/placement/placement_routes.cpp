// /placement: version document, resource providers, inventories, traits,
// aggregates, resource classes.
#include "api/placement/placement_routes.h"

#include <algorithm>
#include <sstream>

#include "api/errors.h"

namespace stacklab::api::placement_api {

using placement::Inventory;
using placement::ResourceProvider;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

Result<Inventory> parse_inventory(const Json& j, const std::string& rc) {
  if (!j.is_object() || !j.contains("total") || !j["total"].is_number_integer())
    return BadRequest("JSON does not validate: 'total' is a required property of the " + rc + " inventory");
  Inventory inv;
  inv.total = j["total"];
  auto integer = [&](const char* k, std::int64_t* out) -> Status {
    if (!j.contains(k)) return {};
    if (!j[k].is_number_integer())
      return BadRequest(std::string("JSON does not validate: '") + k + "' is not of type 'integer'");
    *out = j[k];
    return {};
  };
  for (auto [k, p] : {std::pair{"reserved", &inv.reserved}, std::pair{"min_unit", &inv.min_unit},
                      std::pair{"max_unit", &inv.max_unit}, std::pair{"step_size", &inv.step_size}}) {
    Status st = integer(k, p);
    if (!st.ok()) return st;
  }
  if (j.contains("allocation_ratio")) {
    if (!j["allocation_ratio"].is_number())
      return BadRequest("JSON does not validate: 'allocation_ratio' is not of type 'number'");
    inv.allocation_ratio = j["allocation_ratio"];
  }
  return inv;
}

Json inventory_json(const Inventory& i) {
  return {{"total", i.total},       {"reserved", i.reserved},   {"min_unit", i.min_unit},
          {"max_unit", i.max_unit}, {"step_size", i.step_size}, {"allocation_ratio", i.allocation_ratio}};
}

Json inventories_json(const ResourceProvider& rp) {
  Json inv = Json::object();
  for (const auto& [rc, i] : rp.inventories) inv[rc] = inventory_json(i);
  return {{"inventories", inv}, {"resource_provider_generation", rp.generation}};
}

Result<std::int64_t> generation_of(const Json& body) {
  if (!body.contains("resource_provider_generation") || !body["resource_provider_generation"].is_number_integer())
    return BadRequest("JSON does not validate: 'resource_provider_generation' is a required property");
  return body["resource_provider_generation"].get<std::int64_t>();
}

Response provider_reply(const Result<const ResourceProvider*>& rp, const Microversion& v, int status = 200) {
  if (!rp.ok()) return fail(rp.status());
  return json_response(status, provider_json(**rp, v));
}

}  // namespace

Response fail(const Status& st, const std::string& request_id) {
  return error_response(ErrorStyle::kPlacement, st, request_id);
}

Response versioned(Request& req, Microversion since, const std::function<Response(const Microversion&)>& fn) {
  auto v = negotiate(req, kPlacementVersions);
  if (!v.ok()) return fail(v.status(), req.request_id);
  Response resp;
  if (*v < since) {
    resp = fail(NotFound("The resource could not be found."), req.request_id);
  } else if (!req.auth->credentials().is_admin() && !req.auth->credentials().has_role("service")) {
    resp = fail(Forbidden("Access was denied to this resource."), req.request_id);
  } else {
    resp = fn(*v);
  }
  annotate(resp, kPlacementVersions, *v);
  return resp;
}

Json provider_json(const ResourceProvider& rp, const Microversion& v) {
  std::string self = "/resource_providers/" + rp.uuid;
  Json links = Json::array({{{"rel", "self"}, {"href", self}},
                            {{"rel", "inventories"}, {"href", self + "/inventories"}},
                            {{"rel", "usages"}, {"href", self + "/usages"}}});
  if (v >= Microversion{1, 1}) links.push_back({{"rel", "aggregates"}, {"href", self + "/aggregates"}});
  if (v >= Microversion{1, 6}) links.push_back({{"rel", "traits"}, {"href", self + "/traits"}});
  if (v >= Microversion{1, 11}) links.push_back({{"rel", "allocations"}, {"href", self + "/allocations"}});
  Json j = {{"uuid", rp.uuid}, {"name", rp.name}, {"generation", rp.generation}, {"links", links}};
  if (v >= Microversion{1, 14}) {
    j["parent_provider_uuid"] = rp.parent_uuid.empty() ? Json() : Json(rp.parent_uuid);
    j["root_provider_uuid"] = rp.root_uuid;
  }
  return j;
}

Router make_placement_router(Ctx ctx) {
  Router r;
  auto& p = ctx.placement;
  r.add_sync(
      "GET", "/",
      [](Request&) {
        Json version = {{"id", "v1.0"},
                        {"status", "CURRENT"},
                        {"min_version", kPlacementVersions.min.str()},
                        {"max_version", kPlacementVersions.max.str()},
                        {"links", {{{"rel", "self"}, {"href", ""}}}}};
        return json_response(200, {{"versions", Json::array({version})}});
      },
      false);

  // ---- resource providers ----
  r.add_sync("GET", "/resource_providers", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      auto name = req.query_param("name");
      auto uuid = req.query_param("uuid");
      auto member_of = req.query_param("member_of");
      auto resources = req.query_param("resources");
      auto in_tree = req.query_param("in_tree");
      auto required = req.query_param("required");
      std::set<std::string> any_aggregate;
      if (member_of) {
        std::string m = member_of->rfind("in:", 0) == 0 ? member_of->substr(3) : *member_of;
        for (const auto& a : split(m, ',')) any_aggregate.insert(a);
      }
      placement::ResourceAmounts want;
      if (resources) {
        for (const auto& part : split(*resources, ',')) {
          auto colon = part.find(':');
          if (colon == std::string::npos)
            return fail(
                BadRequest("Badly formed resources parameter. Expected resources query string parameter in form: "
                           "?resources=VCPU:2,MEMORY_MB:1024. Got: " +
                           *resources));
          try {
            want[part.substr(0, colon)] = std::stoll(part.substr(colon + 1));
          } catch (...) {
            return fail(
                BadRequest("Requested resource " + part.substr(0, colon) + " expected positive integer amount."));
          }
        }
      }
      std::string tree_root;
      if (in_tree) {
        const ResourceProvider* t = p.provider(*in_tree);
        if (!t) return json_response(200, {{"resource_providers", Json::array()}});
        tree_root = t->root_uuid;
      }
      Json list = Json::array();
      for (const ResourceProvider* rp : p.providers()) {
        if (name && rp->name != *name) continue;
        if (uuid && rp->uuid != *uuid) continue;
        if (!tree_root.empty() && rp->root_uuid != tree_root) continue;
        if (member_of && std::none_of(any_aggregate.begin(), any_aggregate.end(),
                                      [&](const std::string& a) { return rp->aggregates.count(a) > 0; }))
          continue;
        if (required) {
          bool ok = true;
          for (const auto& t : split(*required, ','))
            ok = ok && (t[0] == '!' ? !rp->traits.count(t.substr(1)) : rp->traits.count(t) > 0);
          if (!ok) continue;
        }
        bool fits = true;
        for (const auto& [rc, n] : want) fits = fits && rp->fits(rc, n);
        if (!fits) continue;
        list.push_back(provider_json(*rp, v));
      }
      return json_response(200, {{"resource_providers", list}});
    });
  });
  r.add_sync("POST", "/resource_providers", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("name") || !(*body)["name"].is_string())
        return fail(BadRequest("JSON does not validate: 'name' is a required property"));
      std::string uuid = body->value("uuid", Json("")).is_string() ? body->value("uuid", "") : "";
      std::string parent;
      if (v >= Microversion{1, 14} && body->contains("parent_provider_uuid") &&
          (*body)["parent_provider_uuid"].is_string())
        parent = (*body)["parent_provider_uuid"];
      auto rp = p.create_provider((*body)["name"], uuid, parent);
      if (!rp.ok()) return fail(rp.status());
      Response resp = v >= Microversion{1, 20} ? json_response(200, provider_json(**rp, v)) : empty_response(201);
      resp.header("Location", "/resource_providers/" + (*rp)->uuid);
      return resp;
    });
  });
  r.add_sync("GET", "/resource_providers/{uuid}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      return json_response(200, provider_json(*rp, v));
    });
  });
  r.add_sync("PUT", "/resource_providers/{uuid}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("name") || !(*body)["name"].is_string())
        return fail(BadRequest("JSON does not validate: 'name' is a required property"));
      std::optional<std::string> parent;
      if (v >= Microversion{1, 14} && body->contains("parent_provider_uuid"))
        parent = (*body)["parent_provider_uuid"].is_string() ? (*body)["parent_provider_uuid"].get<std::string>() : "";
      return provider_reply(p.update_provider(req.params["uuid"], (*body)["name"], parent), v);
    });
  });
  r.add_sync("DELETE", "/resource_providers/{uuid}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      Status st = p.delete_provider(req.params["uuid"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });

  // ---- inventories ----
  r.add_sync("GET", "/resource_providers/{uuid}/inventories", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      return json_response(200, inventories_json(*rp));
    });
  });
  r.add_sync("PUT", "/resource_providers/{uuid}/inventories", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      auto gen = generation_of(*body);
      if (!gen.ok()) return fail(gen.status());
      if (!body->contains("inventories") || !(*body)["inventories"].is_object())
        return fail(BadRequest("JSON does not validate: 'inventories' is a required property"));
      std::map<std::string, Inventory> all;
      for (const auto& [rc, j] : (*body)["inventories"].items()) {
        auto inv = parse_inventory(j, rc);
        if (!inv.ok()) return fail(inv.status());
        all[rc] = *inv;
      }
      auto rp = p.set_inventories(req.params["uuid"], *gen, all);
      return rp.ok() ? json_response(200, inventories_json(**rp)) : fail(rp.status());
    });
  });
  r.add_sync("DELETE", "/resource_providers/{uuid}/inventories", [&p](Request& req) {
    return versioned(req, {1, 5}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      auto done = p.set_inventories(rp->uuid, rp->generation, {});
      return done.ok() ? empty_response(204) : fail(done.status());
    });
  });
  r.add_sync("POST", "/resource_providers/{uuid}/inventories", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      auto gen = generation_of(*body);
      if (!gen.ok()) return fail(gen.status());
      if (!body->contains("resource_class") || !(*body)["resource_class"].is_string())
        return fail(BadRequest("JSON does not validate: 'resource_class' is a required property"));
      std::string rc = (*body)["resource_class"];
      const ResourceProvider* cur = p.provider(req.params["uuid"]);
      if (cur && cur->inventories.count(rc))
        return fail(Conflict("Update conflict: Inventory for resource class " + rc + " already exists"));
      auto inv = parse_inventory(*body, rc);
      if (!inv.ok()) return fail(inv.status());
      auto rp = p.set_inventory(req.params["uuid"], *gen, rc, *inv);
      if (!rp.ok()) return fail(rp.status());
      Json out = inventory_json((*rp)->inventories.at(rc));
      out["resource_provider_generation"] = (*rp)->generation;
      auto resp = json_response(201, out);
      resp.header("Location", "/resource_providers/" + req.params["uuid"] + "/inventories/" + rc);
      return resp;
    });
  });
  r.add_sync("GET", "/resource_providers/{uuid}/inventories/{rc}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      auto it = rp->inventories.find(req.params["rc"]);
      if (it == rp->inventories.end())
        return fail(NotFound("No inventory of class " + req.params["rc"] + " for " + rp->uuid));
      Json out = inventory_json(it->second);
      out["resource_provider_generation"] = rp->generation;
      return json_response(200, out);
    });
  });
  r.add_sync("PUT", "/resource_providers/{uuid}/inventories/{rc}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      auto gen = generation_of(*body);
      if (!gen.ok()) return fail(gen.status());
      std::string rc = req.params["rc"];
      auto inv = parse_inventory(*body, rc);
      if (!inv.ok()) return fail(inv.status());
      auto rp = p.set_inventory(req.params["uuid"], *gen, rc, *inv);
      if (!rp.ok()) return fail(rp.status());
      Json out = inventory_json((*rp)->inventories.at(rc));
      out["resource_provider_generation"] = (*rp)->generation;
      return json_response(200, out);
    });
  });
  r.add_sync("DELETE", "/resource_providers/{uuid}/inventories/{rc}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      auto done = p.delete_inventory(rp->uuid, rp->generation, req.params["rc"]);
      return done.ok() ? empty_response(204) : fail(done.status());
    });
  });

  // ---- aggregates and traits of a provider ----
  r.add_sync("GET", "/resource_providers/{uuid}/aggregates", [&p](Request& req) {
    return versioned(req, {1, 1}, [&](const Microversion& v) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      Json out = {{"aggregates", rp->aggregates}};
      if (v >= Microversion{1, 19}) out["resource_provider_generation"] = rp->generation;
      return json_response(200, out);
    });
  });
  r.add_sync("PUT", "/resource_providers/{uuid}/aggregates", [&p](Request& req) {
    return versioned(req, {1, 1}, [&](const Microversion& v) {
      Json body = Json::parse(req.body, nullptr, false);
      if (body.is_discarded()) return fail(BadRequest("Malformed JSON"));
      std::optional<std::int64_t> gen;
      Json list = body;
      if (v >= Microversion{1, 19}) {
        if (!body.is_object()) return fail(BadRequest("JSON does not validate: the body must be an object"));
        auto g = generation_of(body);
        if (!g.ok()) return fail(g.status());
        gen = *g;
        list = body.value("aggregates", Json());
      }
      if (!list.is_array()) return fail(BadRequest("JSON does not validate: 'aggregates' must be a list of uuids"));
      std::set<std::string> aggs;
      for (const auto& a : list) {
        if (!a.is_string()) return fail(BadRequest("JSON does not validate: aggregate ids are strings"));
        aggs.insert(a.get<std::string>());
      }
      auto rp = p.set_aggregates(req.params["uuid"], gen, aggs);
      if (!rp.ok()) return fail(rp.status());
      Json out = {{"aggregates", (*rp)->aggregates}};
      if (v >= Microversion{1, 19}) out["resource_provider_generation"] = (*rp)->generation;
      return json_response(200, out);
    });
  });
  r.add_sync("GET", "/resource_providers/{uuid}/traits", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      return json_response(200, {{"traits", rp->traits}, {"resource_provider_generation", rp->generation}});
    });
  });
  r.add_sync("PUT", "/resource_providers/{uuid}/traits", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      auto gen = generation_of(*body);
      if (!gen.ok()) return fail(gen.status());
      if (!body->contains("traits") || !(*body)["traits"].is_array())
        return fail(BadRequest("JSON does not validate: 'traits' is a required property"));
      std::set<std::string> traits;
      for (const auto& t : (*body)["traits"]) {
        if (!t.is_string()) return fail(BadRequest("JSON does not validate: traits are strings"));
        traits.insert(t.get<std::string>());
      }
      auto rp = p.set_traits(req.params["uuid"], *gen, traits);
      if (!rp.ok()) return fail(rp.status());
      return json_response(200, {{"traits", (*rp)->traits}, {"resource_provider_generation", (*rp)->generation}});
    });
  });
  r.add_sync("DELETE", "/resource_providers/{uuid}/traits", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      auto done = p.set_traits(rp->uuid, rp->generation, {});
      return done.ok() ? empty_response(204) : fail(done.status());
    });
  });

  // ---- resource classes ----
  auto class_json = [](const std::string& name) {
    return Json{{"name", name}, {"links", {{{"rel", "self"}, {"href", "/resource_classes/" + name}}}}};
  };
  r.add_sync("GET", "/resource_classes", [&p, class_json](Request& req) {
    return versioned(req, {1, 2}, [&](const Microversion&) {
      Json list = Json::array();
      for (const auto& rc : p.resource_classes()) list.push_back(class_json(rc));
      return json_response(200, {{"resource_classes", list}});
    });
  });
  r.add_sync("POST", "/resource_classes", [&p](Request& req) {
    return versioned(req, {1, 2}, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("name") || !(*body)["name"].is_string())
        return fail(BadRequest("JSON does not validate: 'name' is a required property"));
      Status st = p.create_resource_class((*body)["name"]);
      if (!st.ok()) return fail(st);
      auto resp = empty_response(201);
      resp.header("Location", "/resource_classes/" + (*body)["name"].get<std::string>());
      return resp;
    });
  });
  r.add_sync("GET", "/resource_classes/{name}", [&p, class_json](Request& req) {
    return versioned(req, {1, 2}, [&](const Microversion&) {
      if (!p.resource_class_exists(req.params["name"]))
        return fail(NotFound("No such resource class " + req.params["name"] + "."));
      return json_response(200, class_json(req.params["name"]));
    });
  });
  r.add_sync("PUT", "/resource_classes/{name}", [&p](Request& req) {
    return versioned(req, {1, 7}, [&](const Microversion&) {
      if (p.resource_class_exists(req.params["name"])) return empty_response(204);
      Status st = p.create_resource_class(req.params["name"]);
      if (!st.ok()) return fail(st);
      auto resp = empty_response(201);
      resp.header("Location", "/resource_classes/" + req.params["name"]);
      return resp;
    });
  });
  r.add_sync("DELETE", "/resource_classes/{name}", [&p](Request& req) {
    return versioned(req, {1, 2}, [&](const Microversion&) {
      Status st = p.delete_resource_class(req.params["name"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });

  // ---- traits ----
  r.add_sync("GET", "/traits", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      auto name = req.query_param("name");
      auto associated = req.query_param("associated");
      std::set<std::string> used;
      if (associated)
        for (const ResourceProvider* rp : p.providers()) used.insert(rp->traits.begin(), rp->traits.end());
      Json list = Json::array();
      for (const auto& t : p.traits()) {
        if (name) {
          if (name->rfind("startswith:", 0) == 0) {
            if (t.rfind(name->substr(11), 0) != 0) continue;
          } else if (name->rfind("in:", 0) == 0) {
            auto want = split(name->substr(3), ',');
            if (std::find(want.begin(), want.end(), t) == want.end()) continue;
          } else {
            return fail(
                BadRequest("Badly formatted name parameter. Expected name query string parameter in form: "
                           "?name=[in|startswith]:[name1,name2|prefix]. Got: \"" +
                           *name + "\""));
          }
        }
        if (associated && ((*associated == "true") != (used.count(t) > 0))) continue;
        list.push_back(t);
      }
      return json_response(200, {{"traits", list}});
    });
  });
  r.add_sync("GET", "/traits/{name}", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      return p.trait_exists(req.params["name"]) ? empty_response(204)
                                                : fail(NotFound("No such trait(s): " + req.params["name"]));
    });
  });
  r.add_sync("PUT", "/traits/{name}", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      if (p.trait_exists(req.params["name"])) return empty_response(204);
      Status st = p.create_trait(req.params["name"]);
      if (!st.ok()) return fail(st);
      auto resp = empty_response(201);
      resp.header("Location", "/traits/" + req.params["name"]);
      return resp;
    });
  });
  r.add_sync("DELETE", "/traits/{name}", [&p](Request& req) {
    return versioned(req, {1, 6}, [&](const Microversion&) {
      Status st = p.delete_trait(req.params["name"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });

  add_allocation_routes(r, ctx);
  return r;
}

}  // namespace stacklab::api::placement_api
