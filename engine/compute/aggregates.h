// AggregateService: Nova's host aggregates (os-aggregates), persisted.
//
//   aggregate {id (uuid), seq (Nova's integer id), name, metadata {k: v},
//              hosts [host...], created_at, updated_at}
//
// An aggregate with "availability_zone" metadata makes its hosts a zone.
// Nova's rules: names are unique (409); a host joins only if it runs
// nova-compute (404) and is not already in an aggregate of another zone
// (409 on add_host; 400 when set_metadata/update would make it so); removing
// a host that is not a member is 404; deleting a non-empty aggregate is 400.
// As Nova's report client does, adding or removing a host mirrors the
// aggregate's uuid into the aggregates of the host's placement resource
// provider (named by the host). The scheduler reads scheduler_aggregates().
// Every method runs on the engine loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/placement/placement_service.h"
#include "engine/scheduler/host_state.h"

namespace stacklab::compute {

// An aggregate of the initial state (the fleet file's).
struct AggregateSeed {
  std::string uuid;  // "" = a new one
  std::string name;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> hosts;
};

class AggregateService {
 public:
  // `host_exists`: whether a nova-compute service runs on the host.
  AggregateService(Store& store, Clock& clock, Random& random, const Policy& policy,
                   placement::PlacementService& placement, std::function<bool(const std::string&)> host_exists);

  // Creates the seeds, once per state (later calls do nothing).
  Status seed(const std::vector<AggregateSeed>& seeds);

  // ---- API (admin by policy) ------------------------------------------------
  Result<std::vector<Json>> list(const Credentials& caller) const;
  // `id`: Nova's integer id (400 otherwise: "Invalid input received: id must be an integer").
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  Result<Json> create(const Credentials& caller, const std::string& name,
                      const std::optional<std::string>& availability_zone);
  // Name and/or zone (a null or empty zone is 400, as in Nova).
  Result<Json> update(const Credentials& caller, const std::string& id, const std::optional<std::string>& name,
                      const std::optional<std::optional<std::string>>& availability_zone);
  Status remove(const Credentials& caller, const std::string& id);
  Result<Json> add_host(const Credentials& caller, const std::string& id, const std::string& host);
  Result<Json> remove_host(const Credentials& caller, const std::string& id, const std::string& host);
  // Nova's set_metadata: keys with null values are removed, others set.
  Result<Json> set_metadata(const Credentials& caller, const std::string& id, const Json& metadata);

  // ---- for other engine modules ----------------------------------------------
  std::vector<Json> all() const;  // ordered by seq
  // The aggregates of a host.
  std::vector<Json> of_host(const std::string& host) const;
  // The zone(s) of a host, comma-joined as Nova shows them, or "" if none.
  std::string zone_of_host(const std::string& host) const;
  // By uuid, with metadata: what HostStateSources.aggregates holds
  // (rebuilt only when the aggregates changed).
  const std::map<std::string, std::shared_ptr<const scheduler::Aggregate>>& scheduler_aggregates() const;
  // Removes a host from every aggregate (its compute service was deleted).
  Status forget_host(const std::string& host);

 private:
  Result<const Json*> find(const std::string& id) const;
  Status save(Json doc);
  Status check_zone_conflict(const Json& aggregate, const std::vector<std::string>& hosts,
                             const std::string& zone) const;
  Status mirror(const std::string& host, const std::string& aggregate_uuid, bool add);
  Result<Json> create_doc(const std::string& uuid, const std::string& name,
                          const std::map<std::string, std::string>& metadata);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  placement::PlacementService& placement_;
  std::function<bool(const std::string&)> host_exists_;
  mutable std::uint64_t cached_version_ = ~0ull;
  mutable std::map<std::string, std::shared_ptr<const scheduler::Aggregate>> cached_;
};

}  // namespace stacklab::compute
