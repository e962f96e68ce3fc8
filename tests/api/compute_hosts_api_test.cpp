// Nova's operator APIs for hosts over real HTTP: os-services (list,
// 2.53 update by uuid, the legacy actions, delete), os-hypervisors (list,
// detail, show, statistics, search, uptime and their microversions),
// os-availability-zone and os-aggregates (create, actions, rules), and the
// 403 members get.
#include <gtest/gtest.h>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using Json = nlohmann::json;

namespace {

class ComputeHostsApiTest : public ComputeCloudTest {
 protected:
  Json compute_service(const std::string& version) {
    auto r = call(admin_, "GET", "/os-services?binary=nova-compute", nullptr, version);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["services"][0];
  }
};

}  // namespace

TEST_F(ComputeHostsApiTest, ServicesListTheLabHostAndTheController) {
  auto r = call(admin_, "GET", "/os-services");
  ASSERT_EQ(r.status, 200) << r.body;
  auto services = r.json()["services"];
  ASSERT_EQ(services.size(), 3u);
  std::map<std::string, Json> by_binary;
  for (const auto& s : services) by_binary[s["binary"].get<std::string>()] = s;
  ASSERT_TRUE(by_binary.count("nova-compute") && by_binary.count("nova-scheduler") &&
              by_binary.count("nova-conductor"));
  Json c = by_binary["nova-compute"];
  EXPECT_EQ(c["host"], "openstackbootcamp");
  EXPECT_EQ(c["zone"], "nova");
  EXPECT_EQ(c["status"], "enabled");
  EXPECT_EQ(c["state"], "up");
  EXPECT_TRUE(c["id"].is_number_integer());
  EXPECT_TRUE(c["updated_at"].is_string());
  EXPECT_FALSE(c.contains("forced_down"));
  EXPECT_EQ(by_binary["nova-scheduler"]["zone"], "internal");
  EXPECT_EQ(compute_service("2.11")["forced_down"], false);
  EXPECT_EQ(compute_service("2.53")["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(call(admin_, "GET", "/os-services?host=nowhere").json()["services"].size(), 0u);
  EXPECT_EQ(call(demo_, "GET", "/os-services").status, 403);
  EXPECT_EQ(call(demo_, "GET", "/os-services").json()["forbidden"]["message"],
            "Policy doesn't allow os_compute_api:os-services:list to be performed.");
}

TEST_F(ComputeHostsApiTest, ServiceDisableAndEnableByUuidAndLegacyActions) {
  std::string id = compute_service("2.53")["id"];
  auto off =
      call(admin_, "PUT", "/os-services/" + id, {{"status", "disabled"}, {"disabled_reason", "maintenance"}}, "2.53");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["service"]["status"], "disabled");
  EXPECT_EQ(off.json()["service"]["disabled_reason"], "maintenance");
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/detail").json()["hypervisors"][0]["status"], "disabled");
  auto bad = call(admin_, "PUT", "/os-services/" + id, {{"status", "enabled"}, {"disabled_reason", "x"}}, "2.53");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(call(admin_, "PUT", "/os-services/" + id, Json::object(), "2.53").status, 400);
  EXPECT_EQ(call(admin_, "PUT", "/os-services/not-a-uuid", {{"status", "enabled"}}, "2.53").status, 400);
  EXPECT_EQ(call(demo_, "PUT", "/os-services/" + id, {{"status", "enabled"}}, "2.53").status, 403);
  auto on = call(admin_, "PUT", "/os-services/enable", {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(on.json(),
            Json({{"service", {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}, {"status", "enabled"}}}}));
  EXPECT_TRUE(compute_service("2.1")["disabled_reason"].is_null());
  auto reason = call(admin_, "PUT", "/os-services/disable-log-reason",
                     {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}, {"disabled_reason", "test"}});
  ASSERT_EQ(reason.status, 200) << reason.body;
  EXPECT_EQ(reason.json()["service"]["disabled_reason"], "test");
  EXPECT_EQ(compute_service("2.1")["status"], "disabled");
  EXPECT_EQ(
      call(admin_, "PUT", "/os-services/enable", {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}}).status,
      200);
  auto missing = call(admin_, "PUT", "/os-services/disable", {{"host", "nowhere"}, {"binary", "nova-compute"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(call(admin_, "PUT", "/os-services/force-down",
                 {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}, {"forced_down", true}})
                .status,
            404);  // below 2.11 it is not an action
  auto down = call(admin_, "PUT", "/os-services/force-down",
                   {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}, {"forced_down", true}}, "2.11");
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(compute_service("2.11")["state"], "down");
  EXPECT_EQ(call(admin_, "PUT", "/os-services/" + id, {{"forced_down", false}}, "2.53").json()["service"]["state"],
            "up");
  EXPECT_EQ(
      call(admin_, "PUT", "/os-services/disable", {{"host", "openstackbootcamp"}, {"binary", "nova-compute"}}, "2.53")
          .status,
      400);  // 2.53+: a uuid is expected
}

TEST_F(ComputeHostsApiTest, HypervisorsFollowTheMicroversion) {
  auto list = call(admin_, "GET", "/os-hypervisors");
  ASSERT_EQ(list.status, 200) << list.body;
  Json h = list.json()["hypervisors"][0];
  EXPECT_EQ(h["hypervisor_hostname"], "openstackbootcamp");
  EXPECT_EQ(h["state"], "up");
  EXPECT_TRUE(h["id"].is_number_integer());
  std::string id = std::to_string(h["id"].get<int>());
  auto show = call(admin_, "GET", "/os-hypervisors/" + id);
  ASSERT_EQ(show.status, 200) << show.body;
  Json d = show.json()["hypervisor"];
  EXPECT_EQ(d["hypervisor_type"], "QEMU");
  EXPECT_EQ(d["vcpus"], 2);
  EXPECT_EQ(d["memory_mb"], 6144);
  EXPECT_EQ(d["local_gb"], 40);
  EXPECT_EQ(d["host_ip"], "10.0.2.15");
  EXPECT_EQ(d["service"]["host"], "openstackbootcamp");
  EXPECT_TRUE(d["cpu_info"].is_string());
  EXPECT_TRUE(Json::parse(d["cpu_info"].get<std::string>()).is_object());
  EXPECT_TRUE(
      call(admin_, "GET", "/os-hypervisors/" + id, nullptr, "2.28").json()["hypervisor"]["cpu_info"].is_object());
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/openstackbootcamp").status, 404);
  auto v253 = call(admin_, "GET", "/os-hypervisors/detail", nullptr, "2.53").json()["hypervisors"][0];
  std::string uuid = v253["id"];
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(v253["service"]["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/" + uuid, nullptr, "2.53").status, 200);
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/" + id, nullptr, "2.53").status, 400);
  auto v288 = call(admin_, "GET", "/os-hypervisors/" + uuid, nullptr, "2.88").json()["hypervisor"];
  EXPECT_FALSE(v288.contains("vcpus"));
  EXPECT_TRUE(v288["uptime"].is_string());
  auto stats = call(admin_, "GET", "/os-hypervisors/statistics");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.json()["hypervisor_statistics"]["count"], 1);
  EXPECT_EQ(stats.json()["hypervisor_statistics"]["memory_mb"], 6144);
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/statistics", nullptr, "2.88").status, 404);
  auto search = call(admin_, "GET", "/os-hypervisors/bootcamp/search");
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.json()["hypervisors"][0]["hypervisor_hostname"], "openstackbootcamp");
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/nothing/search").status, 404);
  EXPECT_EQ(call(admin_, "GET", "/os-hypervisors/bootcamp/search", nullptr, "2.53").status, 404);
  auto uptime = call(admin_, "GET", "/os-hypervisors/" + id + "/uptime");
  ASSERT_EQ(uptime.status, 200) << uptime.body;
  EXPECT_NE(uptime.json()["hypervisor"]["uptime"].get<std::string>().find(" up "), std::string::npos);
  auto pattern = call(admin_, "GET", "/os-hypervisors?hypervisor_hostname_pattern=camp", nullptr, "2.53");
  EXPECT_EQ(pattern.json()["hypervisors"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/os-hypervisors").status, 403);
  EXPECT_EQ(call(demo_, "GET", "/os-hypervisors/statistics").status, 403);
}

TEST_F(ComputeHostsApiTest, AvailabilityZones) {
  auto list = call(demo_, "GET", "/os-availability-zone");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json(), Json::parse(R"({"availabilityZoneInfo": [{"zoneName": "nova",
            "zoneState": {"available": true}, "hosts": null}]})"));
  EXPECT_EQ(call(demo_, "GET", "/os-availability-zone/detail").status, 403);
  auto detail = call(admin_, "GET", "/os-availability-zone/detail");
  ASSERT_EQ(detail.status, 200) << detail.body;
  std::map<std::string, Json> zones;
  Json info = detail.json()["availabilityZoneInfo"];
  for (const auto& z : info) zones[z["zoneName"].get<std::string>()] = z;
  ASSERT_TRUE(zones.count("internal") && zones.count("nova")) << detail.body;
  EXPECT_EQ(zones["nova"]["hosts"]["openstackbootcamp"]["nova-compute"]["available"], true);
  EXPECT_EQ(zones["nova"]["hosts"]["openstackbootcamp"]["nova-compute"]["active"], true);
  EXPECT_TRUE(zones["internal"]["hosts"]["openstackbootcamp"].contains("nova-conductor"));
}

TEST_F(ComputeHostsApiTest, AggregatesLifecycleAndRules) {
  auto created =
      call(admin_, "POST", "/os-aggregates", {{"aggregate", {{"name", "agg1"}, {"availability_zone", "az2"}}}});
  ASSERT_EQ(created.status, 200) << created.body;
  Json a = created.json()["aggregate"];
  EXPECT_EQ(a["name"], "agg1");
  EXPECT_EQ(a["availability_zone"], "az2");
  EXPECT_FALSE(a.contains("hosts"));
  EXPECT_FALSE(a.contains("uuid"));
  std::string id = std::to_string(a["id"].get<int>());
  auto dup = call(admin_, "POST", "/os-aggregates", {{"aggregate", {{"name", "agg1"}}}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json()["conflictingRequest"]["message"], "Aggregate agg1 already exists.");
  EXPECT_EQ(call(admin_, "POST", "/os-aggregates", {{"aggregate", {{"name", ""}}}}).status, 400);
  auto add =
      call(admin_, "POST", "/os-aggregates/" + id + "/action", {{"add_host", {{"host", "openstackbootcamp"}}}}, "2.41");
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(add.json()["aggregate"]["hosts"], Json::array({"openstackbootcamp"}));
  std::string uuid = add.json()["aggregate"]["uuid"];
  auto rp = cloud_->placement().provider_by_name("openstackbootcamp");
  ASSERT_TRUE(rp);
  EXPECT_TRUE(rp->aggregates.count(uuid));
  EXPECT_EQ(call(admin_, "POST", "/os-aggregates/" + id + "/action", {{"add_host", {{"host", "nowhere"}}}}).status,
            404);
  auto zones = call(demo_, "GET", "/os-availability-zone").json()["availabilityZoneInfo"];
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(zones[0]["zoneName"], "az2");
  EXPECT_EQ(compute_service("2.1")["zone"], "az2");
  // Another zone's aggregate cannot take the host.
  auto other =
      call(admin_, "POST", "/os-aggregates", {{"aggregate", {{"name", "agg2"}, {"availability_zone", "az3"}}}});
  std::string other_id = std::to_string(other.json()["aggregate"]["id"].get<int>());
  auto conflict =
      call(admin_, "POST", "/os-aggregates/" + other_id + "/action", {{"add_host", {{"host", "openstackbootcamp"}}}});
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  auto md =
      call(admin_, "POST", "/os-aggregates/" + id + "/action", {{"set_metadata", {{"metadata", {{"ssd", "true"}}}}}});
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_EQ(md.json()["aggregate"]["metadata"], Json({{"availability_zone", "az2"}, {"ssd", "true"}}));
  auto renamed = call(admin_, "PUT", "/os-aggregates/" + id, {{"aggregate", {{"name", "agg1b"}}}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["aggregate"]["name"], "agg1b");
  EXPECT_EQ(call(admin_, "GET", "/os-aggregates/agg1b").status, 400);
  EXPECT_EQ(call(admin_, "GET", "/os-aggregates/9999").status, 404);
  auto list = call(admin_, "GET", "/os-aggregates");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["aggregates"].size(), 2u);
  EXPECT_EQ(call(admin_, "DELETE", "/os-aggregates/" + id).status, 400);
  auto not_member = call(admin_, "POST", "/os-aggregates/" + other_id + "/action",
                         {{"remove_host", {{"host", "openstackbootcamp"}}}});
  EXPECT_EQ(not_member.status, 404);
  EXPECT_EQ(not_member.json()["itemNotFound"]["message"],
            "Cannot remove host openstackbootcamp in aggregate " + other_id);
  EXPECT_EQ(call(demo_, "GET", "/os-aggregates").status, 403);
  EXPECT_EQ(call(demo_, "POST", "/os-aggregates", {{"aggregate", {{"name", "x"}}}}).status, 403);
  ASSERT_EQ(call(admin_, "POST", "/os-aggregates/" + id + "/action", {{"remove_host", {{"host", "openstackbootcamp"}}}})
                .status,
            200);
  EXPECT_FALSE(cloud_->placement().provider_by_name("openstackbootcamp")->aggregates.count(uuid));
  EXPECT_EQ(call(admin_, "DELETE", "/os-aggregates/" + id).status, 200);
  EXPECT_EQ(call(admin_, "DELETE", "/os-aggregates/" + other_id).status, 200);
  EXPECT_EQ(call(admin_, "GET", "/os-aggregates").json()["aggregates"].size(), 0u);
}
