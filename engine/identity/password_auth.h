// The body of a password authentication (POST /v3/auth/tokens), for callers
// inside the cloud that authenticate as someone: a service's
// [keystone_authtoken] credentials, an operator's user and key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace stacklab::identity {

using Json = nlohmann::json;

// `user` scoped to `project`, both in the default domain, for IdentityService::authenticate().
Json password_auth_body(const std::string& user, const std::string& password, const std::string& project);

}  // namespace stacklab::identity
