// Neutron beyond networks/subnets/ports/security groups, in the engine:
// prefix set arithmetic, subnet pools and allocation from them, quotas and
// their enforcement, tags, RBAC sharing, agents and IP availability, and
// that all of it survives a restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/network/ipam.h"
#include "tests/unit/network_engine.h"

using namespace stacklab;
using namespace stacklab::network;

using stacklab::testing::message_of;
using stacklab::testing::NetworkTest;
using stacklab::testing::type_of;

namespace {

std::vector<std::string> texts(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  for (const Cidr& c : cidrs) out.push_back(c.str());
  return out;
}

class SubnetPoolTest : public NetworkTest {
 protected:
  Json pool(const Credentials& who, Json body) {
    auto p = service_->create_subnet_pool(who, body);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? *p : Json();
  }
  Result<Json> subnet_from(const Credentials& who, const Json& net, Json body) {
    body["network_id"] = net["id"];
    if (!body.contains("ip_version")) body["ip_version"] = 4;
    return service_->create_subnet(who, body);
  }
};

}  // namespace

TEST(PrefixSetTest, CompactsAndSubtracts) {
  auto c = [](const char* text) { return parse_cidr(text)->cidr; };
  EXPECT_EQ(texts(cidrs_of(4, {{c("10.0.0.0/25").first(), c("10.0.0.0/25").last()},
                               {c("10.0.0.128/25").first(), c("10.0.0.128/25").last()}})),
            std::vector<std::string>{"10.0.0.0/24"});
  EXPECT_EQ(texts(cidr_difference(4, {c("10.0.0.0/22")}, {c("10.0.0.0/26")})),
            (std::vector<std::string>{"10.0.0.64/26", "10.0.0.128/25", "10.0.1.0/24", "10.0.2.0/23"}));
  EXPECT_TRUE(cidr_difference(6, {c("fd00::/64")}, {c("fd00::/48")}).empty());
}

TEST_F(SubnetPoolTest, DefaultsAndBoundsAsNeutron) {
  Json p = pool(demo_, {{"name", "p"}, {"prefixes", {"10.1.0.0/24", "10.1.1.0/24", "10.1.0.0/25"}}});
  EXPECT_EQ(p["prefixes"], Json::array({"10.1.0.0/23"}));
  EXPECT_EQ(p["ip_version"], 4);
  EXPECT_EQ(p["min_prefixlen"], 8);
  EXPECT_EQ(p["max_prefixlen"], 32);
  EXPECT_EQ(p["default_prefixlen"], 8);
  EXPECT_EQ(p["shared"], false);
  EXPECT_TRUE(p["address_scope_id"].is_null());
  auto mixed = service_->create_subnet_pool(demo_, {{"name", "m"}, {"prefixes", {"10.0.0.0/8", "fd00::/48"}}});
  EXPECT_EQ(type_of(mixed.status()), "PrefixVersionMismatch");
  auto bounds = service_->create_subnet_pool(
      demo_, {{"name", "b"}, {"prefixes", {"10.0.0.0/8"}}, {"min_prefixlen", 24}, {"default_prefixlen", 16}});
  EXPECT_EQ(type_of(bounds.status()), "IllegalSubnetPoolPrefixBounds");
  auto shared = service_->create_subnet_pool(demo_, {{"name", "s"}, {"prefixes", {"10.0.0.0/8"}}, {"shared", true}});
  EXPECT_EQ(shared.status().code(), Code::kForbidden);
}

TEST_F(SubnetPoolTest, SubnetsTakeTheFirstFreePrefixAndGiveItBack) {
  Json p = pool(demo_, {{"name", "p"}, {"prefixes", {"10.0.0.0/22"}}, {"default_prefixlen", 26}});
  Json net = network(demo_);
  auto first = subnet_from(demo_, net, {{"subnetpool_id", p["id"]}});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ((*first)["cidr"], "10.0.0.0/26");
  EXPECT_EQ((*first)["gateway_ip"], "10.0.0.1");
  EXPECT_EQ((*first)["subnetpool_id"], p["id"]);
  Json net2 = network(demo_);
  auto second = subnet_from(demo_, net2, {{"subnetpool_id", p["id"]}, {"prefixlen", 24}});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ((*second)["cidr"], "10.0.1.0/24");
  // The smallest free block comes first: the /26 after the first subnet.
  Json net3 = network(demo_);
  auto third = subnet_from(demo_, net3, {{"subnetpool_id", p["id"]}});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)["cidr"], "10.0.0.64/26");
  auto taken = subnet_from(demo_, network(demo_), {{"subnetpool_id", p["id"]}, {"cidr", "10.0.0.0/26"}});
  EXPECT_EQ(type_of(taken.status()), "SubnetAllocationError");
  auto outside = subnet_from(demo_, network(demo_), {{"subnetpool_id", p["id"]}, {"cidr", "192.168.0.0/24"}});
  EXPECT_EQ(type_of(outside.status()), "SubnetAllocationError");
  auto too_big = subnet_from(demo_, network(demo_), {{"subnetpool_id", p["id"]}, {"prefixlen", 4}});
  EXPECT_EQ(type_of(too_big.status()), "MinPrefixSubnetAllocationError");

  EXPECT_EQ(service_->delete_subnet_pool(demo_, p["id"]).code(), Code::kConflict);
  ASSERT_TRUE(service_->delete_subnet(demo_, (*first)["id"]).ok());
  auto again = subnet_from(demo_, net, {{"subnetpool_id", p["id"]}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["cidr"], "10.0.0.0/26");
}

TEST_F(SubnetPoolTest, DefaultPoolServesUseDefaultSubnetpool) {
  Json net = network(demo_);
  auto none = subnet_from(demo_, net, {{"use_default_subnetpool", true}});
  EXPECT_EQ(message_of(none.status()), "Bad subnets request: No default subnetpool found for IPv4.");
  auto no_cidr = subnet_from(demo_, net, Json::object());
  EXPECT_EQ(no_cidr.status().code(), Code::kBadRequest);
  pool(admin_, {{"name", "v6"},
                {"prefixes", {"fd45:dd0b:2a48::/56"}},
                {"default_prefixlen", 64},
                {"shared", true},
                {"is_default", true}});
  Json v4 = pool(admin_, {{"name", "v4"},
                          {"prefixes", {"10.0.0.0/22"}},
                          {"default_prefixlen", 26},
                          {"shared", true},
                          {"is_default", true}});
  auto second_default =
      service_->create_subnet_pool(admin_, {{"name", "x"}, {"prefixes", {"10.8.0.0/16"}}, {"is_default", true}});
  EXPECT_EQ(type_of(second_default.status()), "InvalidInput");
  auto s = subnet_from(demo_, net, {{"use_default_subnetpool", true}});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ((*s)["cidr"], "10.0.0.0/26");
  EXPECT_EQ((*s)["subnetpool_id"], v4["id"]);
  auto s6 = subnet_from(demo_, net, {{"use_default_subnetpool", true}, {"ip_version", 6}});
  ASSERT_TRUE(s6.ok()) << s6.status().message();
  EXPECT_EQ((*s6)["cidr"], "fd45:dd0b:2a48::/64");
  // A member sees the shared pools but not alt's own one.
  pool(alt_, {{"name", "alts"}, {"prefixes", {"172.16.0.0/16"}}});
  EXPECT_EQ(service_->list_subnet_pools(demo_).size(), 2u);
}

TEST_F(SubnetPoolTest, DefaultQuotaCapsAProjectsShare) {
  Json p = pool(admin_, {{"name", "q"},
                         {"prefixes", {"10.0.0.0/16"}},
                         {"default_prefixlen", 26},
                         {"default_quota", 100},
                         {"shared", true}});
  ASSERT_TRUE(subnet_from(demo_, network(demo_), {{"subnetpool_id", p["id"]}}).ok());  // 64 addresses
  auto over = subnet_from(demo_, network(demo_), {{"subnetpool_id", p["id"]}});
  EXPECT_EQ(type_of(over.status()), "SubnetPoolQuotaExceeded");
  EXPECT_EQ(over.status().code(), Code::kConflict);
  EXPECT_TRUE(subnet_from(alt_, network(alt_), {{"subnetpool_id", p["id"]}}).ok());  // alt has its own share
}

TEST_F(SubnetPoolTest, PrefixesOnlyGrow) {
  Json p = pool(demo_, {{"name", "p"}, {"prefixes", {"10.0.0.0/24"}}});
  auto grown = service_->update_subnet_pool(demo_, p["id"], {{"prefixes", {"10.0.0.0/24", "10.0.1.0/24"}}});
  ASSERT_TRUE(grown.ok()) << grown.status().message();
  EXPECT_EQ((*grown)["prefixes"], Json::array({"10.0.0.0/23"}));
  EXPECT_EQ((*grown)["revision_number"], 2);
  auto shrunk = service_->update_subnet_pool(demo_, p["id"], {{"prefixes", {"10.0.1.0/24"}}});
  EXPECT_EQ(type_of(shrunk.status()), "IllegalSubnetPoolPrefixUpdate");
  EXPECT_EQ(service_->update_subnet_pool(alt_, p["id"], {{"name", "x"}}).status().code(), Code::kNotFound);
}

TEST_F(NetworkTest, QuotasDefaultLimitAndRefuse) {
  auto q = service_->get_quota(demo_, "demo");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)["network"], 100);
  EXPECT_EQ((*q)["port"], 500);
  EXPECT_EQ((*q)["router"], 10);
  EXPECT_EQ((*q)["floatingip"], 50);
  EXPECT_EQ((*q)["subnetpool"], -1);
  EXPECT_EQ((*q)["rbac_policy"], 10);
  EXPECT_EQ(service_->get_quota(demo_, "alt").status().code(), Code::kForbidden);
  EXPECT_EQ(service_->update_quota(demo_, "demo", {{"network", 1}}).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->update_quota(admin_, "demo", {{"networks", 1}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(service_->update_quota(admin_, "demo", {{"network", -2}}).status().code(), Code::kBadRequest);
  ASSERT_TRUE(service_->update_quota(admin_, "demo", {{"network", 1}}).ok());
  network(demo_);
  auto over = service_->create_network(demo_, Json::object());
  EXPECT_EQ(over.status().code(), Code::kConflict);
  EXPECT_EQ(type_of(over.status()), "OverQuota");
  EXPECT_EQ(message_of(over.status()), "Quota exceeded for resources: ['network'].");
  EXPECT_TRUE(service_->create_network(alt_, Json::object()).ok());  // alt keeps the default
  auto details = service_->get_quota_details(demo_, "demo");
  EXPECT_EQ((*details)["network"], Json({{"used", 1}, {"limit", 1}, {"reserved", 0}}));
  EXPECT_EQ(service_->list_quotas(admin_)->size(), 1u);
  ASSERT_TRUE(service_->delete_quota(admin_, "demo").ok());
  EXPECT_TRUE(service_->create_network(demo_, Json::object()).ok());
  EXPECT_EQ(service_->delete_quota(admin_, "demo").code(), Code::kNotFound);
  // The hook routers and floating IPs call.
  ASSERT_TRUE(service_->update_quota(admin_, "demo", {{"router", 0}}).ok());
  EXPECT_EQ(message_of(service_->check_quota("demo", "router")), "Quota exceeded for resources: ['router'].");
}

TEST_F(NetworkTest, QuotasCoverPortsAndSecurityGroupRules) {
  Json net = network(demo_);
  ASSERT_TRUE(service_->update_quota(admin_, "demo", {{"port", 0}, {"security_group", 1}}).ok());
  EXPECT_EQ(type_of(service_->create_port(demo_, {{"network_id", net["id"]}}).status()), "OverQuota");
  // The default group counts.
  EXPECT_EQ(type_of(service_->create_security_group(demo_, {{"name", "web"}}).status()), "OverQuota");
}

TEST_F(NetworkTest, TagsReplaceAddRemoveAndValidate) {
  Json net = network(demo_);
  std::string id = net["id"];
  auto set = service_->replace_tags(demo_, "networks", id, {"red", "blue", "red"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(*set, Json::array({"red", "blue"}));
  ASSERT_TRUE(service_->add_tag(demo_, "networks", id, "green").ok());
  EXPECT_TRUE(service_->check_tag(demo_, "networks", id, "green").ok());
  EXPECT_EQ(type_of(service_->check_tag(demo_, "networks", id, "pink")), "TagNotFound");
  EXPECT_EQ(type_of(service_->remove_tag(demo_, "networks", id, "pink")), "TagNotFound");
  ASSERT_TRUE(service_->remove_tag(demo_, "networks", id, "red").ok());
  EXPECT_EQ(*service_->get_tags(demo_, "networks", id), Json::array({"blue", "green"}));
  EXPECT_EQ((*service_->get_network(demo_, id))["revision_number"], 4);
  EXPECT_EQ(service_->add_tag(demo_, "networks", id, std::string(61, 'x')).code(), Code::kBadRequest);
  EXPECT_EQ(service_->get_tags(alt_, "networks", id).status().code(), Code::kNotFound);
  EXPECT_EQ(type_of(service_->get_tags(demo_, "routers", "nope").status()), "RouterNotFound");
  ASSERT_TRUE(service_->remove_tag(demo_, "networks", id, "").ok());
  EXPECT_TRUE(service_->get_tags(demo_, "networks", id)->empty());
}

TEST_F(NetworkTest, RbacSharesANetworkWithOneProject) {
  Json net = network(demo_);
  EXPECT_EQ(service_->get_network(alt_, net["id"]).status().code(), Code::kNotFound);
  EXPECT_EQ(service_->create_port(alt_, {{"network_id", net["id"]}}).status().code(), Code::kNotFound);
  Json body = {
      {"object_type", "network"}, {"object_id", net["id"]}, {"action", "access_as_shared"}, {"target_tenant", "alt"}};
  EXPECT_EQ(service_->create_rbac_policy(alt_, body).status().code(), Code::kNotFound);
  Json wildcard = body;
  wildcard["target_tenant"] = "*";
  EXPECT_EQ(service_->create_rbac_policy(demo_, wildcard).status().code(), Code::kForbidden);
  auto policy = service_->create_rbac_policy(demo_, body);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  EXPECT_EQ(type_of(service_->create_rbac_policy(demo_, body).status()), "DuplicateRbacPolicy");
  auto seen = service_->get_network(alt_, net["id"]);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ((*seen)["shared"], true);
  EXPECT_EQ((*service_->get_network(demo_, net["id"]))["shared"], false);
  auto port = service_->create_port(alt_, {{"network_id", net["id"]}});
  ASSERT_TRUE(port.ok()) << port.status().message();
  EXPECT_EQ(type_of(service_->delete_rbac_policy(demo_, (*policy)["id"])), "RbacPolicyInUse");
  EXPECT_EQ(service_->list_rbac_policies(alt_).size(), 0u);
  ASSERT_TRUE(service_->delete_port(alt_, (*port)["id"]).ok());
  ASSERT_TRUE(service_->delete_rbac_policy(demo_, (*policy)["id"]).ok());
  EXPECT_EQ(service_->get_network(alt_, net["id"]).status().code(), Code::kNotFound);
}

TEST_F(NetworkTest, SharedFlagAndWildcardPolicyAreOneFact) {
  Json net = network(admin_, {{"shared", true}});
  auto policies = service_->list_rbac_policies(admin_);
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0]["target_tenant"], "*");
  EXPECT_EQ(policies[0]["object_id"], net["id"]);
  ASSERT_TRUE(service_->update_network(admin_, net["id"], {{"shared", false}}).ok());
  EXPECT_TRUE(service_->list_rbac_policies(admin_).empty());
  auto wildcard = service_->create_rbac_policy(
      admin_,
      {{"object_type", "network"}, {"object_id", net["id"]}, {"action", "access_as_shared"}, {"target_tenant", "*"}});
  ASSERT_TRUE(wildcard.ok());
  EXPECT_EQ((*service_->get_network(admin_, net["id"]))["shared"], true);
  EXPECT_TRUE(service_->get_network(alt_, net["id"]).ok());
  ASSERT_TRUE(service_->delete_rbac_policy(admin_, (*wildcard)["id"]).ok());
  EXPECT_EQ((*service_->get_network(admin_, net["id"]))["shared"], false);
  ASSERT_TRUE(service_->delete_network(admin_, net["id"]).ok());
}

TEST_F(NetworkTest, AgentsAreAliveOnTheLabHostAndAdminOnly) {
  EXPECT_TRUE(service_->list_agents(demo_).empty());
  auto agents = service_->list_agents(admin_);
  ASSERT_EQ(agents.size(), 4u);
  std::set<std::string> binaries;
  for (const Json& a : agents) {
    binaries.insert(a["binary"]);
    EXPECT_EQ(a["host"], "openstackbootcamp");
    EXPECT_EQ(a["alive"], true);
  }
  EXPECT_TRUE(binaries.count("neutron-dhcp-agent") && binaries.count("neutron-l3-agent") &&
              binaries.count("neutron-metadata-agent") && binaries.count("neutron-linuxbridge-agent"));
  std::string before = agents[0]["heartbeat_timestamp"];
  clock_.advance(std::chrono::seconds(30));
  auto later = service_->get_agent(admin_, agents[0]["id"]);
  ASSERT_TRUE(later.ok());
  EXPECT_NE((*later)["heartbeat_timestamp"], before);
  auto down = service_->update_agent(admin_, agents[0]["id"], {{"admin_state_up", false}});
  ASSERT_TRUE(down.ok());
  EXPECT_EQ((*down)["admin_state_up"], false);
  EXPECT_EQ(service_->list_agents(admin_).size(), 4u);  // not created twice
  EXPECT_EQ(service_->update_agent(demo_, agents[0]["id"], {{"admin_state_up", true}}).status().code(),
            Code::kForbidden);
}

TEST_F(NetworkTest, IpAvailabilityCountsPoolsAndAllocations) {
  Json net = network(demo_, {{"name", "n"}});
  subnet(demo_, net, {{"cidr", "10.0.0.0/26"}});
  subnet(demo_, net, {{"cidr", "fd00::/64"}, {"ip_version", 6}});
  ASSERT_TRUE(service_->create_port(demo_, {{"network_id", net["id"]}}).ok());
  EXPECT_EQ(service_->get_ip_availability(demo_, net["id"]).status().code(), Code::kForbidden);
  auto a = service_->get_ip_availability(admin_, net["id"]);
  ASSERT_TRUE(a.ok());
  // 10.0.0.2-62 = 61 addresses; fd00::2 - fd00::ffff:ffff:ffff:ffff = 2^64 - 2.
  EXPECT_EQ((*a)["total_ips"].get<double>(), 61 + 18446744073709551614.0);
  EXPECT_EQ((*a)["used_ips"], 4);  // the DHCP port and the port, on both subnets
  for (const Json& s : (*a)["subnet_ip_availability"]) {
    if (s["ip_version"] == 6) {
      EXPECT_EQ(s["total_ips"].get<std::uint64_t>(), 18446744073709551614ULL);
    }
  }
  auto v4 = service_->list_ip_availabilities(admin_, 4);
  ASSERT_TRUE(v4.ok());
  ASSERT_EQ(v4->size(), 1u);
  EXPECT_EQ((*v4)[0]["total_ips"], 61);
  EXPECT_EQ((*v4)[0]["used_ips"], 2);
}

TEST_F(NetworkTest, PoolsQuotasAndPoliciesSurviveARestart) {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-network-extras-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = (dir / "state.db").string();
  std::string pool_id, net_id;
  {
    auto store = std::move(*Store::open({path}));
    NetworkService svc(*store, clock_, random_, policy_);
    auto pool =
        svc.create_subnet_pool(demo_, {{"name", "p"}, {"prefixes", {"10.9.0.0/24"}}, {"default_prefixlen", 26}});
    ASSERT_TRUE(pool.ok());
    pool_id = (*pool)["id"];
    auto n = svc.create_network(demo_, Json::object());
    ASSERT_TRUE(n.ok());
    net_id = (*n)["id"];
    ASSERT_TRUE(svc.create_subnet(demo_, {{"network_id", net_id}, {"ip_version", 4}, {"subnetpool_id", pool_id}}).ok());
    ASSERT_TRUE(svc.update_quota(admin_, "demo", {{"port", 7}}).ok());
    ASSERT_TRUE(svc.create_rbac_policy(demo_, {{"object_type", "network"},
                                               {"object_id", net_id},
                                               {"action", "access_as_shared"},
                                               {"target_tenant", "alt"}})
                    .ok());
  }
  auto store = std::move(*Store::open({path}));
  NetworkService svc(*store, clock_, random_, policy_);
  auto next = svc.create_subnet(demo_, {{"network_id", net_id}, {"ip_version", 4}, {"subnetpool_id", pool_id}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)["cidr"], "10.9.0.64/26");  // the first /26 is still taken
  EXPECT_EQ((*svc.get_quota(demo_, "demo"))["port"], 7);
  EXPECT_TRUE(svc.get_network(alt_, net_id).ok());
  std::filesystem::remove_all(dir);
}
