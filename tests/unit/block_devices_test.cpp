// The block device mapping record: libvirt's device naming, an instance's
// rows in root-then-name order, and rows surviving a reopened store.
#include "engine/compute/block_devices.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

using namespace stacklab;
using namespace stacklab::compute;

namespace {

std::string temp_db() {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-bdm-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "db.sqlite";
  std::filesystem::remove(path);
  return path.string();
}

Json row(BlockDeviceMappings& bdms, const std::string& instance, const std::string& volume, int boot_index = -1) {
  Json r = bdms.make(instance);
  r["volume_id"] = volume;
  r["boot_index"] = boot_index;
  r["device_name"] = boot_index == 0 ? std::string(kRootDevice) : bdms.next_device(instance);
  EXPECT_TRUE(bdms.save(r).ok());
  return r;
}

}  // namespace

TEST(DeviceNames, TheRootIsVdaAndTheNextFreeLetterFollows) {
  EXPECT_EQ(next_device_name({}), "/dev/vdb");
  EXPECT_EQ(next_device_name({"/dev/vda"}), "/dev/vdb");
  EXPECT_EQ(next_device_name({"/dev/vdb"}), "/dev/vdc");
  EXPECT_EQ(next_device_name({"/dev/vdb", "/dev/vdd"}), "/dev/vdc");  // a detached disk's letter is reused
  std::vector<std::string> used;
  for (char c = 'b'; c <= 'z'; ++c) used.push_back(std::string("/dev/vd") + c);
  EXPECT_EQ(next_device_name(used), "/dev/vdaa");
  used.push_back("/dev/vdaa");
  EXPECT_EQ(next_device_name(used), "/dev/vdab");
}

TEST(BlockDeviceMappings, AnInstancesRowsComeRootFirstThenByDevice) {
  auto store = Store::open({});
  ASSERT_TRUE(store.ok());
  ManualClock clock;
  SeededRandom random(7);
  BlockDeviceMappings bdms(**store, clock, random);
  row(bdms, "vm1", "data1");                  // /dev/vdb
  row(bdms, "vm1", "root", 0);                // /dev/vda
  Json second = row(bdms, "vm1", "data2");    // /dev/vdc
  row(bdms, "vm2", "other");                  // another instance: /dev/vdb as well
  EXPECT_EQ(second["device_name"], "/dev/vdc");
  auto rows = bdms.of_instance("vm1");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["volume_id"], "root");
  EXPECT_EQ(rows[1]["device_name"], "/dev/vdb");
  EXPECT_EQ(rows[2]["device_name"], "/dev/vdc");
  EXPECT_EQ(bdms.of_instance("vm2")[0]["device_name"], "/dev/vdb");
  EXPECT_TRUE(bdms.find("vm1", "other").is_null());
  EXPECT_EQ(bdms.find("vm2", "other")["instance_uuid"], "vm2");

  ASSERT_TRUE(bdms.remove(rows[1]["id"]).ok());
  EXPECT_EQ(bdms.next_device("vm1"), "/dev/vdb");
}

TEST(BlockDeviceMappings, RowsSurviveARestart) {
  std::string path = temp_db();
  ManualClock clock;
  SeededRandom random(9);
  {
    auto store = Store::open({path});
    ASSERT_TRUE(store.ok());
    BlockDeviceMappings bdms(**store, clock, random);
    row(bdms, "vm1", "vol1");
  }
  auto store = Store::open({path});
  ASSERT_TRUE(store.ok());
  BlockDeviceMappings bdms(**store, clock, random);
  Json found = bdms.find("vm1", "vol1");
  ASSERT_FALSE(found.is_null());
  EXPECT_EQ(found["device_name"], "/dev/vdb");
  EXPECT_EQ(bdms.next_device("vm1"), "/dev/vdc");
}
