// Neutron's subnet pools, quotas, tags, RBAC policies, agents, availability
// zones and IP availability over real HTTP against the lab cloud: the lab's
// default pools, status codes and bodies as clients read them.
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

const std::string& kPrivateNetwork = kLabPrivateNetwork;
const std::string& kPrivateSubnet = kLabPrivateSubnetV4;

class NetworkExtrasApiTest : public NeutronApiTest {
 protected:
  // The lab's pool of `name`.
  Json pool_named(const std::string& name) {
    auto r = call(admin_, "GET", "/subnetpools?name=" + name);
    EXPECT_EQ(r.status, 200) << r.body;
    Json pools = r.json()["subnetpools"];
    return pools.empty() ? Json() : pools[0];
  }
  std::string project(const std::string& name) { return stacklab::testing::project_id(client, admin_, name); }
};

}  // namespace

TEST_F(NetworkExtrasApiTest, LabPrivateSubnetComesFromTheSharedDefaultPool) {
  Json v4 = pool_named("shared-default-subnetpool");
  ASSERT_TRUE(v4.is_object());
  EXPECT_EQ(v4["prefixes"], Json::array({"10.0.0.0/22"}));
  EXPECT_EQ(v4["default_prefixlen"], 26);
  EXPECT_EQ(v4["shared"], true);
  EXPECT_EQ(v4["is_default"], true);
  EXPECT_EQ(v4["ip_version"], 4);
  Json v6 = pool_named("shared-default-subnetpool-v6");
  EXPECT_EQ(v6["prefixes"], Json::array({"fd45:dd0b:2a48::/56"}));
  auto subnet = call(demo_, "GET", std::string("/subnets/") + kPrivateSubnet);
  ASSERT_EQ(subnet.status, 200);
  EXPECT_EQ(subnet.json()["subnet"]["cidr"], "10.0.0.0/26");
  EXPECT_EQ(subnet.json()["subnet"]["subnetpool_id"], v4["id"]);
  // A member sees the shared pools; deleting them is the owner's (admin's).
  auto listed = call(demo_, "GET", "/subnetpools");
  EXPECT_EQ(listed.json()["subnetpools"].size(), 2u);
  auto del = call(demo_, "DELETE", "/subnetpools/" + v4["id"].get<std::string>());
  EXPECT_EQ(del.status, 403) << del.body;
  auto in_use = call(admin_, "DELETE", "/subnetpools/" + v4["id"].get<std::string>());
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(error_type(in_use), "SubnetPoolInUse");
}

TEST_F(NetworkExtrasApiTest, SubnetPoolLifecycleAndSubnetsFromIt) {
  auto created =
      call(demo_, "POST", "/subnetpools",
           {{"subnetpool", {{"name", "mine"}, {"prefixes", {"192.168.0.0/20"}}, {"default_prefixlen", 24}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  Json pool = created.json()["subnetpool"];
  std::string pool_id = pool["id"];
  EXPECT_EQ(pool["min_prefixlen"], 8);
  EXPECT_EQ(pool["max_prefixlen"], 32);
  EXPECT_EQ(pool["revision_number"], 1);
  EXPECT_TRUE(pool.contains("created_at") && pool.contains("tags"));
  auto net = call(demo_, "POST", "/networks", {{"network", {{"name", "pooled"}}}});
  std::string net_id = net.json()["network"]["id"];
  auto s =
      call(demo_, "POST", "/subnets",
           {{"subnet", {{"network_id", net_id}, {"ip_version", 4}, {"subnetpool_id", pool_id}, {"prefixlen", 28}}}});
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(s.json()["subnet"]["cidr"], "192.168.0.0/28");
  auto def = call(demo_, "POST", "/subnets",
                  {{"subnet", {{"network_id", net_id}, {"ip_version", 4}, {"use_default_subnetpool", true}}}});
  ASSERT_EQ(def.status, 201) << def.body;
  EXPECT_EQ(def.json()["subnet"]["cidr"], "10.0.0.64/26");
  auto no_cidr = call(demo_, "POST", "/subnets", {{"subnet", {{"network_id", net_id}, {"ip_version", 4}}}});
  EXPECT_EQ(no_cidr.status, 400);
  auto unknown = call(demo_, "POST", "/subnets",
                      {{"subnet", {{"network_id", net_id}, {"ip_version", 4}, {"subnetpool_id", "nope"}}}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_type(unknown), "SubnetPoolNotFound");
  auto grown = call(demo_, "PUT", "/subnetpools/" + pool_id,
                    {{"subnetpool", {{"prefixes", {"192.168.0.0/20", "192.168.16.0/20"}}}}});
  ASSERT_EQ(grown.status, 200) << grown.body;
  EXPECT_EQ(grown.json()["subnetpool"]["prefixes"], Json::array({"192.168.0.0/19"}));
  auto shrink = call(demo_, "PUT", "/subnetpools/" + pool_id, {{"subnetpool", {{"prefixes", {"192.168.16.0/20"}}}}});
  EXPECT_EQ(shrink.status, 400);
  EXPECT_EQ(call(demo_, "DELETE", "/subnetpools/" + pool_id).status, 409);
  ASSERT_EQ(call(demo_, "DELETE", "/networks/" + net_id).status, 204);
  EXPECT_EQ(call(demo_, "DELETE", "/subnetpools/" + pool_id).status, 204);
  EXPECT_EQ(call(alt_, "GET", "/subnetpools/" + pool_id).status, 404);
}

TEST_F(NetworkExtrasApiTest, QuotasReadSetEnforceAndReset) {
  std::string demo = project("demo");
  auto mine = call(demo_, "GET", "/quotas/" + demo);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json()["quota"]["network"], 100);
  EXPECT_EQ(mine.json()["quota"]["security_group_rule"], 100);
  EXPECT_EQ(call(demo_, "GET", "/quotas").status, 403);
  EXPECT_EQ(call(demo_, "PUT", "/quotas/" + demo, {{"quota", {{"network", 50}}}}).status, 403);
  auto details = call(demo_, "GET", "/quotas/" + demo + "/details.json");
  ASSERT_EQ(details.status, 200) << details.body;
  long long used = details.json()["quota"]["network"]["used"];
  EXPECT_GE(used, 1);  // the lab's private network
  auto set = call(admin_, "PUT", "/quotas/" + demo, {{"quota", {{"network", used}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["quota"]["network"], used);
  auto over = call(demo_, "POST", "/networks", {{"network", {{"name", "one-too-many"}}}});
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(error_type(over), "OverQuota");
  EXPECT_EQ(over.json()["NeutronError"]["message"], "Quota exceeded for resources: ['network'].");
  auto listed = call(admin_, "GET", "/quotas");
  ASSERT_EQ(listed.status, 200);
  bool found = false;
  const Json quotas = listed.json()["quotas"];  // a copy: the loop must not walk a temporary
  for (const Json& q : quotas) found = found || q["project_id"] == demo;
  EXPECT_TRUE(found);
  EXPECT_EQ(call(admin_, "GET", "/quotas/" + demo + "/default").json()["quota"]["network"], 100);
  EXPECT_EQ(call(admin_, "DELETE", "/quotas/" + demo).status, 204);
  EXPECT_EQ(call(demo_, "GET", "/quotas/" + demo).json()["quota"]["network"], 100);
}

TEST_F(NetworkExtrasApiTest, TagsOnNetworksAndFilteredLists) {
  auto net = call(demo_, "POST", "/networks", {{"network", {{"name", "tagged"}}}});
  std::string id = net.json()["network"]["id"];
  auto put = call(demo_, "PUT", "/networks/" + id + "/tags", {{"tags", {"lab", "blue"}}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["tags"], Json::array({"lab", "blue"}));
  EXPECT_EQ(call(demo_, "PUT", "/networks/" + id + "/tags/green").status, 201);
  EXPECT_EQ(call(demo_, "GET", "/networks/" + id + "/tags/green").status, 204);
  auto missing = call(demo_, "GET", "/networks/" + id + "/tags/pink");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_type(missing), "TagNotFound");
  EXPECT_EQ(call(demo_, "DELETE", "/networks/" + id + "/tags/blue").status, 204);
  EXPECT_EQ(call(demo_, "GET", "/networks/" + id + "/tags").json()["tags"], Json::array({"lab", "green"}));
  auto listed = call(demo_, "GET", "/networks?tags=lab");
  ASSERT_EQ(listed.json()["networks"].size(), 1u);
  EXPECT_EQ(listed.json()["networks"][0]["id"], id);
  EXPECT_EQ(call(demo_, "PUT", "/networks/" + id + "/tags/" + std::string(61, 'x')).status, 400);
  EXPECT_EQ(call(alt_, "PUT", "/networks/" + id + "/tags/mine").status, 404);
  auto sub = call(demo_, "PUT", std::string("/subnets/") + kPrivateSubnet + "/tags/web");
  EXPECT_EQ(sub.status, 201) << sub.body;
  EXPECT_EQ(call(demo_, "DELETE", "/networks/" + id + "/tags").status, 204);
  EXPECT_EQ(call(demo_, "GET", "/networks/" + id + "/tags").json()["tags"], Json::array());
  EXPECT_EQ(call(demo_, "DELETE", "/networks/" + id).status, 204);
}

TEST_F(NetworkExtrasApiTest, RbacSharesPrivateWithAltDemo) {
  std::string alt = project("alt_demo");
  EXPECT_EQ(call(alt_, "GET", std::string("/networks/") + kPrivateNetwork).status, 404);
  Json body = {{"rbac_policy",
                {{"object_type", "network"},
                 {"object_id", kPrivateNetwork},
                 {"action", "access_as_shared"},
                 {"target_tenant", alt}}}};
  auto created = call(demo_, "POST", "/rbac-policies", body);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string policy = created.json()["rbac_policy"]["id"];
  auto seen = call(alt_, "GET", "/networks");
  bool listed = false;
  const Json networks = seen.json()["networks"];
  for (const Json& n : networks) listed = listed || n["id"] == kPrivateNetwork;
  EXPECT_TRUE(listed);
  auto port = call(alt_, "POST", "/ports", {{"port", {{"network_id", kPrivateNetwork}}}});
  ASSERT_EQ(port.status, 201) << port.body;
  auto in_use = call(demo_, "DELETE", "/rbac-policies/" + policy);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(error_type(in_use), "RbacPolicyInUse");
  EXPECT_EQ(call(alt_, "DELETE", "/ports/" + port.json()["port"]["id"].get<std::string>()).status, 204);
  EXPECT_EQ(call(demo_, "DELETE", "/rbac-policies/" + policy).status, 204);
  EXPECT_EQ(call(alt_, "GET", std::string("/networks/") + kPrivateNetwork).status, 404);
  auto bad = call(demo_, "POST", "/rbac-policies",
                  {{"rbac_policy",
                    {{"object_type", "network"},
                     {"object_id", kPrivateNetwork},
                     {"action", "access_as_nothing"},
                     {"target_tenant", alt}}}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(NetworkExtrasApiTest, AgentsZonesAndIpAvailability) {
  auto agents = call(admin_, "GET", "/agents");
  ASSERT_EQ(agents.status, 200) << agents.body;
  EXPECT_EQ(agents.json()["agents"].size(), 4u);
  auto hidden = call(demo_, "GET", "/agents");
  ASSERT_EQ(hidden.status, 200);
  EXPECT_EQ(hidden.json()["agents"], Json::array());
  auto dhcp = call(admin_, "GET", "/agents?binary=neutron-dhcp-agent");
  ASSERT_EQ(dhcp.json()["agents"].size(), 1u);
  Json agent = dhcp.json()["agents"][0];
  EXPECT_EQ(agent["agent_type"], "DHCP agent");
  EXPECT_EQ(agent["availability_zone"], "nova");
  auto zones = call(demo_, "GET", "/availability_zones");
  ASSERT_EQ(zones.status, 200);
  EXPECT_EQ(zones.json()["availability_zones"].size(), 2u);
  auto ip = call(admin_, "GET", std::string("/network-ip-availabilities/") + kPrivateNetwork);
  ASSERT_EQ(ip.status, 200) << ip.body;
  Json a = ip.json()["network_ip_availability"];
  EXPECT_EQ(a["network_name"], "private");
  bool v4_seen = false;
  for (const Json& s : a["subnet_ip_availability"])
    if (s["ip_version"] == 4) {
      v4_seen = true;
      EXPECT_EQ(s["total_ips"], 61);  // 10.0.0.2 - 10.0.0.62
    }
  EXPECT_TRUE(v4_seen);
  EXPECT_EQ(call(demo_, "GET", "/network-ip-availabilities").status, 403);
  auto v4 = call(admin_, "GET", "/network-ip-availabilities?ip_version=4");
  ASSERT_EQ(v4.status, 200);
  const Json availabilities = v4.json()["network_ip_availabilities"];
  for (const Json& n : availabilities)
    for (const Json& s : n["subnet_ip_availability"]) EXPECT_EQ(s["ip_version"], 4);
  auto ext = call(demo_, "GET", "/extensions");
  std::set<std::string> aliases;
  const Json extensions = ext.json()["extensions"];
  for (const Json& e : extensions) aliases.insert(e["alias"]);
  for (const char* alias : {"subnet_allocation", "default-subnetpools", "quotas", "quota_details", "standard-attr-tag",
                            "rbac-policies", "agent", "availability_zone", "network-ip-availability"})
    EXPECT_TRUE(aliases.count(alias)) << alias;
}
