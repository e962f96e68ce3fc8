// What the network engine's unit tests share: a NetworkService over an
// in-memory store, manual clock and seeded random, with members of projects
// "demo" and "alt" and an admin, and Neutron error splitting.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"
#include "tests/unit/test_credentials.h"

namespace stacklab::testing {

using network::NetworkService;

inline std::string type_of(const Status& st) { return st.type(); }
inline std::string message_of(const Status& st) { return st.message(); }

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    network::register_network_policy(policy_);
    service_ = std::make_unique<NetworkService>(*store_, clock_, random_, policy_);
  }
  Json network(const Credentials& who, Json body = Json::object()) {
    auto n = service_->create_network(who, body);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : Json();
  }
  Json subnet(const Credentials& who, const Json& net, Json body) {
    body["network_id"] = net["id"];
    if (!body.contains("ip_version")) body["ip_version"] = 4;
    auto s = service_->create_subnet(who, body);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : Json();
  }
  std::vector<std::string> addresses(const Json& port) {
    std::vector<std::string> out;
    for (const Json& ip : port["fixed_ips"]) out.push_back(ip["ip_address"]);
    return out;
  }

  ManualClock clock_;
  SeededRandom random_{42};
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<NetworkService> service_;
  Credentials demo_ = project("demo"), alt_ = project("alt"), admin_ = project("admin", true);
};

}  // namespace stacklab::testing
