// Public keys as Nova reads them: OpenSSH public keys and x509 certificates,
// their fingerprints, and server-side generation of an RSA key pair or of a
// self-signed x509 certificate.
#pragma once

#include <string>

#include "engine/core/status.h"

namespace stacklab::compute {

// "aa:bb:..." (MD5 of the base64-decoded key blob, as `ssh-keygen -l -E md5`)
// for an OpenSSH public key ("ssh-rsa AAAA... comment"): ssh-rsa, ssh-dss,
// ssh-ed25519, ecdsa-sha2-nistp256/384/521. 400 "Keypair data is invalid:
// failed to generate fingerprint" when the text is not such a key.
Result<std::string> ssh_fingerprint(const std::string& public_key);

// The fingerprint (as ssh_fingerprint) of the public half of a private key:
// OpenSSH's own format ("-----BEGIN OPENSSH PRIVATE KEY-----", whose public
// key is readable even when the private part is encrypted) or unencrypted
// PEM RSA / PKCS#8 RSA and Ed25519 (what Nova generates). 400 otherwise.
Result<std::string> private_key_fingerprint(const std::string& private_key);

// "aa:bb:..." (SHA-1 of the DER certificate) for a PEM x509 certificate;
// 400 "Keypair data is invalid: failed to generate X509 fingerprint" otherwise.
Result<std::string> x509_fingerprint(const std::string& certificate);

struct GeneratedKeypair {
  std::string private_key;  // PEM, "-----BEGIN RSA PRIVATE KEY-----"
  std::string public_key;   // "ssh-rsa AAAA... Generated-by-Nova"
};
// A fresh 2048-bit RSA key pair (OpenSSL's CSPRNG). Blocking (~0.1 s): run it
// on a worker. 500 if OpenSSL fails.
Result<GeneratedKeypair> generate_rsa_keypair(int bits = 2048);

// Nova's generate_winrm_x509_cert: a fresh RSA key (PKCS#8 PEM, "-----BEGIN
// PRIVATE KEY-----") and a self-signed certificate for it (PEM) with subject
// CN=<user_id>, valid 10 years, extendedKeyUsage clientAuth and the
// subjectAltName UPN <user_id>@localhost, signed with SHA-256. Blocking: run
// it on a worker. 500 if OpenSSL fails.
Result<GeneratedKeypair> generate_x509_keypair(const std::string& user_id, int bits = 2048);

}  // namespace stacklab::compute
