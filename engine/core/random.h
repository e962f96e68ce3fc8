// Random: the only source of randomness for engine code.
//
// Ids and secrets come from an injected Random so tests can seed it and get the
// same ids every run. Production uses SecureRandom (OpenSSL's CSPRNG), which
// is what makes tokens and application-credential secrets unguessable.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace stacklab {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` random bytes.
  virtual void fill(unsigned char* out, std::size_t n) = 0;

  // 32 lowercase hex chars, like Keystone's ids (uuid4().hex).
  std::string hex_id();
  // Canonical 8-4-4-4-12 version-4 UUID, like Nova's and Glance's ids.
  std::string uuid4();
  // `n` random bytes as a string.
  std::string bytes(std::size_t n);
  // Uniform integer in [0, bound).
  std::uint64_t below(std::uint64_t bound);
};

// OpenSSL RAND_bytes. Thread-safe.
class SecureRandom final : public Random {
 public:
  void fill(unsigned char* out, std::size_t n) override;
};

// Deterministic generator for tests and simulations. Thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : gen_(seed) {}
  void fill(unsigned char* out, std::size_t n) override;

 private:
  std::mutex mu_;
  std::mt19937_64 gen_;
};

}  // namespace stacklab
