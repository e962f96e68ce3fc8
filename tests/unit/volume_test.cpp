// Cinder in the engine, in virtual time on the lab's simulated LVM backend:
// the scheduler's filters and weigher, the fake driver's exact capacity
// accounts, the volume lifecycle (create/extend/delete, snapshots, sources),
// quotas, the attach hand-off, faults and recovery after a restart.
#include <gtest/gtest.h>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/ops/daemons.h"
#include "engine/volume/volume_backups.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"
#include "engine/volume/volume_transfers.h"
#include "fake_drivers/fake_volume_driver.h"
#include "tests/unit/test_credentials.h"

using namespace stacklab;
using namespace std::chrono_literals;
using stacklab::testing::cloud_admin;
using stacklab::testing::project_member;

namespace {

volume::BackendState pool_state(const std::string& name, double total, double free, double provisioned, bool thin,
                                double ratio = 20.0) {
  volume::BackendState b;
  b.backend_host = "host@" + name;
  b.availability_zone = "nova";
  b.pool.pool_name = name;
  b.pool.total_capacity_gb = total;
  b.pool.free_capacity_gb = free;
  b.pool.provisioned_capacity_gb = provisioned;
  b.pool.thin_provisioning_support = thin;
  b.pool.thick_provisioning_support = !thin;
  b.pool.max_over_subscription_ratio = ratio;
  b.pool.capabilities = {{"volume_backend_name", name}, {"storage_protocol", "iSCSI"}};
  return b;
}

volume::VolumeRequest need(long long gb, const std::string& zone = "", Json specs = Json::object()) {
  return {gb, zone, std::move(specs)};
}

TEST(VolumeSchedulerTest, ThickCapacityNeedsFreeSpaceLessTheReservedShare) {
  auto b = pool_state("lvm", 100, 10, 90, false);
  EXPECT_TRUE(volume::capacity_passes(b, need(10)));
  EXPECT_FALSE(volume::capacity_passes(b, need(11)));
  b.pool.reserved_percentage = 5;  // floor(100 * 5%) = 5 GiB held back
  EXPECT_TRUE(volume::capacity_passes(b, need(5)));
  EXPECT_FALSE(volume::capacity_passes(b, need(6)));
}

TEST(VolumeSchedulerTest, ThinCapacityIsBoundedByTheOverSubscriptionRatio) {
  // 10 GiB pool, ratio 2: at most 20 GiB provisioned.
  auto b = pool_state("thin", 10, 10, 15, true, 2.0);
  EXPECT_TRUE(volume::capacity_passes(b, need(5)));
  EXPECT_FALSE(volume::capacity_passes(b, need(6)));
  // A type that asks for thick provisioning needs real free space, and this pool has none thick.
  b.pool.provisioned_capacity_gb = 0;
  volume::VolumeRequest thick{11, "", {{"provisioning:type", "thick"}}};
  EXPECT_FALSE(volume::capacity_passes(b, thick));
  // A ratio below 1 refuses thin provisioning altogether.
  b.pool.max_over_subscription_ratio = 0.5;
  EXPECT_FALSE(volume::capacity_passes(b, need(1)));
}

TEST(VolumeSchedulerTest, ZoneAndCapabilitiesFilterThenTheMostFreeSpaceWins) {
  volume::VolumeScheduler scheduler;
  std::vector<volume::BackendState> pools = {pool_state("a", 100, 40, 60, false), pool_state("b", 100, 70, 30, false),
                                             pool_state("c", 100, 90, 10, false)};
  pools[2].availability_zone = "az2";
  auto chosen = scheduler.select(pools, need(10, "nova"));
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->host(), "host@b#b");
  chosen = scheduler.select(pools, need(10, ""));
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->host(), "host@c#c");
  chosen = scheduler.select(pools, need(10, "", {{"volume_backend_name", "a"}}));
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->host(), "host@a#a");
  // "capabilities:" keys are checked too (with extra_specs_ops); other scopes are not.
  EXPECT_TRUE(scheduler.select(pools, need(10, "", {{"capabilities:storage_protocol", "<in> iSC"}})).ok());
  EXPECT_TRUE(scheduler.select(pools, need(10, "", {{"provisioning:type", "thick"}})).ok());
  // Cinder's "<is>" on a boolean capability (a multiattach volume type).
  for (auto& p : pools) p.pool.capabilities["multiattach"] = true;
  EXPECT_TRUE(scheduler.select(pools, need(10, "", {{"multiattach", "<is> True"}})).ok());
  EXPECT_FALSE(scheduler.select(pools, need(10, "", {{"multiattach", "<is> False"}})).ok());
  auto none = scheduler.select(pools, need(10, "", {{"volume_backend_name", "nope"}}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "No valid backend was found. No weighed backends available");
}

TEST(VolumeSchedulerTest, ThinWeightIsTheFreeVirtualCapacity) {
  auto thin = pool_state("thin", 10, 10, 150, true, 20.0);     // 200 - 150 = 50 virtual
  auto thick = pool_state("thick", 100, 60, 40, false, 20.0);  // 60 real
  EXPECT_DOUBLE_EQ(volume::capacity_weight(thin, need(1)), 50);
  EXPECT_DOUBLE_EQ(volume::capacity_weight(thick, need(1)), 60);
  auto chosen = volume::VolumeScheduler().select({thin, thick}, need(1));
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->pool.pool_name, "thick");
}

volume::StatusReset to_status(const std::string& status) {
  volume::StatusReset r;
  r.status = status;
  return r;
}

// The volume manager over one fake LVM backend, in virtual time.
class VolumeEngineTest : public ::testing::Test {
 protected:
  VolumeEngineTest() { make(); }

  void make(double capacity_gb = 24, bool thin = false) {
    store_ = std::move(*Store::open({}));
    build(capacity_gb, thin);
  }
  // Everything but the store, as a restart would rebuild it.
  void build(double capacity_gb = 24, bool thin = false) {
    backups_.reset();
    volumes_.reset();
    // A new clock too: what was in flight died with the old process.
    clock_ = std::make_unique<ManualClock>();
    fake::FakeBackend lvm;
    lvm.pools.front().total_capacity_gb = capacity_gb;
    lvm.pools.front().thin = thin;
    fake::VolumeOperationTimes times;  // real durations: the states in between are observable
    driver_ = std::make_unique<fake::FakeVolumeDriver>(*clock_, random_, lvm, times);
    backends_ = std::make_unique<volume::VolumeBackends>(*store_, *clock_, policy_, "openstackbootcamp");
    backends_->add(*driver_);
    types_ = std::make_unique<volume::VolumeTypeService>(*store_, *clock_, random_, policy_, "lvmdriver-1");
    (void)types_->create_unchecked({"lvmdriver-1", "", true, {{"volume_backend_name", "lvmdriver-1"}}});
    quotas_ = std::make_unique<volume::VolumeQuotas>(*store_, policy_, *types_);
    volumes_ = std::make_unique<volume::VolumeService>(*store_, *clock_, random_, policy_, *backends_, scheduler_,
                                                       *types_, *quotas_, nullptr);
    backups_ = std::make_unique<volume::VolumeBackups>(*store_, *clock_, random_, policy_, *backends_, *quotas_,
                                                       *volumes_);
  }
  static Policy make_policy() {
    Policy p;
    volume::register_volume_policy(p);
    return p;
  }
  std::string create(long long size, const std::string& project = "demo", volume::NewVolume spec = {}) {
    spec.size = size;
    auto v = volumes_->create(project_member(project), spec);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? (*v)["id"].get<std::string>() : "";
  }
  std::string status(const std::string& id, const std::string& kind = volume::kVolumeKind) {
    const Json* d = store_->get(kind, id);
    return d ? (*d)["status"].get<std::string>() : "gone";
  }
  double free_gb() { return driver_->get_volume_stats().pools.front().free_capacity_gb; }
  void settle() { clock_->advance(1min); }

  std::unique_ptr<ManualClock> clock_;
  SeededRandom random_{11};
  Policy policy_ = make_policy();
  volume::VolumeScheduler scheduler_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<fake::FakeVolumeDriver> driver_;
  std::unique_ptr<volume::VolumeBackends> backends_;
  std::unique_ptr<volume::VolumeTypeService> types_;
  std::unique_ptr<volume::VolumeQuotas> quotas_;
  std::unique_ptr<volume::VolumeService> volumes_;
  std::unique_ptr<volume::VolumeBackups> backups_;
};

TEST_F(VolumeEngineTest, CreateGoesCreatingThenAvailableOnTheLabPoolAndTakesItsSize) {
  std::string id = create(2);
  EXPECT_EQ(status(id), "creating");
  EXPECT_DOUBLE_EQ(free_gb(), 24);
  settle();
  EXPECT_EQ(status(id), "available");
  const Json& v = *store_->get(volume::kVolumeKind, id);
  EXPECT_EQ(v["host"], "openstackbootcamp@lvmdriver-1#lvmdriver-1");
  EXPECT_EQ(v["availability_zone"], "nova");
  EXPECT_EQ(v["volume_type_id"], (*types_->default_type())["id"]);
  EXPECT_DOUBLE_EQ(free_gb(), 22);
  ASSERT_TRUE(volumes_->remove(project_member("demo"), id, false).ok());
  EXPECT_EQ(status(id), "deleting");
  settle();
  EXPECT_EQ(status(id), "gone");
  EXPECT_DOUBLE_EQ(free_gb(), 24);
}

TEST_F(VolumeEngineTest, AVolumeLargerThanThePoolEndsInErrorWithNoValidBackend) {
  std::string id = create(25);
  settle();
  EXPECT_EQ(status(id), "error");
  EXPECT_TRUE((*store_->get(volume::kVolumeKind, id))["host"].is_null());
  EXPECT_EQ(driver_->volume_count(), 0u);
  // An errored volume can be deleted; nothing was allocated.
  ASSERT_TRUE(volumes_->remove(project_member("demo"), id, false).ok());
  settle();
  EXPECT_EQ(status(id), "gone");
}

TEST_F(VolumeEngineTest, ThinPoolsOverSubscribeUpToTheirRatio) {
  make(10, true);  // 10 GiB thin pool, ratio 20: 200 GiB may be promised
  std::string big = create(150);
  settle();
  EXPECT_EQ(status(big), "available");
  EXPECT_DOUBLE_EQ(free_gb(), 10);  // an empty thin LV takes no space
  EXPECT_DOUBLE_EQ(driver_->get_volume_stats().pools.front().provisioned_capacity_gb, 150);
  // 150 + 60 GiB promised on 10 GiB is a ratio of 21 > 20.
  std::string over = create(60);
  settle();
  EXPECT_EQ(status(over), "error");
}

TEST_F(VolumeEngineTest, FaultsAFullOrDownBackendFailsNewVolumesAndTheServiceShowsDown) {
  driver_->faults().backend_full = true;
  std::string full = create(1);
  settle();
  EXPECT_EQ(status(full), "error");
  driver_->faults().backend_full = false;
  driver_->faults().backend_down = true;
  std::string down = create(1);
  settle();
  EXPECT_EQ(status(down), "error");
  auto services = backends_->services(cloud_admin(), "", "cinder-volume");
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0]["state"], "down");
  EXPECT_EQ((*services)[0]["host"], "openstackbootcamp@lvmdriver-1");
  EXPECT_FALSE(backends_->services(project_member("demo"), "", "").ok());
}

TEST_F(VolumeEngineTest, DisabledBackendsAreNotCandidates) {
  ASSERT_TRUE(
      backends_->set_enabled(cloud_admin(), "openstackbootcamp@lvmdriver-1", "cinder-volume", false, "maint").ok());
  std::string id = create(1);
  settle();
  EXPECT_EQ(status(id), "error");
  EXPECT_EQ(backends_->set_enabled(cloud_admin(), "nohost", "cinder-volume", true, "").status().code(),
            Code::kNotFound);
}

TEST_F(VolumeEngineTest, AnotherProjectsVolumeIsNotFoundAndUnlistedButAdminsSeeAll) {
  std::string id = create(1, "demo");
  auto other = volumes_->get(project_member("alt_demo"), id);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kNotFound);
  EXPECT_EQ(other.status().message(), "Volume " + id + " could not be found.");
  EXPECT_TRUE(volumes_->list(project_member("alt_demo"), true).empty());  // all_tenants ignored for members
  EXPECT_EQ(volumes_->list(cloud_admin(), true).size(), 1u);
  EXPECT_TRUE(volumes_->list(cloud_admin(), false).empty());
  EXPECT_EQ(volumes_->remove(project_member("alt_demo"), id, false).code(), Code::kNotFound);
}

TEST_F(VolumeEngineTest, ExtendGrowsOnlyAvailableVolumesAndTakesTheDifference) {
  std::string id = create(1);
  Status early = volumes_->extend(project_member("demo"), id, 2);
  EXPECT_EQ(early.code(), Code::kBadRequest);  // still creating
  settle();
  Status shrink = volumes_->extend(project_member("demo"), id, 1);
  ASSERT_EQ(shrink.code(), Code::kBadRequest);
  EXPECT_NE(shrink.message().find("New size for extend must be greater than current size."), std::string::npos);
  ASSERT_TRUE(volumes_->extend(project_member("demo"), id, 3).ok());
  EXPECT_EQ(status(id), "extending");
  settle();
  EXPECT_EQ(status(id), "available");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["size"], 3);
  EXPECT_DOUBLE_EQ(free_gb(), 21);
}

TEST_F(VolumeEngineTest, SnapshotsBlockDeleteUnlessCascadeAndSeedNewVolumes) {
  std::string id = create(2);
  settle();
  auto snap = volumes_->create_snapshot(project_member("demo"), {id, "s1"});
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  std::string sid = (*snap)["id"];
  settle();
  EXPECT_EQ(status(sid, volume::kSnapshotKind), "available");
  EXPECT_DOUBLE_EQ(free_gb(), 20);  // a thick snapshot reserves the origin's size
  Status blocked = volumes_->remove(project_member("demo"), id, false);
  ASSERT_EQ(blocked.code(), Code::kBadRequest);
  EXPECT_EQ(blocked.message().rfind("Invalid volume: Volume status must be available or error", 0), 0u);
  // A volume from the snapshot: at least its size, same backend, same type.
  volume::NewVolume from;
  from.snapshot_id = sid;
  auto small = volumes_->create(project_member("demo"), [&] {
    volume::NewVolume s = from;
    s.size = 1;
    return s;
  }());
  EXPECT_EQ(small.status().code(), Code::kBadRequest);
  auto clone = volumes_->create(project_member("demo"), from);
  ASSERT_TRUE(clone.ok()) << clone.status().message();
  EXPECT_EQ((*clone)["size"], 2);
  settle();
  EXPECT_EQ(status((*clone)["id"]), "available");
  ASSERT_TRUE(volumes_->remove(project_member("demo"), id, true).ok());
  EXPECT_EQ(status(sid, volume::kSnapshotKind), "deleting");
  settle();
  EXPECT_EQ(status(sid, volume::kSnapshotKind), "gone");
  EXPECT_EQ(status(id), "gone");
  EXPECT_DOUBLE_EQ(free_gb(), 22);
}

TEST_F(VolumeEngineTest, QuotasCountVolumesGigabytesAndSnapshotsWith413) {
  ASSERT_TRUE(quotas_->update(cloud_admin(), "demo", {{"volumes", 2}, {"gigabytes", 5}}).ok());
  std::string a = create(2);
  auto too_big = volumes_->create(project_member("demo"), [] {
    volume::NewVolume v;
    v.size = 4;
    return v;
  }());
  ASSERT_EQ(too_big.status().code(), Code::kPayloadTooLarge);
  EXPECT_EQ(too_big.status().message(),
            "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 4G, quota is 5G and 2G has been "
            "consumed.");
  create(1);
  auto third = volumes_->create(project_member("demo"), [] {
    volume::NewVolume v;
    v.size = 1;
    return v;
  }());
  ASSERT_EQ(third.status().code(), Code::kPayloadTooLarge);
  EXPECT_EQ(third.status().message(), "Maximum number of volumes allowed (2) exceeded for quota 'volumes'.");
  auto usage = quotas_->usage("demo");
  EXPECT_EQ(usage["volumes"], 2);
  EXPECT_EQ(usage["gigabytes"], 3);
  EXPECT_EQ(usage["volumes_lvmdriver-1"], 2);
  // A limit below usage is refused; the per-type resources exist.
  EXPECT_EQ(quotas_->update(cloud_admin(), "demo", {{"volumes", 1}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(quotas_->update(cloud_admin(), "demo", {{"bogus", 1}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(quotas_->limits("demo")["gigabytes_lvmdriver-1"], -1);
  EXPECT_EQ(quotas_->update(project_member("demo"), "demo", {{"volumes", 20}}).status().code(), Code::kForbidden);
  settle();
  // Snapshots count in gigabytes: 3 + 2 fills the 5 exactly, a second one does not fit.
  ASSERT_TRUE(volumes_->create_snapshot(project_member("demo"), {a}).ok());
  auto snap = volumes_->create_snapshot(project_member("demo"), {a});
  ASSERT_EQ(snap.status().code(), Code::kPayloadTooLarge);
}

TEST_F(VolumeEngineTest, AttachHandOffWalksNovasStates) {
  auto demo = project_member("demo");
  std::string id = create(1);
  settle();
  ASSERT_TRUE(volumes_->reserve(demo, id).ok());
  EXPECT_EQ(status(id), "attaching");
  EXPECT_EQ(volumes_->reserve(demo, id).code(), Code::kBadRequest);
  auto conn = volumes_->initialize_connection(demo, id, {{"host", "openstackbootcamp"}, {"ip", "10.0.0.5"}});
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  EXPECT_EQ((*conn)["driver_volume_type"], "iscsi");
  EXPECT_EQ((*conn)["data"]["target_portal"], "10.0.0.5:3260");
  auto attachment = volumes_->attach(demo, id, {"server-1", "", "/dev/vdb"});
  ASSERT_TRUE(attachment.ok()) << attachment.status().message();
  EXPECT_EQ(status(id), "in-use");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["attach_status"], "attached");
  // In use: no delete, no plain snapshot, a forced one is fine.
  EXPECT_EQ(volumes_->remove(demo, id, false).code(), Code::kBadRequest);
  EXPECT_EQ(volumes_->create_snapshot(demo, {id}).status().code(), Code::kBadRequest);
  volume::NewSnapshot forced{id};
  forced.force = true;
  EXPECT_TRUE(volumes_->create_snapshot(demo, forced).ok());
  ASSERT_TRUE(volumes_->begin_detaching(demo, id).ok());
  EXPECT_EQ(status(id), "detaching");
  ASSERT_TRUE(volumes_->roll_detaching(demo, id).ok());
  EXPECT_EQ(status(id), "in-use");
  ASSERT_TRUE(volumes_->begin_detaching(demo, id).ok());
  ASSERT_TRUE(volumes_->terminate_connection(demo, id, {{"host", "openstackbootcamp"}}).ok());
  ASSERT_TRUE(volumes_->detach(demo, id, (*attachment)["id"]).ok());
  EXPECT_EQ(status(id), "available");
  EXPECT_EQ(volumes_->detach(demo, id, "").code(), Code::kBadRequest);
  // A failed attach gives the volume back.
  ASSERT_TRUE(volumes_->reserve(demo, id).ok());
  ASSERT_TRUE(volumes_->unreserve(demo, id).ok());
  EXPECT_EQ(status(id), "available");
}

TEST_F(VolumeEngineTest, AttachmentsApiAndTheLegacyHandOffShareOneSetOfAttachments) {
  auto demo = project_member("demo");
  std::string id = create(1);
  settle();
  // A reservation (no connector) holds the volume against Nova's legacy reserve.
  auto reserved = volumes_->create_attachment(demo, id, "server-1", nullptr, "");
  ASSERT_TRUE(reserved.ok()) << reserved.status().message();
  EXPECT_EQ((*reserved)["attach_status"], "reserved");
  EXPECT_EQ(status(id), "reserved");
  EXPECT_EQ(volumes_->reserve(demo, id).code(), Code::kBadRequest);
  EXPECT_EQ(volumes_->create_attachment(demo, id, "server-2", nullptr, "").status().code(), Code::kBadRequest);
  // Deleting the only attachment gives the volume back.
  auto left = volumes_->delete_attachment(demo, (*reserved)["id"]);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  EXPECT_EQ(status(id), "available");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["attach_status"], "detached");

  // Nova's legacy attach is an attachment the attachments API lists and can delete.
  ASSERT_TRUE(volumes_->reserve(demo, id).ok());
  auto legacy = volumes_->attach(demo, id, {"server-1", "", "openstackbootcamp", "/dev/vdb"});
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  auto listed = volumes_->list_attachments(demo, false);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], (*legacy)["id"]);
  EXPECT_EQ(listed[0]["attach_status"], "attached");
  EXPECT_EQ(listed[0]["volume_id"], id);
  EXPECT_EQ(volumes_->get_attachment(project_member("alt_demo"), (*legacy)["id"]).status().code(), Code::kNotFound);
  ASSERT_TRUE(volumes_->delete_attachment(demo, (*legacy)["id"]).ok());
  EXPECT_EQ(status(id), "available");
  EXPECT_TRUE(volumes_->list_attachments(demo, false).empty());

  // With a connector: attaching and connected at once; complete makes it in-use.
  Json connector = {{"host", "compute-1"}, {"ip", "10.0.0.5"}, {"mountpoint", "/dev/vdc"}};
  auto connected = volumes_->create_attachment(demo, id, "server-1", connector, "");
  ASSERT_TRUE(connected.ok()) << connected.status().message();
  EXPECT_EQ((*connected)["attach_status"], "attaching");
  EXPECT_EQ((*connected)["connection_info"]["target_portal"], "10.0.0.5:3260");
  EXPECT_EQ(status(id), "attaching");
  ASSERT_TRUE(volumes_->complete_attachment(demo, (*connected)["id"]).ok());
  EXPECT_EQ(status(id), "in-use");
  // The legacy detach of that attachment settles the volume the same way.
  ASSERT_TRUE(volumes_->begin_detaching(demo, id).ok());
  ASSERT_TRUE(volumes_->detach(demo, id, (*connected)["id"]).ok());
  EXPECT_EQ(status(id), "available");
}

TEST_F(VolumeEngineTest, AMultiattachTypesVolumeStaysInUseUntilItsLastServerDetaches) {
  auto admin = cloud_admin();
  auto demo = project_member("demo");
  ASSERT_TRUE(types_->create(admin, {"multiattach", "", true, {{"multiattach", "<is> True"}}}).ok());
  volume::NewVolume spec;
  spec.volume_type = "multiattach";
  std::string shared = create(1, "demo", spec);
  std::string single = create(1);
  settle();
  EXPECT_TRUE((*store_->get(volume::kVolumeKind, shared))["multiattach"].get<bool>());
  EXPECT_FALSE((*store_->get(volume::kVolumeKind, single))["multiattach"].get<bool>());

  // Nova's legacy hand-off, once per server: an in-use multiattach volume reserves again.
  std::vector<std::string> attachments;
  for (const char* server : {"server-1", "server-2"}) {
    ASSERT_TRUE(volumes_->reserve(demo, shared).ok()) << server;
    EXPECT_EQ(status(shared), "attaching");
    auto a = volumes_->attach(demo, shared, {server, "", "openstackbootcamp", "/dev/vdb"});
    ASSERT_TRUE(a.ok()) << a.status().message();
    attachments.push_back((*a)["id"]);
    EXPECT_EQ(status(shared), "in-use");
  }
  EXPECT_EQ((*store_->get(volume::kVolumeKind, shared))["attachments"].size(), 2u);
  // The same server twice is still refused.
  ASSERT_TRUE(volumes_->reserve(demo, shared).ok());
  EXPECT_EQ(volumes_->attach(demo, shared, {"server-1", "", "openstackbootcamp", "/dev/vdc"}).status().code(),
            Code::kBadRequest);
  ASSERT_TRUE(volumes_->unreserve(demo, shared).ok());
  EXPECT_EQ(status(shared), "in-use");

  // A single-attach volume takes one server only.
  ASSERT_TRUE(volumes_->reserve(demo, single).ok());
  ASSERT_TRUE(volumes_->attach(demo, single, {"server-1", "", "openstackbootcamp", "/dev/vdc"}).ok());
  EXPECT_EQ(volumes_->reserve(demo, single).code(), Code::kBadRequest);
  EXPECT_EQ(volumes_->create_attachment(demo, single, "server-2", nullptr, "").status().code(), Code::kBadRequest);

  // Retyping across multiattach is refused while attached, with Cinder's message.
  ASSERT_TRUE(types_->create(admin, {"plain", "", true, Json::object()}).ok());
  Status refused = volumes_->retype(demo, shared, "plain", "never");
  EXPECT_EQ(refused.code(), Code::kBadRequest);
  EXPECT_EQ(refused.message(),
            "Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only allowed on "
            "available volumes, the specified volume however currently has a status of: in-use.");
  EXPECT_EQ(volumes_->retype(demo, single, "multiattach", "never").code(), Code::kBadRequest);
  EXPECT_EQ(status(shared), "in-use");

  // Each detach takes its own attachment; the volume is in-use until the last goes.
  ASSERT_TRUE(volumes_->begin_detaching(demo, shared).ok());
  ASSERT_TRUE(volumes_->detach(demo, shared, attachments[0]).ok());
  const Json& left = *store_->get(volume::kVolumeKind, shared);
  EXPECT_EQ(left["status"], "in-use");
  ASSERT_EQ(left["attachments"].size(), 1u);
  EXPECT_EQ(left["attachments"][0]["server_id"], "server-2");
  ASSERT_TRUE(volumes_->begin_detaching(demo, shared).ok());
  ASSERT_TRUE(volumes_->detach(demo, shared, attachments[1]).ok());
  EXPECT_EQ(status(shared), "available");

  // Available, it may cross: the flag follows the new type.
  ASSERT_TRUE(volumes_->retype(demo, shared, "plain", "never").ok());
  settle();
  EXPECT_EQ(status(shared), "available");
  EXPECT_FALSE((*store_->get(volume::kVolumeKind, shared))["multiattach"].get<bool>());
}

TEST_F(VolumeEngineTest, TransfersMoveAVolumeAndItsSnapshotsToWhoeverHasTheKey) {
  volume::VolumeTransfers transfers(*store_, *clock_, random_, policy_, *quotas_);
  std::string id = create(2);
  EXPECT_EQ(transfers.create(project_member("demo"), id, "t").status().code(), Code::kBadRequest);  // creating
  settle();
  ASSERT_TRUE(volumes_->create_snapshot(project_member("demo"), {id}).ok());
  settle();
  EXPECT_EQ(transfers.create(project_member("alt_demo"), id, "t").status().code(), Code::kNotFound);
  auto t = transfers.create(project_member("demo"), id, "t");
  ASSERT_TRUE(t.ok()) << t.status().message();
  std::string tid = (*t)["id"], key = (*t)["auth_key"];
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(status(id), "awaiting-transfer");
  EXPECT_EQ(volumes_->remove(project_member("demo"), id, true).code(), Code::kBadRequest);
  EXPECT_EQ(transfers.get(project_member("alt_demo"), tid).status().code(), Code::kNotFound);
  auto wrong = transfers.accept(project_member("alt_demo"), tid, "0000000000000000");
  ASSERT_EQ(wrong.status().code(), Code::kBadRequest);
  EXPECT_EQ(wrong.status().message(), "Invalid auth key: Attempt to transfer " + tid + " with invalid auth key.");
  ASSERT_TRUE(transfers.accept(project_member("alt_demo"), tid, key).ok());
  EXPECT_EQ(status(id), "available");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["project_id"], "alt_demo");
  EXPECT_EQ(volumes_->list_snapshots(project_member("alt_demo"), false).size(), 1u);
  EXPECT_TRUE(volumes_->list(project_member("demo"), false).empty());
  EXPECT_EQ(transfers.get(project_member("demo"), tid).status().code(), Code::kNotFound);  // used up
  // A cancelled transfer gives the volume back to its owner.
  auto again = transfers.create(project_member("alt_demo"), id, "");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(transfers.remove(project_member("alt_demo"), (*again)["id"]).ok());
  EXPECT_EQ(status(id), "available");
}

TEST_F(VolumeEngineTest, AdminActionsAreAdminOnly) {
  std::string id = create(1);
  settle();
  EXPECT_EQ(volumes_->reset_status(project_member("demo"), id, to_status("error")).code(), Code::kForbidden);
  EXPECT_EQ(volumes_->reset_status(cloud_admin(), id, to_status("bogus")).code(), Code::kBadRequest);
  ASSERT_TRUE(volumes_->reset_status(cloud_admin(), id, to_status("error")).ok());
  EXPECT_EQ(status(id), "error");
  EXPECT_EQ(volumes_->force_delete(project_member("demo"), id).code(), Code::kForbidden);
  ASSERT_TRUE(volumes_->force_delete(cloud_admin(), id).ok());
  settle();
  EXPECT_EQ(status(id), "gone");
}

TEST_F(VolumeEngineTest, RestartReadoptsVolumesAndSettlesInterruptedOperations) {
  std::string kept = create(3);
  settle();
  std::string interrupted = create(2);  // still "creating" when the process dies
  build();                              // same store, fresh driver: it knows nothing
  EXPECT_DOUBLE_EQ(free_gb(), 24);
  EXPECT_EQ(volumes_->recover(), 1u);
  EXPECT_EQ(status(kept), "available");
  EXPECT_EQ(status(interrupted), "error");
  EXPECT_DOUBLE_EQ(free_gb(), 21);
  ASSERT_TRUE(volumes_->remove(project_member("demo"), kept, false).ok());
  settle();
  EXPECT_DOUBLE_EQ(free_gb(), 24);
}

TEST_F(VolumeEngineTest, BackupWalksTheVolumeThroughBackingUpAndRestoresIntoANewVolume) {
  auto demo = project_member("demo");
  std::string vid = create(2);
  settle();
  auto b = backups_->create(demo, {vid, "nightly"});
  ASSERT_TRUE(b.ok()) << b.status().message();
  std::string bid = (*b)["id"];
  EXPECT_EQ(status(bid, volume::kBackupKind), "creating");
  EXPECT_EQ(status(vid), "backing-up");
  // A second backup of a volume being backed up is refused.
  EXPECT_EQ(backups_->create(demo, {vid}).status().code(), Code::kBadRequest);
  settle();
  EXPECT_EQ(status(bid, volume::kBackupKind), "available");
  EXPECT_EQ(status(vid), "available");
  EXPECT_EQ(quotas_->usage("demo")["backup_gigabytes"], 2);

  auto r = backups_->restore(demo, bid, "", "");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string target = (*r)["volume_id"];
  EXPECT_EQ((*r)["volume_name"], "restore_backup_" + bid);
  EXPECT_EQ(status(bid, volume::kBackupKind), "restoring");
  EXPECT_EQ(status(target), "creating");
  settle();
  EXPECT_EQ(status(target), "available");
  EXPECT_EQ(status(bid, volume::kBackupKind), "available");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, target))["size"], 2);
  // Into an existing volume: it must be at least the backup's size.
  std::string small = create(1);
  settle();
  EXPECT_EQ(backups_->restore(demo, bid, small, "").status().code(), Code::kBadRequest);
  ASSERT_TRUE(backups_->remove(demo, bid, false).ok());
  settle();
  EXPECT_EQ(status(bid, volume::kBackupKind), "gone");
}

TEST_F(VolumeEngineTest, RestartSettlesInterruptedBackupsAndRestores) {
  auto demo = project_member("demo");
  std::string vid = create(1);
  settle();
  auto b = backups_->create(demo, {vid});
  ASSERT_TRUE(b.ok());
  std::string bid = (*b)["id"];
  build();  // the process died while backing up
  (void)volumes_->recover();
  EXPECT_EQ(backups_->recover(), 1u);
  EXPECT_EQ(status(bid, volume::kBackupKind), "error");
  EXPECT_EQ(status(vid), "available");
  ASSERT_TRUE(backups_->reset_status(cloud_admin(), bid, "available").ok());
  EXPECT_EQ(backups_->reset_status(demo, bid, "available").code(), Code::kForbidden);
  ASSERT_TRUE(backups_->restore(demo, bid, vid, "").ok());
  EXPECT_EQ(status(vid), "restoring-backup");
  build();  // and again while restoring
  (void)volumes_->recover();
  EXPECT_EQ(backups_->recover(), 1u);
  EXPECT_EQ(status(vid), "error_restoring");
  EXPECT_EQ(status(bid, volume::kBackupKind), "available");
}

TEST_F(VolumeEngineTest, RetypeStaysInPlaceOrMigratesToTheBackendTheNewTypeNames) {
  // A second backend, which only the "second" type asks for.
  fake::FakeBackend other;
  other.backend_name = "lvmdriver-2";
  other.pools = {fake::FakePool{"lvmdriver-2"}};
  fake::FakeVolumeDriver second(*clock_, random_, other, fake::VolumeOperationTimes{});
  backends_->add(second);
  auto admin = cloud_admin();
  ASSERT_TRUE(types_->create(admin, {"gold", "", true, {{"volume_backend_name", "lvmdriver-1"}}}).ok());
  ASSERT_TRUE(types_->create(admin, {"second", "", true, {{"volume_backend_name", "lvmdriver-2"}}}).ok());
  auto demo = project_member("demo");
  std::string id = create(2);
  settle();
  const std::string first_host = "openstackbootcamp@lvmdriver-1#lvmdriver-1";
  ASSERT_EQ((*store_->get(volume::kVolumeKind, id))["host"], first_host);

  // In place: the pool already satisfies "gold".
  ASSERT_TRUE(volumes_->retype(demo, id, "gold", "never").ok());
  EXPECT_EQ(status(id), "retyping");
  settle();
  EXPECT_EQ(status(id), "available");
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["volume_type_id"], (*types_->resolve(demo, "gold"))["id"]);

  // "second" needs the other backend: refused under "never" (the type stays) ...
  ASSERT_TRUE(volumes_->retype(demo, id, "second", "never").ok());
  settle();
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["volume_type_id"], (*types_->resolve(demo, "gold"))["id"]);
  EXPECT_EQ((*store_->get(volume::kVolumeKind, id))["host"], first_host);
  // ... migrated under "on-demand": the space moves from one pool to the other.
  ASSERT_TRUE(volumes_->retype(demo, id, "second", "on-demand").ok());
  settle();
  const Json& moved = *store_->get(volume::kVolumeKind, id);
  EXPECT_EQ(moved["status"], "available");
  EXPECT_EQ(moved["host"], "openstackbootcamp@lvmdriver-2#lvmdriver-2");
  EXPECT_EQ(moved["volume_type_id"], (*types_->resolve(demo, "second"))["id"]);
  EXPECT_TRUE(moved["migration_status"].is_null());
  EXPECT_DOUBLE_EQ(free_gb(), 24);
  EXPECT_DOUBLE_EQ(second.get_volume_stats().pools.front().free_capacity_gb, 22);
  EXPECT_EQ(volumes_->retype(demo, id, "second", "never").code(), Code::kBadRequest);  // the same type
  EXPECT_EQ(volumes_->retype(demo, id, "gold", "whenever").code(), Code::kBadRequest);
  ASSERT_TRUE(volumes_->remove(demo, id, false).ok());
  settle();
  EXPECT_EQ(second.volume_count(), 0u);
}

TEST_F(VolumeEngineTest, BadInputLeavesNothingBehind) {
  auto demo = project_member("demo");
  volume::NewVolume v;
  EXPECT_EQ(volumes_->create(demo, v).status().code(), Code::kBadRequest);  // no size
  v.size = 1;
  v.volume_type = "nope";
  EXPECT_EQ(volumes_->create(demo, v).status().code(), Code::kNotFound);
  v.volume_type = "";
  v.availability_zone = "az9";
  EXPECT_EQ(volumes_->create(demo, v).status().code(), Code::kBadRequest);
  v.availability_zone = "";
  v.snapshot_id = "missing";
  EXPECT_EQ(volumes_->create(demo, v).status().code(), Code::kNotFound);
  v.snapshot_id = "";
  v.metadata = {{"k", 5}};
  EXPECT_EQ(volumes_->create(demo, v).status().code(), Code::kBadRequest);
  EXPECT_EQ(store_->count(volume::kVolumeKind), 0u);
}

TEST_F(VolumeEngineTest, StoppedCinderVolumeIsDownAndNewVolumesGoToErrorUntilStarted) {
  DaemonRegistry daemons(*store_, *clock_, "openstackbootcamp");
  daemons.add_lab_controller();
  backends_->set_daemon_check(daemons.check());
  auto state_of = [this](const std::string& binary) {
    return (*backends_->services(cloud_admin(), "", binary)).front()["state"].get<std::string>();
  };
  ASSERT_TRUE(daemons.stop("cinder-volume").ok());
  EXPECT_EQ(state_of("cinder-volume"), "down");
  EXPECT_EQ(state_of("cinder-scheduler"), "up");
  std::string failed = create(1);
  settle();
  EXPECT_EQ(status(failed), "error");
  ASSERT_TRUE(daemons.start("cinder-volume").ok());
  EXPECT_EQ(state_of("cinder-volume"), "up");
  std::string ok = create(1);
  settle();
  EXPECT_EQ(status(ok), "available");
}

}  // namespace
