// The bootcamp lab's networks (exercises.md §1.6-1.7): `public` (admin's,
// external, flat on physnet "public", 172.24.4.0/24 and 2001:db8::/64, no
// DHCP), the shared default subnet pools shared-default-subnetpool-v4
// (10.0.0.0/22, /26s) and -v6 (fd45:dd0b:2a48::/56, /64s), `private` in demo
// with 10.0.0.0/26 and fd45:dd0b:2a48::/64 (SLAAC) drawn from them, and
// demo's default security group, with the book's ids.
//
// Not yet: router1 (routers are the next slice of issue 5).
#pragma once

#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "engine/network/network_service.h"

namespace stacklab::scenarios {

// Seeds once per state (a marker in stacklab_meta); later runs keep what the student changed.
Status seed_lab_networks(network::NetworkService& networks, identity::IdentityService& identity, Store& store);

}  // namespace stacklab::scenarios
