// What the L3 files (routers, router interfaces, floating IPs) share: the
// device owners of the network's own L3 ports. Internal to engine/network.
#pragma once

#include <string>

#include "engine/network/network_errors.h"

namespace stacklab::network {

inline constexpr const char* kGatewayOwner = "network:router_gateway";
inline constexpr const char* kInterfaceOwner = "network:router_interface";
inline constexpr const char* kFloatingIpOwner = "network:floatingip";

}  // namespace stacklab::network
