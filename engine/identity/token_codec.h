// TokenCodec: Fernet-like tokens. The token is its own record: a compact JSON
// payload (user, scope, methods, audit ids, times) sealed with AES-256-GCM
// under the cloud's token key, then base64url-encoded. Issuing a token writes
// nothing; a token cannot be forged or read without the key; revocation is
// kept as events (see IdentityService::revoke_token).
#pragma once

#include <optional>
#include <string>

#include "engine/core/random.h"

namespace stacklab::identity {

// Seals `payload` under the 32-byte `key` with a random nonce.
std::string seal_token(const std::string& key, const std::string& payload, Random& random);
// The payload, or nullopt if `token` was not sealed under `key` or was altered.
std::optional<std::string> open_token(const std::string& key, const std::string& token);

}  // namespace stacklab::identity
