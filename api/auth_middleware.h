// Token middleware: turns X-Auth-Token into the request's AuthContext, the
// way keystonemiddleware's auth_token does for every upstream service.
#pragma once

#include "api/http_types.h"
#include "engine/identity/identity_service.h"

namespace stacklab::api {

// ok with req.auth set, or Unauthorized (missing, malformed, expired or revoked token).
Status authenticate_request(Request& req, const identity::IdentityService& identity);

}  // namespace stacklab::api
