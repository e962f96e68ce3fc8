// IP protocols as security group rules name them: neutron_lib's names
// ("tcp", "icmp", ...) or numbers ("6"), shared by rule validation and the
// data plane's rule matching.
#pragma once

#include <map>
#include <string>

#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::network {

// neutron_lib.constants.IP_PROTOCOL_MAP: name -> number.
const std::map<std::string, int>& protocol_numbers();

// The protocol number of a rule's `protocol` (a name, a number as text, or
// null); -1 for "any protocol"; 400 SecurityGroupRuleInvalidProtocol otherwise.
Result<int> protocol_number(const Json& protocol);

}  // namespace stacklab::network
