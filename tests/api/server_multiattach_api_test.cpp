// Multiattach volumes over real HTTP on the lab cloud: a volume of a type
// with multiattach "<is> True" joins two servers from compute 2.60 (and is
// refused below it), Cinder shows one attachment per server and keeps the
// volume in-use until the last goes, a server delete takes only its own
// attachment, and what must not happen to a shared volume (swap, a retype
// across multiattach) is refused with the upstream messages.
#include <gtest/gtest.h>

#include <set>

#include "tests/api/server_volume_api_test.h"

using namespace stacklab;
using stacklab::testing::HttpResult;
using stacklab::testing::ServerVolumeApiTest;
using Json = nlohmann::json;

namespace {

const char* kOldMicroversion = "Multiattach volumes are only supported starting with compute API version 2.60.";

class ServerMultiattachApiTest : public ServerVolumeApiTest {
 protected:
  // The admin's multiattach type (once per cloud); its name.
  std::string multiattach_type() {
    const std::string name = "multiattach-api";
    auto r = send(admin_, "POST", "/volume/v3/" + project_id("admin") + "/types",
                  {{"volume_type", {{"name", name}, {"extra_specs", {{"multiattach", "<is> True"}}}}}});
    EXPECT_TRUE(r.status == 200 || r.status == 409) << r.body;
    return name;
  }
  std::set<std::string> attached_servers(const std::string& volume_id) {
    std::set<std::string> out;
    Json shown = cinder("GET", "/volumes/" + volume_id).json();
    for (const Json& a : shown["volume"]["attachments"]) out.insert(a["server_id"].get<std::string>());
    return out;
  }
  Json server_attachments(const std::string& server) {
    return call(demo_, "GET", "/servers/" + server + "/os-volume_attachments").json()["volumeAttachments"];
  }
};

}  // namespace

TEST_F(ServerMultiattachApiTest, AMultiattachVolumeJoinsTwoServersFrom260AndStaysInUseUntilTheLastLeaves) {
  std::string s1 = active_server("vm-multi-1"), s2 = active_server("vm-multi-2");
  std::string shared = volume({{"size", 1}, {"volume_type", multiattach_type()}});
  EXPECT_EQ(cinder("GET", "/volumes/" + shared).json()["volume"]["multiattach"], true);

  // Below 2.60 Nova will not attach it at all.
  auto old = attach(s1, shared, "2.59");
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(message(old), kOldMicroversion);

  ASSERT_EQ(attach(s1, shared, "2.60").status, 200);
  ASSERT_EQ(wait_status(shared, "in-use")["attachments"].size(), 1u);
  auto second = attach(s2, shared, "2.60");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["volumeAttachment"]["serverId"], s2);
  Json v = wait_volume(shared, [](const Json& v) { return v["status"] == "in-use" && v["attachments"].size() == 2; });
  EXPECT_EQ(attached_servers(shared), (std::set<std::string>{s1, s2}));
  // Each server lists its own attachment of it; the same server twice is still refused.
  for (const std::string& s : {s1, s2}) {
    Json listed = server_attachments(s);
    ASSERT_EQ(listed.size(), 1u) << s;
    EXPECT_EQ(listed[0]["volumeId"], shared);
    EXPECT_EQ(listed[0]["serverId"], s);
  }
  EXPECT_EQ(message(attach(s1, shared, "2.60")), "Invalid volume: volume " + shared + " already attached");

  // Swapping it out from under the other server is refused, and changes nothing.
  std::string spare = volume();
  auto swap = call(admin_, "PUT", "/servers/" + s1 + "/os-volume_attachments/" + shared,
                   {{"volumeAttachment", {{"volumeId", spare}}}}, "2.60");
  EXPECT_EQ(swap.status, 400);
  EXPECT_EQ(message(swap), "Swapping multi-attach volumes with more than one read/write attachment is not supported.");
  // So is a retype that would make it single-attach while in use.
  auto retype = cinder("POST", "/volumes/" + shared + "/action", {{"os-retype", {{"new_type", "lvmdriver-1"}}}});
  EXPECT_EQ(retype.status, 400);
  EXPECT_NE(retype.body.find("retypes affecting multiattach are only allowed on available volumes"),
            std::string::npos)
      << retype.body;
  EXPECT_EQ(attached_servers(shared), (std::set<std::string>{s1, s2}));
  EXPECT_EQ(cinder("GET", "/volumes/" + spare).json()["volume"]["attachments"], Json::array());

  // A single-attach volume still takes one server only.
  ASSERT_EQ(attach(s1, spare, "2.60").status, 200);
  wait_status(spare, "in-use");
  EXPECT_EQ(attach(s2, spare, "2.60").status, 400);

  // Detaching one server leaves the volume in-use on the other; deleting
  // that server takes only its own attachment.
  ASSERT_EQ(detach(s1, shared).status, 202);
  v = wait_volume(shared, [](const Json& v) { return v["status"] == "in-use" && v["attachments"].size() == 1; });
  EXPECT_EQ(attached_servers(shared), (std::set<std::string>{s2}));
  EXPECT_EQ(server_attachments(s1).size(), 1u);  // the spare only
  ASSERT_EQ(attach(s1, shared, "2.60").status, 200);
  wait_volume(shared, [](const Json& v) { return v["status"] == "in-use" && v["attachments"].size() == 2; });
  remove_server(s1);
  v = wait_volume(shared, [](const Json& v) { return v["attachments"].size() == 1; });
  EXPECT_EQ(v["status"], "in-use");
  EXPECT_EQ(attached_servers(shared), (std::set<std::string>{s2}));
  EXPECT_EQ(wait_status(spare, "available")["attachments"], Json::array());
  ASSERT_EQ(detach(s2, shared).status, 202);
  EXPECT_EQ(wait_status(shared, "available")["attachments"], Json::array());

  remove_server(s2);
  for (const std::string& id : {shared, spare}) EXPECT_EQ(cinder("DELETE", "/volumes/" + id).status, 202);
}

TEST_F(ServerMultiattachApiTest, BootFromAMultiattachVolumeNeeds260) {
  std::string root = volume({{"size", 1}, {"volume_type", multiattach_type()}, {"imageRef", image_}});
  ASSERT_EQ(wait_status(root, "available")["bootable"], "true");
  Json server = {{"imageRef", ""},
                 {"networks", "none"},
                 {"block_device_mapping_v2",
                  {{{"uuid", root}, {"source_type", "volume"}, {"destination_type", "volume"}, {"boot_index", 0}}}}};
  auto old = boot_body(server, "2.59");
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(message(old), kOldMicroversion);
  auto r = boot_body(server, "2.60");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["server"]["id"];
  ASSERT_EQ(settle(id)["status"], "ACTIVE");
  Json listed = server_attachments(id);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["volumeId"], root);
  EXPECT_EQ(wait_status(root, "in-use")["attachments"][0]["server_id"], id);
  remove_server(id);
  EXPECT_EQ(wait_status(root, "available")["attachments"], Json::array());  // kept: not delete_on_termination
  EXPECT_EQ(cinder("DELETE", "/volumes/" + root).status, 202);
}
