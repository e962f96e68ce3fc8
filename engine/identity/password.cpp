#include "engine/identity/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

namespace stacklab::identity {

namespace {

// passlib's "ab64": standard base64 with '.' for '+' and no padding.
std::string ab64_encode(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out)
    if (c == '+') c = '.';
  return out;
}

bool ab64_decode(std::string s, std::vector<unsigned char>* out) {
  for (auto& c : s)
    if (c == '.') c = '+';
  while (s.size() % 4) s += '=';
  out->assign(s.size() / 4 * 3, 0);
  int len = EVP_DecodeBlock(out->data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (len < 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  out->resize(static_cast<std::size_t>(len) - pad);
  return true;
}

bool derive(const std::string& password, const unsigned char* salt, std::size_t salt_len, int rounds,
            unsigned char* out, std::size_t out_len) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_len), rounds,
                           EVP_sha512(), static_cast<int>(out_len), out) == 1;
}

}  // namespace

std::string hash_password(const std::string& password, int rounds, Random& random) {
  unsigned char salt[16], dk[64];
  random.fill(salt, sizeof salt);
  derive(password, salt, sizeof salt, rounds, dk, sizeof dk);
  return "$pbkdf2-sha512$" + std::to_string(rounds) + "$" + ab64_encode(salt, sizeof salt) + "$" +
         ab64_encode(dk, sizeof dk);
}

bool verify_password(const std::string& password, const std::string& stored) {
  const std::string prefix = "$pbkdf2-sha512$";
  if (stored.rfind(prefix, 0) != 0) return false;
  auto a = stored.find('$', prefix.size());
  auto b = a == std::string::npos ? a : stored.find('$', a + 1);
  if (b == std::string::npos) return false;
  int rounds = 0;
  try {
    rounds = std::stoi(stored.substr(prefix.size(), a - prefix.size()));
  } catch (...) {
    return false;
  }
  std::vector<unsigned char> salt, want;
  if (rounds <= 0 || !ab64_decode(stored.substr(a + 1, b - a - 1), &salt) || !ab64_decode(stored.substr(b + 1), &want))
    return false;
  std::vector<unsigned char> got(want.size());
  if (want.empty() || !derive(password, salt.data(), salt.size(), rounds, got.data(), got.size())) return false;
  return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

}  // namespace stacklab::identity
