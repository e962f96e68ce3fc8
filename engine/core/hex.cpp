#include "engine/core/hex.h"

namespace stacklab {

std::string to_hex(const unsigned char* bytes, std::size_t n, char separator) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) {
    if (separator && i) s.push_back(separator);
    s.push_back(digits[bytes[i] >> 4]);
    s.push_back(digits[bytes[i] & 15]);
  }
  return s;
}

std::string hex_digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return to_hex(out, n);
}

std::string hex_digest_final(EVP_MD_CTX* ctx) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, out, &n);
  return to_hex(out, n);
}

}  // namespace stacklab
