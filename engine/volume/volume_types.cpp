#include "engine/volume/volume_types.h"

#include <algorithm>

#include "engine/volume/model.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {

const char* const kKind = "volume_type";

Status check_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || std::all_of(name.begin(), name.end(), ::isspace))
    return BadRequest("Volume type name can not be empty.");
  return {};
}

Status check_specs(const Json& specs) {
  if (!specs.is_object()) return BadRequest("Invalid input received: extra_specs must be an object.");
  for (const auto& [k, v] : specs.items()) {
    if (k.empty() || k.size() > 255) return BadRequest("Invalid input received: extra_specs key length out of range.");
    if (!v.is_string() && !v.is_number() && !v.is_boolean())
      return BadRequest("Invalid input received: Value for key " + k + " must be a string.");
  }
  return {};
}

// Extra-spec values are strings in Cinder's database; booleans as "True"/"False".
std::string spec_string(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();
}

}  // namespace

VolumeTypeService::VolumeTypeService(Store& store, Clock& clock, Random& random, const Policy& policy,
                                     std::string default_type)
    : store_(store), clock_(clock), random_(random), policy_(policy), default_type_(std::move(default_type)) {
  store_.define(kKind, {"name"});
}

const Json* VolumeTypeService::find_by_name(const std::string& name) const {
  auto found = store_.find(kKind, "name", name);
  return found.empty() ? nullptr : found.front();
}

bool VolumeTypeService::visible(const Credentials& caller, const Json& type) const {
  if (type.value("is_public", true) || caller.is_admin()) return true;
  const Json& access = type["access"];
  return std::find(access.begin(), access.end(), caller.project_id) != access.end();
}

Result<Json> VolumeTypeService::visible_type(const Credentials& caller, const std::string& id) const {
  const Json* t = id == "default" ? default_type() : store_.get(kKind, id);
  if (!t || !visible(caller, *t)) return NotFound("Volume type " + id + " could not be found.");
  return *t;
}

Result<Json> VolumeTypeService::create_unchecked(const NewVolumeType& type) {
  if (Status st = check_name(type.name); !st.ok()) return st;
  if (Status st = check_specs(type.extra_specs); !st.ok()) return st;
  if (find_by_name(type.name)) return Result<Json>(Conflict("Volume Type " + type.name + " already exists."));
  Json specs = Json::object();
  for (const auto& [k, v] : type.extra_specs.items()) specs[k] = spec_string(v);
  std::string id = random_.uuid4();
  Json doc = {{"id", id},
              {"name", type.name},
              {"description", type.description.empty() ? Json(nullptr) : Json(type.description)},
              {"is_public", type.is_public},
              {"extra_specs", specs},
              {"access", Json::array()},
              {"created_at", cinder_time(clock_.now())}};
  if (Status st = store_.put(kKind, id, doc); !st.ok()) return st;
  return doc;
}

Result<Json> VolumeTypeService::create(const Credentials& caller, const NewVolumeType& type) {
  if (Status st = authorize(policy_, "volume_extension:types_manage", caller); !st.ok()) return st;
  return create_unchecked(type);
}

Result<Json> VolumeTypeService::get(const Credentials& caller, const std::string& id) const {
  return visible_type(caller, id);
}

std::vector<Json> VolumeTypeService::list(const Credentials& caller, std::optional<bool> is_public) const {
  std::vector<Json> out;
  for (const Json* t : store_.list(kKind)) {
    if (!visible(caller, *t)) continue;
    // Members always get the public types plus those shared with them; the filter is an admin's.
    if (caller.is_admin() && is_public && t->value("is_public", true) != *is_public) continue;
    out.push_back(*t);
  }
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) { return a["name"] < b["name"]; });
  return out;
}

Result<Json> VolumeTypeService::update(const Credentials& caller, const std::string& id,
                                       const VolumeTypeChange& change) {
  if (Status st = authorize(policy_, "volume_extension:types_manage", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t;
  Json doc = *t;
  if (change.name) {
    if (Status st = check_name(*change.name); !st.ok()) return st;
    const Json* other = find_by_name(*change.name);
    if (other && (*other)["id"] != doc["id"])
      return Result<Json>(Conflict("Volume Type " + *change.name + " already exists."));
    doc["name"] = *change.name;
  }
  if (change.description) doc["description"] = *change.description;
  if (change.is_public) doc["is_public"] = *change.is_public;
  if (Status st = store_.put(kKind, doc["id"], doc); !st.ok()) return st;
  return doc;
}

Status VolumeTypeService::remove(const Credentials& caller, const std::string& id) {
  if (Status st = authorize(policy_, "volume_extension:types_manage", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t.status();
  if (!store_.find(kVolumeKind, "volume_type_id", (*t)["id"]).empty())
    return BadRequest("Target volume type is still in use.");
  return store_.erase(kKind, (*t)["id"]);
}

Result<Json> VolumeTypeService::extra_specs(const Credentials& caller, const std::string& id) const {
  if (Status st = authorize(policy_, "volume_extension:types_extra_specs:index", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t;
  return (*t)["extra_specs"];
}

Result<Json> VolumeTypeService::set_extra_specs(const Credentials& caller, const std::string& id, const Json& specs) {
  if (Status st = authorize(policy_, "volume_extension:types_extra_specs", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t;
  if (Status st = check_specs(specs); !st.ok()) return st;
  Json doc = *t;
  Json out = Json::object();
  for (const auto& [k, v] : specs.items()) out[k] = doc["extra_specs"][k] = spec_string(v);
  if (Status st = store_.put(kKind, doc["id"], doc); !st.ok()) return st;
  return out;
}

Status VolumeTypeService::unset_extra_spec(const Credentials& caller, const std::string& id, const std::string& key) {
  if (Status st = authorize(policy_, "volume_extension:types_extra_specs", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t.status();
  Json doc = *t;
  if (!doc["extra_specs"].contains(key))
    return NotFound("Volume Type " + doc["id"].get<std::string>() + " has no extra specs with key " + key + ".");
  doc["extra_specs"].erase(key);
  return store_.put(kKind, doc["id"], doc);
}

Result<std::vector<std::string>> VolumeTypeService::access(const Credentials& caller, const std::string& id) const {
  if (Status st = authorize(policy_, "volume_extension:types_manage", caller); !st.ok()) return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t.status();
  if ((*t)["is_public"].get<bool>()) return NotFound("Volume type access not found for public volume type " + id + ".");
  return (*t)["access"].get<std::vector<std::string>>();
}

Status VolumeTypeService::add_access(const Credentials& caller, const std::string& id, const std::string& project_id) {
  if (Status st = authorize(policy_, "volume_extension:volume_type_access:addProjectAccess", caller); !st.ok())
    return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t.status();
  Json doc = *t;
  if (doc["is_public"].get<bool>())
    return BadRequest("Invalid volume type: Type access modification is not applicable to public volume type.");
  Json& access = doc["access"];
  if (std::find(access.begin(), access.end(), project_id) != access.end())
    return Conflict("Volume type access for " + id + " / " + project_id + " combination already exists.");
  access.push_back(project_id);
  return store_.put(kKind, doc["id"], doc);
}

Status VolumeTypeService::remove_access(const Credentials& caller, const std::string& id,
                                        const std::string& project_id) {
  if (Status st = authorize(policy_, "volume_extension:volume_type_access:removeProjectAccess", caller); !st.ok())
    return st;
  auto t = visible_type(caller, id);
  if (!t.ok()) return t.status();
  Json doc = *t;
  Json& access = doc["access"];
  auto it = std::find(access.begin(), access.end(), project_id);
  if (it == access.end())
    return NotFound("Volume type access not found for " + id + " / " + project_id + " combination.");
  access.erase(it);
  return store_.put(kKind, doc["id"], doc);
}

Result<Json> VolumeTypeService::resolve(const Credentials& caller, const std::string& ref) const {
  if (ref.empty()) {
    const Json* d = default_type();
    if (!d) return NotFound("Default volume type " + default_type_ + " could not be found.");
    return *d;
  }
  const Json* t = store_.get(kKind, ref);
  if (!t) t = find_by_name(ref);
  if (!t || !visible(caller, *t)) return NotFound("Volume type with name " + ref + " could not be found.");
  return *t;
}

const Json* VolumeTypeService::default_type() const { return find_by_name(default_type_); }

std::vector<const Json*> VolumeTypeService::all() const { return store_.list(kKind); }

}  // namespace stacklab::volume
