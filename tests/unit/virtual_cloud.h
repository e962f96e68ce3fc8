// The compute engine (images, flavors, placement, scheduler, ComputeService)
// over a SimulatedFleet on a ManualClock, for tests that boot servers in
// virtual time. In-memory store; lab images and flavors.
//
// ComputeEngine holds the parts under the names the tests use (clock_,
// store_, placement_, fleet_, servers_, ...); a test fixture derives from it
// and from ::testing::Test. VirtualCloud is one built in its constructor.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/compute/compute_policy.h"
#include "engine/compute/resource_tracker.h"
#include "engine/compute/servers.h"
#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "fake_drivers/simulated_fleet.h"
#include "real_drivers/file_image_store.h"
#include "scenarios/lab/lab_flavors.h"
#include "scenarios/lab/lab_images.h"
#include "tests/unit/test_credentials.h"

namespace stacklab::testing {

// Every fake hypervisor operation takes exactly `d`, unless `all` is false:
// then only spawn and destroy are set.
inline fake::OperationTimes fixed_times(Duration d, bool all = false) {
  fake::OperationTimes t;
  fake::DurationRange r{d, d};
  t.spawn = t.destroy = r;
  if (all)
    t.reboot_soft = t.reboot_hard = t.power_on = t.power_off = t.pause = t.suspend = t.snapshot = t.attach = t.migrate =
        r;
  return t;
}

class ComputeEngine {
 public:
  explicit ComputeEngine(std::uint64_t seed = 11) : random_(seed) {}
  ~ComputeEngine() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  ComputeEngine(const ComputeEngine&) = delete;
  ComputeEngine& operator=(const ComputeEngine&) = delete;

  // The store, images and flavors (the lab's), placement, the fleet (reported
  // to placement: reported_ hosts) and the scheduler.
  void start_engine(const Json& fleet, fake::OperationTimes times, scheduler::SchedulerOptions options = {}) {
    compute::register_compute_policy(policy_);
    store_ = std::move(*Store::open({}));
    static std::atomic<int> n{0};
    std::string leaf = "stacklab-vcloud-";
    leaf += std::to_string(::getpid());
    leaf += "-";
    leaf += std::to_string(n++);
    dir_ = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::create_directories(dir_);
    files_ = std::make_unique<drivers::FileImageStore>(dir_.string());
    images_ = std::make_unique<image::ImageService>(*store_, clock_, random_, *files_);
    flavors_ = std::make_unique<compute::FlavorService>(*store_, clock_, random_, policy_);
    EXPECT_TRUE(scenarios::seed_lab_images(*images_, *store_).ok());
    EXPECT_TRUE(scenarios::seed_lab_flavors(*flavors_, *store_).ok());
    placement_ = std::make_unique<placement::PlacementService>(*store_, random_);
    tracker_ = std::make_unique<compute::ResourceTracker>(*placement_, clock_);
    fleet_ = std::move(*fake::SimulatedFleet::from_json(clock_, random_, fleet, times));
    auto reported = fleet_->report(*tracker_);
    EXPECT_TRUE(reported.ok()) << reported.status().message();
    reported_ = reported.ok() ? *reported : 0;
    scheduler_ = std::move(*scheduler::FilterScheduler::create(options, random_));
  }
  // The fleet's hypervisors and their host states, for ComputeService and its tasks.
  compute::ComputeHosts hosts() {
    compute::ComputeHosts h;
    h.driver = [this](const std::string& host) -> compute::ComputeDriver* { return fleet_->driver(host); };
    h.sources = [this] { return fleet_->host_state_sources(*tracker_); };
    return h;
  }
  // ComputeService over the engine; quotas enforced, groups honoured and ports allocated when given.
  void start_servers(compute::QuotaService* quotas = nullptr, compute::ServerGroupService* groups = nullptr,
                     compute::NetworkApi* network = nullptr) {
    servers_ = std::make_unique<compute::ComputeService>(*store_, clock_, random_, policy_, *flavors_, *images_,
                                                         *placement_, *scheduler_, hosts(), quotas, groups, network);
  }

  static Credentials member(const std::string& project) { return project_member(project); }
  static Credentials admin() { return cloud_admin(); }

  std::string image_id(const std::string& name) {
    for (const Json* img : store_->list("image"))
      if ((*img)["name"] == name) return (*img)["id"];
    return "";
  }
  std::string cirros() { return image_id("cirros-0.3.4-x86_64-uec"); }
  // A request for min_count..max_count (-1: min_count) servers of cirros.
  compute::ServerCreate request(const std::string& name, const std::string& flavor, int min_count = 1,
                                int max_count = -1) {
    compute::ServerCreate r;
    r.name = name;
    r.image_ref = cirros();
    r.flavor_ref = flavor;
    r.min_count = min_count;
    r.max_count = max_count < 0 ? min_count : max_count;
    return r;
  }
  // Creates the request's servers; the first one's id ("" and a failure if refused).
  std::string boot(const compute::ServerCreate& r, const Credentials& who = project_member("demo")) {
    auto created = servers_->create(who, r);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created->front()["id"].get<std::string>() : "";
  }
  Json server(const std::string& id) { return *servers_->get(cloud_admin(), id); }
  std::string status(const std::string& id) { return compute::server_status(server(id)); }

  ManualClock clock_;
  SeededRandom random_;
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::filesystem::path dir_;
  std::unique_ptr<drivers::FileImageStore> files_;
  std::unique_ptr<image::ImageService> images_;
  std::unique_ptr<compute::FlavorService> flavors_;
  std::unique_ptr<placement::PlacementService> placement_;
  std::unique_ptr<compute::ResourceTracker> tracker_;
  std::unique_ptr<fake::SimulatedFleet> fleet_;
  std::size_t reported_ = 0;
  std::unique_ptr<scheduler::FilterScheduler> scheduler_;
  std::unique_ptr<compute::ComputeService> servers_;
};

class VirtualCloud : public ComputeEngine {
 public:
  VirtualCloud(const Json& fleet, fake::OperationTimes times, scheduler::SchedulerOptions options = {},
               std::uint64_t seed = 11)
      : ComputeEngine(seed) {
    start_engine(fleet, times, options);
    start_servers();
  }
};

}  // namespace stacklab::testing
