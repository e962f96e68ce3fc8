// IpAllocations: the ip_allocation table ({id "<subnet>/<ip>", subnet_id,
// network_id, ip_address, port_id}) and, beside it, each subnet's taken
// addresses as an AddressSet, so that choosing a port's address costs
// O(log n) instead of reading every allocation of the subnet.
//
// The sets are derived state: valid while the table's Store::version() is
// the one they were built at. Writes through put()/erase() keep them in
// step; any other change to the table (a rolled-back transaction, a
// snapshot restore) moves the version on and the next read rebuilds them.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/core/store.h"
#include "engine/network/ipam.h"

namespace stacklab::network {

class IpAllocations {
 public:
  explicit IpAllocations(Store& store) : store_(store) {}

  // The addresses taken in `subnet_id`; valid until the next call.
  const AddressSet& used(const std::string& subnet_id);
  // Stores `allocation` (an ip_allocation document) and marks its address taken.
  Status put(const Json& allocation);
  // Removes the allocation `id` ("<subnet>/<ip>") and frees its address.
  Status erase(const std::string& id);

 private:
  // Rebuilds the sets when the table changed other than through put()/erase().
  void refresh();
  // After one write of ours: still in step when the version moved by that write only.
  void follow(std::uint64_t before);
  static Uint128 address_of(const Json& allocation);

  Store& store_;
  std::uint64_t version_ = ~std::uint64_t{0};
  std::map<std::string, AddressSet> by_subnet_;
};

}  // namespace stacklab::network
