#include "engine/volume/qos_specs.h"

#include "engine/volume/model.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {

const char* const kTypeKind = "volume_type";

Status check_values(const Json& keys) {
  if (!keys.is_object()) return BadRequest("Invalid input received: qos_specs must be an object.");
  for (const auto& [k, v] : keys.items())
    if (k.empty() || k.size() > 255 || !v.is_string() || v.get<std::string>().size() > 255)
      return BadRequest("Invalid input received: QoS spec " + k + " must have a string value of at most 255 characters.");
  if (keys.contains("consumer")) {
    std::string c = keys["consumer"];
    if (c != "back-end" && c != "front-end" && c != "both")
      return BadRequest("Invalid input received: Consumer " + c +
                        " is invalid: it must be one of back-end, front-end, both.");
  }
  return {};
}

}  // namespace

QosSpecsService::QosSpecsService(Store& store, Clock& clock, Random& random, const Policy& policy)
    : store_(store), clock_(clock), random_(random), policy_(policy) {
  store_.define(kQosSpecsKind, {"name"});
  store_.define(kTypeKind, {});
}

Result<Json> QosSpecsService::find(const Credentials& caller, const std::string& id, const char* action) const {
  if (Status st = authorize(policy_, std::string("volume_extension:qos_specs_manage:") + action, caller); !st.ok())
    return st;
  const Json* q = store_.get(kQosSpecsKind, id);
  if (!q) return NotFound("QoS Specs " + id + " could not be found.");
  return *q;
}

Result<Json> QosSpecsService::create(const Credentials& caller, const std::string& name, const Json& specs) {
  if (Status st = authorize(policy_, "volume_extension:qos_specs_manage:create", caller); !st.ok()) return st;
  if (name.empty() || name.size() > 255)
    return BadRequest("Invalid input received: QoS Specs name must be 1 to 255 characters.");
  if (Status st = check_values(specs); !st.ok()) return st;
  if (!store_.find(kQosSpecsKind, "name", name).empty()) return Conflict("QoS Specs " + name + " already exists.");
  Json keys = specs;
  std::string consumer = keys.value("consumer", std::string("back-end"));
  keys.erase("consumer");
  std::string id = random_.uuid4();
  Json doc = {{"id", id},
              {"name", name},
              {"consumer", consumer},
              {"specs", keys},
              {"created_at", cinder_time(clock_.now())}};
  if (Status st = store_.put(kQosSpecsKind, id, doc); !st.ok()) return st;
  return doc;
}

Result<Json> QosSpecsService::get(const Credentials& caller, const std::string& id) const {
  return find(caller, id, "get");
}

Result<std::vector<Json>> QosSpecsService::list(const Credentials& caller) const {
  if (Status st = authorize(policy_, "volume_extension:qos_specs_manage:get_all", caller); !st.ok()) return st;
  std::vector<Json> out;
  for (const Json* q : store_.list(kQosSpecsKind)) out.push_back(*q);
  return out;
}

Result<Json> QosSpecsService::set_keys(const Credentials& caller, const std::string& id, const Json& keys) {
  auto q = find(caller, id, "update");
  if (!q.ok()) return q;
  if (Status st = check_values(keys); !st.ok()) return st;
  Json doc = *q;
  for (const auto& [k, v] : keys.items()) {
    if (k == "consumer")
      doc["consumer"] = v;
    else
      doc["specs"][k] = v;
  }
  if (Status st = store_.put(kQosSpecsKind, id, doc); !st.ok()) return st;
  return keys;
}

Status QosSpecsService::delete_keys(const Credentials& caller, const std::string& id,
                                    const std::vector<std::string>& keys) {
  auto q = find(caller, id, "update");
  if (!q.ok()) return q.status();
  Json doc = *q;
  for (const auto& k : keys) {
    if (!doc["specs"].contains(k)) return NotFound("QoS Specs key " + k + " could not be found.");
    doc["specs"].erase(k);
  }
  return store_.put(kQosSpecsKind, id, doc);
}

Result<std::vector<Json>> QosSpecsService::associations(const Credentials& caller, const std::string& id) const {
  auto q = find(caller, id, "get");
  if (!q.ok()) return q.status();
  std::vector<Json> out;
  for (const Json* t : types_using(id))
    out.push_back({{"association_type", "volume_type"}, {"id", (*t)["id"]}, {"name", (*t)["name"]}});
  return out;
}

std::vector<const Json*> QosSpecsService::types_using(const std::string& id) const {
  std::vector<const Json*> out;
  for (const Json* t : store_.list(kTypeKind))
    if (t->value("qos_specs_id", Json(nullptr)) == id) out.push_back(t);
  return out;
}

Status QosSpecsService::clear_associations(const std::string& id) {
  std::vector<std::string> types;
  for (const Json* t : types_using(id)) types.push_back((*t)["id"]);
  for (const auto& type_id : types)
    if (Status st = set_type_qos(type_id, nullptr); !st.ok()) return st;
  return {};
}

Status QosSpecsService::set_type_qos(const std::string& type_id, const Json& qos_id) {
  const Json* t = store_.get(kTypeKind, type_id);
  if (!t) return NotFound("Volume type " + type_id + " could not be found.");
  Json doc = *t;
  doc["qos_specs_id"] = qos_id;
  return store_.put(kTypeKind, type_id, doc);
}

Status QosSpecsService::associate(const Credentials& caller, const std::string& id, const std::string& type_id) {
  auto q = find(caller, id, "update");
  if (!q.ok()) return q.status();
  const Json* t = store_.get(kTypeKind, type_id);
  if (!t) return NotFound("Volume type " + type_id + " could not be found.");
  Json current = t->value("qos_specs_id", Json(nullptr));
  if (current.is_string() && current != id)
    return BadRequest("Type " + type_id + " is already associated with another qos specs: " +
                      current.get<std::string>());
  return set_type_qos(type_id, id);
}

Status QosSpecsService::disassociate(const Credentials& caller, const std::string& id, const std::string& type_id) {
  auto q = find(caller, id, "update");
  if (!q.ok()) return q.status();
  const Json* t = store_.get(kTypeKind, type_id);
  if (!t) return NotFound("Volume type " + type_id + " could not be found.");
  if (t->value("qos_specs_id", Json(nullptr)) != id) return {};  // not associated: nothing to undo
  return set_type_qos(type_id, nullptr);
}

Status QosSpecsService::disassociate_all(const Credentials& caller, const std::string& id) {
  auto q = find(caller, id, "update");
  if (!q.ok()) return q.status();
  return store_.transaction([&] { return clear_associations(id); });
}

Status QosSpecsService::remove(const Credentials& caller, const std::string& id, bool force) {
  auto q = find(caller, id, "delete");
  if (!q.ok()) return q.status();
  if (!types_using(id).empty() && !force) return BadRequest("QoS Specs " + id + " is still associated with entities.");
  return store_.transaction([&] {
    if (Status st = clear_associations(id); !st.ok()) return st;
    return store_.erase(kQosSpecsKind, id);
  });
}

}  // namespace stacklab::volume
