// Regions, services and endpoints, and the catalog a token carries; policies.
#include "engine/identity/identity_service.h"

namespace stacklab::identity {

namespace {

// Substitutes $(project_id)s / %(tenant_id)s and friends; false if the URL
// needs a project and the token has none (Keystone then leaves it out).
bool substitute(std::string& url, const std::string& project_id) {
  for (const char* pat : {"$(project_id)s", "%(project_id)s", "$(tenant_id)s", "%(tenant_id)s"}) {
    for (auto pos = url.find(pat); pos != std::string::npos; pos = url.find(pat)) {
      if (project_id.empty()) return false;
      url.replace(pos, std::string(pat).size(), project_id);
    }
  }
  return true;
}

}  // namespace

// ---- regions ---------------------------------------------------------------

Result<Json> IdentityService::create_region(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the region must be a JSON object.");
  Json doc = in;
  if (!doc.contains("description")) doc["description"] = "";
  if (!doc.contains("parent_region_id")) doc["parent_region_id"] = nullptr;
  if (doc["parent_region_id"].is_string() && !store_.get("region", doc["parent_region_id"]))
    return NotFound("Could not find region: " + doc["parent_region_id"].get<std::string>() + ".");
  return create_entity(kRegionSpec, doc);
}

Result<Json> IdentityService::get_region(const std::string& id) const { return get_entity(kRegionSpec, id); }
std::vector<Json> IdentityService::list_regions() const { return list_entity(kRegionSpec); }

Result<Json> IdentityService::update_region(const std::string& id, const Json& patch) {
  if (patch.is_object() && patch.contains("parent_region_id") && patch["parent_region_id"].is_string()) {
    if (patch["parent_region_id"] == Json(id)) return BadRequest("A region cannot be its own parent.");
    if (!store_.get("region", patch["parent_region_id"]))
      return NotFound("Could not find region: " + patch["parent_region_id"].get<std::string>() + ".");
  }
  return update_entity(kRegionSpec, id, patch);
}

Status IdentityService::delete_region(const std::string& id) {
  if (!store_.get("region", id)) return NotFound("Could not find region: " + id + ".");
  for (const Json* r : store_.list("region"))
    if ((*r)["parent_region_id"] == Json(id))
      return Forbidden("Unable to delete region " + id + " because it or its child regions have associated endpoints.");
  for (const Json* e : store_.list("endpoint"))
    if ((*e)["region_id"] == Json(id))
      return Forbidden("Unable to delete region " + id + " because it or its child regions have associated endpoints.");
  return store_.erase("region", id);
}

// ---- services --------------------------------------------------------------

Result<Json> IdentityService::create_service(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the service must be a JSON object.");
  Json doc = in;
  if (!doc.contains("enabled")) doc["enabled"] = true;
  return create_entity(kServiceSpec, doc);
}

Result<Json> IdentityService::get_service(const std::string& id) const { return get_entity(kServiceSpec, id); }
std::vector<Json> IdentityService::list_services() const { return list_entity(kServiceSpec); }

Result<Json> IdentityService::update_service(const std::string& id, const Json& patch) {
  return update_entity(kServiceSpec, id, patch);
}

Status IdentityService::delete_service(const std::string& id) {
  if (!store_.get("service", id)) return NotFound("Could not find service: " + id + ".");
  return store_.transaction([&]() -> Status {
    for (const Json* e : store_.find("endpoint", "service_id", id)) {
      Status st = store_.erase("endpoint", (*e)["id"]);
      if (!st.ok()) return st;
    }
    return store_.erase("service", id);
  });
}

// ---- endpoints -------------------------------------------------------------

Result<Json> IdentityService::create_endpoint(const Json& in) {
  Status st = validate_fields(kEndpointSpec, in, true);
  if (!st.ok()) return st;
  Json doc = in;
  std::string iface = doc["interface"];
  if (iface != "public" && iface != "internal" && iface != "admin")
    return BadRequest("Invalid input for field 'interface': '" + iface +
                      "' is not one of ['admin', 'internal', 'public']");
  if (!store_.get("service", doc["service_id"].get<std::string>()))
    return NotFound("Could not find service: " + doc["service_id"].get<std::string>() + ".");
  if (!doc.contains("region_id") && doc.contains("region")) doc["region_id"] = doc["region"];
  if (!doc.contains("region_id")) doc["region_id"] = nullptr;
  doc["region"] = doc["region_id"];
  if (!doc.contains("enabled")) doc["enabled"] = true;
  Result<Json> created = Status();
  st = store_.transaction([&]() -> Status {
    // An endpoint in an unknown region brings the region into being, as Keystone's legacy "region" did.
    if (doc["region_id"].is_string() && !store_.get("region", doc["region_id"])) {
      auto r = create_region(Json{{"id", doc["region_id"]}});
      if (!r.ok()) return r.status();
    }
    created = create_entity(kEndpointSpec, doc);
    return created.status();
  });
  if (!st.ok()) return st;
  return created;
}

Result<Json> IdentityService::get_endpoint(const std::string& id) const { return get_entity(kEndpointSpec, id); }
std::vector<Json> IdentityService::list_endpoints() const { return list_entity(kEndpointSpec); }

Result<Json> IdentityService::update_endpoint(const std::string& id, const Json& patch) {
  if (!patch.is_object()) return BadRequest("Invalid input: the endpoint must be a JSON object.");
  Json p = patch;
  if (p.contains("interface") && p["interface"].is_string()) {
    std::string iface = p["interface"];
    if (iface != "public" && iface != "internal" && iface != "admin")
      return BadRequest("Invalid input for field 'interface': '" + iface +
                        "' is not one of ['admin', 'internal', 'public']");
  }
  if (p.contains("service_id") && p["service_id"].is_string() && !store_.get("service", p["service_id"]))
    return NotFound("Could not find service: " + p["service_id"].get<std::string>() + ".");
  // Keystone's _validate_endpoint_region: the legacy "region" (without
  // "region_id") brings an unknown region into being, on update as on create.
  bool legacy_region = !p.contains("region_id") && p.contains("region") && p["region"].is_string();
  if (p.contains("region_id"))
    p["region"] = p["region_id"];
  else if (p.contains("region"))
    p["region_id"] = p["region"];
  if (!legacy_region && p.contains("region_id") && p["region_id"].is_string() && !store_.get("region", p["region_id"]))
    return NotFound("Could not find region: " + p["region_id"].get<std::string>() + ".");
  if (!store_.get("endpoint", id)) return NotFound("Could not find endpoint: " + id + ".");
  Result<Json> updated = Status();
  Status st = store_.transaction([&]() -> Status {
    if (legacy_region && !store_.get("region", p["region_id"])) {
      auto r = create_region(Json{{"id", p["region_id"]}});
      if (!r.ok()) return r.status();
    }
    updated = update_entity(kEndpointSpec, id, p);
    return updated.status();
  });
  if (!st.ok()) return st;
  return updated;
}

Status IdentityService::delete_endpoint(const std::string& id) {
  if (!store_.get("endpoint", id)) return NotFound("Could not find endpoint: " + id + ".");
  return store_.erase("endpoint", id);
}

// ---- policies ----------------------------------------------------------------
// Keystone's /v3/policies keeps blobs for other services to fetch; it never
// enforces them, and neither does stacklab.

Result<Json> IdentityService::create_policy(const Json& in) {
  Status st = validate_fields(kPolicySpec, in, true);
  if (!st.ok()) return st;
  Json doc = in;
  doc.erase("id");
  return create_entity(kPolicySpec, doc);
}

Result<Json> IdentityService::get_policy(const std::string& id) const { return get_entity(kPolicySpec, id); }
std::vector<Json> IdentityService::list_policies() const { return list_entity(kPolicySpec); }

Result<Json> IdentityService::update_policy(const std::string& id, const Json& patch) {
  return update_entity(kPolicySpec, id, patch);
}

Status IdentityService::delete_policy(const std::string& id) {
  if (!store_.get("policy", id)) return NotFound("Could not find policy: " + id + ".");
  return store_.erase("policy", id);
}

// ---- catalog ---------------------------------------------------------------

Json IdentityService::catalog_for(const AuthContext& token) const {
  std::pair versions{store_.version("service"), store_.version("endpoint")};
  if (versions != catalog_versions_ || catalog_cache_.size() > 10000) {
    catalog_cache_.clear();
    catalog_versions_ = versions;
  }
  auto cached = catalog_cache_.find(token.project_id);
  if (cached != catalog_cache_.end()) return cached->second;
  Json catalog = Json::array();
  for (const Json* svc : store_.list("service")) {
    if (!(*svc).value("enabled", true)) continue;
    Json endpoints = Json::array();
    for (const Json* e : store_.find("endpoint", "service_id", (*svc)["id"])) {
      if (!(*e).value("enabled", true)) continue;
      std::string url = (*e)["url"];
      if (!substitute(url, token.project_id)) continue;
      endpoints.push_back({{"id", (*e)["id"]},
                           {"interface", (*e)["interface"]},
                           {"region", (*e)["region_id"]},
                           {"region_id", (*e)["region_id"]},
                           {"url", url}});
    }
    if (endpoints.empty()) continue;
    catalog.push_back({{"endpoints", endpoints},
                       {"id", (*svc)["id"]},
                       {"type", (*svc)["type"]},
                       {"name", (*svc).value("name", Json(""))}});
  }
  catalog_cache_[token.project_id] = catalog;
  return catalog;
}

}  // namespace stacklab::identity
