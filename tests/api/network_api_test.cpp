// Neutron v2.0 over real HTTP: version documents and extensions, policy
// (what members may see and create), Neutron's error bodies, the 409s, and
// filters, fields and pagination on lists.
#include <gtest/gtest.h>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/neutron_api_test.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::HttpResult;
using namespace stacklab::testing;
using Json = nlohmann::json;

namespace {

using NetworkApiTest = NeutronApiTest;

}  // namespace

TEST_F(NetworkApiTest, VersionDocumentsAndExtensions) {
  auto root = client.request("GET", "/networking/");
  ASSERT_EQ(root.status, 200) << root.body;
  Json v = root.json()["versions"][0];
  EXPECT_EQ(v["id"], "v2.0");
  EXPECT_EQ(v["links"][0]["href"], cloud_->host_url() + "/networking/v2.0/");
  auto ext = call(demo_, "GET", "/extensions");
  ASSERT_EQ(ext.status, 200);
  std::set<std::string> aliases;
  Json list = ext.json()["extensions"];
  for (const Json& e : list) aliases.insert(e["alias"]);
  for (const char* a :
       {"security-group", "external-net", "provider", "net-mtu", "port-security", "binding", "project-id"})
    EXPECT_TRUE(aliases.count(a)) << a;
  EXPECT_FALSE(aliases.count("qos"));  // not served
  EXPECT_EQ(call(demo_, "GET", "/extensions/qos").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/extensions/security-group").json()["extension"]["alias"], "security-group");
}

TEST_F(NetworkApiTest, MembersSeeOnlyTheirOwnAndSharedNetworks) {
  Json alt_net = create(alt_, "networks", "network", {{"name", "alt-only"}});
  auto hidden = call(demo_, "GET", "/networks/" + alt_net["id"].get<std::string>());
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(error_type(hidden), "NetworkNotFound");
  EXPECT_EQ(error_message(hidden), "Network " + alt_net["id"].get<std::string>() + " could not be found.");
  auto listed = call(demo_, "GET", "/networks?name=alt-only");
  EXPECT_TRUE(listed.json()["networks"].empty());
  EXPECT_EQ(call(demo_, "DELETE", "/networks/" + alt_net["id"].get<std::string>()).status, 404);
  // Provider attributes are the admin's to see.
  EXPECT_FALSE(alt_net.contains("provider:segmentation_id"));
  auto as_admin = call(admin_, "GET", "/networks/" + alt_net["id"].get<std::string>());
  EXPECT_EQ(as_admin.json()["network"]["provider:network_type"], "vxlan");
  EXPECT_EQ(as_admin.json()["network"]["mtu"], 1450);

  Json shared = create(admin_, "networks", "network", {{"name", "shared-by-admin"}, {"shared", true}});
  EXPECT_EQ(call(demo_, "GET", "/networks/" + shared["id"].get<std::string>()).status, 200);
  auto rename = call(demo_, "PUT", "/networks/" + shared["id"].get<std::string>(), {{"network", {{"name", "mine"}}}});
  EXPECT_EQ(rename.status, 403);
}

TEST_F(NetworkApiTest, MembersCannotCreateSharedExternalOrProviderNetworks) {
  auto shared = call(demo_, "POST", "/networks", {{"network", {{"name", "s"}, {"shared", true}}}});
  EXPECT_EQ(shared.status, 403);
  EXPECT_EQ(error_type(shared), "PolicyNotAuthorized");
  EXPECT_EQ(error_message(shared), "(rule:create_network:shared) is disallowed by policy");
  auto external = call(demo_, "POST", "/networks", {{"network", {{"router:external", true}}}});
  EXPECT_EQ(external.status, 403);
  auto provider = call(demo_, "POST", "/networks", {{"network", {{"provider:network_type", "flat"}}}});
  EXPECT_EQ(provider.status, 403);
  auto unknown = call(demo_, "POST", "/networks", {{"network", {{"colour", "red"}}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_message(unknown), "Unrecognized attribute(s) 'colour'");
  auto no_body = call(demo_, "POST", "/networks", {{"net", Json::object()}});
  EXPECT_EQ(no_body.status, 400);
}

TEST_F(NetworkApiTest, ConflictsAreNeutrons409s) {
  Json net = create(demo_, "networks", "network", {{"name", "busy"}});
  std::string net_id = net["id"];
  Json sub =
      create(demo_, "subnets", "subnet", {{"network_id", net_id}, {"ip_version", 4}, {"cidr", "192.168.50.0/24"}});
  EXPECT_EQ(sub["allocation_pools"][0]["start"], "192.168.50.2");
  Json port =
      create(demo_, "ports", "port", {{"network_id", net_id}, {"fixed_ips", {{{"ip_address", "192.168.50.20"}}}}});
  EXPECT_EQ(port["fixed_ips"][0]["ip_address"], "192.168.50.20");
  auto taken = call(demo_, "POST", "/ports",
                    {{"port", {{"network_id", net_id}, {"fixed_ips", {{{"ip_address", "192.168.50.20"}}}}}}});
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(error_type(taken), "IpAddressAlreadyAllocated");
  auto in_use = call(demo_, "DELETE", "/networks/" + net_id);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(error_type(in_use), "NetworkInUse");
  EXPECT_EQ(error_message(in_use), "Unable to complete operation on network " + net_id +
                                       ". There are one or more ports still in use on the network.");
  EXPECT_EQ(error_type(call(demo_, "DELETE", "/subnets/" + sub["id"].get<std::string>())), "SubnetInUse");
  EXPECT_EQ(call(demo_, "DELETE", "/ports/" + port["id"].get<std::string>()).status, 204);
  EXPECT_EQ(call(demo_, "DELETE", "/networks/" + net_id).status, 204);
}

TEST_F(NetworkApiTest, BulkCreateMakesAllOrNothing) {
  auto nets = call(demo_, "POST", "/networks", {{"networks", {{{"name", "bulk-a"}}, {{"name", "bulk-b"}}}}});
  ASSERT_EQ(nets.status, 201) << nets.body;
  Json created = nets.json()["networks"];
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[1]["name"], "bulk-b");
  std::string net_id = created[0]["id"];
  create(demo_, "subnets", "subnet", {{"network_id", net_id}, {"ip_version", 4}, {"cidr", "192.168.60.0/24"}});
  auto ports_before = call(demo_, "GET", "/ports?network_id=" + net_id).json()["ports"].size();
  // The second port asks for the first one's address: 409, and the first is not kept.
  Json same_ip = {{"network_id", net_id}, {"fixed_ips", {{{"ip_address", "192.168.60.30"}}}}};
  auto clash = call(demo_, "POST", "/ports", {{"ports", {same_ip, same_ip}}});
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_EQ(call(demo_, "GET", "/ports?network_id=" + net_id).json()["ports"].size(), ports_before);
  EXPECT_EQ(call(demo_, "POST", "/ports", {{"ports", Json::array()}}).status, 400);
  EXPECT_EQ(call(demo_, "POST", "/ports", {{"ports", {"not an object"}}}).status, 400);
}

TEST_F(NetworkApiTest, DuplicateSecurityGroupRuleIs409) {
  auto groups = call(demo_, "GET", "/security-groups?name=default");
  ASSERT_EQ(groups.status, 200);
  Json list = groups.json()["security_groups"];
  ASSERT_EQ(list.size(), 1u);
  std::string sg = list[0]["id"];
  EXPECT_EQ(list[0]["security_group_rules"].size(), 4u);
  Json rule = {{"security_group_id", sg},
               {"direction", "ingress"},
               {"ethertype", "IPv4"},
               {"protocol", "tcp"},
               {"port_range_min", 2222},
               {"port_range_max", 2222},
               {"remote_ip_prefix", "0.0.0.0/0"}};
  Json first = create(demo_, "security-group-rules", "security_group_rule", rule);
  auto dup = call(demo_, "POST", "/security-group-rules", {{"security_group_rule", rule}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(error_type(dup), "SecurityGroupRuleExists");
  EXPECT_EQ(error_message(dup),
            "Security group rule already exists. Rule id is " + first["id"].get<std::string>() + ".");
  auto other = call(alt_, "GET", "/security-groups/" + sg);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/security-groups/" + sg).status, 409);
}

TEST_F(NetworkApiTest, ListsFilterSortPageAndCutFields) {
  for (const char* name : {"page-a", "page-b", "page-c"}) create(demo_, "networks", "network", {{"name", name}});
  auto two = call(demo_, "GET", "/networks?name=page-a&name=page-c&sort_key=name&sort_dir=desc");
  ASSERT_EQ(two.status, 200);
  Json nets = two.json()["networks"];
  ASSERT_EQ(nets.size(), 2u);
  EXPECT_EQ(nets[0]["name"], "page-c");
  auto fields = call(demo_, "GET", "/networks?name=page-b&fields=id&fields=name");
  Json only = fields.json()["networks"][0];
  EXPECT_EQ(only.size(), 2u);
  EXPECT_TRUE(only.contains("id") && only.contains("name"));
  auto page = call(demo_, "GET", "/networks?limit=1&sort_key=name");
  ASSERT_EQ(page.status, 200);
  Json body = page.json();
  ASSERT_EQ(body["networks"].size(), 1u);
  ASSERT_TRUE(body.contains("networks_links")) << page.body;
  EXPECT_EQ(body["networks_links"][0]["rel"], "next");
  EXPECT_EQ(call(demo_, "GET", "/networks?sort_key=colour").status, 400);
}

TEST_F(NetworkApiTest, LabNetworksAsTheBookShowsThem) {
  auto listed = call(demo_, "GET", "/networks?sort_key=name");
  ASSERT_EQ(listed.status, 200);
  std::map<std::string, Json> by_name;
  Json nets = listed.json()["networks"];
  for (const Json& n : nets) by_name[n["name"]] = n;
  ASSERT_TRUE(by_name.count("public") && by_name.count("private")) << listed.body;
  EXPECT_EQ(by_name["public"]["id"], "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4");
  EXPECT_EQ(by_name["public"]["router:external"], true);
  EXPECT_EQ(by_name["public"]["mtu"], 1500);
  EXPECT_EQ(by_name["private"]["id"], "65ba9c58-b64a-47bd-bf2c-fe2c54512354");
  EXPECT_EQ(by_name["private"]["mtu"], 1450);
  EXPECT_EQ(by_name["private"]["subnets"].size(), 2u);
  auto alt_view = call(alt_, "GET", "/networks?name=private");
  EXPECT_TRUE(alt_view.json()["networks"].empty());
  auto subnet = call(demo_, "GET", "/subnets/76f73ba7-525e-4707-bab9-ff73c51b481a");
  ASSERT_EQ(subnet.status, 200);
  EXPECT_EQ(subnet.json()["subnet"]["allocation_pools"], Json::parse(R"([{"start":"10.0.0.2","end":"10.0.0.62"}])"));
  // The first VM's port on private: 10.0.0.3 (DHCP has .2) and its EUI-64 address.
  Json port = create(demo_, "ports", "port",
                     {{"network_id", "65ba9c58-b64a-47bd-bf2c-fe2c54512354"}, {"mac_address", "fa:16:3e:9a:8b:da"}});
  ASSERT_EQ(port["fixed_ips"].size(), 2u);
  EXPECT_EQ(port["fixed_ips"][0]["ip_address"], "10.0.0.3");
  EXPECT_EQ(port["fixed_ips"][1]["ip_address"], "fd45:dd0b:2a48:0:f816:3eff:fe9a:8bda");
  EXPECT_EQ(port["security_groups"], Json::array({"60e27332-5724-403c-824f-6d840b9537ee"}));
  EXPECT_EQ(call(demo_, "DELETE", "/ports/" + port["id"].get<std::string>()).status, 204);
}
