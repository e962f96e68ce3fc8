// ServiceAuthtoken: what each service's token middleware (keystonemiddleware's
// auth_token) can do while keystone cannot answer it (architecture.md §0.2:
// before a service validates a user's token it proves its own identity to
// keystone with the service user of its config file).
//
// - Keystone unreachable (its daemon or its database stopped): a token that
//   some service validated in the last token_cache_time (300 s, the
//   middleware's default; DevStack keeps the cache in memcached, shared by
//   the services) still passes; any other is refused.
// - The service's own credentials refused (the [keystone_authtoken] password
//   of its config file is not its service user's, found when its API daemon
//   started): every token not in the cache is refused.
// A refused token gets keystonemiddleware's 503 ("The Keystone service is
// temporarily unavailable."), and the lines upstream logs go to the
// service's log (and to keystone's for refused credentials). The cache is in
// memory, as memcached's is. Every method runs on the engine loop.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "engine/core/clock.h"

namespace stacklab {

class ServiceAuthtoken {
 public:
  static constexpr std::chrono::seconds kTokenCacheTime{300};

  // `keystone_up`: does keystone answer now (default: always).
  ServiceAuthtoken(Clock& clock, std::function<bool()> keystone_up = nullptr);

  // What `service` (its API daemon's binary: "nova-api") found when it read its config and authenticated.
  void set_credentials_refused(const std::string& service, bool refused);
  bool credentials_refused(const std::string& service) const { return refused_.count(service) > 0; }

  // May `service` go on to validate `token`? False: answer 503 (logged here).
  bool admit(const std::string& service, const std::string& token);
  // `token` was found valid: cached for kTokenCacheTime from the first validation.
  void validated(const std::string& token);

 private:
  Clock& clock_;
  std::function<bool()> keystone_up_;
  std::set<std::string> refused_;
  std::map<std::string, TimePoint> cache_;  // token -> until when it passes without keystone
};

}  // namespace stacklab
