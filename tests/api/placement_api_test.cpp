// Placement over real HTTP: microversions, shapes, admin-only policy, error bodies.
#include <gtest/gtest.h>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::HttpClient;
using stacklab::testing::HttpResult;
using stacklab::testing::LabCloudTest;
using Json = nlohmann::json;

namespace {

class PlacementApiTest : public LabCloudTest {
 protected:
  HttpResult call(const std::string& method, const std::string& path, const std::string& version,
                  const Json& body = nullptr, const std::string& tok = admin_) {
    std::map<std::string, std::string> h;
    if (!version.empty()) h["OpenStack-API-Version"] = "placement " + version;
    return send(tok, method, "/placement" + path, body, h);
  }
};

}  // namespace

TEST_F(PlacementApiTest, RootDocumentNamesTheMicroversionRange) {
  auto r = client.request("GET", "/placement");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["versions"][0]["min_version"], "1.0");
  EXPECT_EQ(r.json()["versions"][0]["max_version"], "1.29");
  auto bad = call("GET", "/resource_providers", "1.99");
  EXPECT_EQ(bad.status, 406);
  EXPECT_EQ(bad.json()["errors"][0]["status"], 406);
  auto latest = call("GET", "/resource_providers", "latest");
  EXPECT_EQ(latest.header("openstack-api-version"), "placement 1.29");
}

TEST_F(PlacementApiTest, OnlyAdminsAndServicesUsePlacement) {
  auto r = call("GET", "/resource_providers", "1.29", nullptr, demo_);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.json()["errors"].is_array());
  EXPECT_EQ(client.request("GET", "/placement/resource_providers").status, 401);
}

TEST_F(PlacementApiTest, ProviderCreateShapeDependsOnMicroversion) {
  auto old = call("POST", "/resource_providers", "1.19", {{"name", "old-style"}});
  EXPECT_EQ(old.status, 201);
  EXPECT_TRUE(old.body.empty());
  EXPECT_NE(old.header("location").find("/resource_providers/"), std::string::npos);
  auto now = call("POST", "/resource_providers", "1.20", {{"name", "new-style"}});
  ASSERT_EQ(now.status, 200);
  EXPECT_EQ(now.json()["generation"], 0);
  EXPECT_TRUE(now.json().contains("root_provider_uuid"));
  auto below = call("GET", "/resource_providers/" + now.json()["uuid"].get<std::string>(), "1.13");
  EXPECT_FALSE(below.json().contains("root_provider_uuid"));
  EXPECT_EQ(call("POST", "/resource_providers", "1.20", {{"name", "new-style"}}).status, 409);
  EXPECT_EQ(call("POST", "/resource_providers", "1.20", {{"uuid", "x"}}).status, 400);
  EXPECT_EQ(call("GET", "/traits", "1.5").status, 404);  // traits arrived in 1.6
}

TEST_F(PlacementApiTest, AllocationsInBothFormatsAndGenerationConflicts) {
  std::string rp = call("POST", "/resource_providers", "1.20", {{"name", "host-a"}}).json()["uuid"];
  Json inventories = {{"VCPU", {{"total", 4}, {"allocation_ratio", 16.0}}}, {"MEMORY_MB", {{"total", 4096}}}};
  auto inv = call("PUT", "/resource_providers/" + rp + "/inventories", "1.29",
                  {{"resource_provider_generation", 0}, {"inventories", inventories}});
  ASSERT_EQ(inv.status, 200) << inv.body;
  EXPECT_EQ(call("PUT", "/resource_providers/" + rp + "/inventories", "1.29",
                 {{"resource_provider_generation", 0}, {"inventories", Json::object()}})
                .status,
            409);  // stale
  // 1.0 list format
  Json old_format = {
      {"allocations", Json::array({{{"resource_provider", {{"uuid", rp}}}, {"resources", {{"VCPU", 1}}}}})}};
  auto put_old = call("PUT", "/allocations/aaaaaaaa-0000-4000-8000-000000000001", "1.7", old_format);
  EXPECT_EQ(put_old.status, 204) << put_old.body;
  // 1.28: consumer generation required; null for a new consumer
  Json body = {{"allocations", {{rp, {{"resources", {{"VCPU", 2}, {"MEMORY_MB", 1024}}}}}}},
               {"project_id", "p1"},
               {"user_id", "u1"},
               {"consumer_generation", nullptr}};
  EXPECT_EQ(call("PUT", "/allocations/bbbbbbbb-0000-4000-8000-000000000002", "1.29", body).status, 204);
  EXPECT_EQ(call("PUT", "/allocations/bbbbbbbb-0000-4000-8000-000000000002", "1.29", body).status, 409);
  auto got = call("GET", "/allocations/bbbbbbbb-0000-4000-8000-000000000002", "1.29").json();
  EXPECT_EQ(got["consumer_generation"], 1);
  EXPECT_EQ(got["allocations"][rp]["resources"]["VCPU"], 2);
  auto usages = call("GET", "/resource_providers/" + rp + "/usages", "1.29").json();
  EXPECT_EQ(usages["usages"]["VCPU"], 3);
  EXPECT_EQ(call("GET", "/usages?project_id=p1", "1.29").json()["usages"]["MEMORY_MB"], 1024);
  auto cands = call("GET", "/allocation_candidates?resources=VCPU:60,MEMORY_MB:100", "1.29").json();
  ASSERT_EQ(cands["allocation_requests"].size(), 1u);  // 64 - 3 used = 61 left
  EXPECT_EQ(cands["provider_summaries"][rp]["resources"]["VCPU"]["capacity"], 64);
  EXPECT_EQ(call("GET", "/allocation_candidates?resources=VCPU:62", "1.29").json()["allocation_requests"].size(), 0u);
  EXPECT_EQ(call("GET", "/allocation_candidates?resources=VCPU:x", "1.29").status, 400);
  EXPECT_EQ(call("DELETE", "/resource_providers/" + rp, "1.29").status, 409);  // has allocations
}
