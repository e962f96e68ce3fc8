// Lowercase hexadecimal text of bytes and of message digests: ids, tokens'
// hashes, image checksums, Nova's hostId, key fingerprints all use it.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>

namespace stacklab {

// Two lowercase hex digits per byte; with a separator (':'), between bytes.
std::string to_hex(const unsigned char* bytes, std::size_t n, char separator = '\0');

// The digest of `data` with `md` (EVP_sha256(), EVP_md5(), ...), as hex.
std::string hex_digest(const EVP_MD* md, const std::string& data);

// The final digest of a running EVP context, as hex.
std::string hex_digest_final(EVP_MD_CTX* ctx);

}  // namespace stacklab
