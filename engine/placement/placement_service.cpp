// Resource providers, inventories, traits, aggregates, resource classes.
#include "engine/placement/placement_service.h"

#include <algorithm>
#include <cctype>

namespace stacklab::placement {

namespace {

Json inventory_json(const Inventory& i) {
  return {{"total", i.total},       {"reserved", i.reserved},   {"min_unit", i.min_unit},
          {"max_unit", i.max_unit}, {"step_size", i.step_size}, {"allocation_ratio", i.allocation_ratio}};
}

Status provider_not_found(const std::string& uuid) {
  return NotFound("No resource provider with uuid " + uuid + " found");
}

Status generation_conflict(const std::string& uuid) {
  return Conflict("resource provider generation conflict: resource provider " + uuid +
                  " was changed by another request; get it again and retry");
}

bool custom_name_ok(const std::string& name) {
  if (name.size() <= 7 || name.size() > 255 || name.rfind("CUSTOM_", 0) != 0) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

PlacementService::PlacementService(Store& store, Random& random) : store_(store), random_(random) {
  store_.define("resource_provider");
  store_.define("consumer");
  store_.define("resource_class");
  store_.define("trait");
  load();
}

void PlacementService::reload() {
  providers_.clear();
  by_name_.clear();
  consumers_.clear();
  custom_classes_.clear();
  custom_traits_.clear();
  load();
}

void PlacementService::load() {
  for (const Json* d : store_.list("resource_provider")) {
    ResourceProvider rp;
    rp.uuid = (*d)["id"];
    rp.name = (*d)["name"];
    rp.generation = (*d)["generation"];
    rp.parent_uuid = (*d).value("parent_provider_uuid", "");
    for (const auto& [rc, i] : (*d)["inventories"].items())
      rp.inventories[rc] =
          Inventory{i["total"], i["reserved"], i["min_unit"], i["max_unit"], i["step_size"], i["allocation_ratio"]};
    for (const auto& t : (*d)["traits"]) rp.traits.insert(t.get<std::string>());
    for (const auto& a : (*d)["aggregates"]) rp.aggregates.insert(a.get<std::string>());
    by_name_[rp.name] = rp.uuid;
    providers_[rp.uuid] = std::move(rp);
  }
  for (auto& [uuid, rp] : providers_) {  // roots, once every provider is known
    std::string root = uuid;
    while (!providers_[root].parent_uuid.empty()) root = providers_[root].parent_uuid;
    rp.root_uuid = root;
  }
  for (const Json* d : store_.list("consumer")) {
    Consumer c;
    c.uuid = (*d)["id"];
    c.project_id = (*d)["project_id"];
    c.user_id = (*d)["user_id"];
    c.consumer_type = (*d).value("consumer_type", "");
    c.generation = (*d)["generation"];
    for (const auto& [rp, amounts] : (*d)["allocations"].items())
      for (const auto& [rc, n] : amounts.items()) {
        c.allocations[rp][rc] = n;
        providers_[rp].usage[rc] += n.get<std::int64_t>();
      }
    consumers_[c.uuid] = std::move(c);
  }
  for (const Json* d : store_.list("resource_class")) custom_classes_.insert((*d)["id"].get<std::string>());
  for (const Json* d : store_.list("trait")) custom_traits_.insert((*d)["id"].get<std::string>());
}

Status PlacementService::save(const ResourceProvider& rp) {
  Json inv = Json::object();
  for (const auto& [rc, i] : rp.inventories) inv[rc] = inventory_json(i);
  return store_.put("resource_provider", rp.uuid,
                    Json{{"id", rp.uuid},
                         {"name", rp.name},
                         {"generation", rp.generation},
                         {"parent_provider_uuid", rp.parent_uuid},
                         {"inventories", inv},
                         {"traits", rp.traits},
                         {"aggregates", rp.aggregates}});
}

Result<const ResourceProvider*> PlacementService::find_provider(const std::string& uuid) const {
  const ResourceProvider* rp = provider(uuid);
  if (!rp) return provider_not_found(uuid);
  return rp;
}

Result<ResourceProvider*> PlacementService::checked(const std::string& uuid, std::optional<std::int64_t> generation) {
  auto it = providers_.find(uuid);
  if (it == providers_.end()) return provider_not_found(uuid);
  if (generation && *generation != it->second.generation) return generation_conflict(uuid);
  return &it->second;
}

// ---- providers -----------------------------------------------------------------

Result<const ResourceProvider*> PlacementService::create_provider(const std::string& name, const std::string& uuid,
                                                                  const std::string& parent_uuid) {
  if (name.empty() || name.size() > 200) return BadRequest("The resource provider name must be 1 to 200 characters.");
  std::string id = uuid.empty() ? random_.uuid4() : uuid;
  if (providers_.count(id)) return Conflict("Conflicting resource provider uuid: " + id + " already exists.");
  if (by_name_.count(name)) return Conflict("Conflicting resource provider name: " + name + " already exists.");
  ResourceProvider rp;
  rp.uuid = id;
  rp.name = name;
  rp.root_uuid = id;
  if (!parent_uuid.empty()) {
    auto parent = providers_.find(parent_uuid);
    if (parent == providers_.end()) return BadRequest("parent provider UUID " + parent_uuid + " does not exist.");
    rp.parent_uuid = parent_uuid;
    rp.root_uuid = parent->second.root_uuid;
  }
  Status st = save(rp);
  if (!st.ok()) return st;
  by_name_[name] = id;
  return &(providers_[id] = std::move(rp));
}

const ResourceProvider* PlacementService::provider(const std::string& uuid) const {
  auto it = providers_.find(uuid);
  return it == providers_.end() ? nullptr : &it->second;
}

const ResourceProvider* PlacementService::provider_by_name(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : provider(it->second);
}

std::vector<const ResourceProvider*> PlacementService::providers() const {
  std::vector<const ResourceProvider*> out;
  out.reserve(providers_.size());
  for (const auto& [uuid, rp] : providers_) out.push_back(&rp);
  return out;
}

Result<const ResourceProvider*> PlacementService::update_provider(const std::string& uuid, const std::string& name,
                                                                  std::optional<std::string> parent_uuid) {
  auto rp = checked(uuid, std::nullopt);
  if (!rp.ok()) return rp.status();
  ResourceProvider updated = **rp;
  if (name.empty() || name.size() > 200) return BadRequest("The resource provider name must be 1 to 200 characters.");
  if (name != updated.name && by_name_.count(name))
    return Conflict("Conflicting resource provider name: " + name + " already exists.");
  updated.name = name;
  if (parent_uuid && *parent_uuid != updated.parent_uuid) {
    // Upstream allows setting a parent once and, since 1.37, moving to another tree root's subtree; keep it simple:
    // a new parent must exist and not be a descendant.
    if (parent_uuid->empty()) return BadRequest("Un-parenting a provider is not allowed.");
    auto parent = providers_.find(*parent_uuid);
    if (parent == providers_.end()) return BadRequest("parent provider UUID " + *parent_uuid + " does not exist.");
    for (std::string p = *parent_uuid; !p.empty(); p = providers_[p].parent_uuid)
      if (p == uuid) return BadRequest("creating loop in the provider tree is not allowed.");
    updated.parent_uuid = *parent_uuid;
    updated.root_uuid = parent->second.root_uuid;
  }
  updated.generation++;
  Status st = save(updated);
  if (!st.ok()) return st;
  by_name_.erase((*rp)->name);
  by_name_[name] = uuid;
  **rp = std::move(updated);
  return *rp;
}

Status PlacementService::delete_provider(const std::string& uuid) {
  auto rp = checked(uuid, std::nullopt);
  if (!rp.ok()) return rp.status();
  for (const auto& [rc, used] : (*rp)->usage)
    if (used > 0)
      return Conflict("Unable to delete resource provider " + uuid + ": Resource provider has allocations.");
  for (const auto& [id, other] : providers_)
    if (other.parent_uuid == uuid)
      return Conflict("Unable to delete parent resource provider " + uuid + ": It has child resource providers.");
  Status st = store_.erase("resource_provider", uuid);
  if (!st.ok()) return st;
  by_name_.erase((*rp)->name);
  providers_.erase(uuid);
  return {};
}

// ---- inventories, traits, aggregates -------------------------------------------

Result<const ResourceProvider*> PlacementService::set_inventories(const std::string& uuid, std::int64_t generation,
                                                                  const std::map<std::string, Inventory>& inventories) {
  auto rp = checked(uuid, generation);
  if (!rp.ok()) return rp.status();
  for (const auto& [rc, inv] : inventories) {
    if (!resource_class_exists(rc))
      return BadRequest("Unknown resource class in inventory for resource provider " + uuid + ": " + rc);
    if (inv.total < 1 || inv.reserved < 0 || inv.min_unit < 1 || inv.max_unit < 1 || inv.step_size < 1 ||
        inv.allocation_ratio <= 0)
      return BadRequest("Unable to update inventory for resource provider " + uuid + ": invalid values for " + rc);
    if (inv.min_unit > inv.max_unit)
      return BadRequest("Unable to update inventory for resource provider " + uuid +
                        ": min_unit is greater than max_unit for " + rc);
    if (inv.reserved > inv.total)
      return BadRequest("Unable to update inventory for resource provider " + uuid +
                        ": reserved is greater than total for " + rc);
  }
  for (const auto& [rc, used] : (*rp)->usage) {
    if (used <= 0) continue;
    auto it = inventories.find(rc);
    if (it == inventories.end())
      return Conflict("update conflict: Inventory for '" + rc + "' on resource provider '" + uuid + "' in use.");
    if (it->second.capacity() < used)
      return Conflict("Unable to update inventory for resource provider " + uuid + ": capacity of " + rc +
                      " would fall below its usage (" + std::to_string(used) + ")");
  }
  ResourceProvider updated = **rp;
  updated.inventories = inventories;
  updated.generation++;
  Status st = save(updated);
  if (!st.ok()) return st;
  **rp = std::move(updated);
  return *rp;
}

Result<const ResourceProvider*> PlacementService::set_inventory(const std::string& uuid, std::int64_t generation,
                                                                const std::string& rc, const Inventory& inventory) {
  auto rp = checked(uuid, generation);
  if (!rp.ok()) return rp.status();
  auto all = (*rp)->inventories;
  all[rc] = inventory;
  return set_inventories(uuid, generation, all);
}

Result<const ResourceProvider*> PlacementService::delete_inventory(const std::string& uuid, std::int64_t generation,
                                                                   const std::string& rc) {
  auto rp = checked(uuid, generation);
  if (!rp.ok()) return rp.status();
  auto all = (*rp)->inventories;
  if (!all.erase(rc)) return NotFound("No inventory of class " + rc + " found for delete");
  return set_inventories(uuid, generation, all);
}

Result<const ResourceProvider*> PlacementService::set_traits(const std::string& uuid, std::int64_t generation,
                                                             const std::set<std::string>& traits) {
  auto rp = checked(uuid, generation);
  if (!rp.ok()) return rp.status();
  for (const auto& t : traits)
    if (!trait_exists(t)) return BadRequest("No such trait(s): " + t);
  ResourceProvider updated = **rp;
  updated.traits = traits;
  updated.generation++;
  Status st = save(updated);
  if (!st.ok()) return st;
  **rp = std::move(updated);
  return *rp;
}

Result<const ResourceProvider*> PlacementService::set_aggregates(const std::string& uuid,
                                                                 std::optional<std::int64_t> generation,
                                                                 const std::set<std::string>& aggregates) {
  auto rp = checked(uuid, generation);
  if (!rp.ok()) return rp.status();
  ResourceProvider updated = **rp;
  updated.aggregates = aggregates;
  updated.generation++;
  Status st = save(updated);
  if (!st.ok()) return st;
  **rp = std::move(updated);
  return *rp;
}

// ---- resource classes and traits ---------------------------------------------

bool PlacementService::resource_class_exists(const std::string& name) const {
  return standard_resource_classes().count(name) || custom_classes_.count(name);
}

std::vector<std::string> PlacementService::resource_classes() const {
  std::vector<std::string> out(standard_resource_classes().begin(), standard_resource_classes().end());
  out.insert(out.end(), custom_classes_.begin(), custom_classes_.end());
  return out;
}

Status PlacementService::create_resource_class(const std::string& name) {
  if (!custom_name_ok(name)) return BadRequest("'" + name + "' does not match '^CUSTOM_[A-Z0-9_]+$'");
  if (resource_class_exists(name)) return Conflict("Conflicting resource class already exists: " + name);
  Status st = store_.put("resource_class", name, Json{{"id", name}});
  if (st.ok()) custom_classes_.insert(name);
  return st;
}

Status PlacementService::delete_resource_class(const std::string& name) {
  if (standard_resource_classes().count(name)) return BadRequest("Cannot delete standard resource class " + name);
  if (!custom_classes_.count(name)) return NotFound("No such resource class " + name + ".");
  for (const auto& [uuid, rp] : providers_)
    if (rp.inventories.count(name))
      return Conflict("Unable to delete resource class " + name + ". Class is in use in inventory.");
  Status st = store_.erase("resource_class", name);
  if (st.ok()) custom_classes_.erase(name);
  return st;
}

bool PlacementService::trait_exists(const std::string& name) const {
  return standard_traits().count(name) || custom_traits_.count(name);
}

std::vector<std::string> PlacementService::traits() const {
  std::vector<std::string> out(standard_traits().begin(), standard_traits().end());
  out.insert(out.end(), custom_traits_.begin(), custom_traits_.end());
  std::sort(out.begin(), out.end());
  return out;
}

Status PlacementService::create_trait(const std::string& name) {
  if (!custom_name_ok(name))
    return BadRequest(
        "The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix \"CUSTOM_\" "
        "and use following characters: \"A\"-\"Z\", \"0\"-\"9\" and \"_\"");
  if (trait_exists(name)) return Conflict("Trait " + name + " already exists.");
  Status st = store_.put("trait", name, Json{{"id", name}});
  if (st.ok()) custom_traits_.insert(name);
  return st;
}

Status PlacementService::delete_trait(const std::string& name) {
  if (standard_traits().count(name)) return BadRequest("Cannot delete standard trait " + name + ".");
  if (!custom_traits_.count(name)) return NotFound("No such trait(s): " + name);
  for (const auto& [uuid, rp] : providers_)
    if (rp.traits.count(name)) return Conflict("The trait " + name + " is in use by a resource provider.");
  Status st = store_.erase("trait", name);
  if (st.ok()) custom_traits_.erase(name);
  return st;
}

}  // namespace stacklab::placement
