// In-process identity benchmarks (Google Benchmark), through the engine API
// only: no HTTP, no sockets, one thread. They show what the engine itself
// costs per operation, so the HTTP numbers of bench/run_bench.sh can be read
// against them.
//
//   cmake --build build -j2 --target identity_bench
//   build/bench/identity_bench                      # all
//   build/bench/identity_bench --benchmark_filter=Validate
//
// The engine is wired as tests wire it (cmd/stacklab/up_command.cpp wires
// the real one): an in-memory Store, a ManualClock, a SeededRandom, an
// IdentityService with the default options (PBKDF2-SHA512, 10000 rounds),
// seeded with the lab profile (scenarios::seed_lab_identity).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "engine/identity/password.h"
#include "engine/identity/token_codec.h"
#include "scenarios/lab/lab_profile.h"

using namespace stacklab;
using namespace stacklab::identity;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "identity_bench: %s\n", what.c_str());
  std::abort();
}

// One lab cloud, built once per process.
struct Lab {
  ManualClock clock;
  SeededRandom random{42};
  std::unique_ptr<Store> store;
  std::unique_ptr<IdentityService> identity;
  std::string admin_token;  // project-scoped (admin/admin), password method

  Lab() {
    auto s = Store::open({});
    if (!s.ok()) die("Store::open: " + s.status().message());
    store = std::move(*s);
    identity = std::make_unique<IdentityService>(*store, clock, random, IdentityOptions{});
    Status st = scenarios::seed_lab_identity(*identity, *store, {});
    if (!st.ok()) die("seed_lab_identity: " + st.message());
    auto ctx = identity->authenticate(password_auth("admin", "nomoresecret", "admin"));
    if (!ctx.ok()) die("password auth: " + ctx.status().message());
    admin_token = ctx->token;
  }

  static Json project_scope(const std::string& project) {
    return {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}};
  }
  static Json password_auth(const std::string& user, const std::string& password, const std::string& project) {
    return {{"identity",
             {{"methods", {"password"}},
              {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}},
            {"scope", project_scope(project)}};
  }
  static Json token_auth(const std::string& token, const std::string& project) {
    return {{"identity", {{"methods", {"token"}}, {"token", {{"id", token}}}}}, {"scope", project_scope(project)}};
  }
};

Lab& lab() {
  static Lab l;
  return l;
}

// GET /v3/auth/tokens minus HTTP: open the token, check user, project,
// roles and revocations, build the AuthContext.
void BM_ValidateToken(benchmark::State& state) {
  Lab& l = lab();
  for (auto _ : state) {
    auto ctx = l.identity->validate_token(l.admin_token, /*as_subject=*/true);
    if (!ctx.ok()) {
      state.SkipWithError(ctx.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_ValidateToken);

// Validation plus the response body that GET /v3/auth/tokens sends: the
// token document with the lab's 12-service catalog, serialized.
void BM_ValidateTokenWithBody(benchmark::State& state) {
  Lab& l = lab();
  const bool with_catalog = state.range(0) != 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto ctx = l.identity->validate_token(l.admin_token, true);
    if (!ctx.ok()) {
      state.SkipWithError(ctx.status().message().c_str());
      break;
    }
    std::string body = l.identity->token_body(*ctx, with_catalog).dump();
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ValidateTokenWithBody)->ArgName("catalog")->Arg(0)->Arg(1);

// The two parts of the body above: the catalog as the token sees it, built
// from the store (12 services, 36 endpoints in the lab), and the body's
// serialization alone.
void BM_CatalogFor(benchmark::State& state) {
  Lab& l = lab();
  auto ctx = l.identity->validate_token(l.admin_token, true);
  if (!ctx.ok()) die("validate: " + ctx.status().message());
  for (auto _ : state) {
    Json catalog = l.identity->catalog_for(*ctx);
    benchmark::DoNotOptimize(catalog);
  }
}
BENCHMARK(BM_CatalogFor);

void BM_TokenBodyDump(benchmark::State& state) {
  Lab& l = lab();
  auto ctx = l.identity->validate_token(l.admin_token, true);
  if (!ctx.ok()) die("validate: " + ctx.status().message());
  const Json body = l.identity->token_body(*ctx, true);
  for (auto _ : state) {
    std::string text = body.dump();
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_TokenBodyDump);

// One deep copy of that body (12 services, 36 endpoints): what an
// initializer-list construction such as Json{{"token", t}} costs when `t` is
// an lvalue (nlohmann copies it).
void BM_TokenBodyCopy(benchmark::State& state) {
  Lab& l = lab();
  auto ctx = l.identity->validate_token(l.admin_token, true);
  if (!ctx.ok()) die("validate: " + ctx.status().message());
  const Json body = l.identity->token_body(*ctx, true);
  for (auto _ : state) {
    Json copy = body;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_TokenBodyCopy);

// POST /v3/auth/tokens with the token method (a rescope to the same project):
// no password hash, so this is the engine's own cost of issuing a token.
void BM_IssueTokenMethod(benchmark::State& state) {
  Lab& l = lab();
  const Json auth = Lab::token_auth(l.admin_token, "admin");
  for (auto _ : state) {
    auto ctx = l.identity->authenticate(auth);
    if (!ctx.ok()) {
      state.SkipWithError(ctx.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_IssueTokenMethod);

// POST /v3/auth/tokens with the password method, on the calling thread:
// dominated by the PBKDF2 check below.
void BM_IssuePasswordMethod(benchmark::State& state) {
  Lab& l = lab();
  const Json auth = Lab::password_auth("admin", "nomoresecret", "admin");
  for (auto _ : state) {
    auto ctx = l.identity->authenticate(auth);
    if (!ctx.ok()) {
      state.SkipWithError(ctx.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_IssuePasswordMethod)->Unit(benchmark::kMillisecond);

// One password check against a stored PBKDF2-SHA512 hash; the argument is
// the hash's rounds (10000 is the default, [identity] password_hash_rounds).
void BM_PasswordVerify(benchmark::State& state) {
  SeededRandom random(7);
  const std::string stored = hash_password("nomoresecret", static_cast<int>(state.range(0)), random);
  for (auto _ : state) {
    bool ok = verify_password("nomoresecret", stored);
    if (!ok) {
      state.SkipWithError("verify_password said no");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_PasswordVerify)->ArgName("rounds")->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// A payload shaped like the engine's (auth.cpp: user, methods, audit ids,
// issued/expires in µs, scope), and a random 32-byte key.
const std::string kPayload =
    R"({"a":["9cb8ebeab363497ba5c844"],"e":1767229200000000,"i":1767225600000000,"m":["password"],)"
    R"("s":{"p":"fe50f731283540769c4481c80612e053"},"u":"0ec2ce9ea4b64a3b8ac3f2b2ccad1d2b"})";

void BM_TokenSeal(benchmark::State& state) {
  SeededRandom random(3);
  const std::string key = random.bytes(32);
  std::size_t size = 0;
  for (auto _ : state) {
    std::string token = seal_token(key, kPayload, random);
    size = token.size();
    benchmark::DoNotOptimize(token);
  }
  state.counters["token_chars"] = static_cast<double>(size);
}
BENCHMARK(BM_TokenSeal);

void BM_TokenOpen(benchmark::State& state) {
  SeededRandom random(3);
  const std::string key = random.bytes(32);
  const std::string token = seal_token(key, kPayload, random);
  for (auto _ : state) {
    auto payload = open_token(key, token);
    if (!payload) {
      state.SkipWithError("open_token failed");
      break;
    }
    benchmark::DoNotOptimize(payload);
  }
}
BENCHMARK(BM_TokenOpen);

// A tampered token must be refused (and cheaply).
void BM_TokenOpenTampered(benchmark::State& state) {
  SeededRandom random(3);
  const std::string key = random.bytes(32);
  std::string token = seal_token(key, kPayload, random);
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  for (auto _ : state) {
    auto payload = open_token(key, token);
    if (payload) {
      state.SkipWithError("open_token accepted a tampered token");
      break;
    }
    benchmark::DoNotOptimize(payload);
  }
}
BENCHMARK(BM_TokenOpenTampered);

}  // namespace

BENCHMARK_MAIN();
