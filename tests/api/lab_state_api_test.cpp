// Snapshots, reset and the audit log of a running cloud (/_stacklab/...).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "fake_drivers/simulated_fleet.h"
#include "tests/api/test_cloud.h"

namespace stacklab::testing {
namespace {

using nlohmann::json;

// Every table of a cloud's Store, read on its engine loop.
Store::Contents dump(Cloud& cloud) {
  return cloud.runtime().run([&cloud] { return cloud.store().contents(); });
}

// Names the tables whose documents differ, for a readable failure.
std::string differing_tables(const Store::Contents& a, const Store::Contents& b) {
  std::string out;
  std::set<std::string> kinds;
  for (const auto& [k, rows] : a) kinds.insert(k);
  for (const auto& [k, rows] : b) kinds.insert(k);
  for (const auto& k : kinds) {
    auto ia = a.find(k), ib = b.find(k);
    if (ia == a.end() || ib == b.end() || ia->second != ib->second) out += k + " ";
  }
  return out;
}

std::size_t guests(Cloud& cloud) {
  return cloud.runtime().run([&cloud] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < cloud.fleet().size(); ++i) n += cloud.fleet().driver(i).list_instance_uuids()->size();
    return n;
  });
}

class LabStateTest : public ComputeCloudTest {
 protected:
  HttpResult ops(const std::string& tok, const std::string& method, const std::string& path,
                 const json& body = nullptr) {
    return send(tok, method, "/_stacklab" + path, body);
  }
  void save(const std::string& name) {
    auto r = ops(admin_, "POST", "/snapshots", {{"name", name}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void restore(const std::string& name) {
    auto r = ops(admin_, "POST", "/snapshots/" + name + "/restore");
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(LabStateTest, RestoreReturnsExactlyTheSavedState) {
  std::string server = boot("kept");
  ASSERT_EQ(settle(server)["status"], "ACTIVE");
  ASSERT_EQ(call(demo_, "POST", "/os-keypairs", {{"keypair", {{"name", "kept-key"}}}}).status, 200);
  auto net = send(demo_, "POST", "/networking/v2.0/networks", {{"network", {{"name", "kept-net"}}}});
  ASSERT_EQ(net.status, 201) << net.body;
  Store::Contents saved = dump(*cloud_);
  save("before-cleanup");

  ASSERT_EQ(call(demo_, "DELETE", "/os-keypairs/kept-key").status, 202);
  ASSERT_EQ(send(demo_, "DELETE", "/networking/v2.0/networks/" + net.json()["network"]["id"].get<std::string>()).status,
            204);
  ASSERT_EQ(call(demo_, "DELETE", "/servers/" + server).status, 204);
  poll_server(server, [](const json& s) { return s.is_null(); });
  std::string other = boot("after");
  settle(other);
  ASSERT_NE(dump(*cloud_), saved);

  restore("before-cleanup");
  EXPECT_EQ(differing_tables(dump(*cloud_), saved), "");
  auto s = call(demo_, "GET", "/servers/" + server);  // the token issued before the restore still works
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json()["server"]["status"], "ACTIVE");
  EXPECT_EQ(call(demo_, "GET", "/servers/" + other).status, 404);
  EXPECT_EQ(call(demo_, "GET", "/os-keypairs/kept-key").status, 200);
  // The simulated hypervisor has the restored server's domain again, and only it.
  EXPECT_EQ(guests(*cloud_), 1u);
  auto console = call(demo_, "POST", "/servers/" + server + "/action", {{"os-getConsoleOutput", json::object()}});
  EXPECT_EQ(console.status, 200) << console.body;
  // The next tests boot without naming a network: leave demo with one.
  EXPECT_EQ(ops(admin_, "POST", "/reset").status, 200);
}

TEST_F(LabStateTest, ResetReturnsThePristineLab) {
  std::string server = boot("scratch");
  settle(server);
  ASSERT_EQ(call(demo_, "POST", "/os-keypairs", {{"keypair", {{"name", "scratch-key"}}}}).status, 200);
  auto r = ops(admin_, "POST", "/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["restore"]["name"], "pristine");
  EXPECT_LT(r.json()["restore"]["seconds"].get<double>(), 1.0);
  EXPECT_EQ(call(demo_, "GET", "/servers").json()["servers"], json::array());
  EXPECT_EQ(call(demo_, "GET", "/os-keypairs").json()["keypairs"], json::array());
  EXPECT_EQ(guests(*cloud_), 0u);
  EXPECT_EQ(image_id(client, demo_, "cirros-0.3.4-x86_64-uec"), image_);
  // Twice in a row: the same state.
  Store::Contents first = dump(*cloud_);
  ASSERT_EQ(ops(admin_, "POST", "/reset").status, 200);
  EXPECT_EQ(differing_tables(dump(*cloud_), first), "");
}

TEST_F(LabStateTest, SnapshotsAreListedAndDeleted) {
  save("listed");
  auto list = ops(admin_, "GET", "/snapshots");
  ASSERT_EQ(list.status, 200) << list.body;
  const json snapshots = list.json()["snapshots"];  // a copy: the parsed body is a temporary
  std::set<std::string> names;
  for (const auto& s : snapshots) names.insert(s["name"].get<std::string>());
  EXPECT_TRUE(names.count("pristine"));
  EXPECT_TRUE(names.count("listed"));
  EXPECT_EQ(ops(admin_, "DELETE", "/snapshots/listed").status, 204);
  EXPECT_EQ(ops(admin_, "DELETE", "/snapshots/listed").status, 404);
  EXPECT_EQ(ops(admin_, "POST", "/snapshots/listed/restore").status, 404);
}

TEST_F(LabStateTest, SnapshotEndpointsRefuseBadInputAndNonAdmins) {
  EXPECT_EQ(ops(demo_, "POST", "/snapshots", {{"name", "mine"}}).status, 403);
  EXPECT_EQ(ops(demo_, "GET", "/snapshots").status, 403);
  EXPECT_EQ(ops(demo_, "POST", "/reset").status, 403);
  EXPECT_EQ(ops(demo_, "POST", "/snapshots/pristine/restore").status, 403);
  EXPECT_EQ(ops(demo_, "DELETE", "/snapshots/pristine").status, 403);
  EXPECT_EQ(client.request("POST", "/_stacklab/reset").status, 401);
  EXPECT_EQ(ops(admin_, "POST", "/snapshots", {{"name", 7}}).status, 400);
  EXPECT_EQ(ops(admin_, "POST", "/snapshots", {{"name", "../escape"}}).status, 400);
  EXPECT_EQ(ops(admin_, "POST", "/snapshots", {{"name", ".hidden"}}).status, 400);
  EXPECT_EQ(send(admin_, "POST", "/_stacklab/snapshots", nullptr, {{"Content-Type", "application/json"}}).status, 400);
  EXPECT_EQ(client
                .request("POST", "/_stacklab/snapshots", "{not json",
                         {{"X-Auth-Token", admin_}, {"Content-Type", "application/json"}})
                .status,
            400);
  EXPECT_EQ(ops(admin_, "POST", "/snapshots/nothing-here/restore").status, 404);
}

TEST_F(LabStateTest, AuditRecordsAllowedAndRefusedCallsWithoutTokens) {
  ASSERT_EQ(call(demo_, "GET", "/os-services").status, 403);
  ASSERT_EQ(call(admin_, "GET", "/os-services").status, 200);
  ASSERT_EQ(client.request("GET", "/compute/v2.1/servers").status, 401);
  ASSERT_EQ(ops(demo_, "GET", "/audit").status, 403);

  auto r = ops(admin_, "GET", "/audit?service=compute&limit=10000");
  ASSERT_EQ(r.status, 200) << r.body;
  bool refused = false, allowed = false, anonymous = false;
  const json entries = r.json()["audit"];
  for (const auto& e : entries) {
    EXPECT_EQ(e["service"], "compute");
    if (e["action"] == "compute:os-services:list" && e["status"] == 403 && e["user_name"] == "demo") refused = true;
    if (e["action"] == "compute:os-services:list" && e["status"] == 200 && e["user_name"] == "admin") allowed = true;
    if (e["path"] == "/compute/v2.1/servers" && e["status"] == 401 && e["user_id"].is_null()) anonymous = true;
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(allowed);
  EXPECT_TRUE(anonymous);
  EXPECT_EQ(r.body.find(demo_), std::string::npos);
  EXPECT_EQ(r.body.find(admin_), std::string::npos);
  EXPECT_EQ(ops(admin_, "GET", "/audit").body.find("nomoresecret"), std::string::npos);

  // Filters: user, limit, since; bad ones are 400.
  auto demo_only = ops(admin_, "GET", "/audit?user=demo&limit=2").json()["audit"];
  ASSERT_EQ(demo_only.size(), 2u);
  for (const auto& e : demo_only) EXPECT_EQ(e["user_name"], "demo");
  EXPECT_EQ(ops(admin_, "GET", "/audit?since=2999-01-01T00:00:00Z").json()["audit"], json::array());
  EXPECT_EQ(ops(admin_, "GET", "/audit?limit=0").status, 400);
  EXPECT_EQ(ops(admin_, "GET", "/audit?limit=x").status, 400);
  EXPECT_EQ(ops(admin_, "GET", "/audit?since=yesterday").status, 400);
}

// A password sign-in has no token to name its caller: the entry names the
// token's user and project (the grader's "bootcamp signed in", EX-30); a refused one names nobody.
TEST_F(LabStateTest, AuditNamesWhoSignedIn) {
  ASSERT_FALSE(lab_token(client, "demo", "demo").empty());
  json wrong = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password", {{"user", {{"name", "demo"}, {"domain", {{"id", "default"}}}, {"password", "wrong"}}}}}}}}}};
  ASSERT_EQ(client.request("POST", "/identity/v3/auth/tokens", wrong.dump()).status, 401);
  auto entries = ops(admin_, "GET", "/audit?service=identity&limit=10000").json()["audit"];
  bool signed_in = false, refused = false;
  for (const auto& e : entries) {
    if (e["action"] != "identity:auth:tokens:create") continue;
    signed_in = signed_in || (e["status"] == 201 && e["user_name"] == "demo" && e["project_id"] == demo_project_);
    refused = refused || (e["status"] == 401 && e["user_id"].is_null());
  }
  EXPECT_TRUE(signed_in);
  EXPECT_TRUE(refused);
}

TEST_F(LabStateTest, AuditIsNotRolledBackByRestore) {
  save("audit-mark");
  ASSERT_EQ(call(demo_, "GET", "/flavors/does-not-exist").status, 404);
  restore("audit-mark");
  auto entries = ops(admin_, "GET", "/audit?user=demo&limit=50").json()["audit"];
  bool seen = false;
  for (const auto& e : entries) seen = seen || e["path"] == "/compute/v2.1/flavors/does-not-exist";
  EXPECT_TRUE(seen);
}

// A cloud with real (seconds-long) hypervisor operations and a state directory.
class SlowPersistentCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("stacklab-labstate-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "logs");
    start();
  }
  void TearDown() override {
    cloud_.reset();
    std::filesystem::remove_all(dir_);
  }
  void start() {
    CloudOptions o;
    o.state_dir = dir_.string();
    cloud_ = start_test_cloud(std::move(o));
    ASSERT_NE(cloud_, nullptr);
    client_ = std::make_unique<HttpClient>(cloud_->port());
    admin_ = lab_token(*client_, "admin", "admin");
    demo_ = lab_token(*client_, "demo", "demo");
  }
  HttpResult send(const std::string& tok, const std::string& method, const std::string& target,
                  const json& body = nullptr) {
    return client_->request(method, target, body.is_null() ? "" : body.dump(), {{"X-Auth-Token", tok}});
  }
  std::string boot() {
    std::string image = image_id(*client_, demo_, "cirros-0.3.4-x86_64-uec");
    auto r = send(demo_, "POST", "/compute/v2.1/servers",
                  {{"server", {{"name", "slow"}, {"imageRef", image}, {"flavorRef", "42"}}}});
    EXPECT_EQ(r.status, 202) << r.body;
    return r.json()["server"].value("id", "");
  }
  std::filesystem::path dir_;
  std::unique_ptr<Cloud> cloud_;
  std::unique_ptr<HttpClient> client_;
  std::string admin_, demo_;
};

TEST_F(SlowPersistentCloudTest, RestoreWhileAServerBuildsDropsTheBuild) {
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots", {{"name", "before"}}).status, 201);
  std::string server = boot();
  ASSERT_EQ(send(demo_, "GET", "/compute/v2.1/servers/" + server).json()["server"]["status"], "BUILD");
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots/before/restore").status, 200);
  EXPECT_EQ(send(demo_, "GET", "/compute/v2.1/servers/" + server).status, 404);
  EXPECT_EQ(guests(*cloud_), 0u);
  // Placement holds no claim of the dropped build.
  auto rps = send(admin_, "GET", "/placement/resource_providers").json()["resource_providers"];
  ASSERT_FALSE(rps.empty());
  for (const auto& rp : rps) {
    auto usages =
        send(admin_, "GET", "/placement/resource_providers/" + rp["uuid"].get<std::string>() + "/usages").json();
    for (const auto& [rc, used] : usages["usages"].items()) EXPECT_EQ(used, 0) << rc;
  }
}

TEST_F(SlowPersistentCloudTest, ASnapshotTakenMidBuildRestoresTheServerInError) {
  std::string server = boot();
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots", {{"name", "mid-build"}}).status, 201);
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots/mid-build/restore").status, 200);
  auto s = send(demo_, "GET", "/compute/v2.1/servers/" + server);
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.json()["server"]["status"], "ERROR");
}

TEST_F(SlowPersistentCloudTest, SnapshotsAndAuditSurviveARestart) {
  ASSERT_EQ(send(demo_, "POST", "/compute/v2.1/os-keypairs", {{"keypair", {{"name", "k"}}}}).status, 200);
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots", {{"name", "with-key"}}).status, 201);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "snapshots" / "with-key.sqlite"));
  Store::Contents saved = dump(*cloud_);
  cloud_.reset();
  start();
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/reset").status, 200);
  EXPECT_EQ(send(demo_, "GET", "/compute/v2.1/os-keypairs/k").status, 404);
  ASSERT_EQ(send(admin_, "POST", "/_stacklab/snapshots/with-key/restore").status, 200);
  EXPECT_EQ(differing_tables(dump(*cloud_), saved), "");
  EXPECT_EQ(send(demo_, "GET", "/compute/v2.1/os-keypairs/k").status, 200);
  auto audit = send(admin_, "GET", "/_stacklab/audit?user=demo&service=compute&limit=1000").json()["audit"];
  bool before_restart = false;
  for (const auto& e : audit) before_restart = before_restart || e["action"] == "compute:os-keypairs:create";
  EXPECT_TRUE(before_restart);
}

}  // namespace
}  // namespace stacklab::testing
