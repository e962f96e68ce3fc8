#include "engine/compute/ssh_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "engine/core/base64.h"
#include "engine/core/hex.h"

namespace stacklab::compute {

namespace {

const char* kInvalid = "Keypair data is invalid: failed to generate fingerprint";

std::string hex_colons(const unsigned char* d, unsigned n) { return to_hex(d, n, ':'); }

// Standard base64 of a key blob; empty is not a key.
bool decode_blob(const std::string& b64, std::string* out) {
  auto bytes = base64_decode(b64);
  if (b64.empty() || !bytes) return false;
  *out = std::move(*bytes);
  return true;
}

// Reads one SSH wire-format string (uint32 length + bytes) at *pos.
bool read_string(const std::string& blob, std::size_t* pos, std::string* out) {
  if (*pos + 4 > blob.size()) return false;
  std::uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(blob[*pos + i]);
  *pos += 4;
  if (len > blob.size() - *pos) return false;
  out->assign(blob, *pos, len);
  *pos += len;
  return true;
}

// The fields each key type carries after its name; the blob must hold exactly these.
int field_count(const std::string& type) {
  if (type == "ssh-rsa") return 2;                       // e, n
  if (type == "ssh-dss") return 4;                       // p, q, g, y
  if (type == "ssh-ed25519") return 1;                   // 32-byte key
  if (type.rfind("ecdsa-sha2-nistp", 0) == 0) return 2;  // curve name, point
  return -1;
}

void put_string(std::string* blob, const std::string& s) {
  auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) blob->push_back(static_cast<char>((n >> shift) & 0xff));
  blob->append(s);
}

// An SSH mpint: big-endian, with a leading zero byte when the top bit is set.
std::string mpint(const BIGNUM* bn) {
  std::string s(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(s.data()));
  if (!s.empty() && (static_cast<unsigned char>(s[0]) & 0x80)) s.insert(s.begin(), '\0');
  return s;
}

std::string md5_fingerprint(const std::string& blob) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(blob.data(), blob.size(), md, &n, EVP_md5(), nullptr);
  return hex_colons(md, n);
}

// The public key blob of an "openssh-key-v1" private key: it precedes the (maybe encrypted) private part.
Result<std::string> openssh_public_blob(const std::string& text) {
  const Status invalid = BadRequest("Invalid private key: not a readable OpenSSH key");
  const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----", end = "-----END OPENSSH PRIVATE KEY-----";
  auto b = text.find(begin), e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return invalid;
  std::string b64, blob;
  for (char c : text.substr(b + begin.size(), e - b - begin.size()))
    if (!std::isspace(static_cast<unsigned char>(c))) b64 += c;
  if (!decode_blob(b64, &blob)) return invalid;
  static const std::string kMagic("openssh-key-v1\0", 15);
  if (blob.compare(0, kMagic.size(), kMagic) != 0) return invalid;
  std::size_t pos = kMagic.size();
  std::string skip, public_blob;
  for (int i = 0; i < 3; ++i)  // cipher name, kdf name, kdf options
    if (!read_string(blob, &pos, &skip)) return invalid;
  if (pos + 4 > blob.size()) return invalid;
  pos += 4;  // the number of keys: the first is the one
  if (!read_string(blob, &pos, &public_blob) || public_blob.empty()) return invalid;
  return public_blob;
}

// The SSH wire form of an RSA key's public part ("ssh-rsa", e, n); nullopt
// when the key has no RSA parameters.
std::optional<std::string> rsa_public_blob(const EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  std::optional<std::string> blob;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e)) {
    blob.emplace();
    put_string(&*blob, "ssh-rsa");
    put_string(&*blob, mpint(e));
    put_string(&*blob, mpint(n));
  }
  BN_free(n);
  BN_free(e);
  return blob;
}

}  // namespace

Result<std::string> private_key_fingerprint(const std::string& text) {
  if (text.find("OPENSSH PRIVATE KEY") != std::string::npos) {
    auto blob = openssh_public_blob(text);
    if (!blob.ok()) return blob.status();
    return md5_fingerprint(*blob);
  }
  const Status invalid = BadRequest("Invalid private key: an unencrypted RSA or Ed25519 key in PEM expected");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
  // An empty passphrase callback: an encrypted PEM key fails instead of prompting on the server's terminal.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr), &EVP_PKEY_free);
  if (!key) return invalid;
  std::string blob;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    auto rsa = rsa_public_blob(key.get());
    if (!rsa) return invalid;
    blob = *rsa;
  } else if (EVP_PKEY_is_a(key.get(), "ED25519")) {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (!EVP_PKEY_get_raw_public_key(key.get(), raw, &len)) return invalid;
    put_string(&blob, "ssh-ed25519");
    put_string(&blob, std::string(reinterpret_cast<const char*>(raw), len));
  } else {
    return invalid;
  }
  return md5_fingerprint(blob);
}

Result<std::string> ssh_fingerprint(const std::string& public_key) {
  std::istringstream words(public_key);
  std::string type, b64, blob;
  words >> type >> b64;
  int fields = field_count(type);
  if (fields < 0 || !decode_blob(b64, &blob)) return BadRequest(kInvalid);
  std::size_t pos = 0;
  std::string name, field;
  if (!read_string(blob, &pos, &name) || name != type) return BadRequest(kInvalid);
  for (int i = 0; i < fields; ++i)
    if (!read_string(blob, &pos, &field) || field.empty()) return BadRequest(kInvalid);
  if (pos != blob.size()) return BadRequest(kInvalid);
  if (type == "ssh-ed25519" && field.size() != 32) return BadRequest(kInvalid);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(blob.data(), blob.size(), md, &n, EVP_md5(), nullptr);
  return hex_colons(md, n);
}

Result<std::string> x509_fingerprint(const std::string& certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(certificate.data(), static_cast<int>(certificate.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return BadRequest("Keypair data is invalid: failed to generate X509 fingerprint");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert.get(), EVP_sha1(), md, &n);
  return hex_colons(md, n);
}

Result<GeneratedKeypair> generate_rsa_keypair(int bits) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(static_cast<unsigned>(bits)), &EVP_PKEY_free);
  if (!key) return Status(Code::kInternal, "RSA key generation failed");
  auto blob = rsa_public_blob(key.get());
  if (!blob) return Status(Code::kInternal, "RSA key generation failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  if (!PEM_write_bio_PrivateKey_traditional(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return Status(Code::kInternal, "cannot write the private key");
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return GeneratedKeypair{std::string(data, static_cast<std::size_t>(len)),
                          "ssh-rsa " + base64_encode(*blob) + " Generated-by-Nova"};
}

Result<GeneratedKeypair> generate_x509_keypair(const std::string& user_id, int bits) {
  const Status failed(Code::kInternal, "x509 certificate generation failed");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(static_cast<unsigned>(bits)), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (!key || !cert) return failed;
  // A random positive 159-bit serial, as cryptography's random_serial_number().
  unsigned char serial_bytes[20];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return failed;
  serial_bytes[0] &= 0x7f;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr), &BN_free);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!serial || !X509_set_version(cert.get(), 2) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(user_id.data()),
                                  static_cast<int>(user_id.size()), -1, 0) ||
      !X509_set_issuer_name(cert.get(), name) || !X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365 * 10) ||
      !X509_set_pubkey(cert.get(), key.get()))
    return failed;
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string upn = "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:" + user_id + "@localhost";
  for (auto [nid, value] :
       {std::pair{NID_ext_key_usage, std::string("clientAuth")}, std::pair{NID_subject_alt_name, upn}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
    if (!ext) return failed;
    int added = X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    if (!added) return failed;
  }
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return failed;
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_out(BIO_new(BIO_s_mem()), &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new(BIO_s_mem()), &BIO_free);
  if (!PEM_write_bio_X509(cert_out.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return failed;
  char* cert_pem = nullptr;
  long cert_len = BIO_get_mem_data(cert_out.get(), &cert_pem);
  char* key_pem = nullptr;
  long key_len = BIO_get_mem_data(key_out.get(), &key_pem);
  return GeneratedKeypair{std::string(key_pem, static_cast<std::size_t>(key_len)),
                          std::string(cert_pem, static_cast<std::size_t>(cert_len))};
}

}  // namespace stacklab::compute
