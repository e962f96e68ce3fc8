#include "engine/identity/token_codec.h"

#include <openssl/evp.h>

#include <memory>
#include <vector>

namespace stacklab::identity {

namespace {

constexpr std::size_t kNonce = 12, kTag = 16;

std::string b64url(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> unb64url(std::string s) {
  for (auto c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return std::nullopt;
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  s.append(pad, '=');
  std::string out(s.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// The first byte of every token, as Fernet's version byte: its base64url
// starts every token with 'g', never with '-', which a command line would
// take for an option (`openstack token revoke -m9w...`).
constexpr char kVersion = '\x80';

}  // namespace

std::string seal_token(const std::string& key, const std::string& payload, Random& random) {
  std::string nonce = random.bytes(kNonce);
  std::string out = std::string(1, kVersion) + nonce;
  out.resize(1 + kNonce + payload.size() + kTag);
  auto* o = reinterpret_cast<unsigned char*>(out.data()) + 1;
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                     reinterpret_cast<const unsigned char*>(nonce.data()));
  EVP_EncryptUpdate(ctx.get(), o + kNonce, &len, reinterpret_cast<const unsigned char*>(payload.data()),
                    static_cast<int>(payload.size()));
  EVP_EncryptFinal_ex(ctx.get(), o + kNonce + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + payload.size());
  return b64url(out);
}

std::optional<std::string> open_token(const std::string& key, const std::string& token) {
  if (token.empty() || token.size() > 2048) return std::nullopt;
  auto raw = unb64url(token);
  if (!raw || raw->size() < 1 + kNonce + kTag || (*raw)[0] != kVersion) return std::nullopt;
  const auto* r = reinterpret_cast<const unsigned char*>(raw->data()) + 1;
  std::size_t n = raw->size() - 1 - kNonce - kTag;
  std::string out(n, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), r);
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, r + kNonce, static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, const_cast<unsigned char*>(r + kNonce + n));
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1)
    return std::nullopt;
  return out;
}

}  // namespace stacklab::identity
