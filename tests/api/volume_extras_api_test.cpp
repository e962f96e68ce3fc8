// Cinder v3 over real HTTP, beyond the volume basics: what tempest's interop
// volume tests read (the extensions list, snapshot views by call, snapshot
// metadata items, the read-only flag in the volume's metadata, blank ids,
// uploads to the image service) and backups (create full and incremental,
// list, show, restore to a new or an existing volume, delete, quotas).
#include <gtest/gtest.h>

#include <set>

#include "tests/api/volume_api_test.h"

using namespace stacklab;
using stacklab::testing::VolumeApiTest;
using Json = nlohmann::json;

namespace {

class VolumeExtrasApiTest : public VolumeApiTest {
 protected:
  // Waits until GET `path`'s `key` object leaves the transitional `from` status; its last view.
  Json settle(const std::string& path, const std::string& key, const std::string& from,
              const std::string& tok = demo_) {
    Json item;
    for (int i = 0; i < 400; ++i) {
      auto r = call(tok, "GET", path);
      if (r.status != 200) return Json::object();
      item = r.json()[key];
      if (item["status"] != from) return item;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return item;
  }
  // A backup of `volume_id` (202 expected), settled; its detailed view.
  Json backup(const std::string& volume_id, Json extra = Json::object()) {
    extra["volume_id"] = volume_id;
    auto r = call(demo_, "POST", "/backups", {{"backup", extra}});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return Json::object();
    Json created = r.json()["backup"];
    EXPECT_EQ(created.size(), 3u) << created;  // id, name, links: Cinder's create answer
    return settle("/backups/" + created["id"].get<std::string>(), "backup", "creating");
  }
};

}  // namespace

TEST_F(VolumeExtrasApiTest, ExtensionsListNamesHostsAndTheServedAliases) {
  auto r = call(demo_, "GET", "/extensions");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> names, aliases;
  Json extensions = r.json()["extensions"];
  for (const auto& e : extensions) {
    names.insert(e["name"].get<std::string>());
    aliases.insert(e["alias"].get<std::string>());
    EXPECT_TRUE(e["links"].is_array());
    EXPECT_TRUE(e.contains("updated") && e.contains("description"));
  }
  EXPECT_TRUE(names.count("Hosts"));
  EXPECT_TRUE(aliases.count("backups"));
  EXPECT_TRUE(aliases.count("os-volume-transfer"));
  auto hosts = call(admin_, "GET", "/os-hosts");
  ASSERT_EQ(hosts.status, 200) << hosts.body;
  ASSERT_FALSE(hosts.json()["hosts"].empty());
  EXPECT_EQ(hosts.json()["hosts"][0]["service-status"], "available");
  EXPECT_EQ(call(demo_, "GET", "/os-hosts").status, 403);
}

TEST_F(VolumeExtrasApiTest, SnapshotViewsCarryExtendedAttributesOnlyOnShowAndDetail) {
  Json v = create({{"size", 1}, {"name", "snap-views"}});
  auto made = call(demo_, "POST", "/snapshots",
                   {{"snapshot", {{"volume_id", v["id"]}, {"name", "sv"}, {"metadata", {{"a", "1"}}}}}});
  ASSERT_EQ(made.status, 202) << made.body;
  Json created = made.json()["snapshot"];
  EXPECT_FALSE(created.contains("os-extended-snapshot-attributes:progress"));
  std::string sid = created["id"];
  Json shown = settle("/snapshots/" + sid, "snapshot", "creating");
  EXPECT_EQ(shown["os-extended-snapshot-attributes:progress"], "100%");
  EXPECT_EQ(shown["os-extended-snapshot-attributes:project_id"], demo_project_);
  auto updated = call(demo_, "PUT", "/snapshots/" + sid, {{"snapshot", {{"name", "sv2"}}}});
  ASSERT_EQ(updated.status, 200);
  EXPECT_FALSE(updated.json()["snapshot"].contains("os-extended-snapshot-attributes:project_id"));
  Json summary = call(demo_, "GET", "/snapshots?name=sv2").json()["snapshots"];
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_FALSE(summary[0].contains("os-extended-snapshot-attributes:progress"));
  Json detail = call(demo_, "GET", "/snapshots/detail?name=sv2").json()["snapshots"];
  ASSERT_EQ(detail.size(), 1u);
  EXPECT_EQ(detail[0]["os-extended-snapshot-attributes:progress"], "100%");

  // One metadata item: show and replace.
  auto item = call(demo_, "GET", "/snapshots/" + sid + "/metadata/a");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json()["meta"], Json({{"a", "1"}}));
  auto put = call(demo_, "PUT", "/snapshots/" + sid + "/metadata/a", {{"meta", {{"a", "2"}}}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["meta"], Json({{"a", "2"}}));
  EXPECT_EQ(call(demo_, "GET", "/snapshots/" + sid + "/metadata").json()["metadata"], Json({{"a", "2"}}));
  EXPECT_EQ(call(demo_, "PUT", "/snapshots/" + sid + "/metadata/a", {{"meta", {{"b", "2"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "GET", "/snapshots/" + sid + "/metadata/zz").status, 404);

  // A null volume_id names no volume.
  EXPECT_EQ(call(demo_, "POST", "/snapshots", {{"snapshot", {{"volume_id", nullptr}}}}).status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + v["id"].get<std::string>() + "?cascade=true").status, 202);
}

TEST_F(VolumeExtrasApiTest, BlankIdsAreNotFoundNotMethodNotAllowed) {
  EXPECT_EQ(call(demo_, "GET", "/volumes/").status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/").status, 404);
  EXPECT_EQ(call(demo_, "PUT", "/volumes/", {{"volume", {{"name", "x"}}}}).status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/snapshots/").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/volumes").status, 200);
}

TEST_F(VolumeExtrasApiTest, ListsSortByDisplayNameAndSkipAnOffset) {
  std::vector<std::string> ids;
  for (const char* name : {"list-b", "list-a", "list-c"}) ids.push_back(create({{"size", 1}, {"name", name}})["id"]);
  Json sorted = call(demo_, "GET", "/volumes?sort_key=display_name&sort_dir=asc&name~=list-").json()["volumes"];
  std::vector<std::string> names;
  for (const auto& v : sorted)
    if (v["name"].get<std::string>().rfind("list-", 0) == 0) names.push_back(v["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"list-a", "list-b", "list-c"}));
  auto all = call(demo_, "GET", "/volumes").json()["volumes"];
  auto skipped = call(demo_, "GET", "/volumes?offset=2&limit=3").json()["volumes"];
  EXPECT_EQ(skipped.size(), std::min<std::size_t>(3, all.size() - 2));
  EXPECT_EQ(skipped[0]["id"], all[2]["id"]);
  EXPECT_EQ(call(demo_, "GET", "/volumes?offset=-1").status, 400);
  for (const auto& id : ids) EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
}

TEST_F(VolumeExtrasApiTest, ReadonlyFlagShowsInTheVolumesMetadata) {
  Json v = create({{"size", 1}, {"metadata", {{"k", "v"}}}});
  std::string id = v["id"];
  EXPECT_FALSE(v["metadata"].contains("readonly"));
  for (bool flag : {true, false}) {
    auto r = call(demo_, "POST", "/volumes/" + id + "/action", {{"os-update_readonly_flag", {{"readonly", flag}}}});
    ASSERT_EQ(r.status, 202) << r.body;
    Json shown = call(demo_, "GET", "/volumes/" + id).json()["volume"];
    EXPECT_EQ(shown["metadata"]["readonly"], flag ? "True" : "False");
    EXPECT_EQ(shown["metadata"]["k"], "v");
  }
  // The metadata API is the user's own: the flag is not part of it.
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id + "/metadata").json()["metadata"], Json({{"k", "v"}}));
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
}

TEST_F(VolumeExtrasApiTest, UploadToImageMakesAnActiveImageAndReturnsTheVolume) {
  Json v = create({{"size", 1}, {"name", "to-upload"}});
  std::string id = v["id"];
  auto r = call(demo_, "POST", "/volumes/" + id + "/action",
                {{"os-volume_upload_image", {{"image_name", "from-volume"}, {"disk_format", "qcow2"}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  Json up = r.json()["os-volume_upload_image"];
  EXPECT_EQ(up["status"], "uploading");
  EXPECT_EQ(up["image_name"], "from-volume");
  EXPECT_EQ(up["container_format"], "bare");
  EXPECT_EQ(up["volume_type"]["name"], "lvmdriver-1");
  std::string image_id = up["image_id"];
  EXPECT_EQ(wait(id)["status"], "available");
  Json image;
  for (int i = 0; i < 400; ++i) {
    image = send(demo_, "GET", "/image/v2/images/" + image_id).json();
    if (image["status"] == "active") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(image["status"], "active");
  EXPECT_EQ(image["name"], "from-volume");
  EXPECT_EQ(image["disk_format"], "qcow2");
  EXPECT_EQ(image["owner"], demo_project_);
  // No name is bad input; a bad format is Glance's 400 and leaves the volume available.
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action", {{"os-volume_upload_image", Json::object()}}).status,
            400);
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + id + "/action",
                 {{"os-volume_upload_image", {{"image_name", "bad"}, {"disk_format", "floppy"}}}})
                .status,
            400);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + id).json()["volume"]["status"], "available");
  EXPECT_EQ(send(demo_, "DELETE", "/image/v2/images/" + image_id).status, 204);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
}

TEST_F(VolumeExtrasApiTest, BackupsCreateFullAndIncrementalThenDeleteInOrder) {
  Json v = create({{"size", 1}, {"name", "backed"}});
  std::string vid = v["id"];
  auto early = call(demo_, "POST", "/backups", {{"backup", {{"volume_id", vid}, {"incremental", true}}}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(message(early, "badRequest"), "Invalid backup: No backups available to do an incremental backup.");

  Json full = backup(vid, {{"name", "full"}, {"description", "first"}});
  ASSERT_EQ(full["status"], "available") << full;
  EXPECT_EQ(full["size"], 1);
  EXPECT_EQ(full["volume_id"], vid);
  EXPECT_EQ(full["is_incremental"], false);
  EXPECT_EQ(full["container"], "volumebackups");
  EXPECT_TRUE(full["fail_reason"].is_null());
  EXPECT_EQ(wait(vid)["status"], "available");  // back from backing-up
  Json incr = backup(vid, {{"name", "incr"}, {"incremental", true}});
  ASSERT_EQ(incr["status"], "available") << incr;
  EXPECT_EQ(incr["is_incremental"], true);
  std::string full_id = full["id"], incr_id = incr["id"];
  EXPECT_EQ(call(demo_, "GET", "/backups/" + full_id).json()["backup"]["has_dependent_backups"], true);

  Json listed = call(demo_, "GET", "/backups").json()["backups"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].size(), 3u);  // the summary: id, name, links
  EXPECT_EQ(call(demo_, "GET", "/backups/detail?name=incr").json()["backups"].size(), 1u);
  EXPECT_EQ(call(admin_, "GET", "/backups/" + full_id).status, 200);
  EXPECT_EQ(call(demo_, "GET", "/backups/" + full_id, nullptr, "3.18").json()["backup"].count(
                "os-backup-project-attr:project_id"),
            0u);  // admin only
  auto blocked = call(demo_, "DELETE", "/backups/" + full_id);
  EXPECT_EQ(blocked.status, 400);
  EXPECT_EQ(message(blocked, "badRequest"), "Invalid backup: Incremental backups exist for this backup.");
  EXPECT_EQ(call(demo_, "DELETE", "/backups/" + incr_id).status, 202);
  EXPECT_TRUE(gone("/backups/" + incr_id));
  EXPECT_EQ(call(demo_, "DELETE", "/backups/" + full_id).status, 202);
  EXPECT_TRUE(gone("/backups/" + full_id));
  EXPECT_EQ(call(demo_, "GET", "/backups/" + full_id).status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeExtrasApiTest, BackupsRestoreToANewOrAnExistingVolume) {
  Json v = create({{"size", 1}, {"name", "restore-src"}});
  std::string vid = v["id"];
  Json b = backup(vid, {{"name", "to-restore"}});
  ASSERT_EQ(b["status"], "available") << b;
  std::string bid = b["id"];

  auto fresh = call(demo_, "POST", "/backups/" + bid + "/restore", {{"restore", {{"name", "restored"}}}});
  ASSERT_EQ(fresh.status, 202) << fresh.body;
  Json restore = fresh.json()["restore"];
  EXPECT_EQ(restore["backup_id"], bid);
  EXPECT_EQ(restore["volume_name"], "restored");
  std::string new_id = restore["volume_id"];
  Json restored = wait(new_id);
  EXPECT_EQ(restored["status"], "available") << restored;
  EXPECT_EQ(restored["size"], 1);
  EXPECT_EQ(settle("/backups/" + bid, "backup", "restoring")["status"], "available");

  Json small = create({{"size", 2}, {"name", "existing"}});
  auto into = call(demo_, "POST", "/backups/" + bid + "/restore", {{"restore", {{"volume_id", small["id"]}}}});
  ASSERT_EQ(into.status, 202) << into.body;
  EXPECT_EQ(into.json()["restore"]["volume_id"], small["id"]);
  EXPECT_EQ(wait(small["id"])["status"], "available");
  EXPECT_EQ(settle("/backups/" + bid, "backup", "restoring")["status"], "available");

  // An unknown target or backup is 404; a member may not reset a status.
  EXPECT_EQ(call(demo_, "POST", "/backups/" + bid + "/restore", {{"restore", {{"volume_id", "nope"}}}}).status, 404);
  EXPECT_EQ(call(demo_, "POST", "/backups/" + bid + "/action", {{"os-reset_status", {{"status", "error"}}}}).status,
            403);
  EXPECT_EQ(call(demo_, "POST", "/backups/nope/restore", {{"restore", Json::object()}}).status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/backups/" + bid).status, 202);
  EXPECT_TRUE(gone("/backups/" + bid));
  for (const std::string& id : {vid, new_id, small["id"].get<std::string>()})
    EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202) << id;
}

TEST_F(VolumeExtrasApiTest, BackupQuotasCountBackupsAndTheirGigabytes) {
  Json v = create({{"size", 1}, {"name", "quota-src"}});
  std::string vid = v["id"];
  auto set = send(admin_, "PUT", "/volume/v3/" + admin_project_ + "/os-quota-sets/" + demo_project_,
                  {{"quota_set", {{"backups", 1}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  Json first = backup(vid);
  ASSERT_EQ(first["status"], "available");
  auto over = call(demo_, "POST", "/backups", {{"backup", {{"volume_id", vid}}}});
  EXPECT_EQ(over.status, 413) << over.body;
  Json limits = call(demo_, "GET", "/limits").json()["limits"]["absolute"];
  EXPECT_EQ(limits["totalBackupsUsed"], 1);
  EXPECT_EQ(limits["totalBackupGigabytesUsed"], 1);
  EXPECT_EQ(call(demo_, "DELETE", "/backups/" + first["id"].get<std::string>()).status, 202);
  EXPECT_TRUE(gone("/backups/" + first["id"].get<std::string>()));
  EXPECT_EQ(send(admin_, "PUT", "/volume/v3/" + admin_project_ + "/os-quota-sets/" + demo_project_,
                 {{"quota_set", {{"backups", 10}}}})
                .status,
            200);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeExtrasApiTest, QosSpecsAreAdminsAndAssociateWithTypes) {
  auto made = call(admin_, "POST", "/qos-specs",
                   {{"qos_specs", {{"name", "gold"}, {"consumer", "front-end"}, {"read_iops_sec", "2000"}}}});
  ASSERT_EQ(made.status, 200) << made.body;
  Json q = made.json()["qos_specs"];
  EXPECT_EQ(q["consumer"], "front-end");
  EXPECT_EQ(q["specs"], Json({{"read_iops_sec", "2000"}}));
  EXPECT_TRUE(made.json()["links"].is_array());
  std::string qid = q["id"];
  EXPECT_EQ(call(admin_, "POST", "/qos-specs", {{"qos_specs", {{"name", "gold"}}}}).status, 409);
  EXPECT_EQ(call(admin_, "POST", "/qos-specs", {{"qos_specs", {{"name", "x"}, {"consumer", "nobody"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "GET", "/qos-specs").status, 403);

  auto set = call(admin_, "PUT", "/qos-specs/" + qid, {{"qos_specs", {{"write_iops_sec", "1000"}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["qos_specs"], Json({{"write_iops_sec", "1000"}}));
  EXPECT_EQ(call(admin_, "PUT", "/qos-specs/" + qid + "/delete_keys", {{"keys", {"read_iops_sec"}}}).status, 202);
  EXPECT_EQ(call(admin_, "PUT", "/qos-specs/" + qid + "/delete_keys", {{"keys", {"read_iops_sec"}}}).status, 404);
  Json shown = call(admin_, "GET", "/qos-specs/" + qid).json()["qos_specs"];
  EXPECT_EQ(shown["specs"], Json({{"write_iops_sec", "1000"}}));
  bool listed = false;
  Json all = call(admin_, "GET", "/qos-specs").json()["qos_specs"];
  for (const auto& item : all) listed |= item["id"] == qid;
  EXPECT_TRUE(listed);

  auto type = call(admin_, "POST", "/types", {{"volume_type", {{"name", "qos-typed"}}}});
  ASSERT_EQ(type.status, 200) << type.body;
  EXPECT_FALSE(type.json()["volume_type"].contains("qos_specs_id"));  // not in Cinder's create answer
  std::string tid = type.json()["volume_type"]["id"];
  EXPECT_EQ(call(admin_, "GET", "/qos-specs/" + qid + "/associate?vol_type_id=" + tid).status, 202);
  Json assoc = call(admin_, "GET", "/qos-specs/" + qid + "/associations").json()["qos_associations"];
  ASSERT_EQ(assoc.size(), 1u);
  EXPECT_EQ(assoc[0], Json({{"association_type", "volume_type"}, {"id", tid}, {"name", "qos-typed"}}));
  EXPECT_EQ(call(admin_, "GET", "/types/" + tid).json()["volume_type"]["qos_specs_id"], qid);
  auto blocked = call(admin_, "DELETE", "/qos-specs/" + qid);
  EXPECT_EQ(blocked.status, 400);
  EXPECT_EQ(message(blocked, "badRequest"), "QoS Specs " + qid + " is still associated with entities.");
  EXPECT_EQ(call(admin_, "GET", "/qos-specs/" + qid + "/disassociate?vol_type_id=" + tid).status, 202);
  EXPECT_TRUE(call(admin_, "GET", "/types/" + tid).json()["volume_type"]["qos_specs_id"].is_null());
  EXPECT_EQ(call(admin_, "GET", "/qos-specs/" + qid + "/associate?vol_type_id=" + tid).status, 202);
  EXPECT_EQ(call(admin_, "DELETE", "/qos-specs/" + qid + "?force=True").status, 202);
  EXPECT_EQ(call(admin_, "GET", "/qos-specs/" + qid).status, 404);
  EXPECT_TRUE(call(admin_, "GET", "/types/" + tid).json()["volume_type"]["qos_specs_id"].is_null());
  EXPECT_EQ(call(admin_, "DELETE", "/types/" + tid).status, 202);
}

TEST_F(VolumeExtrasApiTest, RetypeInPlaceOrRefusedMigrationKeepsTheType) {
  auto same = call(admin_, "POST", "/types",
                   {{"volume_type", {{"name", "lvm-gold"}, {"extra_specs", {{"volume_backend_name", "lvmdriver-1"}}}}}});
  ASSERT_EQ(same.status, 200) << same.body;
  auto other = call(admin_, "POST", "/types",
                    {{"volume_type", {{"name", "ceph-only"}, {"extra_specs", {{"volume_backend_name", "ceph"}}}}}});
  ASSERT_EQ(other.status, 200) << other.body;
  Json v = create({{"size", 1}, {"name", "to-retype"}});
  std::string id = v["id"];
  auto retype = [&](const Json& args) { return call(demo_, "POST", "/volumes/" + id + "/action", {{"os-retype", args}}); };
  EXPECT_EQ(retype({{"new_type", "lvm-gold"}, {"migration_policy", "sometimes"}}).status, 400);
  EXPECT_EQ(retype({{"new_type", "lvmdriver-1"}}).status, 400);  // the same type
  EXPECT_EQ(retype({{"new_type", "nope"}}).status, 404);
  ASSERT_EQ(retype({{"new_type", "lvm-gold"}}).status, 202);
  Json after = wait(id);
  for (int i = 0; i < 400 && after["status"] == "retyping"; ++i) after = wait(id);
  EXPECT_EQ(after["status"], "available");
  EXPECT_EQ(after["volume_type"], "lvm-gold");
  // No pool serves "ceph": the type stays, whatever the policy.
  for (const char* policy : {"never", "on-demand"}) {
    ASSERT_EQ(retype({{"new_type", "ceph-only"}, {"migration_policy", policy}}).status, 202);
    Json kept = call(demo_, "GET", "/volumes/" + id).json()["volume"];
    for (int i = 0; i < 400 && kept["status"] == "retyping"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      kept = call(demo_, "GET", "/volumes/" + id).json()["volume"];
    }
    EXPECT_EQ(kept["status"], "available") << policy;
    EXPECT_EQ(kept["volume_type"], "lvm-gold") << policy;
  }
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
  EXPECT_TRUE(gone("/volumes/" + id));
  for (const auto& t : {same, other})
    EXPECT_EQ(call(admin_, "DELETE", "/types/" + t.json()["volume_type"]["id"].get<std::string>()).status, 202);
}

// What Horizon reads before its Volumes table and Create Volume form (it asks
// at 3.43, below our 3.44): the groups exist as empty lists from 3.13 on.
TEST_F(VolumeExtrasApiTest, GroupsAndGroupSnapshotsAreEmptyListsFromTheirMicroversions) {
  auto groups = call(demo_, "GET", "/groups/detail", nullptr, "3.43");
  ASSERT_EQ(groups.status, 200) << groups.body;
  EXPECT_EQ(groups.json(), (Json{{"groups", Json::array()}}));
  EXPECT_EQ(call(demo_, "GET", "/groups", nullptr, "3.13").json(), (Json{{"groups", Json::array()}}));
  EXPECT_EQ(call(demo_, "GET", "/group_snapshots/detail", nullptr, "3.14").json(),
            (Json{{"group_snapshots", Json::array()}}));
  auto missing = call(demo_, "GET", "/groups/4f7c3f6e-0000-4000-8000-000000000000", nullptr, "3.43");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(message(missing, "itemNotFound"), "Group 4f7c3f6e-0000-4000-8000-000000000000 could not be found.");
  // Below their microversions, and on /v2, Cinder has no such routes.
  EXPECT_EQ(call(demo_, "GET", "/groups", nullptr, "3.12").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/group_snapshots", nullptr, "3.13").status, 404);
  EXPECT_EQ(send(demo_, "GET", "/volume/v2/" + demo_project_ + "/groups").status, 404);
}

// Admin > Volume Types reads each type's encryption: none, {} as Cinder answers.
TEST_F(VolumeExtrasApiTest, VolumeTypeEncryptionIsNoneAndAdminOnly) {
  auto types = call(admin_, "GET", "/types").json()["volume_types"];
  ASSERT_FALSE(types.empty());
  std::string id = types[0]["id"];
  auto enc = call(admin_, "GET", "/types/" + id + "/encryption");
  ASSERT_EQ(enc.status, 200) << enc.body;
  EXPECT_EQ(enc.json(), Json::object());
  EXPECT_EQ(call(admin_, "GET", "/types/no-such-type/encryption").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/types/" + id + "/encryption").status, 403);
  // Making one encrypted: an unknown type is 404 as in Cinder (tempest a5924b5f), a known one is refused.
  Json spec = {{"encryption", {{"provider", "LuksEncryptor"}, {"control_location", "front-end"}}}};
  EXPECT_EQ(call(admin_, "POST", "/types/0f0e0d0c-0b0a-4909-8807-060504030201/encryption", spec).status, 404);
  EXPECT_EQ(call(admin_, "POST", "/types/" + id + "/encryption", spec).status, 501);
  EXPECT_EQ(call(admin_, "GET", "/types/" + id + "/encryption").json(), Json::object());
}
