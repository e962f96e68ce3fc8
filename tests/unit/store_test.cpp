#include "engine/core/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

using namespace stacklab;

namespace {

std::string temp_db() {
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-store-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / ("db" + std::to_string(n++) + ".sqlite");
  std::filesystem::remove(path);
  return path.string();
}

}  // namespace

TEST(Store, FindsByIndexedField) {
  auto store = Store::open({});
  ASSERT_TRUE(store.ok());
  auto& s = **store;
  s.define("project", {"domain_id"});
  s.put("project", "a", {{"id", "a"}, {"domain_id", "d1"}});
  s.put("project", "b", {{"id", "b"}, {"domain_id", "d2"}});
  s.put("project", "c", {{"id", "c"}, {"domain_id", "d1"}});
  auto found = s.find("project", "domain_id", "d1");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ((*found[0])["id"], "a");
  EXPECT_EQ((*found[1])["id"], "c");
  // Re-indexed on update.
  s.put("project", "a", {{"id", "a"}, {"domain_id", "d2"}});
  EXPECT_EQ(s.find("project", "domain_id", "d1").size(), 1u);
  EXPECT_EQ(s.find("project", "domain_id", "d2").size(), 2u);
  s.erase("project", "b");
  EXPECT_EQ(s.find("project", "domain_id", "d2").size(), 1u);
}

TEST(Store, FailedTransactionUndoesEveryMutation) {
  auto path = temp_db();
  {
    auto store = Store::open({path});
    ASSERT_TRUE(store.ok());
    auto& s = **store;
    s.put("user", "keep", {{"id", "keep"}, {"v", 1}});
    Status st = s.transaction([&]() -> Status {
      s.put("user", "new", {{"id", "new"}});
      s.put("user", "keep", {{"id", "keep"}, {"v", 2}});
      s.erase("user", "keep");
      return Conflict("no");
    });
    EXPECT_EQ(st.code(), Code::kConflict);
    EXPECT_EQ(s.get("user", "new"), nullptr);
    ASSERT_NE(s.get("user", "keep"), nullptr);
    EXPECT_EQ((*s.get("user", "keep"))["v"], 1);
  }
  // And nothing of it reached the file.
  auto reopened = Store::open({path});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->get("user", "new"), nullptr);
  EXPECT_EQ((*(*reopened)->get("user", "keep"))["v"], 1);
}

TEST(Store, CommittedStateSurvivesReopen) {
  auto path = temp_db();
  {
    auto store = Store::open({path});
    ASSERT_TRUE(store.ok());
    (*store)->transaction([&]() -> Status {
      (*store)->put("domain", "d", {{"id", "d"}, {"name", "Default"}});
      return (*store)->put("project", "p", {{"id", "p"}, {"domain_id", "d"}});
    });
    (*store)->put("project", "q", {{"id", "q"}, {"domain_id", "d"}});
    (*store)->erase("project", "q");
  }
  auto store = Store::open({path});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->schema_version(), Store::kLatestSchema);
  (*store)->define("project", {"domain_id"});  // index built over loaded rows
  EXPECT_EQ((*store)->find("project", "domain_id", "d").size(), 1u);
  EXPECT_EQ((*store)->get("project", "q"), nullptr);
  EXPECT_EQ((*(*store)->get("domain", "d"))["name"], "Default");
}

TEST(Store, RefusesADatabaseFromANewerStacklab) {
  auto path = temp_db();
  {
    auto store = Store::open({path});
    ASSERT_TRUE(store.ok());
  }
  {
    // Pretend a future version wrote it.
    auto store = Store::open({path});
    (void)store;
  }
  std::string cmd = "sqlite3 " + path + " 'PRAGMA user_version=99'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto store = Store::open({path});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}
