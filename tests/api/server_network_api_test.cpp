// Servers on Neutron's networks over real HTTP on the lab cloud: the ports a
// boot creates or claims, addresses as Nova shows them, the `networks` rules,
// bad requests that leave no port behind, os-interface, and the security
// group actions.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using stacklab::testing::HttpResult;
using Json = nlohmann::json;

namespace {

const char* kPrivate = "65ba9c58-b64a-47bd-bf2c-fe2c54512354";  // the lab's demo network

class ServerNetworkApiTest : public ComputeCloudTest {
 protected:
  HttpResult neutron(const std::string& tok, const std::string& method, const std::string& path,
                     const Json& body = nullptr) {
    return send(tok, method, "/networking/v2.0" + path, body);
  }
  Json ports_of(const std::string& server_id) {
    return neutron(admin_, "GET", "/ports?device_id=" + server_id).json()["ports"];
  }
  std::size_t all_ports() { return neutron(admin_, "GET", "/ports").json()["ports"].size(); }
  HttpResult create(const Json& server, const std::string& version = "") {
    Json body = {{"server", {{"name", "vm"}, {"imageRef", image_}, {"flavorRef", "42"}}}};
    body["server"].update(server);
    return call(demo_, "POST", "/servers", body, version);
  }
  std::string boot_with(const Json& server, const std::string& version = "") {
    auto r = create(server, version);
    EXPECT_EQ(r.status, 202) << r.body;
    std::string id = r.json()["server"].value("id", "");
    EXPECT_EQ(settle(id)["status"], "ACTIVE");
    return id;
  }
  // Deletes the server and waits until it is gone.
  void remove(const std::string& id) {
    EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id).status, 204);
    for (int i = 0; i < 300 && call(demo_, "GET", "/servers/" + id).status == 200; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
};

}  // namespace

TEST_F(ServerNetworkApiTest, ABootOnTheOnlyNetworkShowsItsAddresses) {
  auto created = create(Json::object());
  ASSERT_EQ(created.status, 202) << created.body;
  EXPECT_FALSE(created.json()["server"].contains("addresses"));  // not in Nova's create response
  std::string id = created.json()["server"]["id"];
  Json shown = settle(id);
  ASSERT_EQ(shown["status"], "ACTIVE");
  ASSERT_EQ(shown["addresses"].size(), 1u);
  const Json& private_addrs = shown["addresses"]["private"];
  ASSERT_EQ(private_addrs.size(), 2u);  // 10.0.0.0/26 and the SLAAC fd45:... subnet
  EXPECT_EQ(private_addrs[0]["version"], 4);
  EXPECT_EQ(private_addrs[0]["addr"].get<std::string>().rfind("10.0.0.", 0), 0u);
  EXPECT_EQ(private_addrs[1]["version"], 6);
  EXPECT_EQ(private_addrs[1]["addr"].get<std::string>().rfind("fd45:", 0), 0u);
  EXPECT_EQ(private_addrs[0]["OS-EXT-IPS:type"], "fixed");
  EXPECT_EQ(shown["security_groups"], Json::array({{{"name", "default"}}}));

  Json ports = ports_of(id);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0]["status"], "ACTIVE");
  EXPECT_EQ(ports[0]["device_owner"], "compute:nova");
  EXPECT_EQ(ports[0]["binding:host_id"], "openstackbootcamp");
  EXPECT_EQ(private_addrs[0]["OS-EXT-IPS-MAC:mac_addr"], ports[0]["mac_address"]);
  // /ips: the same addresses, without the OS-EXT-IPS attributes.
  Json ips = call(demo_, "GET", "/servers/" + id + "/ips").json()["addresses"];
  ASSERT_EQ(ips["private"].size(), 2u);
  EXPECT_EQ(ips["private"][0], Json({{"version", 4}, {"addr", private_addrs[0]["addr"]}}));
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/ips/private").json()["private"], ips["private"]);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/ips/public").status, 404);
  // The list with details shows the same addresses.
  Json listed = call(demo_, "GET", "/servers/detail").json()["servers"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["addresses"], shown["addresses"]);

  remove(id);
  EXPECT_TRUE(ports_of(id).empty());  // Nova created it: deleted with the server
}

TEST_F(ServerNetworkApiTest, BadNetworkRequestsLeaveNothingBehind) {
  std::size_t before = all_ports();
  auto r = create({{"networks", Json::array({{{"uuid", "0b1c2d3e-0000-4000-8000-000000000000"}}})}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["badRequest"]["message"], "Network 0b1c2d3e-0000-4000-8000-000000000000 could not be found.");
  r = create({{"networks", Json::array({{{"uuid", kPrivate}, {"fixed_ip", "192.0.2.7"}}})}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = create({{"security_groups", Json::array({{{"name", "nope"}}})}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["badRequest"]["message"], "Security group nope not found for project " + project_id("demo") + ".");
  r = create({{"networks", Json::array({{{"port", "0b1c2d3e-0000-4000-8000-000000000000"}}})}});
  EXPECT_EQ(r.status, 400);
  r = create({{"networks", "auto"}}, "2.36");  // a string before 2.37
  EXPECT_EQ(r.status, 400);
  r = create(Json::object(), "2.37");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["badRequest"]["message"], "'networks' is a required property");
  EXPECT_EQ(all_ports(), before);
  EXPECT_TRUE(call(demo_, "GET", "/servers").json()["servers"].empty());
}

TEST_F(ServerNetworkApiTest, FixedIpsAndGivenPortsAreHonouredAndReleased) {
  auto port = neutron(demo_, "POST", "/ports", {{"port", {{"network_id", kPrivate}, {"name", "mine"}}}});
  ASSERT_EQ(port.status, 201) << port.body;
  std::string port_id = port.json()["port"]["id"];
  std::string id =
      boot_with({{"networks", Json::array({{{"port", port_id}}, {{"uuid", kPrivate}, {"fixed_ip", "10.0.0.40"}}})}});
  Json ports = ports_of(id);
  ASSERT_EQ(ports.size(), 2u);
  Json addrs = call(demo_, "GET", "/servers/" + id).json()["server"]["addresses"]["private"];
  ASSERT_EQ(addrs.size(), 4u);  // two ports, each IPv4 + IPv6, the given port first
  EXPECT_EQ(addrs[0]["addr"], port.json()["port"]["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(addrs[2]["addr"], "10.0.0.40");
  // In use: the port, and the address.
  auto again = create({{"networks", Json::array({{{"port", port_id}}})}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["conflictingRequest"]["message"], "Port " + port_id + " is still in use.");
  again = create({{"networks", Json::array({{{"uuid", kPrivate}, {"fixed_ip", "10.0.0.40"}}})}});
  EXPECT_EQ(again.status, 409);

  remove(id);
  Json kept = neutron(demo_, "GET", "/ports/" + port_id).json()["port"];
  EXPECT_EQ(kept["device_id"], "");
  EXPECT_EQ(kept["device_owner"], "");
  EXPECT_EQ(kept["status"], "DOWN");
  EXPECT_TRUE(ports_of(id).empty());
}

TEST_F(ServerNetworkApiTest, NoneAndAutoAt237) {
  std::string none = boot_with({{"networks", "none"}}, "2.37");
  Json shown = call(demo_, "GET", "/servers/" + none).json()["server"];
  EXPECT_EQ(shown["addresses"], Json::object());
  EXPECT_FALSE(shown.contains("security_groups"));  // Nova shows groups of ports only
  EXPECT_TRUE(ports_of(none).empty());
  std::string automatic = boot_with({{"networks", "auto"}}, "2.37");
  EXPECT_EQ(ports_of(automatic).size(), 1u);
  // alt_demo has no network: "auto" cannot allocate one.
  Json body = {{"server", {{"name", "x"}, {"imageRef", image_}, {"flavorRef", "42"}, {"networks", "auto"}}}};
  EXPECT_EQ(call(alt_, "POST", "/servers", body, "2.37").status, 400);
}

TEST_F(ServerNetworkApiTest, InterfacesAttachListShowDetach) {
  std::string id = boot_with(Json::object());
  auto list = call(demo_, "GET", "/servers/" + id + "/os-interface");
  ASSERT_EQ(list.status, 200) << list.body;
  Json ifaces = list.json()["interfaceAttachments"];
  ASSERT_EQ(ifaces.size(), 1u);
  EXPECT_EQ(ifaces[0]["net_id"], kPrivate);
  EXPECT_EQ(ifaces[0]["port_state"], "ACTIVE");
  EXPECT_FALSE(ifaces[0].contains("tag"));  // 2.70+
  EXPECT_EQ(ifaces[0]["fixed_ips"].size(), 2u);

  auto attached = call(demo_, "POST", "/servers/" + id + "/os-interface",
                       {{"interfaceAttachment",
                         {{"net_id", kPrivate}, {"fixed_ips", {{{"ip_address", "10.0.0.50"}}}}, {"tag", "second"}}}},
                       "2.70");
  ASSERT_EQ(attached.status, 200) << attached.body;
  Json a = attached.json()["interfaceAttachment"];
  EXPECT_EQ(a["tag"], "second");
  EXPECT_EQ(a["fixed_ips"][0]["ip_address"], "10.0.0.50");
  std::string port_id = a["port_id"];
  auto shown = call(demo_, "GET", "/servers/" + id + "/os-interface/" + port_id, nullptr, "2.70");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.json()["interfaceAttachment"]["mac_addr"], a["mac_addr"]);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id).json()["server"]["addresses"]["private"].size(), 4u);

  // Bad bodies and other projects.
  EXPECT_EQ(call(demo_, "POST", "/servers/" + id + "/os-interface",
                 {{"interfaceAttachment", {{"net_id", kPrivate}, {"port_id", port_id}}}})
                .status,
            400);
  EXPECT_EQ(
      call(demo_, "POST", "/servers/" + id + "/os-interface", {{"interfaceAttachment", {{"port_id", port_id}}}}).status,
      409);
  EXPECT_EQ(call(alt_, "GET", "/servers/" + id + "/os-interface").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/os-interface/0b1c2d3e-0000-4000-8000-000000000000").status, 404);

  EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id + "/os-interface/" + port_id).status, 202);
  EXPECT_EQ(neutron(demo_, "GET", "/ports/" + port_id).status, 404);  // Nova created it
  EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id + "/os-interface/" + port_id).status, 404);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/os-interface").json()["interfaceAttachments"].size(), 1u);
}

TEST_F(ServerNetworkApiTest, SecurityGroupActions) {
  auto web = neutron(demo_, "POST", "/security-groups", {{"security_group", {{"name", "web"}}}});
  ASSERT_EQ(web.status, 201) << web.body;
  std::string web_id = web.json()["security_group"]["id"];
  // The book passes a group's id in the name field.
  std::string id = boot_with({{"security_groups", Json::array({{{"name", web_id}}})}});
  Json shown = call(demo_, "GET", "/servers/" + id).json()["server"];
  EXPECT_EQ(shown["security_groups"], Json::array({{{"name", "web"}}}));

  auto add = [&](const std::string& action, const std::string& group) {
    return call(demo_, "POST", "/servers/" + id + "/action", {{action, {{"name", group}}}});
  };
  EXPECT_EQ(add("addSecurityGroup", "default").status, 202);
  shown = call(demo_, "GET", "/servers/" + id).json()["server"];
  EXPECT_EQ(shown["security_groups"].size(), 2u);
  auto groups = call(demo_, "GET", "/servers/" + id + "/os-security-groups");
  ASSERT_EQ(groups.status, 200);
  ASSERT_EQ(groups.json()["security_groups"].size(), 2u);
  for (const Json& g : groups.json()["security_groups"]) {
    EXPECT_EQ(g["tenant_id"], project_id("demo"));
    for (const Json& rule : g["rules"]) EXPECT_TRUE(rule.contains("ip_protocol"));
  }

  EXPECT_EQ(add("removeSecurityGroup", "web").status, 202);
  auto again = add("removeSecurityGroup", "web");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json()["itemNotFound"]["message"], "Security group web not associated with the instance " + id);
  EXPECT_EQ(add("addSecurityGroup", "nope").status, 404);
  EXPECT_EQ(add("addSecurityGroup", "").status, 400);
  EXPECT_EQ(call(alt_, "POST", "/servers/" + id + "/action", {{"addSecurityGroup", {{"name", "default"}}}}).status,
            404);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id).json()["server"]["security_groups"],
            Json::array({{{"name", "default"}}}));
}

TEST_F(ServerNetworkApiTest, ShelveOffloadUnbindsThePortAndUnshelveBindsItAgain) {
  std::string id = boot_with(Json::object());
  Json before = call(demo_, "GET", "/servers/" + id).json()["server"]["addresses"];
  auto act = [&](const char* action) {
    return call(demo_, "POST", "/servers/" + id + "/action", {{action, nullptr}}).status;
  };
  ASSERT_EQ(act("shelve"), 202);
  EXPECT_EQ(poll_server(id, [](const Json& s) { return s["status"] == "SHELVED_OFFLOADED"; })["status"],
            "SHELVED_OFFLOADED");
  Json port = ports_of(id)[0];
  EXPECT_EQ(port["binding:host_id"], "");
  EXPECT_EQ(port["status"], "DOWN");
  ASSERT_EQ(act("unshelve"), 202);
  Json unshelved = poll_server(id, [](const Json& s) { return s["status"] == "ACTIVE"; });
  EXPECT_EQ(unshelved["status"], "ACTIVE") << unshelved.dump();
  port = ports_of(id)[0];
  EXPECT_EQ(port["binding:host_id"], "openstackbootcamp");
  EXPECT_EQ(port["status"], "ACTIVE");
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id).json()["server"]["addresses"], before);  // the same port
}
