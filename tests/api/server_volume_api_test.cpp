// Servers with Cinder's volumes over real HTTP on the lab cloud:
// os-volume_attachments (attach, list, show, detach) with the fields of
// each microversion, the statuses and attachments Cinder shows meanwhile,
// Nova's refusals, what a server delete does to its volumes, and booting
// from a volume (from an image, an existing volume, a snapshot).
#include "tests/api/server_volume_api_test.h"

#include <gtest/gtest.h>

using namespace stacklab;
using stacklab::testing::HttpResult;
using stacklab::testing::ServerVolumeApiTest;
using Json = nlohmann::json;

TEST_F(ServerVolumeApiTest, AttachGivesVdbThenVdcAndCinderShowsTheAttachment) {
  std::string server = active_server("vm-attach");
  std::string v1 = volume(), v2 = volume();
  auto r = attach(server, v1);
  ASSERT_EQ(r.status, 200) << r.body;
  Json a = r.json()["volumeAttachment"];
  EXPECT_EQ(a["device"], "/dev/vdb");
  EXPECT_EQ(a["id"], v1);
  EXPECT_EQ(a["volumeId"], v1);
  EXPECT_EQ(a["serverId"], server);
  EXPECT_FALSE(a.contains("tag"));  // 2.49 and later only

  Json v = wait_status(v1, "in-use");
  ASSERT_EQ(v["status"], "in-use");
  ASSERT_EQ(v["attachments"].size(), 1u);
  EXPECT_EQ(v["attachments"][0]["server_id"], server);
  EXPECT_EQ(v["attachments"][0]["device"], "/dev/vdb");
  EXPECT_EQ(v["attachments"][0]["host_name"], "openstackbootcamp");
  EXPECT_TRUE(v["attachments"][0]["attachment_id"].is_string());
  EXPECT_TRUE(v["attachments"][0]["attached_at"].is_string());
  // Nova's attachment is the one the attachments API (3.27) shows.
  auto listed = send(demo_, "GET", "/volume/v3/" + demo_project_ + "/attachments/detail?volume_id=" + v1, nullptr,
                     {{"OpenStack-API-Version", "volume 3.27"}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["attachments"].size(), 1u);
  EXPECT_EQ(listed.json()["attachments"][0]["id"], v["attachments"][0]["attachment_id"]);
  EXPECT_EQ(listed.json()["attachments"][0]["instance"], server);
  EXPECT_EQ(listed.json()["attachments"][0]["status"], "attached");

  auto r2 = attach(server, v2, "2.79", demo_, {{"tag", "data"}, {"delete_on_termination", true}});
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(r2.json()["volumeAttachment"]["device"], "/dev/vdc");
  EXPECT_EQ(r2.json()["volumeAttachment"]["tag"], "data");
  EXPECT_EQ(r2.json()["volumeAttachment"]["delete_on_termination"], true);
  wait_status(v2, "in-use");

  // The server's view: ids only at 2.1, delete_on_termination from 2.3.
  Json shown = call(demo_, "GET", "/servers/" + server).json()["server"];
  EXPECT_EQ(shown["os-extended-volumes:volumes_attached"], Json::array({{{"id", v1}}, {{"id", v2}}}));
  shown = call(demo_, "GET", "/servers/" + server, nullptr, "2.3").json()["server"];
  EXPECT_EQ(shown["os-extended-volumes:volumes_attached"][1],
            Json({{"id", v2}, {"delete_on_termination", true}}));

  // The list and the show by microversion.
  Json list = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments").json()["volumeAttachments"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], Json({{"id", v1}, {"serverId", server}, {"volumeId", v1}, {"device", "/dev/vdb"}}));
  Json at70 = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments/" + v2, nullptr, "2.70")
                  .json()["volumeAttachment"];
  EXPECT_EQ(at70["tag"], "data");
  EXPECT_FALSE(at70.contains("delete_on_termination"));
  Json at89 = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments/" + v1, nullptr, "2.89")
                  .json()["volumeAttachment"];
  EXPECT_FALSE(at89.contains("id"));
  EXPECT_EQ(at89["attachment_id"], v["attachments"][0]["attachment_id"]);
  EXPECT_TRUE(at89["bdm_uuid"].is_string());
  Json paged = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments?limit=1&offset=1").json();
  ASSERT_EQ(paged["volumeAttachments"].size(), 1u);
  EXPECT_EQ(paged["volumeAttachments"][0]["volumeId"], v2);

  // Cinder refuses to delete an attached volume.
  auto del = cinder("DELETE", "/volumes/" + v1);
  EXPECT_EQ(del.status, 400);
  EXPECT_NE(del.body.find("Invalid volume"), std::string::npos) << del.body;

  // Detach: detaching, then available with no attachment; the device is free again.
  ASSERT_EQ(detach(server, v1).status, 202);
  v = wait_status(v1, "available");
  EXPECT_EQ(v["status"], "available");
  EXPECT_TRUE(v["attachments"].empty());
  EXPECT_EQ(call(demo_, "GET", "/servers/" + server + "/os-volume_attachments/" + v1).status, 404);
  shown = call(demo_, "GET", "/servers/" + server).json()["server"];
  EXPECT_EQ(shown["os-extended-volumes:volumes_attached"], Json::array({{{"id", v2}}}));
  auto again = attach(server, v1);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["volumeAttachment"]["device"], "/dev/vdb");
  wait_status(v1, "in-use");

  // Delete: v1 detached and kept, v2 (delete_on_termination) deleted.
  remove_server(server);
  EXPECT_EQ(wait_status(v1, "available")["attachments"], Json::array());
  EXPECT_TRUE(volume_gone(v2));
  EXPECT_EQ(cinder("DELETE", "/volumes/" + v1).status, 202);
}

TEST_F(ServerVolumeApiTest, RefusalsAsNova) {
  std::string server = active_server("vm-refusals"), other = active_server("vm-other");
  std::string vol = volume();
  // Bad input and unknown volumes.
  auto bad = attach(server, "not-a-uuid");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(message(bad).find("is not a 'uuid'"), std::string::npos) << bad.body;
  auto unknown = attach(server, "8a0e3d8e-3c1d-4b5e-9f49-0d4a6a0b0c11");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(message(unknown), "Volume 8a0e3d8e-3c1d-4b5e-9f49-0d4a6a0b0c11 could not be found.");
  EXPECT_EQ(attach(server, vol, "", demo_, {{"tag", "x"}}).status, 400);  // tag needs 2.49
  // Another project's server is not found.
  EXPECT_EQ(attach(server, vol, "", alt_).status, 404);

  ASSERT_EQ(attach(server, vol).status, 200);
  wait_status(vol, "in-use");
  auto twice = attach(server, vol);
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(message(twice), "Invalid volume: volume " + vol + " already attached");
  auto elsewhere = attach(other, vol);
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_EQ(message(elsewhere),
            "Invalid volume: volume '" + vol + "' status must be 'available'. Currently in 'in-use'");
  auto not_attached = detach(other, vol);
  EXPECT_EQ(not_attached.status, 404);
  EXPECT_EQ(message(not_attached), "Instance " + other + " is not attached to volume " + vol);

  // A locked server refuses its owner; an error state refuses everyone.
  ASSERT_EQ(call(demo_, "POST", "/servers/" + server + "/action", {{"lock", nullptr}}).status, 202);
  auto locked = detach(server, vol);
  EXPECT_EQ(locked.status, 409);
  EXPECT_EQ(message(locked), "Instance " + server + " is locked");
  ASSERT_EQ(call(admin_, "POST", "/servers/" + server + "/action", {{"unlock", nullptr}}).status, 202);
  ASSERT_EQ(call(admin_, "POST", "/servers/" + server + "/action", {{"os-resetState", {{"state", "error"}}}}).status,
            202);
  auto conflict = detach(server, vol);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(message(conflict), "Cannot 'detach_volume' instance " + server + " while it is in vm_state error");
  EXPECT_EQ(wait_status(vol, "in-use")["status"], "in-use");  // nothing changed

  remove_server(server);
  remove_server(other);
  wait_status(vol, "available");
  EXPECT_EQ(cinder("DELETE", "/volumes/" + vol).status, 202);
}

TEST_F(ServerVolumeApiTest, BootFromAnImageVolumeIsVolumeBacked) {
  auto r = boot_body({{"imageRef", ""},
                      {"block_device_mapping_v2",
                       {{{"uuid", image_},
                         {"source_type", "image"},
                         {"destination_type", "volume"},
                         {"boot_index", "0"},
                         {"volume_size", 1},
                         {"delete_on_termination", true}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["server"]["id"];
  Json shown = settle(id, demo_, "2.3");
  ASSERT_EQ(shown["status"], "ACTIVE") << shown.dump();
  EXPECT_EQ(shown["image"], "");
  ASSERT_EQ(shown["os-extended-volumes:volumes_attached"].size(), 1u);
  EXPECT_EQ(shown["os-extended-volumes:volumes_attached"][0]["delete_on_termination"], true);
  std::string root = shown["os-extended-volumes:volumes_attached"][0]["id"];
  Json v = wait_status(root, "in-use");
  EXPECT_EQ(v["bootable"], "true");
  EXPECT_EQ(v["size"], 1);
  EXPECT_EQ(v["attachments"][0]["device"], "/dev/vda");
  EXPECT_TRUE(v.contains("volume_image_metadata"));
  auto root_detach = detach(id, root);
  EXPECT_EQ(root_detach.status, 400);
  EXPECT_EQ(message(root_detach), "Cannot detach a root device volume");
  // A volume attached later still gets /dev/vdb.
  std::string data = volume();
  ASSERT_EQ(attach(id, data).status, 200);
  wait_status(data, "in-use");
  Json list = call(demo_, "GET", "/servers/" + id + "/os-volume_attachments").json()["volumeAttachments"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["device"], "/dev/vda");
  EXPECT_EQ(list[1]["device"], "/dev/vdb");

  remove_server(id);
  EXPECT_TRUE(volume_gone(root));  // delete_on_termination
  EXPECT_EQ(wait_status(data, "available")["status"], "available");
  EXPECT_EQ(cinder("DELETE", "/volumes/" + data).status, 202);
}

TEST_F(ServerVolumeApiTest, BootFromAnExistingVolumeKeepsItByDefault) {
  std::string plain = volume();
  Json bdm = {{{"uuid", plain}, {"source_type", "volume"}, {"destination_type", "volume"}, {"boot_index", 0}}};
  auto not_bootable = boot_body({{"block_device_mapping_v2", bdm}});
  EXPECT_EQ(not_bootable.status, 400);
  EXPECT_EQ(message(not_bootable), "Block Device " + plain + " is not bootable.");
  auto unknown = boot_body({{"block_device_mapping_v2",
                             {{{"uuid", "0d0a0b0c-1111-4222-8333-444455556666"},
                               {"source_type", "volume"},
                               {"boot_index", 0}}}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(message(unknown),
            "Block Device Mapping is Invalid: failed to get volume 0d0a0b0c-1111-4222-8333-444455556666.");
  auto no_root = boot_body({{"imageRef", ""}});
  EXPECT_EQ(no_root.status, 400);
  auto bad_source = boot_body({{"block_device_mapping_v2", {{{"uuid", plain}, {"source_type", "disk"}}}}});
  EXPECT_EQ(bad_source.status, 400);

  std::string bootable = volume({{"size", 1}, {"imageRef", image_}});
  EXPECT_EQ(wait_status(bootable, "available")["bootable"], "true");
  bdm[0]["uuid"] = bootable;
  auto r = boot_body({{"imageRef", ""}, {"block_device_mapping_v2", bdm}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["server"]["id"];
  ASSERT_EQ(settle(id)["status"], "ACTIVE");
  Json v = wait_status(bootable, "in-use");
  EXPECT_EQ(v["attachments"][0]["server_id"], id);
  // A volume in use cannot be the root of another server.
  auto busy = boot_body({{"block_device_mapping_v2", bdm}});
  EXPECT_EQ(busy.status, 400);
  remove_server(id);
  EXPECT_EQ(wait_status(bootable, "available")["attachments"], Json::array());
  EXPECT_EQ(cinder("DELETE", "/volumes/" + bootable).status, 202);
  EXPECT_EQ(cinder("DELETE", "/volumes/" + plain).status, 202);
}

TEST_F(ServerVolumeApiTest, BootFromASnapshotMakesANewVolume) {
  std::string source = volume({{"size", 1}, {"imageRef", image_}});
  auto snap = cinder("POST", "/snapshots", {{"snapshot", {{"volume_id", source}, {"name", "s"}}}});
  ASSERT_EQ(snap.status, 202) << snap.body;
  std::string snap_id = snap.json()["snapshot"]["id"];
  for (int i = 0; i < 400 && cinder("GET", "/snapshots/" + snap_id).json()["snapshot"]["status"] != "available"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto r = boot_body({{"imageRef", ""},
                      {"block_device_mapping_v2",
                       {{{"uuid", snap_id},
                         {"source_type", "snapshot"},
                         {"destination_type", "volume"},
                         {"boot_index", 0},
                         {"delete_on_termination", false}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["server"]["id"];
  Json shown = settle(id);
  ASSERT_EQ(shown["status"], "ACTIVE") << shown.dump();
  std::string root = shown["os-extended-volumes:volumes_attached"][0]["id"];
  EXPECT_NE(root, source);
  EXPECT_EQ(wait_status(root, "in-use")["snapshot_id"], snap_id);
  remove_server(id);
  EXPECT_EQ(wait_status(root, "available")["status"], "available");  // kept: delete_on_termination false
  EXPECT_EQ(cinder("DELETE", "/volumes/" + root).status, 202);
}

TEST_F(ServerVolumeApiTest, OsVolumesProxyUpTo235) {
  auto made = call(demo_, "POST", "/os-volumes", {{"volume", {{"size", 1}, {"display_name", "proxied"}}}});
  ASSERT_EQ(made.status, 200) << made.body;
  Json v = made.json()["volume"];
  EXPECT_EQ(v["displayName"], "proxied");
  EXPECT_EQ(v["attachments"], Json::array({Json::object()}));  // Nova's [{}]
  std::string id = v["id"];
  EXPECT_EQ(wait_status(id, "available")["name"], "proxied");  // the same volume in Cinder
  Json shown = call(demo_, "GET", "/os-volumes/" + id).json()["volume"];
  EXPECT_EQ(shown["status"], "available");
  EXPECT_EQ(shown["volumeType"], "lvmdriver-1");
  for (const Json& bad : {Json("#$%"), Json(""), Json(0)})
    EXPECT_EQ(call(demo_, "POST", "/os-volumes", {{"volume", {{"size", bad}}}}).status, 400) << bad;
  EXPECT_EQ(call(demo_, "GET", "/os-volumes/" + id, nullptr, "2.36").status, 404);  // gone from 2.36
  Json list = call(demo_, "GET", "/os-volumes/detail?limit=1").json()["volumes"];
  EXPECT_EQ(list.size(), 1u);
  auto snap = call(demo_, "POST", "/os-snapshots", {{"snapshot", {{"volume_id", id}, {"display_name", "s1"}}}});
  ASSERT_EQ(snap.status, 200) << snap.body;
  std::string snap_id = snap.json()["snapshot"]["id"];
  EXPECT_EQ(snap.json()["snapshot"]["volumeId"], id);
  for (int i = 0; i < 400 && call(demo_, "GET", "/os-snapshots/" + snap_id).json()["snapshot"]["status"] != "available";
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(call(demo_, "DELETE", "/os-snapshots/" + snap_id).status, 202);
  for (int i = 0; i < 400 && call(demo_, "GET", "/os-snapshots/" + snap_id).status == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(call(demo_, "DELETE", "/os-volumes/" + id).status, 202);
  EXPECT_TRUE(volume_gone(id));
  EXPECT_EQ(call(demo_, "DELETE", "/os-volumes/" + id).status, 404);
}

TEST_F(ServerVolumeApiTest, ShelvedServersTakeVolumesFrom220AndKeepThemThroughUnshelveAndResize) {
  std::string server = active_server("vm-shelve");
  std::string vol = volume();
  ASSERT_EQ(call(demo_, "POST", "/servers/" + server + "/action", {{"shelve", nullptr}}).status, 202);
  ASSERT_EQ(poll_server(server, [](const Json& s) { return s["status"] == "SHELVED_OFFLOADED"; })["status"],
            "SHELVED_OFFLOADED");
  auto old = attach(server, vol);
  EXPECT_EQ(old.status, 409);
  EXPECT_EQ(message(old), "Cannot 'attach_volume' instance " + server + " while it is in vm_state shelved_offloaded");
  auto r = attach(server, vol, "2.20");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["volumeAttachment"]["device"], "/dev/vdb");
  Json v = wait_status(vol, "in-use");
  EXPECT_EQ(v["attachments"][0]["server_id"], server);

  ASSERT_EQ(call(demo_, "POST", "/servers/" + server + "/action", {{"unshelve", nullptr}}).status, 202);
  ASSERT_EQ(poll_server(server, [](const Json& s) { return s["status"] == "ACTIVE"; })["status"], "ACTIVE");
  Json list = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments").json()["volumeAttachments"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["volumeId"], vol);
  ASSERT_EQ(call(demo_, "POST", "/servers/" + server + "/action", {{"resize", {{"flavorRef", "84"}}}}).status, 202);
  ASSERT_EQ(poll_server(server, [](const Json& s) { return s["status"] == "VERIFY_RESIZE"; })["status"],
            "VERIFY_RESIZE");
  ASSERT_EQ(call(demo_, "POST", "/servers/" + server + "/action", {{"confirmResize", nullptr}}).status, 204);
  ASSERT_EQ(poll_server(server, [](const Json& s) { return s["status"] == "ACTIVE"; })["status"], "ACTIVE");
  EXPECT_EQ(call(demo_, "GET", "/servers/" + server).json()["server"]["os-extended-volumes:volumes_attached"],
            Json::array({{{"id", vol}}}));
  EXPECT_EQ(wait_status(vol, "in-use")["attachments"].size(), 1u);

  ASSERT_EQ(detach(server, vol).status, 202);
  EXPECT_EQ(wait_status(vol, "available")["attachments"], Json::array());
  remove_server(server);
  EXPECT_EQ(cinder("DELETE", "/volumes/" + vol).status, 202);
}

TEST_F(ServerVolumeApiTest, AnAdminSwapsAVolumeAtTheSameDevice) {
  std::string server = active_server("vm-swap");
  std::string old_vol = volume(), new_vol = volume();
  ASSERT_EQ(attach(server, old_vol).status, 200);
  wait_status(old_vol, "in-use");
  const std::string path = "/servers/" + server + "/os-volume_attachments/";
  Json body = {{"volumeAttachment", {{"volumeId", new_vol}}}};
  EXPECT_EQ(call(demo_, "PUT", path + old_vol, body).status, 403);  // an admin's
  Json back = {{"volumeAttachment", {{"volumeId", old_vol}}}};
  EXPECT_EQ(call(admin_, "PUT", path + new_vol, back).status, 404);  // new_vol is not attached
  Json unknown = {{"volumeAttachment", {{"volumeId", "0d0a0b0c-1111-4222-8333-444455556666"}}}};
  EXPECT_EQ(call(admin_, "PUT", path + old_vol, unknown).status, 400);
  ASSERT_EQ(call(admin_, "PUT", path + old_vol, body).status, 202);
  EXPECT_EQ(wait_status(old_vol, "available")["attachments"], Json::array());
  Json v = wait_status(new_vol, "in-use");
  EXPECT_EQ(v["attachments"][0]["device"], "/dev/vdb");
  Json list = call(demo_, "GET", "/servers/" + server + "/os-volume_attachments").json()["volumeAttachments"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["volumeId"], new_vol);
  remove_server(server);
  wait_status(new_vol, "available");
  EXPECT_EQ(cinder("DELETE", "/volumes/" + old_vol).status, 202);
  EXPECT_EQ(cinder("DELETE", "/volumes/" + new_vol).status, 202);
}

TEST_F(ServerVolumeApiTest, CreateImageOfAVolumeBackedServerSnapshotsItsVolumesAndBootsBack) {
  auto r = boot_body({{"imageRef", ""},
                      {"block_device_mapping_v2",
                       {{{"uuid", image_},
                         {"source_type", "image"},
                         {"destination_type", "volume"},
                         {"boot_index", 0},
                         {"volume_size", 1},
                         {"delete_on_termination", true}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string server = r.json()["server"]["id"];
  ASSERT_EQ(settle(server)["status"], "ACTIVE");
  std::string root =
      call(demo_, "GET", "/servers/" + server).json()["server"]["os-extended-volumes:volumes_attached"][0]["id"];
  std::string data = volume();
  ASSERT_EQ(attach(server, data).status, 200);
  wait_status(data, "in-use");

  auto made = call(demo_, "POST", "/servers/" + server + "/action",
                   {{"createImage", {{"name", "bfv-snap"}, {"metadata", {{"purpose", "test"}}}}}}, "2.45");
  ASSERT_EQ(made.status, 202) << made.body;
  std::string image = made.json()["image_id"];
  // A 0-byte image, active at once, that names a snapshot of each volume (root first).
  Json shown = send(demo_, "GET", "/image/v2/images/" + image).json();
  EXPECT_EQ(shown["status"], "active");
  EXPECT_EQ(shown["size"], 0);
  EXPECT_EQ(shown["disk_format"], "qcow2");
  EXPECT_EQ(shown["container_format"], "bare");
  EXPECT_EQ(shown["visibility"], "private");
  EXPECT_EQ(shown["bdm_v2"], "True");
  EXPECT_EQ(shown["root_device_name"], "/dev/vda");
  EXPECT_EQ(shown["purpose"], "test");
  ASSERT_TRUE(shown["block_device_mapping"].is_string()) << shown.dump();
  Json mapping = Json::parse(shown["block_device_mapping"].get<std::string>());
  ASSERT_EQ(mapping.size(), 2u) << mapping.dump();
  EXPECT_EQ(mapping[0]["source_type"], "snapshot");
  EXPECT_EQ(mapping[0]["destination_type"], "volume");
  EXPECT_EQ(mapping[0]["boot_index"], 0);
  EXPECT_EQ(mapping[0]["device_name"], "/dev/vda");
  EXPECT_EQ(mapping[0]["volume_size"], 1);
  EXPECT_EQ(mapping[0]["delete_on_termination"], true);
  EXPECT_TRUE(mapping[1]["boot_index"].is_null());
  EXPECT_EQ(mapping[1]["device_name"], "/dev/vdb");
  Json snapshots = Json::array();
  for (const Json& m : mapping) {
    Json snap = cinder("GET", "/snapshots/" + m["snapshot_id"].get<std::string>()).json()["snapshot"];
    EXPECT_EQ(snap["name"], "snapshot for bfv-snap");
    snapshots.push_back(snap);
  }
  EXPECT_EQ(snapshots[0]["volume_id"], root);
  EXPECT_EQ(snapshots[1]["volume_id"], data);
  EXPECT_EQ(settle(server)["status"], "ACTIVE");  // no task on the server: the snapshots are Cinder's

  // Nova backs up image-backed servers only.
  auto backup = call(demo_, "POST", "/servers/" + server + "/action",
                     {{"createBackup", {{"name", "b"}, {"backup_type", "daily"}, {"rotation", 1}}}});
  EXPECT_EQ(backup.status, 400);
  EXPECT_EQ(message(backup), "Backup is not supported for volume-backed instances.");

  // Booting from that image makes new volumes from the snapshots.
  for (const Json& snap : snapshots)
    for (int i = 0;
         i < 400 &&
         cinder("GET", "/snapshots/" + snap["id"].get<std::string>()).json()["snapshot"]["status"] != "available";
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto again =
      call(demo_, "POST", "/servers", {{"server", {{"name", "from-snap"}, {"flavorRef", "42"}, {"imageRef", image}}}});
  ASSERT_EQ(again.status, 202) << again.body;
  std::string copy = again.json()["server"]["id"];
  Json copy_shown = settle(copy, demo_, "2.3");
  ASSERT_EQ(copy_shown["status"], "ACTIVE") << copy_shown.dump();
  EXPECT_EQ(copy_shown["image"]["id"], image);
  Json attached = copy_shown["os-extended-volumes:volumes_attached"];
  ASSERT_EQ(attached.size(), 2u);
  std::string new_root = attached[0]["id"], new_data = attached[1]["id"];
  EXPECT_EQ(attached[0]["delete_on_termination"], true);
  Json v = wait_status(new_root, "in-use");
  EXPECT_EQ(v["snapshot_id"], snapshots[0]["id"]);
  EXPECT_EQ(v["attachments"][0]["device"], "/dev/vda");
  EXPECT_EQ(wait_status(new_data, "in-use")["snapshot_id"], snapshots[1]["id"]);

  remove_server(copy);
  EXPECT_TRUE(volume_gone(new_root));
  wait_status(new_data, "available");
  EXPECT_EQ(cinder("DELETE", "/volumes/" + new_data).status, 202);
  remove_server(server);
  wait_status(data, "available");
  for (const Json& snap : snapshots)
    EXPECT_EQ(cinder("DELETE", "/snapshots/" + snap["id"].get<std::string>()).status, 202);
  EXPECT_EQ(send(demo_, "DELETE", "/image/v2/images/" + image).status, 204);
}

TEST_F(ServerVolumeApiTest, RebuildOfAVolumeBackedServerKeepsItsImage) {
  auto r = boot_body({{"imageRef", ""},
                      {"block_device_mapping_v2",
                       {{{"uuid", image_},
                         {"source_type", "image"},
                         {"destination_type", "volume"},
                         {"boot_index", 0},
                         {"volume_size", 1},
                         {"delete_on_termination", true}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string server = r.json()["server"]["id"];
  ASSERT_EQ(settle(server)["status"], "ACTIVE");
  auto other = send(demo_, "POST", "/image/v2/images",
                    {{"name", "other"}, {"disk_format", "raw"}, {"container_format", "bare"}});
  ASSERT_EQ(other.status, 201);
  std::string other_id = other.json()["id"];
  ASSERT_EQ(send(demo_, "PUT", "/image/v2/images/" + other_id + "/file", nullptr,
                 {{"Content-Type", "application/octet-stream"}})
                .status,
            204);
  // Below 2.93 the root volume cannot take another image.
  auto refused = call(demo_, "POST", "/servers/" + server + "/action", {{"rebuild", {{"imageRef", other_id}}}}, "2.90");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(
      message(refused),
      "Image " + other_id + " is unacceptable: Unable to rebuild with a different image for a volume-backed server.");
  EXPECT_EQ(settle(server)["status"], "ACTIVE");
  // The image the root volume came from is fine; the server still shows no image.
  auto same = call(demo_, "POST", "/servers/" + server + "/action", {{"rebuild", {{"imageRef", image_}}}});
  ASSERT_EQ(same.status, 202) << same.body;
  Json shown = poll_server(server, [](const Json& s) { return s["status"] == "ACTIVE"; });
  EXPECT_EQ(shown["status"], "ACTIVE");
  EXPECT_EQ(shown["image"], "");
  remove_server(server);
  EXPECT_EQ(send(demo_, "DELETE", "/image/v2/images/" + other_id).status, 204);
}

TEST_F(ServerVolumeApiTest, TheOwnerChangesDeleteOnTerminationFrom285) {
  std::string server = active_server("vm-dot");
  std::string vol = volume(), spare = volume();
  ASSERT_EQ(attach(server, vol).status, 200);
  wait_status(vol, "in-use");
  const std::string path = "/servers/" + server + "/os-volume_attachments/" + vol;
  Json update = {{"volumeAttachment", {{"volumeId", vol}, {"delete_on_termination", true}}}};
  // Before 2.85 a PUT is only an admin's swap, with volumeId alone.
  EXPECT_EQ(call(demo_, "PUT", path, update, "2.84").status, 400);
  EXPECT_EQ(call(demo_, "PUT", path, {{"volumeAttachment", {{"volumeId", vol}}}}, "2.84").status, 403);
  ASSERT_EQ(call(demo_, "PUT", path, update, "2.85").status, 202);
  auto shown = call(demo_, "GET", path, nullptr, "2.85");
  EXPECT_EQ(shown.json()["volumeAttachment"]["delete_on_termination"], true);
  // The fields GET shows may be sent back, but only delete_on_termination changes.
  Json echo = {{"volumeAttachment",
                {{"volumeId", vol},
                 {"id", vol},
                 {"serverId", server},
                 {"device", "/dev/vdb"},
                 {"delete_on_termination", false}}}};
  EXPECT_EQ(call(demo_, "PUT", path, echo, "2.85").status, 202);
  EXPECT_EQ(call(demo_, "GET", path, nullptr, "2.85").json()["volumeAttachment"]["delete_on_termination"], false);
  echo["volumeAttachment"]["device"] = "/dev/vdc";
  auto immutable = call(demo_, "PUT", path, echo, "2.85");
  EXPECT_EQ(immutable.status, 400);
  EXPECT_EQ(message(immutable), "The device property is not mutable");
  Json extra = {{"volumeAttachment", {{"volumeId", vol}, {"size", 2}}}};
  EXPECT_EQ(call(demo_, "PUT", path, extra, "2.85").status, 400);
  Json bad = {{"volumeAttachment", {{"volumeId", vol}, {"delete_on_termination", "maybe"}}}};
  EXPECT_EQ(call(demo_, "PUT", path, bad, "2.85").status, 400);
  Json not_attached = {{"volumeAttachment", {{"volumeId", spare}, {"delete_on_termination", true}}}};
  auto missing = call(demo_, "PUT", "/servers/" + server + "/os-volume_attachments/" + spare, not_attached, "2.85");
  EXPECT_EQ(missing.status, 404);
  // Another volumeId is still a swap: an admin's.
  Json swap = {{"volumeAttachment", {{"volumeId", spare}}}};
  EXPECT_EQ(call(demo_, "PUT", path, swap, "2.85").status, 403);
  EXPECT_EQ(call(alt_, "PUT", path, update, "2.85").status, 404);  // another project's server

  ASSERT_EQ(call(demo_, "PUT", path, update, "2.85").status, 202);
  remove_server(server);
  EXPECT_TRUE(volume_gone(vol));  // delete_on_termination, set by the PUT
  EXPECT_EQ(cinder("DELETE", "/volumes/" + spare).status, 202);
}

TEST_F(ServerVolumeApiTest, AnImageWithUnusableMappingsIsRefusedAtCreate) {
  // Anyone may set these properties on their image: bad mappings are the request's fault, not a crash.
  for (const std::string& mapping :
       {std::string(R"([{"source_type": null, "boot_index": 0}])"),
        std::string(R"([{"source_type": "snapshot", "snapshot_id": 7, "boot_index": 0}])"),
        std::string(R"([{"source_type": "snapshot", "snapshot_id": "0d0a0b0c-1111-4222-8333-444455556666",
                         "boot_index": 0}])")}) {
    auto made = send(demo_, "POST", "/image/v2/images",
                     {{"name", "odd"},
                      {"disk_format", "qcow2"},
                      {"container_format", "bare"},
                      {"bdm_v2", "True"},
                      {"block_device_mapping", mapping}});
    ASSERT_EQ(made.status, 201) << made.body;
    std::string image = made.json()["id"];
    ASSERT_EQ(send(demo_, "PUT", "/image/v2/images/" + image + "/file", nullptr,
                   {{"Content-Type", "application/octet-stream"}})
                  .status,
              204);
    auto r = call(demo_, "POST", "/servers", {{"server", {{"name", "odd"}, {"flavorRef", "42"}, {"imageRef", image}}}});
    EXPECT_EQ(r.status, 400) << mapping << " " << r.body;
    EXPECT_EQ(message(r).rfind("Block Device Mapping is Invalid: failed to get ", 0), 0u) << message(r);
    EXPECT_EQ(send(demo_, "DELETE", "/image/v2/images/" + image).status, 204);
  }
  // Text that is not JSON: no mappings, an image-backed server as any other.
  auto made = send(demo_, "POST", "/image/v2/images",
                   {{"name", "odd"},
                    {"disk_format", "qcow2"},
                    {"container_format", "bare"},
                    {"bdm_v2", "True"},
                    {"block_device_mapping", "[not json"}});
  ASSERT_EQ(made.status, 201);
  std::string image = made.json()["id"];
  ASSERT_EQ(send(demo_, "PUT", "/image/v2/images/" + image + "/file", std::string("x"),
                 {{"Content-Type", "application/octet-stream"}})
                .status,
            204);
  auto r = call(demo_, "POST", "/servers", {{"server", {{"name", "odd"}, {"flavorRef", "42"}, {"imageRef", image}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["server"]["id"];
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  remove_server(id);
  EXPECT_EQ(send(demo_, "DELETE", "/image/v2/images/" + image).status, 204);
}

TEST_F(ServerVolumeApiTest, CreateImageOverTheSnapshotQuotaLeavesNoSnapshotNorImage) {
  auto r = boot_body({{"imageRef", ""},
                      {"block_device_mapping_v2",
                       {{{"uuid", image_},
                         {"source_type", "image"},
                         {"destination_type", "volume"},
                         {"boot_index", 0},
                         {"volume_size", 1},
                         {"delete_on_termination", true}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string server = r.json()["server"]["id"];
  ASSERT_EQ(settle(server)["status"], "ACTIVE");
  std::string data = volume();
  ASSERT_EQ(attach(server, data).status, 200);
  wait_status(data, "in-use");
  // Room for one snapshot: the root's is made, the data volume's refused.
  const std::string quotas = "/volume/v3/" + demo_project_ + "/os-quota-sets/" + demo_project_;
  auto count_snapshots = [&] { return cinder("GET", "/snapshots").json()["snapshots"].size(); };
  std::size_t before = count_snapshots();
  Json limit = send(admin_, "GET", quotas).json()["quota_set"]["snapshots"];
  ASSERT_EQ(send(admin_, "PUT", quotas, {{"quota_set", {{"snapshots", before + 1}}}}).status, 200);
  auto refused = call(demo_, "POST", "/servers/" + server + "/action", {{"createImage", {{"name", "over"}}}}, "2.45");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(message(refused), "Quota exceeded for resources: snapshots");
  std::size_t after = 0;
  for (int i = 0; i < 400 && (after = count_snapshots()) != before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(after, before) << "the root's snapshot is deleted once made";
  Json images = send(demo_, "GET", "/image/v2/images?name=over").json()["images"];
  EXPECT_TRUE(images.empty()) << images.dump();
  ASSERT_EQ(send(admin_, "PUT", quotas, {{"quota_set", {{"snapshots", limit}}}}).status, 200);  // as it was
  remove_server(server);
  wait_status(data, "available");
  EXPECT_EQ(cinder("DELETE", "/volumes/" + data).status, 202);
}
