#include "engine/core/random.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "engine/core/hex.h"

namespace stacklab {

std::string Random::hex_id() {
  unsigned char b[16];
  fill(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return to_hex(b, sizeof b);
}

std::string Random::uuid4() {
  std::string h = hex_id();
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string Random::bytes(std::size_t n) {
  std::string s(n, '\0');
  fill(reinterpret_cast<unsigned char*>(s.data()), n);
  return s;
}

std::uint64_t Random::below(std::uint64_t bound) {
  if (bound == 0) return 0;
  std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound, v;
  do {
    fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
  } while (v >= limit);
  return v % bound;
}

void SecureRandom::fill(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

void SeededRandom::fill(unsigned char* out, std::size_t n) {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(gen_() & 0xff);
}

}  // namespace stacklab
