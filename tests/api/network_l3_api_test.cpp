// Neutron L3 over real HTTP: the lab's router1, routers with gateways and
// interfaces (PUT add_router_interface answers a bare object), floating IPs
// and their association, Neutron's error bodies, filters on floating IPs.
#include <gtest/gtest.h>

#include "tests/api/http_client.h"
#include "tests/api/neutron_api_test.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::HttpResult;
using namespace stacklab::testing;
using Json = nlohmann::json;

namespace {

const std::string& kPublic = kLabPublicNetwork;
const std::string& kPrivate = kLabPrivateNetwork;
const std::string& kPrivateV4 = kLabPrivateSubnetV4;
const std::string& kPrivateV6 = kLabPrivateSubnetV6;

class NetworkL3ApiTest : public NeutronApiTest {
 protected:
  // A network and subnet of `tok`'s project with `cidr`; the subnet's id.
  std::string own_subnet(const std::string& tok, const std::string& name, const std::string& cidr) {
    auto n = call(tok, "POST", "/networks", {{"network", {{"name", name}}}});
    EXPECT_EQ(n.status, 201) << n.body;
    auto s = call(tok, "POST", "/subnets",
                  {{"subnet", {{"network_id", n.json()["network"]["id"]}, {"ip_version", 4}, {"cidr", cidr}}}});
    EXPECT_EQ(s.status, 201) << s.body;
    return s.json()["subnet"]["id"];
  }
};

}  // namespace

TEST_F(NetworkL3ApiTest, LabRouter1JoinsPrivateToPublic) {
  auto list = call(demo_, "GET", "/routers?name=router1");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["routers"].size(), 1u);
  Json r = list.json()["routers"][0];
  EXPECT_EQ(r["status"], "ACTIVE");
  EXPECT_EQ(r["admin_state_up"], true);
  EXPECT_EQ(r["external_gateway_info"]["network_id"], kPublic);
  EXPECT_EQ(r["external_gateway_info"]["enable_snat"], true);
  Json gw_ips = r["external_gateway_info"]["external_fixed_ips"];
  ASSERT_EQ(gw_ips.size(), 2u);
  EXPECT_EQ(gw_ips[1]["ip_address"], "2001:db8::1");  // exercises.md §1.6
  auto ports =
      call(demo_, "GET", "/ports?device_owner=network:router_interface&device_id=" + r["id"].get<std::string>());
  std::set<std::string> addresses;
  const Json port_list = ports.json()["ports"];
  for (const Json& p : port_list)
    for (const Json& ip : p["fixed_ips"]) addresses.insert(ip["ip_address"]);
  EXPECT_EQ(addresses, (std::set<std::string>{"10.0.0.1", "fd45:dd0b:2a48::1"}));
  // alt_demo has no router of its own and cannot see demo's.
  EXPECT_TRUE(call(alt_, "GET", "/routers").json()["routers"].empty());
  EXPECT_EQ(error_type(call(alt_, "GET", "/routers/" + r["id"].get<std::string>())), "RouterNotFound");
  // The interface holds its subnets.
  auto del = call(admin_, "DELETE", "/subnets/" + kPrivateV6);
  EXPECT_EQ(del.status, 409);
  EXPECT_EQ(error_type(del), "SubnetInUse");
}

TEST_F(NetworkL3ApiTest, RouterLifecycleWithInterfaces) {
  std::string subnet = own_subnet(alt_, "alt-net", "192.168.23.0/24");
  auto created = call(alt_, "POST", "/routers",
                      {{"router", {{"name", "R_alt"}, {"external_gateway_info", {{"network_id", kPublic}}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["router"]["id"];
  EXPECT_EQ(created.json()["router"]["revision_number"], 1);
  auto added = call(alt_, "PUT", "/routers/" + id + "/add_router_interface", {{"subnet_id", subnet}});
  ASSERT_EQ(added.status, 200) << added.body;
  Json info = added.json();
  EXPECT_EQ(info["id"], id);
  EXPECT_EQ(info["subnet_ids"], Json::array({subnet}));
  EXPECT_TRUE(info.contains("port_id") && info.contains("network_id") && info.contains("tenant_id"));

  auto busy = call(alt_, "DELETE", "/routers/" + id);
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(error_type(busy), "RouterInUse");
  EXPECT_EQ(error_message(busy), "Router " + id + " still has ports");
  auto direct = call(alt_, "DELETE", "/ports/" + info["port_id"].get<std::string>());
  EXPECT_EQ(direct.status, 409);
  auto twice = call(alt_, "PUT", "/routers/" + id + "/add_router_interface", {{"subnet_id", subnet}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(error_type(twice), "BadRequest");
  EXPECT_EQ(call(alt_, "PUT", "/routers/" + id + "/add_router_interface", Json::array()).status, 400);

  auto removed = call(alt_, "PUT", "/routers/" + id + "/remove_router_interface", {{"subnet_id", subnet}});
  ASSERT_EQ(removed.status, 200) << removed.body;
  auto gone = call(alt_, "PUT", "/routers/" + id + "/remove_router_interface", {{"subnet_id", subnet}});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(error_type(gone), "RouterInterfaceNotFoundForSubnet");
  auto cleared = call(alt_, "PUT", "/routers/" + id, {{"router", {{"external_gateway_info", Json::object()}}}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["router"]["external_gateway_info"].is_null());
  EXPECT_EQ(call(alt_, "DELETE", "/routers/" + id).status, 204);
  EXPECT_EQ(call(alt_, "GET", "/routers/" + id).status, 404);
}

TEST_F(NetworkL3ApiTest, FloatingIpAssociationThroughRouter1) {
  auto port = call(demo_, "POST", "/ports", {{"port", {{"network_id", kPrivate}, {"name", "vm-port"}}}});
  ASSERT_EQ(port.status, 201) << port.body;
  std::string port_id = port.json()["port"]["id"];
  auto created = call(demo_, "POST", "/floatingips", {{"floatingip", {{"floating_network_id", kPublic}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  Json fip = created.json()["floatingip"];
  std::string fip_id = fip["id"];
  EXPECT_EQ(fip["status"], "DOWN");
  EXPECT_TRUE(fip["port_id"].is_null());
  EXPECT_EQ(fip["floating_ip_address"].get<std::string>().rfind("172.24.4.", 0), 0u);

  auto set = call(demo_, "PUT", "/floatingips/" + fip_id, {{"floatingip", {{"port_id", port_id}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["floatingip"]["status"], "ACTIVE");
  EXPECT_EQ(set.json()["floatingip"]["router_id"], "a7b1e6f2-3c54-4d8e-9f10-6b2c8d4e5f31");
  EXPECT_EQ(set.json()["floatingip"]["fixed_ip_address"], port.json()["port"]["fixed_ips"][0]["ip_address"]);
  auto by_port = call(demo_, "GET", "/floatingips?port_id=" + port_id);
  ASSERT_EQ(by_port.json()["floatingips"].size(), 1u);
  EXPECT_EQ(by_port.json()["floatingips"][0]["id"], fip_id);
  EXPECT_TRUE(call(alt_, "GET", "/floatingips?port_id=" + port_id).json()["floatingips"].empty());

  auto unset = call(demo_, "PUT", "/floatingips/" + fip_id, {{"floatingip", {{"port_id", nullptr}}}});
  EXPECT_EQ(unset.json()["floatingip"]["status"], "DOWN");
  EXPECT_EQ(call(demo_, "GET", "/floatingips?status=ACTIVE&port_id=" + port_id).json()["floatingips"].size(), 0u);
  EXPECT_EQ(call(demo_, "DELETE", "/floatingips/" + fip_id).status, 204);
  EXPECT_EQ(error_type(call(demo_, "GET", "/floatingips/" + fip_id)), "FloatingIPNotFound");
}

TEST_F(NetworkL3ApiTest, AssociationWithoutARouterIsRefused) {
  std::string subnet = own_subnet(alt_, "alt-isolated", "192.168.77.0/24");
  auto made =
      call(alt_, "POST", "/ports",
           {{"port", {{"network_id", call(alt_, "GET", "/subnets/" + subnet).json()["subnet"]["network_id"]}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  std::string port_id = made.json()["port"]["id"];
  auto refused =
      call(alt_, "POST", "/floatingips", {{"floatingip", {{"floating_network_id", kPublic}, {"port_id", port_id}}}});
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(error_type(refused), "ExternalGatewayForFloatingIPNotFound");
  EXPECT_EQ(error_message(refused), "External network " + kPublic + " is not reachable from subnet " + subnet +
                                        ".  Therefore, cannot associate Port " + port_id + " with a Floating IP.");
  // Nothing half-created: no floating IP, and its address went back.
  EXPECT_TRUE(call(alt_, "GET", "/floatingips").json()["floatingips"].empty());
  auto not_external = call(alt_, "POST", "/floatingips", {{"floatingip", {{"floating_network_id", kPrivate}}}});
  EXPECT_EQ(not_external.status, 404);  // alt cannot see demo's private network
  auto missing = call(alt_, "POST", "/floatingips", {{"floatingip", Json::object()}});
  EXPECT_EQ(missing.status, 400);
}

TEST_F(NetworkL3ApiTest, ExtensionsAndResourcesListL3) {
  std::set<std::string> aliases;
  const Json extensions = call(demo_, "GET", "/extensions").json()["extensions"];
  for (const Json& e : extensions) aliases.insert(e["alias"]);
  for (const char* a : {"router", "extraroute", "extraroute-atomic", "ext-gw-mode", "fip-port-details"})
    EXPECT_TRUE(aliases.count(a)) << a;
  EXPECT_FALSE(aliases.count("dvr"));
  EXPECT_FALSE(aliases.count("l3-ha"));
  std::set<std::string> collections;
  const Json resources = send(demo_, "GET", "/networking/v2.0").json()["resources"];
  for (const Json& r : resources) collections.insert(r["collection"]);
  EXPECT_TRUE(collections.count("routers"));
  EXPECT_TRUE(collections.count("floatingips"));
}
