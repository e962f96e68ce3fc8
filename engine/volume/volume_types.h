// Volume types: named sets of extra specs that steer a volume to a backend
// (volume_backend_name, provisioning:type, capabilities) and that quotas
// count per type. A private type is visible to admins and to the projects
// on its access list.
//
//   volume_type {id, name, description, is_public, extra_specs {k: v},
//                access [project ids], created_at}
//
// Every method runs on the engine loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::volume {

struct NewVolumeType {
  std::string name, description;
  bool is_public = true;
  Json extra_specs = Json::object();
};

struct VolumeTypeChange {
  std::optional<std::string> name, description;
  std::optional<bool> is_public;
};

// A type whose volumes may be attached to several servers at once (extra
// spec multiattach "<is> True", Cinder's way of asking for the capability).
inline bool type_is_multiattach(const Json& type) {
  const Json specs = type.value("extra_specs", Json::object());
  auto it = specs.find("multiattach");
  return it != specs.end() && *it == "<is> True";
}

class VolumeTypeService {
 public:
  // `default_type`: the type of volumes created without one ([DEFAULT] default_volume_type).
  VolumeTypeService(Store& store, Clock& clock, Random& random, const Policy& policy, std::string default_type);

  // 400 for a bad name or extra spec; 403 for a member;
  // 409 "Volume Type <name> already exists."
  Result<Json> create(const Credentials& caller, const NewVolumeType& type);
  // Creates without policy (profile seeding); a no-op when the name exists.
  Result<Json> create_unchecked(const NewVolumeType& type);
  // By id, or "default"; 404 "Volume type <id> could not be found." when
  // absent or private and not shared with the caller.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // Types the caller sees; `is_public` (admins only): true/false/nullopt = all.
  std::vector<Json> list(const Credentials& caller, std::optional<bool> is_public) const;
  Result<Json> update(const Credentials& caller, const std::string& id, const VolumeTypeChange& change);
  // 400 "Target volume type is still in use." when volumes use it.
  Status remove(const Credentials& caller, const std::string& id);

  Result<Json> extra_specs(const Credentials& caller, const std::string& id) const;
  // Merges `specs` (string values) into the type's.
  Result<Json> set_extra_specs(const Credentials& caller, const std::string& id, const Json& specs);
  // 404 "Volume Type <id> has no extra specs with key <key>."
  Status unset_extra_spec(const Credentials& caller, const std::string& id, const std::string& key);

  // Access of a private type (400 for a public one).
  Result<std::vector<std::string>> access(const Credentials& caller, const std::string& id) const;
  Status add_access(const Credentials& caller, const std::string& id, const std::string& project_id);
  Status remove_access(const Credentials& caller, const std::string& id, const std::string& project_id);

  // For the volume manager: a type by id or name that `caller` may use
  // (404 "Volume type with name <x> could not be found." otherwise); the
  // default type for an empty reference.
  Result<Json> resolve(const Credentials& caller, const std::string& id_or_name) const;
  // The default type's document, or nullptr.
  const Json* default_type() const;
  // Every type, for quotas (volumes_<name> ...).
  std::vector<const Json*> all() const;

 private:
  const Json* find_by_name(const std::string& name) const;
  bool visible(const Credentials& caller, const Json& type) const;
  Result<Json> visible_type(const Credentials& caller, const std::string& id) const;

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  std::string default_type_;
};

}  // namespace stacklab::volume
