// Whole-state snapshots (Store contents, StateSnapshots, Clock::cancel_all)
// and the audit log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "api/audit_log.h"
#include "engine/core/clock.h"
#include "engine/core/state_snapshots.h"
#include "engine/core/store.h"

using namespace stacklab;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() / ("stacklab-labstate-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::unique_ptr<Store> open_store(const std::string& path) {
  auto s = Store::open({path});
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

}  // namespace

TEST(StoreContents, ReplaceContentsSwapsEveryTableAndMovesVersionsForward) {
  TempDir dir;
  auto store = open_store(dir / "state.db");
  store->define("server", {"project_id"});
  store->put("server", "a", {{"id", "a"}, {"project_id", "p1"}});
  store->put("flavor", "f", {{"id", "f"}});
  Store::Contents saved = store->contents();
  std::uint64_t server_version = store->version("server");

  store->erase("server", "a");
  store->put("server", "b", {{"id", "b"}, {"project_id", "p1"}});
  store->put("network", "n", {{"id", "n"}});
  ASSERT_TRUE(store->replace_contents(saved).ok());

  EXPECT_EQ(store->contents(), saved);
  EXPECT_EQ(store->count("network"), 0u);
  EXPECT_GT(store->version("server"), server_version + 2);
  ASSERT_EQ(store->find("server", "project_id", "p1").size(), 1u);  // indexes rebuilt
  EXPECT_EQ((*store->find("server", "project_id", "p1")[0])["id"], "a");
  // Written through: a reopened file has the replaced contents.
  store.reset();
  EXPECT_EQ(open_store(dir / "state.db")->contents(), saved);
}

TEST(StoreContents, BackupIsAConsistentCopyOfTheFile) {
  TempDir dir;
  auto store = open_store(dir / "state.db");
  store->put("image", "i", {{"id", "i"}, {"name", "cirros"}});
  ASSERT_TRUE(store->backup_to(dir / "copy.sqlite").ok());
  store->put("image", "j", {{"id", "j"}});
  auto copy = Store::read_backup(dir / "copy.sqlite");
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ(copy->at("image").size(), 1u);
  EXPECT_EQ(copy->at("image").at("i")["name"], "cirros");
  EXPECT_FALSE(fs::exists(dir / "copy.sqlite.tmp"));
  EXPECT_FALSE(fs::exists(dir / "copy.sqlite-wal"));  // one self-contained file
  EXPECT_FALSE(Store::read_backup(dir / "missing.sqlite").ok());
}

TEST(ClockCancelAll, DropsEveryPendingTimer) {
  ManualClock clock;
  int fired = 0;
  clock.schedule(Duration(0), [&] { ++fired; });
  clock.schedule(std::chrono::seconds(5), [&] { ++fired; });
  clock.cancel_all();
  EXPECT_EQ(clock.pending(), 0u);
  clock.schedule(std::chrono::seconds(1), [&] { fired += 10; });  // later timers still run
  clock.advance(std::chrono::seconds(10));
  EXPECT_EQ(fired, 10);
}

class StateSnapshotsTest : public ::testing::TestWithParam<bool> {  // persistent store?
 protected:
  void SetUp() override {
    fs::create_directories(dir / "images");
    store = open_store(GetParam() ? dir / "state.db" : "");
    snapshots =
        std::make_unique<StateSnapshots>(*store, clock, StateSnapshots::Options{dir / "snapshots", {dir / "images"}});
  }
  TempDir dir;
  ManualClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<StateSnapshots> snapshots;
};

TEST_P(StateSnapshotsTest, RestoreBringsBackDocumentsAndDataFilesThenRunsHooksInOrder) {
  std::vector<std::string> hooks;
  snapshots->on_restore("first", [&] {
    hooks.push_back("first:" + std::to_string(store->count("image")));  // runs on the restored tables
    return Status();
  });
  snapshots->on_restore("second", [&] {
    hooks.push_back("second");
    return Status();
  });
  store->put("image", "kept", {{"id", "kept"}});
  write_file(dir / "images/kept", "kept data");
  auto info = snapshots->save("one");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->documents, 1u);
  Store::Contents saved = store->contents();

  store->erase("image", "kept");
  fs::remove(dir / "images/kept");
  store->put("image", "new", {{"id", "new"}});
  write_file(dir / "images/new", "new data");
  bool dropped_timer_ran = false;
  clock.schedule(Duration(0), [&] { dropped_timer_ran = true; });

  auto report = snapshots->restore("one");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->documents, 1u);
  EXPECT_EQ(store->contents(), saved);
  EXPECT_EQ(read_file(dir / "images/kept"), "kept data");
  EXPECT_FALSE(fs::exists(dir / "images/new"));
  EXPECT_EQ(hooks, (std::vector<std::string>{"first:1", "second"}));
  clock.advance(std::chrono::seconds(1));
  EXPECT_FALSE(dropped_timer_ran);
}

TEST_P(StateSnapshotsTest, NamesAreCheckedAndUnknownSnapshotsAreNotFound) {
  EXPECT_EQ(snapshots->save("../x").status().code(), Code::kBadRequest);
  EXPECT_EQ(snapshots->save("").status().code(), Code::kBadRequest);
  EXPECT_EQ(snapshots->save(".x").status().code(), Code::kBadRequest);
  EXPECT_EQ(snapshots->save(std::string(65, 'a')).status().code(), Code::kBadRequest);
  EXPECT_EQ(snapshots->restore("absent").status().code(), Code::kNotFound);
  EXPECT_EQ(snapshots->remove("absent").code(), Code::kNotFound);
  ASSERT_TRUE(snapshots->save("b-2").ok());
  ASSERT_TRUE(snapshots->save("a_1").ok());
  auto list = snapshots->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "a_1");
  EXPECT_EQ(list[1].name, "b-2");
  ASSERT_TRUE(snapshots->remove("a_1").ok());
  EXPECT_FALSE(snapshots->exists("a_1"));
  EXPECT_TRUE(snapshots->exists("b-2"));
}

TEST_P(StateSnapshotsTest, AFailingHookIsNamedInTheError) {
  snapshots->on_restore("placement", [] { return Status(Code::kInternal, "index broken"); });
  ASSERT_TRUE(snapshots->save("s").ok());
  auto r = snapshots->restore("s");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("placement failed: index broken"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(InMemoryAndFile, StateSnapshotsTest, ::testing::Bool());

TEST(AuditAction, NormalisesRoutesIntoServiceResourceAndVerb) {
  using api::audit_action;
  EXPECT_EQ(audit_action("compute", "POST", "/v2.1/servers", "{}"), "compute:servers:create");
  EXPECT_EQ(audit_action("compute", "GET", "/v2.1/servers/{server_id}", ""), "compute:servers:show");
  EXPECT_EQ(audit_action("compute", "GET", "/v2.1/os-services", ""), "compute:os-services:list");
  EXPECT_EQ(audit_action("compute", "POST", "/v2.1/servers/{server_id}/action", R"({"reboot": {"type": "SOFT"}})"),
            "compute:servers:action:reboot");
  EXPECT_EQ(audit_action("compute", "POST", "/v2.1/servers/{server_id}/action", "not json"), "compute:servers:action");
  EXPECT_EQ(audit_action("identity", "POST", "/v3/auth/tokens", ""), "identity:auth:tokens:create");
  EXPECT_EQ(audit_action("network", "PUT", "/v2.0/ports/{port_id}", ""), "network:ports:update");
  EXPECT_EQ(audit_action("image", "DELETE", "/v2/images/{image_id}", ""), "image:images:delete");
  EXPECT_EQ(audit_action("compute", "GET", "/", ""), "compute:versions:list");
  EXPECT_EQ(api::audit_service_type("nova-api"), "compute");
  EXPECT_EQ(api::audit_service_type("stacklab"), "stacklab");
}

TEST(AuditLog, AppendsSurviveReopeningAndQueriesFilter) {
  TempDir dir;
  auto entry = [](TimePoint t, const std::string& user, const std::string& service, int status) {
    api::AuditEntry e;
    e.time = t;
    e.request_id = "req-1";
    e.user_id = user + "-id";
    e.user_name = user;
    e.project_id = "p-" + user;
    e.service = service;
    e.method = "GET";
    e.path = "/x";
    e.route = "/x";
    e.action = service + ":x:list";
    e.status = status;
    return e;
  };
  const TimePoint t0 = TimePoint(std::chrono::seconds(1767225600));
  {
    auto log = api::AuditLog::open(dir / "audit.log");
    ASSERT_TRUE(log.ok());
    (*log)->append(entry(t0, "demo", "compute", 403));
    (*log)->append(entry(t0 + std::chrono::seconds(10), "admin", "compute", 200));
  }
  auto log = api::AuditLog::open(dir / "audit.log");
  ASSERT_TRUE(log.ok());
  (*log)->append(entry(t0 + std::chrono::seconds(20), "demo", "identity", 201));
  std::ofstream(dir / "audit.log", std::ios::app) << "{\"cut by a crash";  // a torn last line is skipped

  auto all = (*log)->query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["status"], 403);  // oldest first
  api::AuditQuery demo;
  demo.user = "demo";
  EXPECT_EQ((*log)->query(demo).size(), 2u);
  demo.user = "demo-id";
  EXPECT_EQ((*log)->query(demo).size(), 2u);
  api::AuditQuery compute;
  compute.service = "compute";
  compute.limit = 1;
  auto latest = (*log)->query(compute);
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0]["user_name"], "admin");  // the latest one
  api::AuditQuery since;
  since.since = t0 + std::chrono::seconds(10);
  EXPECT_EQ((*log)->query(since).size(), 2u);
  api::AuditQuery project;
  project.project = "p-admin";
  EXPECT_EQ((*log)->query(project).size(), 1u);
}

TEST(AuditLog, InMemoryKeepsEntries) {
  auto log = api::AuditLog::open("");
  ASSERT_TRUE(log.ok());
  api::AuditEntry e;
  e.service = "compute";
  e.status = 200;
  (*log)->append(e);
  EXPECT_EQ((*log)->query({}).size(), 1u);
}
