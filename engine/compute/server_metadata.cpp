#include "engine/compute/server_metadata.h"

#include <algorithm>
#include <cctype>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

bool metadata_key_ok(const std::string& k) {
  if (k.empty() || k.size() > 255) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
  });
}

}  // namespace

Status validate_metadata(const Json& m) {
  if (!m.is_object())
    return BadRequest("Invalid input for field/attribute metadata. Value: " + m.dump() + ". " + m.dump() +
                      " is not of type 'object'");
  for (const auto& [k, v] : m.items()) {
    if (!metadata_key_ok(k))
      return BadRequest("Invalid input for field/attribute metadata. Value: " + m.dump() +
                        ". Additional properties are not allowed ('" + k + "' was unexpected)");
    if (!v.is_string())
      return BadRequest("Invalid input for field/attribute " + k + ". Value: " + v.dump() + ". " + v.dump() +
                        " is not of type 'string'");
    if (v.get<std::string>().size() > 255)
      return BadRequest("Invalid input for field/attribute " + k + ". Value: " + v.dump() + ". " + v.dump() +
                        " is too long");
  }
  return {};
}

Status validate_tag(const std::string& t) {
  if (t.empty() || t.size() > 60 || t.find('/') != std::string::npos || t.find(',') != std::string::npos)
    return BadRequest("Tag '" + t +
                      "' is invalid. It must be a non empty string without characters '/' and ',' and at most 60 "
                      "characters long.");
  return {};
}

ServerMetadataService::ServerMetadataService(Store& store, Clock& clock, const Policy& policy,
                                             const QuotaService* quotas)
    : store_(store), clock_(clock), policy_(policy), quotas_(quotas) {
  store_.define("server", {"project_id"});
}

Result<Json> ServerMetadataService::load(const Credentials& caller, const std::string& id,
                                         const std::string& action) const {
  const Json* s = store_.get("server", id);
  std::string missing = "Instance " + id + " could not be found.";
  if (!s || (*s).value("deleted", false)) return NotFound(missing);
  Json target = {{"project_id", (*s)["project_id"]}};
  if (!policy_.allowed("os_compute_api:servers:show", caller, target)) return NotFound(missing);
  Status st = authorize(policy_, action, caller, target);
  if (!st.ok()) return st;
  return *s;
}

Status ServerMetadataService::editable(const Credentials& caller, const Json& s, const std::string& what,
                                       bool tags) const {
  const std::string vm = s.value("vm_state", "");
  static const std::vector<std::string> kMeta = {"active", "paused", "suspended", "stopped"};
  static const std::vector<std::string> kTags = {"active",  "paused",  "suspended",
                                                 "stopped", "shelved", "shelved_offloaded"};
  const auto& ok = tags ? kTags : kMeta;
  std::string id = s["id"];
  if (std::find(ok.begin(), ok.end(), vm) == ok.end())
    return Conflict("Cannot '" + what + "' instance " + id + " while it is in vm_state " + vm);
  if (!tags && s["task_state"].is_string())
    return Conflict("Cannot '" + what + "' instance " + id + " while it is in task_state " +
                    s["task_state"].get<std::string>());
  if (!tags && s.value("locked", false) && !caller.is_admin()) return Conflict("Instance " + id + " is locked");
  return {};
}

Status ServerMetadataService::save(Json s) {
  s["updated_at"] = format_iso_seconds(clock_.now());
  std::string id = s["id"];
  return store_.put("server", id, std::move(s));
}

Result<Json> ServerMetadataService::metadata(const Credentials& caller, const std::string& id) const {
  auto s = load(caller, id, "os_compute_api:server-metadata:index");
  if (!s.ok()) return s.status();
  return (*s)["metadata"];
}

Result<Json> ServerMetadataService::set_metadata(const Credentials& caller, const std::string& id, const Json& m,
                                                 bool replace) {
  auto s =
      load(caller, id, replace ? "os_compute_api:server-metadata:update_all" : "os_compute_api:server-metadata:create");
  if (!s.ok()) return s.status();
  Status st = validate_metadata(m);
  if (!st.ok()) return st;
  st = editable(caller, *s, "update metadata", false);
  if (!st.ok()) return st;
  Json merged = replace ? Json::object() : (*s)["metadata"];
  for (const auto& [k, v] : m.items()) merged[k] = v;
  if (quotas_) {
    st = quotas_->check_metadata_items((*s)["project_id"], merged.size());
    if (!st.ok()) return st;
  }
  (*s)["metadata"] = merged;
  st = save(*s);
  if (!st.ok()) return st;
  return merged;
}

Result<std::string> ServerMetadataService::item(const Credentials& caller, const std::string& id,
                                                const std::string& key) const {
  auto s = load(caller, id, "os_compute_api:server-metadata:show");
  if (!s.ok()) return s.status();
  const Json& m = (*s)["metadata"];
  if (!m.contains(key)) return NotFound("Metadata item was not found");
  return m[key].get<std::string>();
}

Status ServerMetadataService::set_item(const Credentials& caller, const std::string& id, const std::string& key,
                                       const std::string& value) {
  auto r = set_metadata(caller, id, Json{{key, value}}, false);
  return r.ok() ? Status{} : r.status();
}

Status ServerMetadataService::delete_item(const Credentials& caller, const std::string& id, const std::string& key) {
  auto s = load(caller, id, "os_compute_api:server-metadata:delete");
  if (!s.ok()) return s.status();
  if (!(*s)["metadata"].contains(key)) return NotFound("Metadata item was not found");
  Status st = editable(caller, *s, "delete metadata", false);
  if (!st.ok()) return st;
  (*s)["metadata"].erase(key);
  return save(*s);
}

Result<std::vector<std::string>> ServerMetadataService::tags(const Credentials& caller, const std::string& id) const {
  auto s = load(caller, id, "os_compute_api:os-server-tags:index");
  if (!s.ok()) return s.status();
  return (*s)["tags"].get<std::vector<std::string>>();
}

Result<std::vector<std::string>> ServerMetadataService::replace_tags(const Credentials& caller, const std::string& id,
                                                                     const std::vector<std::string>& tags) {
  auto s = load(caller, id, "os_compute_api:os-server-tags:update_all");
  if (!s.ok()) return s.status();
  std::vector<std::string> out;
  for (const auto& t : tags) {
    Status st = validate_tag(t);
    if (!st.ok()) return st;
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  if (out.size() > kMaxServerTags)
    return BadRequest("The number of tags exceeded the per-server limit " + std::to_string(kMaxServerTags));
  Status st = editable(caller, *s, "update tags", true);
  if (!st.ok()) return st;
  (*s)["tags"] = out;
  st = save(*s);
  if (!st.ok()) return st;
  return out;
}

Result<bool> ServerMetadataService::add_tag(const Credentials& caller, const std::string& id, const std::string& tag) {
  auto s = load(caller, id, "os_compute_api:os-server-tags:update");
  if (!s.ok()) return s.status();
  Status st = validate_tag(tag);
  if (!st.ok()) return st;
  auto current = (*s)["tags"].get<std::vector<std::string>>();
  if (std::find(current.begin(), current.end(), tag) != current.end()) return false;
  if (current.size() >= kMaxServerTags)
    return BadRequest("The number of tags exceeded the per-server limit " + std::to_string(kMaxServerTags));
  st = editable(caller, *s, "update tag", true);
  if (!st.ok()) return st;
  (*s)["tags"].push_back(tag);
  st = save(*s);
  if (!st.ok()) return st;
  return true;
}

Status ServerMetadataService::check_tag(const Credentials& caller, const std::string& id,
                                        const std::string& tag) const {
  auto t = tags(caller, id);
  if (!t.ok()) return t.status();
  if (std::find(t->begin(), t->end(), tag) == t->end())
    return NotFound("Tag " + tag + " could not be found for instance " + id + ".");
  return {};
}

Status ServerMetadataService::delete_tag(const Credentials& caller, const std::string& id, const std::string& tag) {
  auto s = load(caller, id, "os_compute_api:os-server-tags:delete");
  if (!s.ok()) return s.status();
  auto current = (*s)["tags"].get<std::vector<std::string>>();
  auto it = std::find(current.begin(), current.end(), tag);
  if (it == current.end()) return NotFound("Tag " + tag + " could not be found for instance " + id + ".");
  Status st = editable(caller, *s, "delete tag", true);
  if (!st.ok()) return st;
  current.erase(it);
  (*s)["tags"] = current;
  return save(*s);
}

Status ServerMetadataService::delete_tags(const Credentials& caller, const std::string& id) {
  auto s = load(caller, id, "os_compute_api:os-server-tags:delete_all");
  if (!s.ok()) return s.status();
  Status st = editable(caller, *s, "delete tags", true);
  if (!st.ok()) return st;
  (*s)["tags"] = Json::array();
  return save(*s);
}

Result<Json> ServerMetadataService::update(const Credentials& caller, const std::string& id, const ServerUpdate& u) {
  auto s = load(caller, id, "os_compute_api:servers:update");
  if (!s.ok()) return s.status();
  if (u.name) (*s)["name"] = *u.name;
  if (u.description) (*s)["description"] = *u.description ? Json(**u.description) : Json(nullptr);
  if (u.access_ipv4) (*s)["access_ipv4"] = *u.access_ipv4;
  if (u.access_ipv6) (*s)["access_ipv6"] = *u.access_ipv6;
  Status st = save(*s);
  if (!st.ok()) return st;
  return *store_.get("server", id);
}

}  // namespace stacklab::compute
