// Placement's model: resource providers with inventories, traits and
// aggregates, and consumers holding allocations against them.
//
// Kept as typed structures in memory (the scheduler reads them on every
// decision) and written through to the store as documents:
//   resource_provider {id: uuid, name, generation, parent_provider_uuid,
//                      inventories: {RC: {...}}, traits: [...], aggregates: [...]}
//   consumer          {id: uuid, project_id, user_id, consumer_type, generation,
//                      allocations: {rp_uuid: {RC: amount}}}
//   resource_class    {id: name}   trait {id: name}   (custom ones only)
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace stacklab::placement {

using ResourceAmounts = std::map<std::string, std::int64_t>;  // resource class -> amount

struct Inventory {
  std::int64_t total = 0;
  std::int64_t reserved = 0;
  std::int64_t min_unit = 1;
  std::int64_t max_unit = 2147483647;
  std::int64_t step_size = 1;
  double allocation_ratio = 1.0;
  // The capacity rule's right-hand side: (total - reserved) * allocation_ratio.
  std::int64_t capacity() const {
    return static_cast<std::int64_t>(static_cast<double>(total - reserved) * allocation_ratio);
  }
};

struct ResourceProvider {
  std::string uuid, name;
  std::string parent_uuid;  // "" for a root
  std::string root_uuid;
  std::int64_t generation = 0;
  std::map<std::string, Inventory> inventories;
  std::set<std::string> traits;
  std::set<std::string> aggregates;
  ResourceAmounts usage;  // derived from consumers' allocations

  // Whether `amount` more of `rc` fits: within min/max unit and step size,
  // and used + amount <= (total - reserved) * allocation_ratio.
  bool fits(const std::string& rc, std::int64_t amount) const;
};

struct Consumer {
  std::string uuid, project_id, user_id, consumer_type;
  std::int64_t generation = 0;
  std::map<std::string, ResourceAmounts> allocations;  // provider uuid -> amounts
};

// Placement's standard resource classes (os-resource-classes).
const std::set<std::string>& standard_resource_classes();
// A subset of os-traits' standard traits, those the cloud reports or filters on.
const std::set<std::string>& standard_traits();

}  // namespace stacklab::placement
