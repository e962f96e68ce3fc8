// QoS specs (Cinder's qos-specs): named sets of limits (read_iops_sec,
// total_bytes_sec, ...) for a consumer ("back-end", "front-end" or "both"),
// associated with volume types. A type has at most one; the association is
// the type record's qos_specs_id, which the type's view shows.
//
//   qos_specs {id, name, consumer, specs {k: v}, created_at}
//
// Every call is an admin's (volume_extension:qos_specs_manage:*). Every
// method runs on the engine loop.
#pragma once

#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/store.h"

namespace stacklab::volume {

inline constexpr const char* kQosSpecsKind = "qos_specs";

class QosSpecsService {
 public:
  QosSpecsService(Store& store, Clock& clock, Random& random, const Policy& policy);

  // `specs` holds "consumer" and the keys (string values). 409 "QoS Specs
  // <name> already exists."; 400 for a bad consumer or a non-string value.
  Result<Json> create(const Credentials& caller, const std::string& name, const Json& specs);
  // 404 "QoS Specs <id> could not be found."
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  Result<std::vector<Json>> list(const Credentials& caller) const;
  // Merges keys ("consumer" changes the consumer); the keys set.
  Result<Json> set_keys(const Credentials& caller, const std::string& id, const Json& keys);
  // 404 "QoS Specs key <k> could not be found." for an absent key (nothing changes then).
  Status delete_keys(const Credentials& caller, const std::string& id, const std::vector<std::string>& keys);
  // 400 "QoS Specs <id> is still associated with entities." unless `force`
  // (which disassociates first).
  Status remove(const Credentials& caller, const std::string& id, bool force);
  // [{association_type "volume_type", id, name}] of the types using it.
  Result<std::vector<Json>> associations(const Credentials& caller, const std::string& id) const;
  // 400 "Type <type> is already associated with another qos specs: <id>".
  Status associate(const Credentials& caller, const std::string& id, const std::string& type_id);
  Status disassociate(const Credentials& caller, const std::string& id, const std::string& type_id);
  Status disassociate_all(const Credentials& caller, const std::string& id);

 private:
  Result<Json> find(const Credentials& caller, const std::string& id, const char* action) const;
  Status set_type_qos(const std::string& type_id, const Json& qos_id);
  // The type records associated with `id` (valid until the next store write).
  std::vector<const Json*> types_using(const std::string& id) const;
  Status clear_associations(const std::string& id);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
};

}  // namespace stacklab::volume
