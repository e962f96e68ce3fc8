// Neutron's default policy (neutron/conf/policies, legacy rules) and
// Neutron's way of refusing.
//
// Targets are the resource's fields, flat: "project_id", "shared",
// "router:external", and for ports and subnets "network:project_id" (the
// network's owner, as Neutron's network_owner rule reads it).
#pragma once

#include <string>

#include "engine/core/policy.h"
#include "engine/core/status.h"

namespace stacklab::network {

void register_network_policy(Policy& policy);

// ok, or 403 PolicyNotAuthorized "(rule:<action>) is disallowed by policy".
Status authorize(const Policy& policy, const std::string& action, const Credentials& creds, const Json& target);

}  // namespace stacklab::network
