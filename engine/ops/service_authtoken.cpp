#include "engine/ops/service_authtoken.h"

#include "engine/core/log.h"

namespace stacklab {

namespace {

constexpr std::size_t kMaxCachedTokens = 10000;  // memcached evicts too; the oldest go first

const char* const kRefusedBody =
    "{\"error\": {\"message\": \"The request you have made requires authentication.\", \"code\": 401, "
    "\"title\": \"Unauthorized\"}}";

}  // namespace

ServiceAuthtoken::ServiceAuthtoken(Clock& clock, std::function<bool()> keystone_up)
    : clock_(clock), keystone_up_(std::move(keystone_up)) {}

void ServiceAuthtoken::set_credentials_refused(const std::string& service, bool refused) {
  if (refused)
    refused_.insert(service);
  else
    refused_.erase(service);
}

bool ServiceAuthtoken::admit(const std::string& service, const std::string& token) {
  const bool keystone_up = !keystone_up_ || keystone_up_();
  const bool refused = credentials_refused(service);
  if (keystone_up && !refused) return true;
  if (auto it = cache_.find(token); it != cache_.end()) {
    if (clock_.now() < it->second) return true;
    cache_.erase(it);
  }
  Log& log = Log::get(service);
  if (!keystone_up) {
    log.warning(
        "keystoneauth.identity.generic.base Failed to discover available identity versions when contacting "
        "the identity endpoint. Attempting to parse version from URL.");
    log.error(
        "keystonemiddleware.auth_token Unable to validate token: Could not find versioned identity endpoints "
        "when attempting to authenticate. Please check that your auth_url is correct. Unable to establish "
        "connection to the identity endpoint: Connection refused");
  } else {
    Log::get("keystone")
        .warning("Authorization failed. The request you have made requires authentication. (the " + service +
                 " service user's password)");
    log.warning("keystonemiddleware.auth_token Identity response: " + std::string(kRefusedBody));
    log.error(
        "keystonemiddleware.auth_token Unable to validate token: Identity server rejected authorization "
        "necessary to fetch token data");
  }
  return false;
}

void ServiceAuthtoken::validated(const std::string& token) {
  // A hit is not refreshed: the middleware asks keystone again only once the entry is gone.
  if (auto it = cache_.find(token); it != cache_.end() && clock_.now() < it->second) return;
  if (cache_.size() >= kMaxCachedTokens) {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it)
      if (it->second < oldest->second) oldest = it;
    cache_.erase(oldest);
  }
  cache_[token] = clock_.now() + kTokenCacheTime;
}

}  // namespace stacklab
