// Cinder v3 over real HTTP on the lab cloud (fast volume operations):
// version documents and microversions, volumes and their actions,
// snapshots, types, quotas and limits, services and zones; Cinder's error
// bodies, bad input and policy (another project's volume is 404).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cmd/stacklab/cloud.h"
#include "fake_drivers/fake_volume_driver.h"
#include "tests/api/volume_api_test.h"

using namespace stacklab;
using stacklab::testing::HttpClient;
using stacklab::testing::HttpResult;
using stacklab::testing::LabCloudTest;
using stacklab::testing::VolumeApiTest;
using Json = nlohmann::json;


TEST_F(VolumeApiTest, VersionDocumentsAdvertiseV3AndNegotiateMicroversions) {
  auto root = client.request("GET", "/volume/");
  ASSERT_EQ(root.status, 300) << root.body;
  Json versions = root.json()["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1]["id"], "v3.0");
  EXPECT_EQ(versions[1]["min_version"], "3.0");
  EXPECT_EQ(versions[1]["version"], "3.44");
  EXPECT_EQ(versions[1]["links"][1]["href"], cloud_->host_url() + "/volume/v3/");
  EXPECT_EQ(versions[0]["status"], "DEPRECATED");
  auto latest = call(demo_, "GET", "/volumes", nullptr, "latest");
  EXPECT_EQ(latest.header("openstack-api-version"), "volume 3.44");
  EXPECT_EQ(call(demo_, "GET", "/volumes", nullptr, "3.99").status, 406);
  EXPECT_EQ(call(demo_, "GET", "/volumes", nullptr, "3.x").status, 400);
  EXPECT_EQ(client.request("GET", "/volume/v3/" + demo_project_ + "/volumes").status, 401);
}

TEST_F(VolumeApiTest, CreateShowListUpdateDeleteAVolume) {
  Json v = create({{"size", 1},
                   {"name", "VL_helloworld_1GB"},
                   {"volume_type", "lvmdriver-1"},
                   {"availability_zone", "nova"},
                   {"description", ""},
                   {"metadata", {{"k", "v"}}},
                   {"snapshot_id", nullptr},
                   {"imageRef", nullptr},
                   {"consistencygroup_id", nullptr}});
  ASSERT_EQ(v["status"], "available") << v;
  EXPECT_EQ(v["size"], 1);
  EXPECT_EQ(v["volume_type"], "lvmdriver-1");
  EXPECT_EQ(v["availability_zone"], "nova");
  EXPECT_EQ(v["bootable"], "false");
  EXPECT_EQ(v["metadata"], Json({{"k", "v"}}));
  EXPECT_EQ(v["os-vol-tenant-attr:tenant_id"], demo_project_);
  EXPECT_FALSE(v.contains("os-vol-host-attr:host"));  // admin only
  std::string id = v["id"];
  auto admin_view = send(admin_, "GET", "/volume/v3/" + admin_project_ + "/volumes/" + id);
  EXPECT_EQ(admin_view.json()["volume"]["os-vol-host-attr:host"], "openstackbootcamp@lvmdriver-1#lvmdriver-1");

  auto list = call(demo_, "GET", "/volumes");
  ASSERT_EQ(list.status, 200);
  bool listed = false;
  Json listed_volumes = list.json()["volumes"];
  for (const auto& item : listed_volumes) listed |= item["id"] == id && !item.contains("size");
  EXPECT_TRUE(listed);
  auto named = call(demo_, "GET", "/volumes/detail?name=VL_helloworld_1GB&all_tenants=1");
  ASSERT_EQ(named.json()["volumes"].size(), 1u);
  EXPECT_EQ(named.json()["volumes"][0]["size"], 1);
  EXPECT_EQ(call(demo_, "GET", "/volumes/detail?metadata=%7B%27k%27%3A+%27v%27%7D").json()["volumes"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/volumes/detail?metadata=%7B%27k%27%3A+%27x%27%7D").json()["volumes"].size(), 0u);

  // Sorting and paging: Cinder's default direction is desc; a page links to the next.
  Json other = create({{"size", 1}, {"name", "VL_other"}});
  Json by_name = call(demo_, "GET", "/volumes?sort_key=name").json()["volumes"];
  ASSERT_GE(by_name.size(), 2u);
  EXPECT_EQ(by_name[0]["name"], "VL_other");
  EXPECT_EQ(call(demo_, "GET", "/volumes?sort=name:asc").json()["volumes"][0]["name"], "VL_helloworld_1GB");
  auto page = call(demo_, "GET", "/volumes?limit=1");
  ASSERT_EQ(page.json()["volumes"].size(), 1u);
  EXPECT_TRUE(page.json().contains("volumes_links"));
  EXPECT_EQ(call(demo_, "GET", "/volumes?sort_key=bogus").status, 400);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + other["id"].get<std::string>()).status, 202);
  EXPECT_TRUE(gone("/volumes/" + other["id"].get<std::string>()));

  auto renamed = call(demo_, "PUT", "/volumes/" + id, {{"volume", {{"name", "renamed"}}}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["volume"]["name"], "renamed");
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
  EXPECT_TRUE(gone("/volumes/" + id));
}

TEST_F(VolumeApiTest, BadInputGetsCindersErrorsAndCreatesNothing) {
  std::size_t before = call(demo_, "GET", "/volumes").json()["volumes"].size();
  auto no_body = call(demo_, "POST", "/volumes", {{"size", 1}});
  EXPECT_EQ(no_body.status, 400);
  EXPECT_EQ(message(no_body, "badRequest"), "Missing required element 'volume' in request body.");
  auto zero = call(demo_, "POST", "/volumes", {{"volume", {{"size", 0}}}});
  EXPECT_EQ(zero.status, 400);
  EXPECT_NE(message(zero, "badRequest").find("Invalid volume size provided for create request"), std::string::npos);
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", "abc"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"name", 5}}}}).status, 400);
  auto type = call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"volume_type", "gold"}}}});
  EXPECT_EQ(type.status, 404);
  EXPECT_EQ(message(type, "itemNotFound"), "Volume type with name gold could not be found.");
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"availability_zone", "az9"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"snapshot_id", "nope"}}}}).status, 404);
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"imageRef", "nope"}}}}).status, 404);
  auto malformed =
      send(demo_, "POST", "/volume/v3/" + demo_project_ + "/volumes", nullptr, {{"Content-Type", "application/json"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(call(demo_, "GET", "/volumes").json()["volumes"].size(), before);
  EXPECT_EQ(call(demo_, "GET", "/volumes/nope").status, 404);
}

TEST_F(VolumeApiTest, AnotherProjectsVolumeIsNotFound) {
  Json v = create({{"size", 1}, {"name", "private"}});
  std::string id = v["id"];
  std::string alt_project = stacklab::testing::project_id(client, admin_, "alt_demo");
  auto peek = send(alt_, "GET", "/volume/v3/" + alt_project + "/volumes/" + id);
  EXPECT_EQ(peek.status, 404);
  EXPECT_EQ(message(peek, "itemNotFound"), "Volume " + id + " could not be found.");
  EXPECT_EQ(send(alt_, "DELETE", "/volume/v3/" + alt_project + "/volumes/" + id).status, 404);
  EXPECT_EQ(
      send(alt_, "POST", "/volume/v3/" + alt_project + "/volumes/" + id + "/action", {{"os-extend", {{"new_size", 2}}}})
          .status,
      404);
  auto all = send(alt_, "GET", "/volume/v3/" + alt_project + "/volumes/detail?all_tenants=1");
  Json all_volumes = all.json()["volumes"];
  for (const auto& item : all_volumes) EXPECT_NE(item["id"], id);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
}

TEST_F(VolumeApiTest, ExtendGrowsOnlyAndFlagsAndAdminActionsFollowPolicy) {
  Json v = create({{"size", 1}});
  std::string id = v["id"];
  auto shrink = call(demo_, "POST", "/volumes/" + id + "/action", {{"os-extend", {{"new_size", 1}}}});
  EXPECT_EQ(shrink.status, 400);
  EXPECT_NE(message(shrink, "badRequest").find("New size for extend must be greater than current size."),
            std::string::npos);
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action", {{"os-extend", {{"new_size", 2}}}}).status, 202);
  EXPECT_EQ(wait(id)["size"], 2);
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action", {{"os-set_bootable", {{"bootable", true}}}}).status, 200);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id).json()["volume"]["bootable"], "true");
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action", {{"os-set_bootable", {{"bootable", "maybe"}}}}).status,
            400);
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action", {{"os-frobnicate", {}}}).status, 400);
  auto reset = call(demo_, "POST", "/volumes/" + id + "/action", {{"os-reset_status", {{"status", "error"}}}});
  EXPECT_EQ(reset.status, 403);
  EXPECT_EQ(message(reset, "forbidden"),
            "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.");
  std::string admin_path = "/volume/v3/" + admin_project_ + "/volumes/" + id;
  EXPECT_EQ(send(admin_, "POST", admin_path + "/action", {{"os-reset_status", {{"status", "error"}}}}).status, 202);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id).json()["volume"]["status"], "error");
  EXPECT_EQ(send(admin_, "POST", admin_path + "/action", {{"os-force_delete", Json::object()}}).status, 202);
  EXPECT_TRUE(gone("/volumes/" + id));
}

TEST_F(VolumeApiTest, MetadataRoutesMergeReplaceAndDelete) {
  Json v = create({{"size", 1}, {"metadata", {{"a", "1"}}}});
  std::string base = "/volumes/" + v["id"].get<std::string>() + "/metadata";
  auto merged = call(demo_, "POST", base, {{"metadata", {{"b", "2"}}}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json()["metadata"], Json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(call(demo_, "GET", base + "/a").json()["meta"], Json({{"a", "1"}}));
  EXPECT_EQ(call(demo_, "PUT", base, {{"metadata", {{"c", "3"}}}}).json()["metadata"], Json({{"c", "3"}}));
  EXPECT_EQ(call(demo_, "DELETE", base + "/c").status, 200);
  EXPECT_EQ(call(demo_, "DELETE", base + "/c").status, 404);
  EXPECT_EQ(call(demo_, "POST", base, {{"metadata", {{"x", 1}}}}).status, 400);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 202);
}

TEST_F(VolumeApiTest, SnapshotsBlockVolumeDeleteAndFeedNewVolumes) {
  Json v = create({{"size", 1}, {"name", "origin"}});
  std::string id = v["id"];
  auto snap =
      call(demo_, "POST", "/snapshots", {{"snapshot", {{"volume_id", id}, {"name", "snap1"}, {"force", false}}}});
  ASSERT_EQ(snap.status, 202) << snap.body;
  std::string sid = snap.json()["snapshot"]["id"];
  Json shown;
  for (int i = 0; i < 400; ++i) {
    shown = call(demo_, "GET", "/snapshots/" + sid).json()["snapshot"];
    if (shown["status"] != "creating") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(shown["status"], "available");
  EXPECT_EQ(shown["size"], 1);
  EXPECT_EQ(call(demo_, "GET", "/snapshots/detail?name=snap1").json()["snapshots"].size(), 1u);
  auto blocked = call(demo_, "DELETE", "/volumes/" + id);
  EXPECT_EQ(blocked.status, 400);
  EXPECT_EQ(message(blocked, "badRequest").rfind("Invalid volume: Volume status must be available or error", 0), 0u);
  Json from = create({{"snapshot_id", sid}, {"size", nullptr}});
  EXPECT_EQ(from["status"], "available");
  EXPECT_EQ(from["snapshot_id"], sid);
  Json clone = create({{"source_volid", id}, {"size", 2}});
  EXPECT_EQ(clone["status"], "available");
  EXPECT_EQ(clone["source_volid"], id);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id + "?cascade=true").status, 202);
  EXPECT_TRUE(gone("/snapshots/" + sid));
  EXPECT_TRUE(gone("/volumes/" + id));
  call(demo_, "DELETE", "/volumes/" + from["id"].get<std::string>());
  call(demo_, "DELETE", "/volumes/" + clone["id"].get<std::string>());
}

TEST_F(VolumeApiTest, AttachHandOffAsNovaDrivesIt) {
  Json v = create({{"size", 1}});
  std::string action = "/volumes/" + v["id"].get<std::string>() + "/action";
  EXPECT_EQ(call(demo_, "POST", action, {{"os-reserve", nullptr}}).status, 202);
  auto conn =
      call(demo_, "POST", action, {{"os-initialize_connection", {{"connector", {{"host", "openstackbootcamp"}}}}}});
  ASSERT_EQ(conn.status, 200) << conn.body;
  EXPECT_EQ(conn.json()["connection_info"]["driver_volume_type"], "iscsi");
  EXPECT_EQ(
      call(demo_, "POST", action,
           {{"os-attach", {{"instance_uuid", "6f1d2a3c-0000-4000-8000-000000000001"}, {"mountpoint", "/dev/vdb"}}}})
          .status,
      202);
  Json used = call(demo_, "GET", "/volumes/" + v["id"].get<std::string>()).json()["volume"];
  EXPECT_EQ(used["status"], "in-use");
  ASSERT_EQ(used["attachments"].size(), 1u);
  EXPECT_EQ(used["attachments"][0]["device"], "/dev/vdb");
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 400);
  EXPECT_EQ(call(demo_, "POST", action, {{"os-begin_detaching", nullptr}}).status, 202);
  EXPECT_EQ(call(demo_, "POST", action, {{"os-terminate_connection", {{"connector", {{"host", "x"}}}}}}).status, 202);
  EXPECT_EQ(
      call(demo_, "POST", action, {{"os-detach", {{"attachment_id", used["attachments"][0]["attachment_id"]}}}}).status,
      202);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + v["id"].get<std::string>()).json()["volume"]["status"], "available");
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 202);
}

TEST_F(VolumeApiTest, VolumeTypesExtraSpecsAndPrivateAccess) {
  auto types = call(demo_, "GET", "/types");
  ASSERT_EQ(types.status, 200);
  ASSERT_EQ(types.json()["volume_types"].size(), 1u);
  EXPECT_EQ(types.json()["volume_types"][0]["name"], "lvmdriver-1");
  EXPECT_EQ(types.json()["volume_types"][0]["extra_specs"]["volume_backend_name"], "lvmdriver-1");
  EXPECT_EQ(call(demo_, "GET", "/types/default").json()["volume_type"]["name"], "lvmdriver-1");
  EXPECT_EQ(call(demo_, "POST", "/types", {{"volume_type", {{"name", "gold"}}}}).status, 403);
  auto gold =
      call(admin_, "POST", "/types", {{"volume_type", {{"name", "gold"}, {"os-volume-type-access:is_public", false}}}});
  ASSERT_EQ(gold.status, 200) << gold.body;
  std::string gid = gold.json()["volume_type"]["id"];
  EXPECT_EQ(call(admin_, "POST", "/types", {{"volume_type", {{"name", "gold"}}}}).status, 409);
  auto specs = call(admin_, "POST", "/types/" + gid + "/extra_specs",
                    {{"extra_specs", {{"volume_backend_name", "lvmdriver-1"}}}});
  ASSERT_EQ(specs.status, 200) << specs.body;
  EXPECT_EQ(call(demo_, "GET", "/types/" + gid).status, 404);  // private, not shared
  EXPECT_EQ(call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}, {"volume_type", "gold"}}}}).status, 404);
  EXPECT_EQ(
      call(admin_, "POST", "/types/" + gid + "/action", {{"addProjectAccess", {{"project", demo_project_}}}}).status,
      202);
  EXPECT_EQ(
      call(admin_, "GET", "/types/" + gid + "/os-volume-type-access").json()["volume_type_access"][0]["project_id"],
      demo_project_);
  Json v = create({{"size", 1}, {"volume_type", "gold"}});
  EXPECT_EQ(v["volume_type"], "gold");
  EXPECT_EQ(v["status"], "available");
  EXPECT_EQ(call(admin_, "DELETE", "/types/" + gid).status, 400);  // in use
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 202);
  EXPECT_TRUE(gone("/volumes/" + v["id"].get<std::string>()));
  EXPECT_EQ(call(admin_, "DELETE", "/types/" + gid + "/extra_specs/volume_backend_name").status, 202);
  EXPECT_EQ(call(admin_, "DELETE", "/types/" + gid).status, 202);
}

TEST_F(VolumeApiTest, QuotaSetsLimitsAndOverQuota413) {
  auto q = call(demo_, "GET", "/os-quota-sets/" + demo_project_ + "?usage=False");
  ASSERT_EQ(q.status, 200) << q.body;
  Json set = q.json()["quota_set"];
  EXPECT_EQ(set["id"], demo_project_);
  EXPECT_EQ(set["volumes"], 10);
  EXPECT_EQ(set["snapshots"], 10);
  EXPECT_EQ(set["gigabytes"], 1000);
  EXPECT_EQ(set["backups"], 10);
  EXPECT_EQ(set["backup_gigabytes"], 1000);
  EXPECT_EQ(set["per_volume_gigabytes"], -1);
  EXPECT_EQ(set["groups"], 10);
  EXPECT_EQ(set["volumes_lvmdriver-1"], -1);
  EXPECT_EQ(call(demo_, "GET", "/os-quota-sets/" + admin_project_).status, 403);
  EXPECT_EQ(call(demo_, "GET", "/os-quota-sets/" + demo_project_ + "/defaults").json()["quota_set"]["gigabytes"], 1000);
  EXPECT_EQ(call(demo_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"volumes", 1}}}}).status, 403);
  auto set1 = call(admin_, "PUT", "/os-quota-sets/" + demo_project_,
                   {{"quota_set", {{"tenant_id", demo_project_}, {"volumes", 1}}}});
  ASSERT_EQ(set1.status, 200) << set1.body;
  EXPECT_EQ(set1.json()["quota_set"]["volumes"], 1);
  EXPECT_EQ(call(admin_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"bogus", 1}}}}).status, 400);
  Json v = create({{"size", 1}});
  auto over = call(demo_, "POST", "/volumes", {{"volume", {{"size", 1}}}});
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(message(over, "overLimit"), "Maximum number of volumes allowed (1) exceeded for quota 'volumes'.");
  auto usage = call(demo_, "GET", "/os-quota-sets/" + demo_project_ + "?usage=True").json()["quota_set"];
  EXPECT_EQ(usage["volumes"]["in_use"], 1);
  EXPECT_EQ(usage["volumes"]["limit"], 1);
  EXPECT_EQ(usage["gigabytes"]["in_use"], 1);
  auto limits = call(demo_, "GET", "/limits");
  ASSERT_EQ(limits.status, 200);
  Json abs = limits.json()["limits"]["absolute"];
  EXPECT_EQ(abs["maxTotalVolumes"], 1);
  EXPECT_EQ(abs["totalVolumesUsed"], 1);
  EXPECT_EQ(abs["maxTotalVolumeGigabytes"], 1000);
  EXPECT_EQ(abs["totalGigabytesUsed"], 1);
  EXPECT_EQ(call(admin_, "DELETE", "/os-quota-sets/" + demo_project_).status, 200);
  EXPECT_EQ(call(demo_, "GET", "/os-quota-sets/" + demo_project_).json()["quota_set"]["volumes"], 10);
  EXPECT_EQ(call(admin_, "GET", "/os-quota-class-sets/default").json()["quota_class_set"]["volumes"], 10);
  EXPECT_EQ(call(demo_, "GET", "/os-quota-class-sets/default").status, 403);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 202);
  EXPECT_TRUE(gone("/volumes/" + v["id"].get<std::string>()));
}

TEST_F(VolumeApiTest, ServicesZonesAndPoolsOfTheLab) {
  EXPECT_EQ(call(demo_, "GET", "/os-services").status, 403);
  auto services = call(admin_, "GET", "/os-services");
  ASSERT_EQ(services.status, 200);
  Json list = services.json()["services"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["binary"], "cinder-scheduler");
  EXPECT_EQ(list[0]["host"], "openstackbootcamp");
  EXPECT_EQ(list[1]["binary"], "cinder-volume");
  EXPECT_EQ(list[1]["host"], "openstackbootcamp@lvmdriver-1");
  EXPECT_EQ(list[1]["state"], "up");
  EXPECT_EQ(list[1]["status"], "enabled");
  auto zones = call(demo_, "GET", "/os-availability-zone");
  EXPECT_EQ(zones.json()["availabilityZoneInfo"][0]["zoneName"], "nova");
  auto pools = call(admin_, "GET", "/scheduler-stats/get_pools?detail=True");
  ASSERT_EQ(pools.status, 200);
  EXPECT_EQ(pools.json()["pools"][0]["name"], "openstackbootcamp@lvmdriver-1#lvmdriver-1");
  EXPECT_EQ(pools.json()["pools"][0]["capabilities"]["total_capacity_gb"], 24.0);

  // A disabled backend takes no new volumes: they go to error (NoValidBackend).
  auto off = call(admin_, "PUT", "/os-services/disable",
                  {{"host", "openstackbootcamp@lvmdriver-1"}, {"binary", "cinder-volume"}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["status"], "disabled");
  Json v = create({{"size", 1}});
  EXPECT_EQ(v["status"], "error");
  EXPECT_EQ(call(admin_, "PUT", "/os-services/enable",
                 {{"host", "openstackbootcamp@lvmdriver-1"}, {"binary", "cinder-volume"}})
                .status,
            200);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>()).status, 202);
  EXPECT_TRUE(gone("/volumes/" + v["id"].get<std::string>()));
  EXPECT_EQ(call(admin_, "PUT", "/os-services/enable", {{"host", "nohost"}, {"binary", "cinder-volume"}}).status, 404);
}

TEST_F(VolumeApiTest, TransferAVolumeToAnotherProject) {
  Json v = create({{"size", 1}, {"name", "gift"}});
  std::string id = v["id"];
  auto t = call(demo_, "POST", "/os-volume-transfer", {{"transfer", {{"volume_id", id}, {"name", "gift"}}}});
  ASSERT_EQ(t.status, 202) << t.body;
  Json transfer = t.json()["transfer"];
  std::string tid = transfer["id"], key = transfer["auth_key"];
  EXPECT_EQ(transfer["volume_id"], id);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id).json()["volume"]["status"], "awaiting-transfer");
  Json listed = call(demo_, "GET", "/os-volume-transfer/detail").json()["transfers"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].contains("auth_key"));
  std::string alt_project = stacklab::testing::project_id(client, admin_, "alt_demo");
  std::string alt_base = "/volume/v3/" + alt_project;
  auto bad = send(alt_, "POST", alt_base + "/os-volume-transfer/" + tid + "/accept", {{"accept", {{"auth_key", "x"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(send(alt_, "POST", alt_base + "/os-volume-transfer/" + tid + "/accept", {{"accept", {}}}).status, 400);
  auto ok = send(alt_, "POST", alt_base + "/os-volume-transfer/" + tid + "/accept", {{"accept", {{"auth_key", key}}}});
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id).status, 404);
  auto mine = send(alt_, "GET", alt_base + "/volumes/" + id);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["volume"]["status"], "available");
  EXPECT_EQ(mine.json()["volume"]["os-vol-tenant-attr:tenant_id"], alt_project);
  EXPECT_EQ(send(alt_, "DELETE", alt_base + "/volumes/" + id).status, 202);
}
