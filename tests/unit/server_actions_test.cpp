// Server actions and moves in the engine, in virtual time (ManualClock, the
// fake hypervisors): state transitions and their task states, Nova's 409s,
// locks, the instance-action log, snapshots into the image service, shelve
// offload releasing placement and unshelve claiming again, resize confirm
// and revert with the migration's allocations, cold migration between two hosts.
#include "engine/compute/server_actions.h"

#include <gtest/gtest.h>

#include "engine/compute/instance_actions.h"
#include "engine/compute/server_moves.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

compute::RequestContext as(const Credentials& who, const std::string& request_id) { return {who, request_id}; }

class ServerActionsTest : public ::testing::Test, public stacklab::testing::ComputeEngine {
 protected:
  ServerActionsTest() : ComputeEngine(7) {}
  // The lab's single host unless `fleet` names more; every operation: 10 s.
  void start(const Json& fleet = Json::object()) {
    start_engine(fleet, stacklab::testing::fixed_times(10s, true));
    start_servers();
    log_ = std::make_unique<compute::InstanceActionLog>(*store_, clock_, policy_);
    servers_->on_saved = [this](const Json& b, const Json& a) {
      log_->server_saved(b, a);
      if (moves_) moves_->server_saved(b, a);
    };
    tasks_ = std::make_unique<compute::ServerTasks>(compute::ServerTasksDeps{*store_, clock_, random_, policy_,
                                                                             *servers_, *flavors_, *images_, *files_,
                                                                             *placement_, *scheduler_, hosts(), *log_});
    actions_ = std::make_unique<compute::ServerActions>(*tasks_);
    moves_ = std::make_unique<compute::ServerMoves>(*tasks_);
  }

  // An ACTIVE server of demo's, with its create action recorded as the API does.
  std::string boot(const std::string& name, const std::string& flavor = "42") {
    std::string id = ComputeEngine::boot(request(name, flavor));
    log_->start(as(member("demo"), "req-create-" + name), id, "demo", "create");
    log_->event_start("req-create-" + name, id, "conductor_schedule_and_build_instances");
    clock_.advance(10s);
    EXPECT_EQ(status(id), "ACTIVE");
    return id;
  }
  Json task(const std::string& id) { return server(id)["task_state"]; }
  compute::PowerState power(const std::string& id, const std::string& host = "openstackbootcamp") {
    auto info = fleet_->driver(host)->get_info(id);
    return info.ok() ? info->power_state : compute::PowerState::kNoState;
  }
  // The provider (by host name) -> amounts a consumer holds.
  std::map<std::string, placement::ResourceAmounts> held(const std::string& consumer) {
    std::map<std::string, placement::ResourceAmounts> out;
    const placement::Consumer* c = placement_->consumer(consumer);
    if (!c) return out;
    for (const auto& [rp, amounts] : c->allocations) out[placement_->provider(rp)->name] = amounts;
    return out;
  }

  std::unique_ptr<compute::InstanceActionLog> log_;
  std::unique_ptr<compute::ServerTasks> tasks_;
  std::unique_ptr<compute::ServerActions> actions_;
  std::unique_ptr<compute::ServerMoves> moves_;
};

}  // namespace

TEST_F(ServerActionsTest, PauseStopRebootWalkTheirStatesAndRefuseWrongOnes) {
  start();
  std::string id = boot("vm");
  auto demo = as(member("demo"), "req-1");
  ASSERT_TRUE(actions_->pause(demo, id).ok());
  EXPECT_EQ(task(id), "pausing");
  // Serialized per instance: a second action meets the task state.
  Status busy = actions_->suspend(as(member("demo"), "req-2"), id);
  EXPECT_EQ(busy.code(), Code::kConflict);
  EXPECT_EQ(busy.message(), "Cannot 'suspend' instance " + id + " while it is in task_state pausing");
  clock_.advance(10s);
  EXPECT_EQ(status(id), "PAUSED");
  EXPECT_EQ(server(id)["power_state"], 3);
  EXPECT_EQ(power(id), compute::PowerState::kPaused);
  Status wrong = actions_->pause(as(member("demo"), "req-3"), id);
  EXPECT_EQ(wrong.code(), Code::kConflict);
  EXPECT_EQ(wrong.message(), "Cannot 'pause' instance " + id + " while it is in vm_state paused");
  ASSERT_TRUE(actions_->unpause(as(member("demo"), "req-4"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");

  ASSERT_TRUE(actions_->stop(as(member("demo"), "req-5"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "SHUTOFF");
  EXPECT_EQ(power(id), compute::PowerState::kShutdown);
  EXPECT_EQ(actions_->reboot(as(member("demo"), "req-6"), id, compute::RebootType::kSoft).code(), Code::kConflict);
  ASSERT_TRUE(actions_->reboot(as(member("demo"), "req-7"), id, compute::RebootType::kHard).ok());
  EXPECT_EQ(task(id), "rebooting_hard");  // Nova shows a stopped server hard-rebooting as SHUTOFF
  EXPECT_EQ(status(id), "SHUTOFF");
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(power(id), compute::PowerState::kRunning);
  ASSERT_TRUE(actions_->reboot(as(member("demo"), "req-8"), id, compute::RebootType::kSoft).ok());
  EXPECT_EQ(status(id), "REBOOT");
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");

  // 404 for another project, 403 by policy for admin-only actions.
  EXPECT_EQ(actions_->pause(as(member("alt_demo"), "req-9"), id).code(), Code::kNotFound);
  EXPECT_EQ(actions_->reset_state(as(member("demo"), "req-10"), id, "error").code(), Code::kForbidden);
  ASSERT_TRUE(actions_->reset_state(as(admin(), "req-11"), id, "error").ok());
  EXPECT_EQ(status(id), "ERROR");
  EXPECT_EQ(actions_->reset_state(as(admin(), "req-12"), id, "paused").code(), Code::kBadRequest);
}

TEST_F(ServerActionsTest, ActionsAreRecordedWithEventsUnderTheirRequestIds) {
  start();
  std::string id = boot("vm");
  ASSERT_TRUE(actions_->suspend(as(member("demo"), "req-s"), id).ok());
  clock_.advance(10s);
  auto actions = log_->list(id);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0]["action"], "suspend");  // newest first
  EXPECT_EQ(actions[1]["action"], "create");
  auto create = log_->get(id, "req-create-vm");
  ASSERT_TRUE(create);
  ASSERT_EQ((*create)["events"].size(), 2u);
  EXPECT_EQ((*create)["events"][0]["event"], "conductor_schedule_and_build_instances");
  EXPECT_EQ((*create)["events"][1]["event"], "compute__do_build_and_run_instance");
  EXPECT_EQ((*create)["events"][1]["result"], "Success");
  EXPECT_FALSE((*create)["events"][1]["finish_time"].is_null());
  auto suspend = log_->get(id, "req-s");
  ASSERT_TRUE(suspend);
  EXPECT_EQ((*suspend)["user_id"], "u-demo");
  ASSERT_EQ((*suspend)["events"].size(), 1u);
  EXPECT_EQ((*suspend)["events"][0]["event"], "compute_suspend_instance");
  EXPECT_EQ((*suspend)["events"][0]["result"], "Success");
  EXPECT_EQ((*suspend)["events"][0]["host"], "openstackbootcamp");
  // A failed operation: the event says Error and the action carries a message.
  fleet_->driver("openstackbootcamp")->faults().host_down = true;
  ASSERT_TRUE(actions_->resume(as(member("demo"), "req-r"), id).ok());
  clock_.advance(10s);
  auto resume = log_->get(id, "req-r");
  EXPECT_EQ((*resume)["events"][0]["result"], "Error");
  EXPECT_EQ((*resume)["message"], "Error");
  EXPECT_EQ(status(id), "SUSPENDED");
  EXPECT_TRUE(task(id).is_null());
}

TEST_F(ServerActionsTest, LockedServerRefusesItsOwnerButNotAnAdmin) {
  start();
  std::string id = boot("vm");
  ASSERT_TRUE(actions_->lock(as(member("demo"), "req-l"), id, std::string("maintenance")).ok());
  EXPECT_EQ(server(id)["locked_reason"], "maintenance");
  Status refused = actions_->stop(as(member("demo"), "req-x"), id);
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_EQ(refused.message(), "Instance " + id + " is locked");
  EXPECT_EQ(servers_->remove(member("demo"), id).code(), Code::kConflict);
  ASSERT_TRUE(actions_->stop(as(admin(), "req-a"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "SHUTOFF");
  // Locked by an admin: the owner may not unlock it.
  ASSERT_TRUE(actions_->unlock(as(member("demo"), "req-u"), id).ok());
  ASSERT_TRUE(actions_->lock(as(admin(), "req-l2"), id, std::nullopt).ok());
  EXPECT_EQ(actions_->unlock(as(member("demo"), "req-u2"), id).code(), Code::kForbidden);
  ASSERT_TRUE(actions_->unlock(as(admin(), "req-u3"), id).ok());
  EXPECT_FALSE(server(id)["locked"].get<bool>());
}

TEST_F(ServerActionsTest, CreateImageSnapshotsIntoTheImageService) {
  start();
  std::string id = boot("vm");
  auto image_id = actions_->create_image(as(member("demo"), "req-i"), id, "snap", Json{{"purpose", "backup"}});
  ASSERT_TRUE(image_id.ok()) << image_id.status().message();
  EXPECT_EQ(task(id), "image_snapshot");
  auto img = images_->get(member("demo"), *image_id);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ((*img)["status"], "queued");
  clock_.advance(0s);
  EXPECT_EQ(task(id), "image_pending_upload");
  clock_.advance(10s);
  EXPECT_TRUE(task(id).is_null());
  img = images_->get(member("demo"), *image_id);
  EXPECT_EQ((*img)["status"], "active");
  EXPECT_EQ((*img)["owner"], "demo");
  EXPECT_EQ((*img)["properties"]["image_type"], "snapshot");
  EXPECT_EQ((*img)["properties"]["instance_uuid"], id);
  EXPECT_EQ((*img)["properties"]["base_image_ref"], cirros());
  EXPECT_EQ((*img)["properties"]["purpose"], "backup");
  EXPECT_EQ(log_->get(id, "req-i")->at("events")[0]["result"], "Success");
}

TEST_F(ServerActionsTest, ShelveOffloadsReleasingPlacementAndUnshelveClaimsAgain) {
  start();
  std::string id = boot("vm");
  ASSERT_FALSE(held(id).empty());
  ASSERT_TRUE(actions_->shelve(as(member("demo"), "req-sh"), id).ok());
  EXPECT_EQ(task(id), "shelving");
  clock_.advance(60s);
  Json s = server(id);
  EXPECT_EQ(compute::server_status(s), "SHELVED_OFFLOADED");
  EXPECT_TRUE(s["host"].is_null());
  EXPECT_TRUE(held(id).empty());
  EXPECT_FALSE(fleet_->driver("openstackbootcamp")->get_info(id).ok());
  std::string shelved_image = s["system_metadata"]["shelved_image_id"];
  EXPECT_EQ((*images_->get(member("demo"), shelved_image))["name"], "vm-shelved");
  EXPECT_EQ(actions_->shelve(as(member("demo"), "req-sh2"), id).code(), Code::kConflict);
  EXPECT_EQ(actions_->shelve_offload(as(admin(), "req-so"), id).code(), Code::kConflict);

  ASSERT_TRUE(actions_->unshelve(as(member("demo"), "req-un"), id).ok());
  clock_.advance(0s);
  EXPECT_EQ(server(id)["host"], "openstackbootcamp");
  EXPECT_EQ(held(id).size(), 1u);
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(power(id), compute::PowerState::kRunning);
  EXPECT_FALSE(images_->get(admin(), shelved_image).ok());  // the shelved snapshot is gone
}

TEST_F(ServerActionsTest, RescueAndRebuild) {
  start();
  std::string id = boot("vm");
  auto pass = actions_->rescue(as(member("demo"), "req-rs"), id, std::nullopt);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->size(), 12u);
  clock_.advance(10s);
  EXPECT_EQ(status(id), "RESCUE");
  ASSERT_TRUE(actions_->unrescue(as(member("demo"), "req-ur"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");

  compute::RebuildRequest r;
  r.image_ref = cirros();
  r.name = "renamed";
  r.admin_pass = "s3cret";
  auto rebuilt = actions_->rebuild(as(member("demo"), "req-rb"), id, r);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().message();
  EXPECT_EQ(compute::server_status(*rebuilt), "REBUILD");
  EXPECT_EQ((*rebuilt)["admin_pass"], "s3cret");
  clock_.advance(30s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(server(id)["name"], "renamed");
  r.image_ref = "nope";
  EXPECT_EQ(actions_->rebuild(as(member("demo"), "req-rb2"), id, r).status().code(), Code::kBadRequest);
}

TEST_F(ServerActionsTest, ResizeOnOneHostConfirmDropsTheMigrationAllocation) {
  start();
  std::string id = boot("vm", "42");                                         // m1.nano: 64 MB
  ASSERT_TRUE(moves_->resize(as(member("demo"), "req-rz"), id, "84").ok());  // m1.micro: 128 MB
  EXPECT_EQ(status(id), "RESIZE");
  auto migs = moves_->migrations(admin(), {});
  ASSERT_EQ(migs->size(), 1u);
  std::string mid = (*migs)[0]["id"];
  // The migration holds the old flavor, the instance the new one, on the same host.
  EXPECT_EQ(held(mid)["openstackbootcamp"]["MEMORY_MB"], 64);
  EXPECT_EQ(held(id)["openstackbootcamp"]["MEMORY_MB"], 128);
  clock_.advance(30s);
  EXPECT_EQ(status(id), "VERIFY_RESIZE");
  EXPECT_EQ(server(id)["flavor"]["original_name"], "m1.micro");
  EXPECT_EQ((*moves_->migrations(admin(), {}))[0]["status"], "finished");
  EXPECT_EQ(moves_->resize(as(member("demo"), "req-rz2"), id, "1").code(), Code::kConflict);
  ASSERT_TRUE(moves_->confirm_resize(as(member("demo"), "req-cf"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_TRUE(held(mid).empty());
  EXPECT_EQ(held(id)["openstackbootcamp"]["MEMORY_MB"], 128);
  EXPECT_EQ((*moves_->migrations(admin(), {}))[0]["status"], "confirmed");
  EXPECT_EQ(moves_->confirm_resize(as(member("demo"), "req-cf2"), id).code(), Code::kConflict);
  EXPECT_EQ(moves_->resize(as(member("demo"), "req-same"), id, "84").code(), Code::kBadRequest);
  EXPECT_EQ(power(id), compute::PowerState::kRunning);
}

TEST_F(ServerActionsTest, RevertResizeGivesTheOldFlavorAndAllocationBack) {
  start();
  std::string id = boot("vm", "42");
  ASSERT_TRUE(moves_->resize(as(member("demo"), "req-rz"), id, "84").ok());
  clock_.advance(30s);
  ASSERT_EQ(status(id), "VERIFY_RESIZE");
  std::string mid = (*moves_->migrations(admin(), {}))[0]["id"];
  ASSERT_TRUE(moves_->revert_resize(as(member("demo"), "req-rv"), id).ok());
  EXPECT_EQ(status(id), "REVERT_RESIZE");
  clock_.advance(30s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(server(id)["flavor"]["original_name"], "m1.nano");
  EXPECT_TRUE(held(mid).empty());
  EXPECT_EQ(held(id)["openstackbootcamp"]["MEMORY_MB"], 64);
  EXPECT_EQ(power(id), compute::PowerState::kRunning);
  EXPECT_EQ((*moves_->migrations(admin(), {}))[0]["status"], "reverted");
}

TEST_F(ServerActionsTest, ColdMigrationNeedsAnotherHostAndMovesTheServer) {
  start(Json{{"hosts", {{{"name", "compute"}, {"count", 2}}}}});
  std::string id = boot("vm", "42");
  std::string source = server(id)["host"];
  std::string other = source == "compute-1" ? "compute-2" : "compute-1";
  EXPECT_EQ(moves_->migrate(as(member("demo"), "req-m0"), id, std::nullopt).code(), Code::kForbidden);
  ASSERT_TRUE(moves_->migrate(as(admin(), "req-m"), id, std::nullopt).ok());
  clock_.advance(30s);
  EXPECT_EQ(status(id), "VERIFY_RESIZE");
  EXPECT_EQ(server(id)["host"], other);
  std::string mid = (*moves_->migrations(admin(), {}))[0]["id"];
  EXPECT_EQ(held(mid).count(source), 1u);
  EXPECT_EQ(held(id).count(other), 1u);
  ASSERT_TRUE(moves_->confirm_resize(as(admin(), "req-c"), id).ok());
  clock_.advance(10s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_TRUE(held(mid).empty());
  EXPECT_EQ(power(id, other), compute::PowerState::kRunning);
  EXPECT_FALSE(fleet_->driver(source)->get_info(id).ok());

  // Live migration back; evacuation refused while the source's service is up.
  ASSERT_TRUE(moves_->live_migrate(as(admin(), "req-lm"), id, {}).ok());
  EXPECT_EQ(status(id), "MIGRATING");
  clock_.advance(30s);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(server(id)["host"], source);
  EXPECT_EQ(held(id).count(source), 1u);
  EXPECT_EQ(held(id).size(), 1u);
  auto ev = moves_->evacuate(as(admin(), "req-ev"), id, std::nullopt, std::nullopt);
  EXPECT_EQ(ev.status().code(), Code::kBadRequest);
  EXPECT_EQ(ev.status().message(), "Compute service of " + source + " is still in use.");
}

TEST_F(ServerActionsTest, SingleHostMigrationIsNoValidHost) {
  start();
  std::string id = boot("vm");
  Status st = moves_->migrate(as(admin(), "req-m"), id, std::nullopt);
  EXPECT_EQ(st.code(), Code::kBadRequest);
  EXPECT_EQ(st.message().rfind("No valid host was found.", 0), 0u);
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ(held(id).size(), 1u);  // the allocation came back to the instance
}

TEST_F(ServerActionsTest, ConsoleOutputTailAndVncToken) {
  start();
  std::string id = boot("vm");
  auto all = actions_->console_output(as(member("demo"), "req-c"), id, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_NE(all->find("login"), std::string::npos);
  auto tail = actions_->console_output(as(member("demo"), "req-c2"), id, 3);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(std::count(tail->begin(), tail->end(), '\n'), 2);
  EXPECT_EQ(all->substr(all->size() - tail->size()), *tail);
  auto vnc = actions_->vnc_console(as(member("demo"), "req-v"), id);
  ASSERT_TRUE(vnc.ok());
  EXPECT_EQ(actions_->console_by_token(vnc->token)->at("instance_uuid"), id);
  clock_.advance(11min);
  EXPECT_FALSE(actions_->console_by_token(vnc->token));
}

TEST_F(ServerActionsTest, DeletingAResizedServerConfirmsItFirst) {
  start();
  std::string id = boot("vm", "42");
  ASSERT_TRUE(moves_->resize(as(member("demo"), "req-rz"), id, "84").ok());
  clock_.advance(30s);
  ASSERT_EQ(status(id), "VERIFY_RESIZE");
  std::string mid = (*moves_->migrations(admin(), {}))[0]["id"];
  ASSERT_FALSE(held(mid).empty());
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(30s);
  EXPECT_TRUE(held(mid).empty());
  EXPECT_TRUE(held(id).empty());
  EXPECT_EQ((*moves_->migrations(admin(), {}))[0]["status"], "confirmed");
  EXPECT_TRUE(fleet_->driver("openstackbootcamp")->list_instance_uuids()->empty());
}

// Nova serializes a guest's operations: a delete that arrives while the
// hypervisor is still pausing the guest waits for it, then deletes (it does
// not leave the server in ERROR with "an operation in progress").
TEST_F(ServerActionsTest, ADeleteDuringAnOperationWaitsForItThenDeletes) {
  start();
  std::string id = boot("vm");
  ASSERT_TRUE(actions_->pause(as(member("demo"), "req-p"), id).ok());
  clock_.advance(1s);
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(1s);
  EXPECT_EQ(status(id), "ACTIVE");  // still deleting: the pause holds the guest
  EXPECT_EQ(task(id), "deleting");
  clock_.advance(30s);
  EXPECT_FALSE(servers_->get(member("demo"), id).ok());
  EXPECT_TRUE(fleet_->driver("openstackbootcamp")->list_instance_uuids()->empty());
  EXPECT_TRUE(held(id).empty());
}
