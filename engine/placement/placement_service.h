// PlacementService: the cloud's inventory of resources and who uses them.
//
// Placement's public header. The scheduler asks it for allocation
// candidates and claims with put_allocations(); compute nodes report their
// inventories; api/placement maps the REST API onto it. Every method runs
// on the engine loop. Writes that carry a generation fail with Conflict when
// it is stale (another writer got there first), as upstream.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/placement/model.h"

namespace stacklab::placement {

// One consumer's claim, as PUT /allocations/{consumer} carries it.
struct AllocationRequest {
  std::map<std::string, ResourceAmounts> allocations;  // provider uuid -> amounts; empty = release all
  std::string project_id, user_id, consumer_type;
  std::optional<std::int64_t> consumer_generation;  // null: the consumer must be new
  bool check_generation = true;                     // false below microversion 1.28
};

// GET /allocation_candidates, single-provider form (each candidate is one
// provider that has every requested resource).
struct CandidateQuery {
  ResourceAmounts resources;
  std::set<std::string> required, forbidden;     // traits
  std::vector<std::set<std::string>> member_of;  // each group: in any of these aggregates
  std::set<std::string> forbidden_aggregates;
  std::string in_tree;  // a provider uuid: only its tree
  std::optional<std::size_t> limit;
};

struct Candidate {
  const ResourceProvider* provider;
  ResourceAmounts resources;
};

class PlacementService {
 public:
  PlacementService(Store& store, Random& random);
  // Rebuilds the in-memory providers and consumers from the Store (after a
  // snapshot replaced the whole state).
  void reload();

  // ---- resource providers --------------------------------------------------
  Result<const ResourceProvider*> create_provider(const std::string& name, const std::string& uuid = "",
                                                  const std::string& parent_uuid = "");
  const ResourceProvider* provider(const std::string& uuid) const;  // nullptr if absent
  // The provider, or NotFound with placement's message.
  Result<const ResourceProvider*> find_provider(const std::string& uuid) const;
  const ResourceProvider* provider_by_name(const std::string& name) const;
  std::vector<const ResourceProvider*> providers() const;  // ordered by uuid
  Result<const ResourceProvider*> update_provider(const std::string& uuid, const std::string& name,
                                                  std::optional<std::string> parent_uuid);
  // Refused (409) while it has allocations or children.
  Status delete_provider(const std::string& uuid);

  // ---- inventories, traits, aggregates (generation-checked) ----------------
  // Replaces all inventories; refused (409) if a class in use would go away or
  // shrink below its usage.
  Result<const ResourceProvider*> set_inventories(const std::string& uuid, std::int64_t generation,
                                                  const std::map<std::string, Inventory>& inventories);
  Result<const ResourceProvider*> set_inventory(const std::string& uuid, std::int64_t generation, const std::string& rc,
                                                const Inventory& inventory);
  Result<const ResourceProvider*> delete_inventory(const std::string& uuid, std::int64_t generation,
                                                   const std::string& rc);
  Result<const ResourceProvider*> set_traits(const std::string& uuid, std::int64_t generation,
                                             const std::set<std::string>& traits);
  // `generation` is checked when given (microversion 1.19+).
  Result<const ResourceProvider*> set_aggregates(const std::string& uuid, std::optional<std::int64_t> generation,
                                                 const std::set<std::string>& aggregates);

  // ---- allocations ----------------------------------------------------------
  // Claims (or replaces, or with no allocations releases) a consumer's
  // resources, all or nothing; 409 when anything does not fit.
  Status put_allocations(const std::string& consumer, const AllocationRequest& request);
  // Several consumers at once, all or nothing (POST /allocations; moving a
  // claim from one consumer to another during a migration).
  Status put_allocations_many(const std::map<std::string, AllocationRequest>& requests);
  Status delete_allocations(const std::string& consumer);
  const Consumer* consumer(const std::string& uuid) const;  // nullptr if it holds nothing
  // Consumers holding resources of a provider: consumer uuid -> amounts.
  std::map<std::string, ResourceAmounts> provider_allocations(const std::string& uuid) const;
  // Total usage of a project (and user, if given), by resource class.
  ResourceAmounts project_usages(const std::string& project_id, const std::string& user_id = "") const;

  // ---- allocation candidates ----------------------------------------------
  std::vector<Candidate> allocation_candidates(const CandidateQuery& query) const;

  // ---- resource classes and traits ---------------------------------------
  bool resource_class_exists(const std::string& name) const;
  std::vector<std::string> resource_classes() const;
  Status create_resource_class(const std::string& name);  // CUSTOM_ only; Conflict if it exists
  Status delete_resource_class(const std::string& name);  // 400 standard, 409 in use
  bool trait_exists(const std::string& name) const;
  std::vector<std::string> traits() const;
  Status create_trait(const std::string& name);  // CUSTOM_ only; Conflict if it exists
  Status delete_trait(const std::string& name);  // 400 standard, 409 in use

 private:
  Status save(const ResourceProvider& rp);
  Status save(const Consumer& c);
  Result<ResourceProvider*> checked(const std::string& uuid, std::optional<std::int64_t> generation);
  Status apply(const std::map<std::string, AllocationRequest>& requests);
  void load();

  Store& store_;
  Random& random_;
  std::map<std::string, ResourceProvider> providers_;
  std::map<std::string, std::string> by_name_;
  std::map<std::string, Consumer> consumers_;
  std::set<std::string> custom_classes_, custom_traits_;
};

}  // namespace stacklab::placement
