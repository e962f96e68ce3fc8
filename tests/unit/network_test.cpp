// Networking engine: IPAM address math and allocation (pool order,
// exhaustion, specific addresses, EUI-64), subnet validation, and the rules
// on networks, ports and security groups that do not need HTTP.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/network/ipam.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"
#include "tests/unit/network_engine.h"

using namespace stacklab;
using namespace stacklab::network;

using stacklab::testing::message_of;
using stacklab::testing::NetworkTest;
using stacklab::testing::project;
using stacklab::testing::type_of;

TEST(IpamTest, ParsesAndFormatsBothFamilies) {
  EXPECT_EQ(format_ip(*parse_ip("10.0.0.3")), "10.0.0.3");
  EXPECT_EQ(format_ip(*parse_ip("FD45:DD0B:2A48:0:0:0:0:1")), "fd45:dd0b:2a48::1");
  EXPECT_EQ(format_ip(*parse_ip("fd45:dd0b:2a48:0:f816:3eff:fe9a:8bda")), "fd45:dd0b:2a48:0:f816:3eff:fe9a:8bda");
  EXPECT_FALSE(parse_ip("10.0.0.256"));
  EXPECT_FALSE(parse_ip("10.0.0"));
  EXPECT_FALSE(parse_ip("fd45:::1"));
}

TEST(IpamTest, CidrsAreValidatedAndNormalized) {
  auto c = parse_cidr("10.0.0.0/26");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->had_host_bits);
  EXPECT_EQ(format_ip(4, c->cidr.last()), "10.0.0.63");
  auto host = parse_cidr("10.0.0.1/24");
  ASSERT_TRUE(host);
  EXPECT_TRUE(host->had_host_bits);
  EXPECT_EQ(host->cidr.str(), "10.0.0.0/24");
  EXPECT_EQ(parse_cidr("2001:db8::/64")->cidr.str(), "2001:db8::/64");
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.0.0.0"));
  EXPECT_FALSE(parse_cidr("x/24"));
  EXPECT_TRUE(parse_cidr("10.0.0.0/24")->cidr.overlaps(parse_cidr("10.0.0.128/25")->cidr));
  EXPECT_FALSE(parse_cidr("10.0.0.0/25")->cidr.overlaps(parse_cidr("10.0.0.128/25")->cidr));
  EXPECT_FALSE(parse_cidr("10.0.0.0/8")->cidr.overlaps(parse_cidr("::/0")->cidr));
}

TEST(IpamTest, Eui64FromTheBooksMac) {
  // exercises.md §1.6: fa:16:3e:9a:8b:da on fd45:dd0b:2a48::/64.
  auto ip = eui64_address(parse_cidr("fd45:dd0b:2a48::/64")->cidr, "fa:16:3e:9a:8b:da");
  ASSERT_TRUE(ip);
  EXPECT_EQ(format_ip(*ip), "fd45:dd0b:2a48:0:f816:3eff:fe9a:8bda");
  EXPECT_FALSE(eui64_address(parse_cidr("fd45:dd0b:2a48::/64")->cidr, "fa:16:3e:9a:8b"));
}

TEST(IpamTest, DefaultPoolsLeaveOutNetworkBroadcastAndGateway) {
  auto v4 = default_pools(parse_cidr("10.0.0.0/26")->cidr, parse_ip("10.0.0.1"));
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(format_ip(4, v4[0].first), "10.0.0.2");
  EXPECT_EQ(format_ip(4, v4[0].last), "10.0.0.62");
  auto v6 = default_pools(parse_cidr("2001:db8::/64")->cidr, parse_ip("2001:db8::2"));
  ASSERT_EQ(v6.size(), 2u);
  EXPECT_EQ(format_ip(6, v6[0].first), "2001:db8::1");
  EXPECT_EQ(format_ip(6, v6[0].last), "2001:db8::1");
  EXPECT_EQ(format_ip(6, v6[1].first), "2001:db8::3");
  EXPECT_EQ(format_ip(6, v6[1].last), "2001:db8::ffff:ffff:ffff:ffff");
}

TEST(IpamTest, LowestFreeWalksPoolsInOrder) {
  std::vector<IpRange> pools = {{10, 12}, {20, 21}};
  EXPECT_EQ(*lowest_free(pools, {}), 10u);
  EXPECT_EQ(*lowest_free(pools, {10, 11}), 12u);
  EXPECT_EQ(*lowest_free(pools, {10, 12}), 11u);
  EXPECT_EQ(*lowest_free(pools, {10, 11, 12}), 20u);
  EXPECT_FALSE(lowest_free(pools, {10, 11, 12, 20, 21}));
}

TEST(IpamTest, AddressSetKeepsRunsMergedAndSplitsThemOnErase) {
  AddressSet used;
  for (Uint128 a : {5, 7, 6, 1, 2}) used.insert(a);  // 1-2 and 5-7
  EXPECT_EQ(used.runs(), 2u);
  EXPECT_TRUE(used.contains(6));
  EXPECT_FALSE(used.contains(3));
  EXPECT_EQ(*used.first_free_from(1), 3u);
  EXPECT_EQ(*used.first_free_from(4), 4u);
  EXPECT_EQ(*used.first_free_from(5), 8u);
  used.insert(3);
  used.insert(4);  // joins both runs: 1-7
  EXPECT_EQ(used.runs(), 1u);
  EXPECT_EQ(*used.first_free_from(1), 8u);
  used.erase(4);  // 1-3 and 5-7
  EXPECT_EQ(used.runs(), 2u);
  EXPECT_EQ(*used.first_free_from(2), 4u);
  used.erase(1);
  used.erase(7);
  used.erase(9);  // absent: nothing changes
  EXPECT_FALSE(used.contains(1));
  EXPECT_EQ(*used.first_free_from(0), 0u);
  EXPECT_EQ(*used.first_free_from(5), 7u);
  EXPECT_FALSE(AddressSet{~Uint128{0}}.first_free_from(~Uint128{0}));
}

// The subnet's taken addresses are derived from ip_allocation: a rolled-back
// port create leaves them as the table has them, and the freed address is handed out again.
TEST_F(NetworkTest, IpamStaysInStepWithTheTableAcrossRollbacksAndDeletes) {
  Json net = network(demo_);
  subnet(demo_, net, {{"cidr", "10.9.0.0/29"}});
  Json a = *service_->create_port(demo_, {{"network_id", net["id"]}});
  Json b = *service_->create_port(demo_, {{"network_id", net["id"]}});
  // .2 is the DHCP port's.
  EXPECT_EQ(addresses(a), std::vector<std::string>{"10.9.0.3"});
  EXPECT_EQ(addresses(b), std::vector<std::string>{"10.9.0.4"});
  // A bulk create that fails on its second port leaves no allocation behind.
  Status bulk = service_->atomically([&]() -> Status {
    if (auto p = service_->create_port(demo_, {{"network_id", net["id"]}}); !p.ok()) return p.status();
    return service_->create_port(demo_, {{"network_id", net["id"]}, {"fixed_ips", {{{"ip_address", "10.9.0.3"}}}}})
        .status();
  });
  EXPECT_FALSE(bulk.ok());
  ASSERT_TRUE(service_->delete_port(demo_, a["id"]).ok());
  EXPECT_EQ(addresses(*service_->create_port(demo_, {{"network_id", net["id"]}})),
            std::vector<std::string>{"10.9.0.3"});
  EXPECT_EQ(addresses(*service_->create_port(demo_, {{"network_id", net["id"]}})),
            std::vector<std::string>{"10.9.0.5"});
}

TEST_F(NetworkTest, TenantNetworksGetAVxlanSegmentFromTheRange) {
  Json n = network(demo_, {{"name", "net"}});
  EXPECT_EQ(n["mtu"], 1450);
  EXPECT_EQ(n["status"], "ACTIVE");
  EXPECT_EQ(n["revision_number"], 1);
  EXPECT_FALSE(n.contains("provider:network_type"));  // admins only
  auto seen = service_->get_network(admin_, n["id"]);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ((*seen)["provider:network_type"], "vxlan");
  long long vni = (*seen)["provider:segmentation_id"];
  EXPECT_GE(vni, 1);
  EXPECT_LE(vni, 1000);
  Json flat = network(admin_, {{"provider:network_type", "flat"}, {"provider:physical_network", "public"}});
  EXPECT_EQ(flat["mtu"], 1500);
  auto again =
      service_->create_network(admin_, {{"provider:network_type", "flat"}, {"provider:physical_network", "public"}});
  EXPECT_EQ(type_of(again.status()), "FlatNetworkInUse");
}

TEST_F(NetworkTest, VniRangeExhaustionIsRefused) {
  NetworkOptions small;
  small.vni_min = 5;
  small.vni_max = 6;
  NetworkService tiny(*store_, clock_, random_, policy_, small);
  ASSERT_TRUE(tiny.create_network(demo_, Json::object()).ok());
  ASSERT_TRUE(tiny.create_network(demo_, Json::object()).ok());
  auto third = tiny.create_network(demo_, Json::object());
  EXPECT_EQ(type_of(third.status()), "NoNetworkAvailable");
}

TEST_F(NetworkTest, MembersCannotCreateSharedOrExternalNetworks) {
  auto shared = service_->create_network(demo_, {{"shared", true}});
  EXPECT_EQ(shared.status().code(), Code::kForbidden);
  EXPECT_EQ(message_of(shared.status()), "(rule:create_network:shared) is disallowed by policy");
  auto ext = service_->create_network(demo_, {{"router:external", true}});
  EXPECT_EQ(ext.status().code(), Code::kForbidden);
  auto provider = service_->create_network(demo_, {{"provider:network_type", "vxlan"}});
  EXPECT_EQ(provider.status().code(), Code::kForbidden);
}

TEST_F(NetworkTest, PortsTakeTheLowestFreeAddressAfterTheDhcpPort) {
  Json n = network(demo_);
  Json s = subnet(demo_, n, {{"cidr", "10.0.0.0/26"}});
  EXPECT_EQ(s["gateway_ip"], "10.0.0.1");
  EXPECT_EQ(s["allocation_pools"], Json::parse(R"([{"start":"10.0.0.2","end":"10.0.0.62"}])"));
  // The DHCP agent's port took .2, as in the book's lab (the first VM gets .3).
  auto a = service_->create_port(demo_, {{"network_id", n["id"]}});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(addresses(*a), std::vector<std::string>{"10.0.0.3"});
  EXPECT_EQ((*a)["mac_address"].get<std::string>().substr(0, 9), "fa:16:3e:");
  EXPECT_EQ((*a)["status"], "DOWN");
  auto b = service_->create_port(demo_, {{"network_id", n["id"]}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(addresses(*b), std::vector<std::string>{"10.0.0.4"});
  ASSERT_TRUE(service_->delete_port(demo_, (*a)["id"]).ok());
  auto c = service_->create_port(demo_, {{"network_id", n["id"]}});
  EXPECT_EQ(addresses(*c), std::vector<std::string>{"10.0.0.3"});  // freed addresses are reused, lowest first
  EXPECT_NE((*b)["mac_address"], (*c)["mac_address"]);
}

TEST_F(NetworkTest, ExhaustedSubnetIsIpAddressGenerationFailure) {
  Json n = network(demo_);
  Json s = subnet(demo_, n,
                  {{"cidr", "10.9.0.0/29"},
                   {"enable_dhcp", false},
                   {"allocation_pools", Json::parse(R"([{"start":"10.9.0.2","end":"10.9.0.3"}])")}});
  ASSERT_TRUE(service_->create_port(demo_, {{"network_id", n["id"]}}).ok());
  ASSERT_TRUE(service_->create_port(demo_, {{"network_id", n["id"]}}).ok());
  auto full = service_->create_port(demo_, {{"network_id", n["id"]}});
  EXPECT_EQ(full.status().code(), Code::kConflict);
  EXPECT_EQ(type_of(full.status()), "IpAddressGenerationFailure");
  auto by_subnet = service_->create_port(demo_, {{"network_id", n["id"]}, {"fixed_ips", {{{"subnet_id", s["id"]}}}}});
  EXPECT_EQ(message_of(by_subnet.status()),
            "No more IP addresses available for subnet " + s["id"].get<std::string>() + ".");
  // Outside the pools but inside the cidr is still allowed when asked for by address.
  auto specific =
      service_->create_port(demo_, {{"network_id", n["id"]}, {"fixed_ips", {{{"ip_address", "10.9.0.6"}}}}});
  EXPECT_TRUE(specific.ok()) << specific.status().message();
}

TEST_F(NetworkTest, SpecificAddressesConflictAndMustBeInTheSubnet) {
  Json n = network(demo_);
  Json s = subnet(demo_, n, {{"cidr", "10.1.0.0/24"}});
  Json fixed = {{{"subnet_id", s["id"]}, {"ip_address", "10.1.0.50"}}};
  ASSERT_TRUE(service_->create_port(demo_, {{"network_id", n["id"]}, {"fixed_ips", fixed}}).ok());
  auto dup = service_->create_port(demo_, {{"network_id", n["id"]}, {"fixed_ips", fixed}});
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(message_of(dup.status()), "IP address 10.1.0.50 already allocated in subnet " + s["id"].get<std::string>());
  auto outside = service_->create_port(
      demo_, {{"network_id", n["id"]}, {"fixed_ips", {{{"subnet_id", s["id"]}, {"ip_address", "10.2.0.5"}}}}});
  EXPECT_EQ(outside.status().code(), Code::kBadRequest);
  EXPECT_EQ(type_of(outside.status()), "InvalidIpForSubnet");
  auto nowhere = service_->create_port(demo_, {{"network_id", n["id"]}, {"fixed_ips", {{{"ip_address", "10.2.0.5"}}}}});
  EXPECT_EQ(type_of(nowhere.status()), "InvalidIpForNetwork");
  // Nothing half-created: the failed ports left no allocation behind.
  EXPECT_EQ(store_->count("port"), 2u);  // the DHCP port and the first one
}

TEST_F(NetworkTest, SlaacSubnetsGiveEui64Addresses) {
  Json n = network(demo_);
  subnet(demo_, n, {{"cidr", "10.0.0.0/26"}});
  Json v6 = subnet(
      demo_, n,
      {{"cidr", "fd45:dd0b:2a48::/64"}, {"ip_version", 6}, {"ipv6_ra_mode", "slaac"}, {"ipv6_address_mode", "slaac"}});
  auto p = service_->create_port(demo_, {{"network_id", n["id"]}, {"mac_address", "fa:16:3e:9a:8b:da"}});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(addresses(*p), (std::vector<std::string>{"10.0.0.3", "fd45:dd0b:2a48:0:f816:3eff:fe9a:8bda"}));
  auto direct = service_->create_port(
      demo_,
      {{"network_id", n["id"]}, {"fixed_ips", {{{"subnet_id", v6["id"]}, {"ip_address", "fd45:dd0b:2a48::9"}}}}});
  EXPECT_EQ(direct.status().code(), Code::kBadRequest);
  auto not64 = service_->create_subnet(
      demo_, {{"network_id", n["id"]}, {"ip_version", 6}, {"cidr", "fd00:1::/80"}, {"ipv6_address_mode", "slaac"}});
  EXPECT_EQ(not64.status().code(), Code::kBadRequest);
}

TEST_F(NetworkTest, SubnetValidationAndOverlap) {
  Json n = network(demo_);
  auto host_bits =
      service_->create_subnet(demo_, {{"network_id", n["id"]}, {"ip_version", 4}, {"cidr", "10.0.0.1/24"}});
  EXPECT_EQ(message_of(host_bits.status()),
            "Invalid input for cidr. Reason: '10.0.0.1/24' isn't a recognized IP subnet cidr, '10.0.0.0/24' is "
            "recommended.");
  auto bad = service_->create_subnet(demo_, {{"network_id", n["id"]}, {"ip_version", 4}, {"cidr", "10.0.0/24"}});
  EXPECT_EQ(bad.status().code(), Code::kBadRequest);
  auto mismatch = service_->create_subnet(demo_, {{"network_id", n["id"]}, {"ip_version", 6}, {"cidr", "10.0.0.0/24"}});
  EXPECT_EQ(mismatch.status().code(), Code::kBadRequest);
  subnet(demo_, n, {{"cidr", "10.0.0.0/24"}});
  auto overlap =
      service_->create_subnet(demo_, {{"network_id", n["id"]}, {"ip_version", 4}, {"cidr", "10.0.0.128/25"}});
  EXPECT_EQ(overlap.status().code(), Code::kBadRequest);
  EXPECT_NE(message_of(overlap.status()).find("overlaps with another subnet"), std::string::npos);
  auto out_of_bounds =
      service_->create_subnet(demo_, {{"network_id", n["id"]},
                                      {"ip_version", 4},
                                      {"cidr", "10.5.0.0/24"},
                                      {"allocation_pools", Json::parse(R"([{"start":"10.5.0.2","end":"10.5.1.9"}])")}});
  EXPECT_EQ(type_of(out_of_bounds.status()), "OutOfBoundsAllocationPool");
  auto gw_conflict =
      service_->create_subnet(demo_, {{"network_id", n["id"]},
                                      {"ip_version", 4},
                                      {"cidr", "10.6.0.0/24"},
                                      {"gateway_ip", "10.6.0.5"},
                                      {"allocation_pools", Json::parse(R"([{"start":"10.6.0.2","end":"10.6.0.9"}])")}});
  EXPECT_EQ(gw_conflict.status().code(), Code::kConflict);
  EXPECT_EQ(type_of(gw_conflict.status()), "GatewayConflictWithAllocationPools");
  auto overlapping_pools = service_->create_subnet(
      demo_, {{"network_id", n["id"]},
              {"ip_version", 4},
              {"cidr", "10.7.0.0/24"},
              {"allocation_pools",
               Json::parse(R"([{"start":"10.7.0.2","end":"10.7.0.9"},{"start":"10.7.0.5","end":"10.7.0.20"}])")}});
  EXPECT_EQ(type_of(overlapping_pools.status()), "OverlappingAllocationPools");
  Json no_gateway = subnet(demo_, n, {{"cidr", "10.8.0.0/30"}, {"gateway_ip", nullptr}, {"enable_dhcp", false}});
  EXPECT_TRUE(no_gateway["gateway_ip"].is_null());
  EXPECT_EQ(no_gateway["allocation_pools"], Json::parse(R"([{"start":"10.8.0.1","end":"10.8.0.2"}])"));
}

TEST_F(NetworkTest, InUseNetworksAndSubnetsCannotBeDeleted) {
  Json n = network(demo_);
  Json s = subnet(demo_, n, {{"cidr", "10.0.0.0/24"}});
  auto p = service_->create_port(demo_, {{"network_id", n["id"]}});
  ASSERT_TRUE(p.ok());
  Status net_del = service_->delete_network(demo_, n["id"]);
  EXPECT_EQ(type_of(net_del), "NetworkInUse");
  EXPECT_EQ(message_of(net_del), "Unable to complete operation on network " + n["id"].get<std::string>() +
                                     ". There are one or more ports still in use on the network.");
  EXPECT_EQ(type_of(service_->delete_subnet(demo_, s["id"])), "SubnetInUse");
  ASSERT_TRUE(service_->delete_port(demo_, (*p)["id"]).ok());
  // Only the DHCP port is left, and it does not block.
  ASSERT_TRUE(service_->delete_network(demo_, n["id"]).ok());
  EXPECT_EQ(store_->count("port"), 0u);
  EXPECT_EQ(store_->count("subnet"), 0u);
  EXPECT_EQ(store_->count("ip_allocation"), 0u);
}

TEST_F(NetworkTest, OtherProjectsNetworksAreNotFound) {
  Json n = network(demo_);
  auto seen = service_->get_network(alt_, n["id"]);
  EXPECT_EQ(seen.status().code(), Code::kNotFound);
  EXPECT_EQ(message_of(seen.status()), "Network " + n["id"].get<std::string>() + " could not be found.");
  EXPECT_TRUE(service_->list_networks(alt_).empty());
  Json shared = network(admin_, {{"shared", true}});
  EXPECT_EQ(service_->list_networks(alt_).size(), 1u);
  EXPECT_EQ(service_->update_network(alt_, shared["id"], {{"name", "x"}}).status().code(), Code::kForbidden);
}

TEST_F(NetworkTest, DefaultSecurityGroupAndDuplicateRules) {
  auto groups = service_->list_security_groups(demo_);
  ASSERT_EQ(groups.size(), 1u);
  const Json& def = groups[0];
  EXPECT_EQ(def["name"], "default");
  ASSERT_EQ(def["security_group_rules"].size(), 4u);
  int ingress_from_self = 0;
  for (const Json& r : def["security_group_rules"])
    if (r["direction"] == "ingress" && r["remote_group_id"] == def["id"]) ++ingress_from_self;
  EXPECT_EQ(ingress_from_self, 2);
  EXPECT_EQ(service_->list_security_groups(demo_).size(), 1u);  // made once

  Json ssh = {{"security_group_id", def["id"]}, {"direction", "ingress"}, {"protocol", "tcp"},
              {"port_range_min", 22},           {"port_range_max", 22},   {"remote_ip_prefix", "0.0.0.0/0"}};
  auto first = service_->create_security_group_rule(demo_, ssh);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ((*first)["ethertype"], "IPv4");
  Json same = ssh;
  same["protocol"] = "6";  // the same rule by number, and without the any-prefix
  same.erase("remote_ip_prefix");
  auto dup = service_->create_security_group_rule(demo_, same);
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(message_of(dup.status()),
            "Security group rule already exists. Rule id is " + (*first)["id"].get<std::string>() + ".");

  Json bad_range = ssh;
  bad_range["port_range_min"] = 30;
  EXPECT_EQ(type_of(service_->create_security_group_rule(demo_, bad_range).status()), "SecurityGroupInvalidPortRange");
  Json no_proto = {
      {"security_group_id", def["id"]}, {"direction", "ingress"}, {"port_range_min", 22}, {"port_range_max", 22}};
  EXPECT_EQ(type_of(service_->create_security_group_rule(demo_, no_proto).status()),
            "SecurityGroupProtocolRequiredWithPorts");
  Json icmp = {
      {"security_group_id", def["id"]}, {"direction", "ingress"}, {"protocol", "icmp"}, {"port_range_min", 256}};
  EXPECT_EQ(type_of(service_->create_security_group_rule(demo_, icmp).status()), "SecurityGroupInvalidIcmpValue");
  Json both = {{"security_group_id", def["id"]},
               {"direction", "ingress"},
               {"remote_ip_prefix", "10.0.0.0/8"},
               {"remote_group_id", def["id"]}};
  EXPECT_EQ(type_of(service_->create_security_group_rule(demo_, both).status()),
            "SecurityGroupRemoteGroupAndRemoteIpPrefix");
  Json v6_prefix = {{"security_group_id", def["id"]}, {"direction", "ingress"}, {"remote_ip_prefix", "::/0"}};
  EXPECT_EQ(type_of(service_->create_security_group_rule(demo_, v6_prefix).status()),
            "SecurityGroupRuleParameterConflict");
  EXPECT_EQ(type_of(service_->delete_security_group(demo_, def["id"])), "SecurityGroupCannotRemoveDefault");
  EXPECT_EQ(service_->get_security_group(alt_, def["id"]).status().code(), Code::kNotFound);
}

TEST_F(NetworkTest, PortsGetTheDefaultGroupAndGroupsInUseStay) {
  Json n = network(demo_);
  subnet(demo_, n, {{"cidr", "10.0.0.0/24"}});
  auto web = service_->create_security_group(demo_, {{"name", "web"}});
  ASSERT_TRUE(web.ok());
  EXPECT_EQ((*web)["security_group_rules"].size(), 2u);  // egress IPv4 and IPv6
  auto p = service_->create_port(demo_, {{"network_id", n["id"]}, {"security_groups", {(*web)["id"]}}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(type_of(service_->delete_security_group(demo_, (*web)["id"])), "SecurityGroupInUse");
  auto plain = service_->create_port(demo_, {{"network_id", n["id"]}});
  auto groups = service_->list_security_groups(demo_);
  auto def = std::find_if(groups.begin(), groups.end(), [](const Json& g) { return g["name"] == "default"; });
  ASSERT_NE(def, groups.end());
  EXPECT_EQ((*plain)["security_groups"], Json::array({(*def)["id"]}));
  auto insecure = service_->create_port(
      demo_, {{"network_id", n["id"]}, {"port_security_enabled", false}, {"security_groups", {(*web)["id"]}}});
  EXPECT_EQ(type_of(insecure.status()), "PortSecurityAndIPRequiredForSecurityGroups");
}

TEST_F(NetworkTest, AllocationsSurviveARestart) {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-network-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = (dir / "state.db").string();
  std::string net_id, mac;
  {
    auto store = std::move(*Store::open({path}));
    NetworkService svc(*store, clock_, random_, policy_);
    auto n = svc.create_network(demo_, Json::object());
    ASSERT_TRUE(n.ok());
    net_id = (*n)["id"];
    ASSERT_TRUE(svc.create_subnet(demo_, {{"network_id", net_id}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}}).ok());
    auto p = svc.create_port(demo_, {{"network_id", net_id}, {"fixed_ips", {{{"ip_address", "10.0.0.9"}}}}});
    ASSERT_TRUE(p.ok());
    mac = (*p)["mac_address"];
  }
  auto store = std::move(*Store::open({path}));
  NetworkService svc(*store, clock_, random_, policy_);
  auto dup = svc.create_port(demo_, {{"network_id", net_id}, {"fixed_ips", {{{"ip_address", "10.0.0.9"}}}}});
  EXPECT_EQ(type_of(dup.status()), "IpAddressAlreadyAllocated");
  auto same_mac = svc.create_port(demo_, {{"network_id", net_id}, {"mac_address", mac}});
  EXPECT_EQ(type_of(same_mac.status()), "MacAddressInUse");
  std::filesystem::remove_all(dir);
}
