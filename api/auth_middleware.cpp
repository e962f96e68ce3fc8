#include "api/auth_middleware.h"

namespace stacklab::api {

Status authenticate_request(Request& req, const identity::IdentityService& identity) {
  std::string token = req.header("X-Auth-Token");
  if (token.empty()) token = req.header("X-Storage-Token");  // Swift's spelling
  if (token.empty()) return Unauthorized("The request you have made requires authentication.");
  auto ctx = identity.validate_token(token);
  if (!ctx.ok()) return ctx.status();
  req.auth = std::move(*ctx);
  return {};
}

}  // namespace stacklab::api
