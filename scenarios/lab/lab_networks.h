// The bootcamp lab's networks (exercises.md §1.6-1.7): `public` (admin's,
// external, flat on physnet "public", 172.24.4.0/24 and 2001:db8::/64, no
// DHCP), the shared default subnet pools shared-default-subnetpool
// (10.0.0.0/22, /26s; the name exercises.md §1.6 gives) and
// shared-default-subnetpool-v6 (fd45:dd0b:2a48::/56, /64s), `private` in demo
// with 10.0.0.0/26 and fd45:dd0b:2a48::/64 (SLAAC) drawn from them, demo's
// default security group, with the book's ids, and demo's `router1` (gateway
// on public, interfaces on both private subnets; the book gives no id,
// kLabRouterId is ours).
#pragma once

#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "engine/network/network_service.h"

namespace stacklab::scenarios {

inline constexpr const char* kLabPublicNetworkId = "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4";
inline constexpr const char* kLabRouterId = "a7b1e6f2-3c54-4d8e-9f10-6b2c8d4e5f31";

// Seeds once per state (a marker in stacklab_meta); later runs keep what the student changed.
Status seed_lab_networks(network::NetworkService& networks, identity::IdentityService& identity, Store& store);

}  // namespace stacklab::scenarios
