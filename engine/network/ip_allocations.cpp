#include "engine/network/ip_allocations.h"

namespace stacklab::network {

Uint128 IpAllocations::address_of(const Json& allocation) {
  return parse_ip(allocation["ip_address"].get<std::string>())->value;
}

void IpAllocations::refresh() {
  if (version_ == store_.version("ip_allocation")) return;
  by_subnet_.clear();
  for (const Json* a : store_.list("ip_allocation"))
    by_subnet_[(*a)["subnet_id"].get<std::string>()].insert(address_of(*a));
  version_ = store_.version("ip_allocation");
}

void IpAllocations::follow(std::uint64_t before) {
  // In step before the write and the write the only change since: in step now.
  if (version_ == before && store_.version("ip_allocation") == before + 1) version_ = before + 1;
}

const AddressSet& IpAllocations::used(const std::string& subnet_id) {
  refresh();
  return by_subnet_[subnet_id];
}

Status IpAllocations::put(const Json& allocation) {
  refresh();
  const std::uint64_t before = store_.version("ip_allocation");
  if (Status st = store_.put("ip_allocation", allocation["id"], allocation); !st.ok()) return st;
  by_subnet_[allocation["subnet_id"].get<std::string>()].insert(address_of(allocation));
  follow(before);
  return {};
}

Status IpAllocations::erase(const std::string& id) {
  refresh();
  const Json* a = store_.get("ip_allocation", id);
  if (!a) return {};
  const std::string subnet = (*a)["subnet_id"];
  const Uint128 address = address_of(*a);
  const std::uint64_t before = store_.version("ip_allocation");
  if (Status st = store_.erase("ip_allocation", id); !st.ok()) return st;
  by_subnet_[subnet].erase(address);
  follow(before);
  return {};
}

}  // namespace stacklab::network
