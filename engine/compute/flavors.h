// Flavors: Nova's sizes of a server, their extra specs and, for private
// flavors, the projects that may use them.
//
//   flavor {id (Nova's flavorid, a string), name, ram (MiB), vcpus, disk (GiB),
//           ephemeral (GiB), swap (MiB), rxtx_factor, is_public, disabled,
//           description (null or text), extra_specs {key: string},
//           seq (creation order: Nova's internal id), created_at, updated_at}
//   flavor_access {id: "<flavor>:<project>", flavor_id, project_id}
//
// Reads are open to everyone but private flavors are seen only by admins
// and the projects on their access list; writes follow compute_policy.h.
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

namespace stacklab::compute {

// Which flavors a listing returns, before sorting and paging.
struct FlavorFilter {
  // Admins only (others always get public + their project's private ones):
  // true = public (and the caller's project's), false = private, nullopt = all.
  std::optional<bool> is_public = true;
  std::optional<long long> min_ram, min_disk;
};

class FlavorService {
 public:
  FlavorService(Store& store, Clock& clock, Random& random, const Policy& policy);

  // `body` is the "flavor" object of POST /flavors (name, id, ram, vcpus, disk,
  // OS-FLV-EXT-DATA:ephemeral, swap, rxtx_factor, os-flavor-access:is_public,
  // description). id absent, null or "auto" -> a UUID. 400 on invalid fields,
  // 409 on a duplicate name or id.
  Result<Json> create(const Credentials& caller, const Json& body);
  // 404 "Flavor <id> could not be found." unless visible to the caller.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // Visible flavors matching `filter`, ordered by id.
  std::vector<Json> list(const Credentials& caller, const FlavorFilter& filter) const;
  // Sets (or clears, with nullopt) the description (2.55).
  Result<Json> set_description(const Credentials& caller, const std::string& id,
                               const std::optional<std::string>& description);
  Status remove(const Credentials& caller, const std::string& id);

  // ---- extra specs ----
  Result<Json> extra_specs(const Credentials& caller, const std::string& id) const;
  // Merges `specs` (key -> string/number/boolean, stored as strings); returns what was set.
  Result<Json> set_extra_specs(const Credentials& caller, const std::string& id, const Json& specs,
                               bool update = false);
  Result<std::string> extra_spec(const Credentials& caller, const std::string& id, const std::string& key) const;
  Status remove_extra_spec(const Credentials& caller, const std::string& id, const std::string& key);

  // ---- access (private flavors) ----
  // Projects allowed to use the flavor; 404 for a public flavor, as Nova.
  Result<std::vector<std::string>> access(const Credentials& caller, const std::string& id) const;
  // 409 for a public flavor or an existing grant; returns the new list.
  Result<std::vector<std::string>> add_access(const Credentials& caller, const std::string& id,
                                              const std::string& project);
  // 404 when the grant does not exist; returns the new list.
  Result<std::vector<std::string>> remove_access(const Credentials& caller, const std::string& id,
                                                 const std::string& project);

  // Creates a flavor with no policy check (lab seeding, tests).
  Result<Json> create_unchecked(const Json& body);

 private:
  bool visible(const Credentials& caller, const Json& flavor) const;
  bool has_access(const std::string& flavor_id, const std::string& project_id) const;
  Result<Json> find(const Credentials& caller, const std::string& id) const;
  std::vector<std::string> projects_of(const std::string& flavor_id) const;
  Status touch_and_put(Json doc);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
};

// 400 unless `key` and `value` are a valid extra spec (key 1-255 of
// [a-zA-Z0-9-_:. ], value a string, number or boolean of at most 255 chars).
Status validate_extra_spec(const std::string& key, const Json& value);

}  // namespace stacklab::compute
