// Neutron's named failures.
//
// Neutron answers every failure with the name of its exception class as
// NeutronError.type (NetworkNotFound, IpAddressAlreadyAllocated, ...), which
// neutronclient and tempest read; it travels as the Status's type().
#pragma once

#include <string>
#include <utility>

#include "engine/core/status.h"

namespace stacklab::network {

// 'text', for messages (built by appending: GCC 12 warns falsely on "'" + std::string).
inline std::string in_quotes(const std::string& text) {
  std::string q = "'";
  q += text;
  q += '\'';
  return q;
}

inline Status neutron_error(Code code, const std::string& type, const std::string& message) {
  return {code, message, type};
}

// 400 "Invalid input for operation: <why>." (Neutron's InvalidInput).
// 400 "Bad <resource> request: <msg>." (Neutron's BadRequest(resource=..., msg=...)).
inline Status bad_request(const std::string& resource, const std::string& msg) {
  return neutron_error(Code::kBadRequest, "BadRequest", "Bad " + resource + " request: " + msg + ".");
}

inline Status invalid_input(const std::string& why) {
  return neutron_error(Code::kBadRequest, "InvalidInput", "Invalid input for operation: " + why + ".");
}

// 400 "Invalid input for <field>. Reason: <why>." (attribute validation).
inline Status invalid_attribute(const std::string& field, const std::string& why) {
  return neutron_error(Code::kBadRequest, "HTTPBadRequest", "Invalid input for " + field + ". Reason: " + why + ".");
}

}  // namespace stacklab::network
