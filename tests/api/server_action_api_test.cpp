// Nova's server actions over real HTTP on the lab cloud (fast hypervisor
// times): 202 then the final state, Nova's 409/400/404 texts, lock with
// reason, console output and URLs, createImage by microversion, shelve and
// unshelve, resize with VERIFY_RESIZE and confirm, instance actions with
// their events and the request ids they were recorded under, migrations.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using stacklab::testing::HttpResult;
using Json = nlohmann::json;

namespace {

class ServerActionApiTest : public ComputeCloudTest {
 protected:
  HttpResult act(const std::string& tok, const std::string& id, const Json& body, const std::string& version = "") {
    return call(tok, "POST", "/servers/" + id + "/action", body, version);
  }
  // Polls until the server has no task and is not in BUILD.
  Json settle(const std::string& id, const std::string& tok = demo_) {
    return poll_server(
        id, [](const Json& s) { return s["status"] != "BUILD" && s["OS-EXT-STS:task_state"].is_null(); }, tok, "2.79");
  }
  std::string boot(const std::string& name, std::string* request_id = nullptr) {
    auto r = create_server(name);
    EXPECT_EQ(r.status, 202) << r.body;
    if (request_id) *request_id = r.header("x-openstack-request-id");
    std::string id = r.json()["server"].value("id", "");
    EXPECT_EQ(settle(id)["status"], "ACTIVE");
    return id;
  }
  void remove(const std::string& id) { EXPECT_EQ(call(admin_, "DELETE", "/servers/" + id).status, 204); }
};

}  // namespace

TEST_F(ServerActionApiTest, PowerActionsAnswer202AndConflictInNovaWords) {
  std::string id = boot("acts");
  auto r = act(demo_, id, {{"pause", nullptr}});
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(settle(id)["status"], "PAUSED");
  r = act(demo_, id, {{"pause", nullptr}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["conflictingRequest"]["message"],
            "Cannot 'pause' instance " + id + " while it is in vm_state paused");
  EXPECT_EQ(act(demo_, id, {{"unpause", nullptr}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  EXPECT_EQ(act(demo_, id, {{"suspend", nullptr}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "SUSPENDED");
  EXPECT_EQ(act(demo_, id, {{"resume", nullptr}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  EXPECT_EQ(act(demo_, id, {{"os-stop", nullptr}}).status, 202);
  Json s = settle(id);
  EXPECT_EQ(s["status"], "SHUTOFF");
  EXPECT_EQ(s["OS-EXT-STS:power_state"], 4);
  EXPECT_EQ(act(demo_, id, {{"os-start", nullptr}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  EXPECT_EQ(act(demo_, id, {{"reboot", {{"type", "HARD"}}}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  // Malformed bodies, unknown actions, other projects, admin-only actions.
  r = act(demo_, id, {{"reboot", {{"type", "GENTLE"}}}});
  EXPECT_EQ(r.status, 400);
  r = act(demo_, id, {{"fly", nullptr}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["badRequest"]["message"], "There is no such action: fly");
  EXPECT_EQ(act(alt_, id, {{"pause", nullptr}}).status, 404);
  r = act(demo_, id, {{"os-resetState", {{"state", "error"}}}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(act(admin_, id, {{"os-resetState", {{"state", "error"}}}}).status, 202);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id).json()["server"]["status"], "ERROR");
  EXPECT_EQ(act(demo_, id, {{"trigger_crash_dump", nullptr}}, "2.16").status, 404);
  remove(id);
}

TEST_F(ServerActionApiTest, LockWithReasonRefusesTheOwnerNotTheAdmin) {
  std::string id = boot("locked");
  EXPECT_EQ(act(demo_, id, {{"lock", {{"locked_reason", "exam"}}}}, "2.73").status, 202);
  Json s = call(demo_, "GET", "/servers/" + id, nullptr, "2.73").json()["server"];
  EXPECT_EQ(s["locked"], true);
  EXPECT_EQ(s["locked_reason"], "exam");
  auto r = act(demo_, id, {{"os-stop", nullptr}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["conflictingRequest"]["message"], "Instance " + id + " is locked");
  EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id).status, 409);
  EXPECT_EQ(act(admin_, id, {{"os-stop", nullptr}}).status, 202);
  EXPECT_EQ(settle(id)["status"], "SHUTOFF");
  EXPECT_EQ(act(demo_, id, {{"unlock", nullptr}}).status, 202);
  remove(id);
}

TEST_F(ServerActionApiTest, ConsolesAndSnapshots) {
  std::string id = boot("console");
  auto r = act(demo_, id, {{"os-getConsoleOutput", {{"length", 5}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string out = r.json()["output"];
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4);
  r = act(demo_, id, {{"os-getConsoleOutput", {{"length", "x"}}}});
  EXPECT_EQ(r.status, 400);
  r = call(demo_, "POST", "/servers/" + id + "/remote-consoles",
           {{"remote_console", {{"protocol", "vnc"}, {"type", "novnc"}}}}, "2.6");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string url = r.json()["remote_console"]["url"];
  EXPECT_EQ(url.rfind("http://127.0.0.1:" + std::to_string(cloud_->port()) + "/vnc_auto.html?path=%3Ftoken%3D", 0), 0u)
      << url;
  r = act(demo_, id, {{"os-getVNCConsole", {{"type", "novnc"}}}}, "2.5");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["console"]["type"], "novnc");

  // createImage: 2.45+ the image id in the body, before it a Location header.
  r = act(demo_, id, {{"createImage", {{"name", "snap1"}}}}, "2.45");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string image = r.json()["image_id"];
  settle(id);
  auto img = client.request("GET", "/image/v2/images/" + image, "", {{"X-Auth-Token", demo_}}).json();
  EXPECT_EQ(img["status"], "active");
  EXPECT_EQ(img["image_type"], "snapshot");
  EXPECT_EQ(img["instance_uuid"], id);
  r = act(demo_, id, {{"createImage", {{"name", "snap2"}}}}, "2.1");
  ASSERT_EQ(r.status, 202);
  EXPECT_NE(r.header("location").find("/images/"), std::string::npos);
  settle(id);
  EXPECT_EQ(act(demo_, id, {{"createImage", nullptr}}).status, 400);
  remove(id);
}

TEST_F(ServerActionApiTest, ShelveUnshelveAndResizeConfirm) {
  std::string id = boot("mover");
  EXPECT_EQ(act(demo_, id, {{"shelve", nullptr}}).status, 202);
  Json s = settle(id, admin_);
  EXPECT_EQ(s["status"], "SHELVED_OFFLOADED");
  EXPECT_TRUE(s["OS-EXT-SRV-ATTR:host"].is_null());
  EXPECT_EQ(act(demo_, id, {{"unshelve", nullptr}}).status, 202);
  s = settle(id, admin_);
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["OS-EXT-SRV-ATTR:host"], "openstackbootcamp");

  EXPECT_EQ(act(demo_, id, {{"resize", {{"flavorRef", "84"}}}}).status, 202);
  s = settle(id);
  EXPECT_EQ(s["status"], "VERIFY_RESIZE");
  EXPECT_EQ(s["flavor"]["original_name"], "m1.micro");
  auto migs = call(admin_, "GET", "/os-migrations", nullptr, "2.80").json()["migrations"];
  ASSERT_FALSE(migs.empty());
  EXPECT_EQ(migs[0]["migration_type"], "resize");
  EXPECT_EQ(migs[0]["status"], "finished");
  EXPECT_EQ(migs[0]["instance_uuid"], id);
  EXPECT_EQ(call(demo_, "GET", "/os-migrations").status, 403);
  EXPECT_EQ(act(demo_, id, {{"confirmResize", nullptr}}).status, 204);
  for (int i = 0; i < 200 && s["status"] != "ACTIVE"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    s = call(demo_, "GET", "/servers/" + id, nullptr, "2.79").json()["server"];
  }
  EXPECT_EQ(s["status"], "ACTIVE");
  auto r = act(admin_, id, {{"migrate", nullptr}});
  EXPECT_EQ(r.status, 400);  // one host: nowhere to go
  EXPECT_EQ(act(demo_, id, {{"migrate", nullptr}}).status, 403);
  remove(id);
}

TEST_F(ServerActionApiTest, InstanceActionsListTheRequestsWithTheirEvents) {
  std::string create_rid;
  std::string id = boot("logged", &create_rid);
  auto r = act(demo_, id, {{"os-stop", nullptr}});
  std::string stop_rid = r.header("x-openstack-request-id");
  settle(id);
  r = call(demo_, "GET", "/servers/" + id + "/os-instance-actions", nullptr, "2.58");
  ASSERT_EQ(r.status, 200) << r.body;
  Json actions = r.json()["instanceActions"];
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0]["action"], "stop");
  EXPECT_EQ(actions[0]["request_id"], stop_rid);
  EXPECT_EQ(actions[1]["action"], "create");
  EXPECT_EQ(actions[1]["request_id"], create_rid);
  EXPECT_TRUE(actions[0].contains("updated_at"));
  // Below 2.51 a member sees no events; an admin sees them with tracebacks.
  Json mine = call(demo_, "GET", "/servers/" + id + "/os-instance-actions/" + create_rid, nullptr, "2.1")
                  .json()["instanceAction"];
  EXPECT_FALSE(mine.contains("events"));
  Json full = call(admin_, "GET", "/servers/" + id + "/os-instance-actions/" + create_rid, nullptr, "2.1")
                  .json()["instanceAction"];
  ASSERT_EQ(full["events"].size(), 2u);
  EXPECT_EQ(full["events"][1]["event"], "compute__do_build_and_run_instance");
  EXPECT_EQ(full["events"][1]["result"], "Success");
  EXPECT_TRUE(full["events"][1].contains("traceback"));
  Json member51 = call(demo_, "GET", "/servers/" + id + "/os-instance-actions/" + stop_rid, nullptr, "2.62")
                      .json()["instanceAction"];
  ASSERT_EQ(member51["events"].size(), 1u);
  EXPECT_EQ(member51["events"][0]["event"], "compute_stop_instance");
  EXPECT_FALSE(member51["events"][0].contains("traceback"));
  EXPECT_FALSE(member51["events"][0].contains("host"));
  EXPECT_EQ(member51["events"][0]["hostId"].get<std::string>().size(), 56u);
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/os-instance-actions/req-nope").status, 404);
  EXPECT_EQ(call(alt_, "GET", "/servers/" + id + "/os-instance-actions").status, 404);
  remove(id);
}

TEST_F(ServerActionApiTest, ChangePasswordNeedsAnActiveServer) {
  std::string id = boot("passwd");
  EXPECT_EQ(act(demo_, id, {{"changePassword", Json::object()}}).status, 400);
  EXPECT_EQ(act(demo_, id, {{"changePassword", {{"adminPass", 42}}}}).status, 400);
  EXPECT_EQ(act(demo_, id, {{"changePassword", {{"adminPass", "x"}, {"extra", 1}}}}).status, 400);
  auto r = act(demo_, id, {{"changePassword", {{"adminPass", "s3cret"}}}});
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(settle(id)["status"], "ACTIVE");
  auto actions = call(demo_, "GET", "/servers/" + id + "/os-instance-actions").json()["instanceActions"];
  EXPECT_EQ(actions[0]["action"], "changePassword");
  EXPECT_EQ(act(demo_, id, {{"os-stop", nullptr}}).status, 202);
  settle(id);
  r = act(demo_, id, {{"changePassword", {{"adminPass", "s3cret"}}}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["conflictingRequest"]["message"],
            "Cannot 'changePassword' instance " + id + " while it is in vm_state stopped");
  remove(id);
}

TEST_F(ServerActionApiTest, CreateBackupRotatesOldBackups) {
  std::string id = boot("backed");
  EXPECT_EQ(act(demo_, id, {{"createBackup", {{"name", "b"}, {"backup_type", "daily"}}}}).status, 400);
  EXPECT_EQ(act(demo_, id, {{"createBackup", {{"name", "b"}, {"backup_type", "daily"}, {"rotation", -1}}}}).status,
            400);
  std::vector<std::string> images;
  for (const char* name : {"b1", "b2", "b3"}) {
    auto r = act(demo_, id, {{"createBackup", {{"name", name}, {"backup_type", "daily"}, {"rotation", 2}}}}, "2.45");
    ASSERT_EQ(r.status, 202) << r.body;
    images.push_back(r.json()["image_id"]);
    settle(id);  // within one second: the same created_at, yet the order is known
  }
  auto get = [&](const std::string& image) {
    return client.request("GET", "/image/v2/images/" + image, "", {{"X-Auth-Token", demo_}});
  };
  EXPECT_EQ(get(images[0]).status, 404) << "the oldest backup beyond rotation 2 is deleted";
  auto newest = get(images[2]).json();
  EXPECT_EQ(newest["status"], "active");
  EXPECT_EQ(newest["image_type"], "backup");
  EXPECT_EQ(newest["backup_type"], "daily");
  EXPECT_EQ(get(images[1]).status, 200);
  // Before 2.45: a Location header (rotation > 0), no body.
  auto r = act(demo_, id, {{"createBackup", {{"name", "b4"}, {"backup_type", "weekly"}, {"rotation", "1"}}}}, "2.44");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.header("location").find("/images/"), std::string::npos);
  settle(id);
  remove(id);
}

TEST_F(ServerActionApiTest, DiagnosticsAreForAdminsInBothShapes) {
  std::string id = boot("diag");
  EXPECT_EQ(call(demo_, "GET", "/servers/" + id + "/diagnostics").status, 403);
  auto r = call(admin_, "GET", "/servers/" + id + "/diagnostics", Json(), "2.48");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "running");
  EXPECT_EQ(r.json()["num_disks"], 1);
  r = call(admin_, "GET", "/servers/" + id + "/diagnostics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().contains("memory"));
  EXPECT_TRUE(r.json().contains("vda_read"));
  EXPECT_EQ(call(admin_, "GET", "/servers/00000000-0000-0000-0000-000000000000/diagnostics").status, 404);
  remove(id);
}

TEST_F(ServerActionApiTest, ConsoleUrlOpensAPageWithTheBootLog) {
  std::string id = boot("page");
  auto r = call(demo_, "POST", "/servers/" + id + "/remote-consoles",
                {{"remote_console", {{"protocol", "vnc"}, {"type", "novnc"}}}}, "2.6");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string url = r.json()["remote_console"]["url"];
  std::string path = url.substr(url.find("/vnc_auto.html"));
  auto page = client.request("GET", path, "", {});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Connected (unencrypted) to: QEMU (instance-"), std::string::npos);
  EXPECT_NE(page.body.find("page ("), std::string::npos) << "the server's name in the title";
  EXPECT_NE(page.body.find("login:"), std::string::npos) << page.body;
  EXPECT_EQ(client.request("GET", "/vnc_auto.html?path=%3Ftoken%3Dnope", "", {}).status, 404);
  remove(id);
}
