// Password hashing: PBKDF2-HMAC-SHA512 with a random salt, in passlib's
// modular format ($pbkdf2-sha512$<rounds>$<salt>$<hash>, adapted base64),
// the format Keystone itself stores for pbkdf2_sha512.
#pragma once

#include <string>

#include "engine/core/random.h"

namespace stacklab::identity {

// A new salted hash of `password`.
std::string hash_password(const std::string& password, int rounds, Random& random);
// True when `password` matches `stored`. Constant-time comparison. Slow on
// purpose; safe on any thread.
bool verify_password(const std::string& password, const std::string& stored);

}  // namespace stacklab::identity
