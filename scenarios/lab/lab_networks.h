// The bootcamp lab's networks (exercises.md §1.6-1.7): `public` (admin's,
// external, flat on physnet "public", 172.24.4.0/24 and 2001:db8::/64, no
// DHCP), `private` in demo (10.0.0.0/26 and fd45:dd0b:2a48::/64 SLAAC), and
// demo's default security group, with the book's ids.
//
// Not yet: router1 (routers are the next slice of issue 5), and
// private-subnet drawn from the shared default subnet pool (subnet pools
// are not served yet; the subnet has the pool's /26 cidr directly).
#pragma once

#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "engine/network/network_service.h"

namespace stacklab::scenarios {

// Seeds once per state (a marker in stacklab_meta); later runs keep what the student changed.
Status seed_lab_networks(network::NetworkService& networks, identity::IdentityService& identity, Store& store);

}  // namespace stacklab::scenarios
