// What the L3 files (routers, router interfaces, floating IPs) share: the
// device owners of the network's own L3 ports, and Neutron's generic
// BadRequest. Internal to engine/network.
#pragma once

#include <string>

#include "engine/network/network_errors.h"

namespace stacklab::network {

inline constexpr const char* kGatewayOwner = "network:router_gateway";
inline constexpr const char* kInterfaceOwner = "network:router_interface";
inline constexpr const char* kFloatingIpOwner = "network:floatingip";

// 400 "Bad <resource> request: <msg>." (Neutron's BadRequest(resource=..., msg=...)).
inline Status bad_request(const std::string& resource, const std::string& msg) {
  return neutron_error(Code::kBadRequest, "BadRequest", "Bad " + resource + " request: " + msg + ".");
}

}  // namespace stacklab::network
