// Allocations: consumers' claims on providers' inventories, all or nothing.
#include "engine/placement/placement_service.h"

namespace stacklab::placement {

Status PlacementService::save(const Consumer& c) {
  Json allocs = Json::object();
  for (const auto& [rp, amounts] : c.allocations) allocs[rp] = amounts;
  return store_.put("consumer", c.uuid,
                    Json{{"id", c.uuid},
                         {"project_id", c.project_id},
                         {"user_id", c.user_id},
                         {"consumer_type", c.consumer_type},
                         {"generation", c.generation},
                         {"allocations", allocs}});
}

Status PlacementService::apply(const std::map<std::string, AllocationRequest>& requests) {
  // Usage as it would be once every request is applied: old claims of these
  // consumers released, new ones added.
  std::map<std::string, ResourceAmounts> delta;
  for (const auto& [uuid, req] : requests) {
    auto old = consumers_.find(uuid);
    if (req.check_generation) {
      if (old == consumers_.end() && req.consumer_generation)
        return Conflict("consumer generation conflict - expected null but got " +
                        std::to_string(*req.consumer_generation));
      if (old != consumers_.end() && (!req.consumer_generation || *req.consumer_generation != old->second.generation))
        return Conflict("consumer generation conflict - expected " + std::to_string(old->second.generation) +
                        " but got " + (req.consumer_generation ? std::to_string(*req.consumer_generation) : "None"));
    }
    if (old != consumers_.end())
      for (const auto& [rp, amounts] : old->second.allocations)
        for (const auto& [rc, n] : amounts) delta[rp][rc] -= n;
    if (!req.allocations.empty() && (req.project_id.empty() || req.user_id.empty()))
      return BadRequest("Allocations need a project_id and a user_id.");
    for (const auto& [rp, amounts] : req.allocations) {
      const ResourceProvider* p = provider(rp);
      if (!p) return BadRequest("Allocation for resource provider '" + rp + "' that does not exist.");
      if (amounts.empty()) return BadRequest("Allocation for resource provider '" + rp + "' has no resources.");
      for (const auto& [rc, n] : amounts) {
        if (!resource_class_exists(rc)) return BadRequest("Unknown resource class in allocation: " + rc);
        if (n < 1) return BadRequest("Allocation of " + rc + " must be a positive integer, not " + std::to_string(n));
        if (!p->inventories.count(rc))
          return Conflict("Unable to allocate inventory: Inventory for '" + rc + "' on resource provider '" + rp +
                          "' invalid.");
        delta[rp][rc] += n;
      }
    }
  }
  // The capacity rule for each claimed amount, and min/max/step per allocation.
  for (const auto& [uuid, req] : requests)
    for (const auto& [rp, amounts] : req.allocations) {
      const ResourceProvider& p = *provider(rp);
      for (const auto& [rc, n] : amounts) {
        const Inventory& inv = p.inventories.at(rc);
        if (n < inv.min_unit || n > inv.max_unit || n % inv.step_size != 0)
          return Conflict("Unable to allocate inventory: Unable to create allocation for '" + rc +
                          "' on resource provider '" + rp +
                          "'. The requested amount would violate inventory "
                          "constraints.");
        auto used = p.usage.find(rc);
        std::int64_t after = (used == p.usage.end() ? 0 : used->second) + delta[rp][rc];
        if (after > inv.capacity())
          return Conflict("Unable to allocate inventory: Unable to create allocation for '" + rc +
                          "' on resource provider '" + rp + "'. The requested amount would exceed the capacity.");
      }
    }
  // Write first, then change memory: a failed write leaves both as they were.
  std::map<std::string, Consumer> updated;
  Status st = store_.transaction([&]() -> Status {
    for (const auto& [uuid, req] : requests) {
      auto old = consumers_.find(uuid);
      if (req.allocations.empty()) {
        Status s = store_.erase("consumer", uuid);
        if (!s.ok()) return s;
        continue;
      }
      Consumer c;
      c.uuid = uuid;
      c.project_id = req.project_id;
      c.user_id = req.user_id;
      c.consumer_type = req.consumer_type;
      c.generation = old == consumers_.end() ? 1 : old->second.generation + 1;
      c.allocations = req.allocations;
      Status s = save(c);
      if (!s.ok()) return s;
      updated[uuid] = std::move(c);
    }
    for (const auto& [rp, amounts] : delta) {
      bool changed = false;
      for (const auto& [rc, n] : amounts) changed = changed || n != 0;
      if (!changed) continue;
      ResourceProvider copy = providers_.at(rp);
      copy.generation++;  // allocations change a provider's generation, as upstream
      Status s = save(copy);
      if (!s.ok()) return s;
    }
    return Status();
  });
  if (!st.ok()) return st;
  for (const auto& [uuid, req] : requests)
    if (req.allocations.empty()) consumers_.erase(uuid);
  for (auto& [uuid, c] : updated) consumers_[uuid] = std::move(c);
  for (const auto& [rp, amounts] : delta) {
    ResourceProvider& p = providers_.at(rp);
    bool changed = false;
    for (const auto& [rc, n] : amounts) {
      if (n == 0) continue;
      changed = true;
      p.usage[rc] += n;
      if (p.usage[rc] == 0) p.usage.erase(rc);
    }
    if (changed) p.generation++;
  }
  return {};
}

Status PlacementService::put_allocations(const std::string& consumer, const AllocationRequest& request) {
  return apply({{consumer, request}});
}

Status PlacementService::put_allocations_many(const std::map<std::string, AllocationRequest>& requests) {
  return apply(requests);
}

Status PlacementService::delete_allocations(const std::string& consumer) {
  auto it = consumers_.find(consumer);
  if (it == consumers_.end()) return NotFound("No allocations for consumer '" + consumer + "'");
  AllocationRequest release;
  release.check_generation = false;
  return apply({{consumer, release}});
}

const Consumer* PlacementService::consumer(const std::string& uuid) const {
  auto it = consumers_.find(uuid);
  return it == consumers_.end() ? nullptr : &it->second;
}

std::map<std::string, ResourceAmounts> PlacementService::provider_allocations(const std::string& uuid) const {
  std::map<std::string, ResourceAmounts> out;
  for (const auto& [id, c] : consumers_) {
    auto it = c.allocations.find(uuid);
    if (it != c.allocations.end()) out[id] = it->second;
  }
  return out;
}

ResourceAmounts PlacementService::project_usages(const std::string& project_id, const std::string& user_id) const {
  ResourceAmounts out;
  for (const auto& [id, c] : consumers_) {
    if (c.project_id != project_id || (!user_id.empty() && c.user_id != user_id)) continue;
    for (const auto& [rp, amounts] : c.allocations)
      for (const auto& [rc, n] : amounts) out[rc] += n;
  }
  return out;
}

}  // namespace stacklab::placement
