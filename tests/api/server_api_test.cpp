// Nova's servers over real HTTP on the lab cloud (fast hypervisor times):
// create 202, BUILD -> ACTIVE, the detail view by microversion and role,
// NoValidHost -> ERROR with its fault, project isolation, filters, delete.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using Json = nlohmann::json;

namespace {

class ServerApiTest : public ComputeCloudTest {};

}  // namespace

TEST_F(ServerApiTest, CreateAnswers202ThenTheServerIsActive) {
  auto r = call(demo_, "POST", "/servers", {{"server", {{"name", "VM1"}, {"imageRef", image_}, {"flavorRef", "42"}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  Json s = r.json()["server"];
  EXPECT_EQ(s["OS-DCF:diskConfig"], "MANUAL");
  EXPECT_FALSE(s["adminPass"].get<std::string>().empty());
  EXPECT_EQ(s["links"].size(), 2u);
  EXPECT_EQ(s["security_groups"][0]["name"], "default");
  Json shown = settle(s["id"], demo_, "2.79");
  EXPECT_EQ(shown["status"], "ACTIVE");
  EXPECT_EQ(shown["OS-EXT-STS:vm_state"], "active");
  EXPECT_EQ(shown["OS-EXT-STS:power_state"], 1);
  EXPECT_TRUE(shown["OS-EXT-STS:task_state"].is_null());
  EXPECT_EQ(shown["flavor"]["original_name"], "m1.nano");  // 2.47+: embedded
  EXPECT_FALSE(shown.contains("OS-EXT-SRV-ATTR:host"));    // not for members
  EXPECT_EQ(shown["locked"], false);
  EXPECT_TRUE(shown["tags"].is_array());
  EXPECT_EQ(shown["addresses"]["private"].size(), 2u);  // demo's only network: IPv4 and IPv6
  EXPECT_EQ(shown["hostId"].get<std::string>().size(), 56u);
  // Below 2.47 the flavor is a link; admins see the extended attributes.
  Json old = call(admin_, "GET", "/servers/" + s["id"].get<std::string>(), nullptr, "2.1").json()["server"];
  EXPECT_EQ(old["flavor"]["id"], "42");
  EXPECT_EQ(old["OS-EXT-SRV-ATTR:host"], "openstackbootcamp");
  EXPECT_EQ(old["OS-EXT-SRV-ATTR:instance_name"].get<std::string>().rfind("instance-", 0), 0u);
  EXPECT_FALSE(old.contains("locked"));
  // Another project does not see it.
  EXPECT_EQ(call(alt_, "GET", "/servers/" + s["id"].get<std::string>()).status, 404);
  EXPECT_TRUE(call(alt_, "GET", "/servers").json()["servers"].empty());
  EXPECT_EQ(call(alt_, "GET", "/servers?all_tenants=1").status, 403);
  EXPECT_EQ(call(alt_, "DELETE", "/servers/" + s["id"].get<std::string>()).status, 404);
  // Filters.
  EXPECT_EQ(call(demo_, "GET", "/servers?name=^VM").json()["servers"].size(), 1u);
  EXPECT_TRUE(call(demo_, "GET", "/servers/detail?status=ERROR").json()["servers"].empty());
  EXPECT_EQ(call(admin_, "GET", "/servers/detail?all_tenants=True").json()["servers"].size(), 1u);
  // Delete: 204, then 404.
  EXPECT_EQ(call(demo_, "DELETE", "/servers/" + s["id"].get<std::string>()).status, 204);
  int status = 200;
  for (int i = 0; i < 200 && status == 200; ++i) {
    status = call(demo_, "GET", "/servers/" + s["id"].get<std::string>()).status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 404);
}

TEST_F(ServerApiTest, TooBigFlavorIsErrorWithNoValidHostFault) {
  std::string id = boot("big", "5");
  Json s = settle(id);
  EXPECT_EQ(s["status"], "ERROR");
  EXPECT_EQ(s["fault"]["code"], 500);
  EXPECT_EQ(s["fault"]["message"].get<std::string>().rfind("No valid host was found.", 0), 0u);
  EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id).status, 204);
}

TEST_F(ServerApiTest, BadRequestsInNovaShapes) {
  auto r = call(demo_, "POST", "/servers", {{"server", {{"name", "x"}, {"imageRef", image_}, {"flavorRef", "nope"}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["badRequest"]["message"], "Flavor nope could not be found.");
  r = call(demo_, "POST", "/servers", {{"server", {{"imageRef", image_}, {"flavorRef", "42"}}}});
  EXPECT_EQ(r.status, 400);
  r = call(demo_, "GET", "/servers/00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["itemNotFound"]["code"], 404);
  r = call(demo_, "POST", "/servers",
           {{"server", {{"name", "web"}, {"imageRef", image_}, {"flavorRef", "42"}, {"min_count", 2}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto list = call(demo_, "GET", "/servers?name=^web-").json()["servers"];
  EXPECT_EQ(list.size(), 2u);
  for (const auto& s : list) {
    settle(s["id"]);
    EXPECT_EQ(call(demo_, "DELETE", "/servers/" + s["id"].get<std::string>()).status, 204);
  }
}
