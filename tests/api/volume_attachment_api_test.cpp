// Cinder's attachments API (3.27+) and backup records over real HTTP: the
// reserve -> connect -> complete -> delete flow with the volume's statuses,
// multiattach rules, refusals with upstream codes; backup update, export and
// import (and restoring an imported backup).
#include <gtest/gtest.h>

#include "tests/api/volume_api_test.h"

using namespace stacklab;
using stacklab::testing::HttpResult;
using stacklab::testing::VolumeApiTest;
using Json = nlohmann::json;

namespace {

const char* const kServer = "4f6b8a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
const char* const kServer2 = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";

const Json kConnector = {{"initiator", "iqn.1993-08.org.debian:01:cad181614cec"},
                         {"ip", "192.168.1.20"},
                         {"platform", "x86_64"},
                         {"host", "compute-1"},
                         {"os_type", "linux2"},
                         {"multipath", false},
                         {"mountpoint", "/dev/vdb"}};

class VolumeAttachmentApiTest : public VolumeApiTest {
 protected:
  HttpResult attach(const std::string& volume, const std::string& server, const Json& connector = nullptr,
                    const std::string& version = "3.44", const std::string& tok = demo_) {
    Json a = {{"volume_uuid", volume}, {"instance_uuid", server}};
    if (!connector.is_null()) a["connector"] = connector;
    return call(tok, "POST", "/attachments", {{"attachment", a}}, version);
  }
  std::string status_of(const std::string& volume) {
    return call(demo_, "GET", "/volumes/" + volume).json()["volume"]["status"];
  }
  Json settle_backup(const std::string& id, const std::string& tok = demo_) {
    Json b;
    for (int i = 0; i < 400; ++i) {
      auto r = call(tok, "GET", "/backups/" + id, nullptr, "3.44");
      if (r.status != 200) return Json::object();
      b = r.json()["backup"];
      if (b["status"] != "creating" && b["status"] != "restoring") return b;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return b;
  }
};

}  // namespace

TEST_F(VolumeAttachmentApiTest, ReserveConnectCompleteDeleteWalksTheVolumeThroughCindersStatuses) {
  std::string vid = create({{"size", 1}, {"name", "att-flow"}})["id"];

  auto r = attach(vid, kServer);
  ASSERT_EQ(r.status, 200) << r.body;
  Json a = r.json()["attachment"];
  std::string aid = a["id"];
  EXPECT_EQ(a["status"], "reserved");
  EXPECT_EQ(a["instance"], kServer);
  EXPECT_EQ(a["volume_id"], vid);
  EXPECT_EQ(a["attached_at"], "");
  EXPECT_EQ(a["connection_info"], Json::object());
  EXPECT_EQ(status_of(vid), "reserved");
  // Not attached yet: the volume's own view lists no attachment.
  EXPECT_TRUE(call(demo_, "GET", "/volumes/" + vid).json()["volume"]["attachments"].empty());

  auto u = call(demo_, "PUT", "/attachments/" + aid, {{"attachment", {{"connector", kConnector}}}}, "3.27");
  ASSERT_EQ(u.status, 200) << u.body;
  Json connected = u.json()["attachment"];
  EXPECT_EQ(connected["status"], "attaching");
  EXPECT_EQ(connected["attach_mode"], "rw");
  EXPECT_EQ(connected["connection_info"]["driver_volume_type"], "iscsi");
  EXPECT_EQ(connected["connection_info"]["attachment_id"], aid);
  EXPECT_TRUE(connected["connection_info"].contains("target_iqn")) << connected;  // flattened, as Cinder
  EXPECT_EQ(status_of(vid), "attaching");

  // os-complete is 3.44's; at 3.43 there is no such action.
  EXPECT_EQ(call(demo_, "POST", "/attachments/" + aid + "/action", {{"os-complete", nullptr}}, "3.43").status, 400);
  EXPECT_EQ(call(demo_, "POST", "/attachments/" + aid + "/action", {{"os-complete", nullptr}}, "3.44").status, 204);
  Json v = call(demo_, "GET", "/volumes/" + vid).json()["volume"];
  EXPECT_EQ(v["status"], "in-use");
  ASSERT_EQ(v["attachments"].size(), 1u);
  EXPECT_EQ(v["attachments"][0]["attachment_id"], aid);
  EXPECT_EQ(v["attachments"][0]["server_id"], kServer);
  EXPECT_EQ(v["attachments"][0]["host_name"], "compute-1");
  EXPECT_EQ(v["attachments"][0]["device"], "/dev/vdb");

  Json shown = call(demo_, "GET", "/attachments/" + aid, nullptr, "3.27").json()["attachment"];
  EXPECT_EQ(shown["status"], "attached");
  EXPECT_TRUE(shown["attached_at"].is_string() && !shown["attached_at"].get<std::string>().empty());

  // An in-use volume cannot be deleted; deleting the attachment frees it.
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 400);
  auto d = call(demo_, "DELETE", "/attachments/" + aid, nullptr, "3.27");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json(), Json({{"attachments", Json::array()}}));
  EXPECT_EQ(status_of(vid), "available");
  EXPECT_EQ(call(demo_, "GET", "/attachments/" + aid, nullptr, "3.27").status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeAttachmentApiTest, CreateWithAConnectorConnectsAtOnceAndListsFilter) {
  std::string vid = create({{"size", 1}, {"name", "att-connector"}})["id"];
  auto r = attach(vid, kServer, kConnector, "3.27");
  ASSERT_EQ(r.status, 200) << r.body;
  Json a = r.json()["attachment"];
  EXPECT_EQ(a["status"], "attaching");
  EXPECT_EQ(a["connection_info"]["attachment_id"], a["id"]);
  EXPECT_EQ(status_of(vid), "attaching");

  Json list = call(demo_, "GET", "/attachments?volume_id=" + vid, nullptr, "3.27").json()["attachments"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], Json({{"id", a["id"]}, {"status", "attaching"}, {"instance", kServer}, {"volume_id", vid}}));
  Json detail = call(demo_, "GET", "/attachments/detail?instance_id=" + std::string(kServer), nullptr, "3.27")
                    .json()["attachments"];
  ASSERT_EQ(detail.size(), 1u);
  EXPECT_EQ(detail[0]["attach_mode"], "rw");
  auto paged = call(demo_, "GET", "/attachments?limit=1&volume_id=" + vid, nullptr, "3.27");
  EXPECT_EQ(paged.json()["attachments"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/attachments?marker=" + a["id"].get<std::string>() + "&volume_id=" + vid, nullptr,
                 "3.27")
                .json()["attachments"]
                .size(),
            0u);
  EXPECT_EQ(call(demo_, "GET", "/attachments?marker=00000000-0000-4000-8000-000000000000", nullptr, "3.27").status,
            404);
  EXPECT_TRUE(call(demo_, "GET", "/attachments?status=reserved&volume_id=" + vid, nullptr, "3.27")
                  .json()["attachments"]
                  .empty());
  // The admin sees the demo project's attachment only with all_tenants.
  EXPECT_TRUE(call(admin_, "GET", "/attachments?volume_id=" + vid, nullptr, "3.27").json()["attachments"].empty());
  EXPECT_EQ(call(admin_, "GET", "/attachments?all_tenants=1&volume_id=" + vid, nullptr, "3.27")
                .json()["attachments"]
                .size(),
            1u);

  ASSERT_EQ(call(demo_, "DELETE", "/attachments/" + a["id"].get<std::string>(), nullptr, "3.27").status, 200);
  EXPECT_EQ(status_of(vid), "available");
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeAttachmentApiTest, MultiattachRulesAndRefusals) {
  std::string single = create({{"size", 1}, {"name", "att-single"}})["id"];
  std::string multi = create({{"size", 1}, {"name", "att-multi"}, {"multiattach", true}})["id"];

  // Below 3.27 the API is not there.
  EXPECT_EQ(attach(single, kServer, nullptr, "3.26").status, 404);
  EXPECT_EQ(call(demo_, "GET", "/attachments").status, 404);
  // Bad input: no volume, not a uuid, an unknown volume, a connector that is not an object.
  EXPECT_EQ(call(demo_, "POST", "/attachments", {{"attachment", {{"instance_uuid", kServer}}}}, "3.27").status, 400);
  EXPECT_EQ(attach("not-a-uuid", kServer).status, 400);
  EXPECT_EQ(attach("00000000-0000-4000-8000-000000000000", kServer).status, 404);
  EXPECT_EQ(attach(single, kServer, "iqn").status, 400);
  EXPECT_EQ(call(demo_, "GET", "/attachments/00000000-0000-4000-8000-000000000000", nullptr, "3.27").status, 404);
  EXPECT_EQ(call(demo_, "PUT", "/attachments/00000000-0000-4000-8000-000000000000",
                 {{"attachment", {{"connector", kConnector}}}}, "3.27")
                .status,
            404);

  // A single-attach volume: a second server is refused while the first holds it.
  auto first = attach(single, kServer, kConnector);
  ASSERT_EQ(first.status, 200) << first.body;
  std::string first_id = first.json()["attachment"]["id"];
  ASSERT_EQ(call(demo_, "POST", "/attachments/" + first_id + "/action", {{"os-complete", nullptr}}, "3.44").status,
            204);
  auto refused = attach(single, kServer2);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(message(refused, "badRequest"), "Invalid volume: Volume " + single + " status must be available or downloading");
  // The update needs a connector.
  EXPECT_EQ(call(demo_, "PUT", "/attachments/" + first_id, {{"attachment", Json::object()}}, "3.27").status, 400);
  // An admin sees any project's attachment by id.
  EXPECT_EQ(call(admin_, "GET", "/attachments/" + first_id, nullptr, "3.27").status, 200);

  // A multiattach volume takes both servers; it stays in-use until the last goes.
  auto m1 = attach(multi, kServer, kConnector);
  ASSERT_EQ(m1.status, 200) << m1.body;
  std::string m1_id = m1.json()["attachment"]["id"];
  ASSERT_EQ(call(demo_, "POST", "/attachments/" + m1_id + "/action", {{"os-complete", nullptr}}, "3.44").status, 204);
  auto m2 = attach(multi, kServer2, kConnector);
  ASSERT_EQ(m2.status, 200) << m2.body;
  std::string m2_id = m2.json()["attachment"]["id"];
  ASSERT_EQ(call(demo_, "POST", "/attachments/" + m2_id + "/action", {{"os-complete", nullptr}}, "3.44").status, 204);
  EXPECT_EQ(call(demo_, "GET", "/volumes/" + multi).json()["volume"]["attachments"].size(), 2u);
  auto left = call(demo_, "DELETE", "/attachments/" + m1_id, nullptr, "3.27");
  ASSERT_EQ(left.status, 200);
  ASSERT_EQ(left.json()["attachments"].size(), 1u);
  EXPECT_EQ(left.json()["attachments"][0]["id"], m2_id);
  EXPECT_EQ(status_of(multi), "in-use");
  ASSERT_EQ(call(demo_, "DELETE", "/attachments/" + m2_id, nullptr, "3.27").status, 200);
  EXPECT_EQ(status_of(multi), "available");

  // A volume in error takes no attachment.
  ASSERT_EQ(call(demo_, "DELETE", "/attachments/" + first_id, nullptr, "3.27").status, 200);
  ASSERT_EQ(call(admin_, "POST", "/volumes/" + single + "/action", {{"os-reset_status", {{"status", "error"}}}})
                .status,
            202);
  EXPECT_EQ(attach(single, kServer).status, 400);
  for (const std::string& id : {single, multi}) EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + id).status, 202);
}

TEST_F(VolumeAttachmentApiTest, SnapshotsShowTheirUserFrom341AndInUseVolumesExtendFrom342) {
  std::string vid = create({{"size", 1}, {"name", "att-extend"}})["id"];
  auto s = call(demo_, "POST", "/snapshots", {{"snapshot", {{"volume_id", vid}}}}, "3.41");
  ASSERT_EQ(s.status, 202) << s.body;
  EXPECT_TRUE(s.json()["snapshot"]["user_id"].is_string());
  std::string sid = s.json()["snapshot"]["id"];
  EXPECT_FALSE(call(demo_, "GET", "/snapshots/" + sid, nullptr, "3.40").json()["snapshot"].contains("user_id"));
  for (int i = 0; i < 400 && call(demo_, "GET", "/snapshots/" + sid).json()["snapshot"]["status"] == "creating"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(call(demo_, "DELETE", "/snapshots/" + sid).status, 202);
  ASSERT_TRUE(gone("/snapshots/" + sid));

  auto a = attach(vid, kServer, kConnector);
  ASSERT_EQ(a.status, 200) << a.body;
  std::string aid = a.json()["attachment"]["id"];
  ASSERT_EQ(call(demo_, "POST", "/attachments/" + aid + "/action", {{"os-complete", nullptr}}).status, 404)
      << "3.0 has no attachments API";
  ASSERT_EQ(call(demo_, "POST", "/attachments/" + aid + "/action", {{"os-complete", nullptr}}, "3.44").status, 204);
  Json extend = {{"os-extend", {{"new_size", 2}}}};
  EXPECT_EQ(call(demo_, "POST", "/volumes/" + vid + "/action", extend, "3.41").status, 400);
  ASSERT_EQ(call(demo_, "POST", "/volumes/" + vid + "/action", extend, "3.42").status, 202);
  Json v = wait(vid);
  EXPECT_EQ(v["status"], "in-use");
  EXPECT_EQ(v["size"], 2);
  ASSERT_EQ(call(demo_, "DELETE", "/attachments/" + aid, nullptr, "3.27").status, 200);
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeAttachmentApiTest, BackupsUpdateWithMetadataFrom343) {
  std::string vid = create({{"size", 1}, {"name", "bk-update"}})["id"];
  auto r = call(demo_, "POST", "/backups",
                {{"backup", {{"volume_id", vid}, {"name", "b1"}, {"metadata", {{"k", "v"}}}}}}, "3.43");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string bid = r.json()["backup"]["id"];
  Json b = settle_backup(bid);
  ASSERT_EQ(b["status"], "available") << b;
  EXPECT_EQ(b["metadata"], Json({{"k", "v"}}));
  EXPECT_FALSE(call(demo_, "GET", "/backups/" + bid, nullptr, "3.42").json()["backup"].contains("metadata"));

  Json change = {{"backup", {{"name", "renamed"}, {"description", "d"}}}};
  EXPECT_EQ(call(demo_, "PUT", "/backups/" + bid, change, "3.8").status, 404);
  auto u = call(demo_, "PUT", "/backups/" + bid, change, "3.9");
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json()["backup"]["name"], "renamed");
  EXPECT_EQ(u.json()["backup"].size(), 3u);  // id, name, links
  // metadata is 3.43's; below it, and unknown fields, are refused.
  EXPECT_EQ(call(demo_, "PUT", "/backups/" + bid, {{"backup", {{"metadata", {{"a", "b"}}}}}}, "3.42").status, 400);
  EXPECT_EQ(call(demo_, "PUT", "/backups/" + bid, {{"backup", {{"size", 3}}}}, "3.43").status, 400);
  EXPECT_EQ(call(demo_, "PUT", "/backups/" + bid, {{"backup", {{"metadata", {{"a", 1}}}}}}, "3.43").status, 400);
  EXPECT_EQ(call(demo_, "PUT", "/backups/" + bid, Json::object(), "3.43").status, 400);
  EXPECT_EQ(call(demo_, "PUT", "/backups/00000000-0000-4000-8000-000000000000", change, "3.43").status, 404);
  ASSERT_EQ(call(demo_, "PUT", "/backups/" + bid, {{"backup", {{"metadata", {{"a", "b"}}}}}}, "3.43").status, 200);
  Json shown = settle_backup(bid);
  EXPECT_EQ(shown["name"], "renamed");
  EXPECT_EQ(shown["description"], "d");
  EXPECT_EQ(shown["metadata"], Json({{"a", "b"}}));

  EXPECT_EQ(call(demo_, "DELETE", "/backups/" + bid).status, 202);
  EXPECT_TRUE(gone("/backups/" + bid));
  EXPECT_EQ(call(demo_, "DELETE", "/volumes/" + vid).status, 202);
}

TEST_F(VolumeAttachmentApiTest, BackupRecordsExportAndImportIntoARestorableBackup) {
  std::string vid = create({{"size", 1}, {"name", "bk-export"}}, admin_)["id"];
  auto r = call(admin_, "POST", "/backups", {{"backup", {{"volume_id", vid}, {"name", "exported"}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string bid = r.json()["backup"]["id"];
  ASSERT_EQ(settle_backup(bid, admin_)["status"], "available");

  // A member may not export; an unknown backup is 404.
  EXPECT_EQ(call(demo_, "GET", "/backups/" + bid + "/export_record").status, 404);
  EXPECT_EQ(call(admin_, "GET", "/backups/00000000-0000-4000-8000-000000000000/export_record").status, 404);
  auto e = call(admin_, "GET", "/backups/" + bid + "/export_record");
  ASSERT_EQ(e.status, 200) << e.body;
  Json record = e.json()["backup-record"];
  EXPECT_EQ(record["backup_service"], "cinder.backup.drivers.posix.PosixBackupDriver");
  ASSERT_TRUE(record["backup_url"].is_string());

  // Importing while the backup exists: its id is taken.
  auto taken = call(admin_, "POST", "/backups/import_record", {{"backup-record", record}});
  EXPECT_EQ(taken.status, 400) << taken.body;
  EXPECT_EQ(message(taken, "badRequest"), "Invalid backup: Backup already exists in database.");
  ASSERT_EQ(call(admin_, "DELETE", "/backups/" + bid).status, 202);
  ASSERT_TRUE(gone("/backups/" + bid, admin_));

  // Bad records.
  EXPECT_EQ(call(admin_, "POST", "/backups/import_record", {{"backup-record", {{"backup_service", "x"}}}}).status,
            400);
  EXPECT_EQ(call(admin_, "POST", "/backups/import_record",
                 {{"backup-record", {{"backup_service", record["backup_service"]}, {"backup_url", "%%%"}}}})
                .status,
            400);
  EXPECT_EQ(call(admin_, "POST", "/backups/import_record",
                 {{"backup-record", {{"backup_service", "cinder.backup.drivers.nfs"}, {"backup_url", record["backup_url"]}}}})
                .status,
            500);
  EXPECT_EQ(call(demo_, "POST", "/backups/import_record", {{"backup-record", record}}).status, 403);

  auto imported = call(admin_, "POST", "/backups/import_record", {{"backup-record", record}});
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.json()["backup"]["id"], bid);
  EXPECT_EQ(imported.json()["backup"]["name"], "exported");
  Json b = settle_backup(bid, admin_);
  EXPECT_EQ(b["status"], "available");
  EXPECT_EQ(b["size"], 1);

  auto restore = call(admin_, "POST", "/backups/" + bid + "/restore", {{"restore", {{"name", "from-import"}}}});
  ASSERT_EQ(restore.status, 202) << restore.body;
  std::string restored = restore.json()["restore"]["volume_id"];
  EXPECT_EQ(wait(restored, admin_)["status"], "available");
  EXPECT_EQ(settle_backup(bid, admin_)["status"], "available");
  EXPECT_EQ(call(admin_, "DELETE", "/backups/" + bid).status, 202);
  for (const std::string& id : {vid, restored}) EXPECT_EQ(call(admin_, "DELETE", "/volumes/" + id).status, 202);
}
