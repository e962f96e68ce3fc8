// VirtualCloud: the compute engine (images, flavors, placement, scheduler,
// ComputeService) over a SimulatedFleet on a ManualClock, for tests that
// boot servers in virtual time. In-memory store; lab images and flavors.
#pragma once

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

namespace stacklab::testing {

inline Credentials project_member(const std::string& project) {
  Credentials c;
  c.user_id = "u-";
  c.user_id += project;
  c.project_id = project;
  c.roles = {"member", "reader"};
  return c;
}

inline Credentials cloud_admin() {
  Credentials c = project_member("admin");
  c.roles.insert("admin");
  return c;
}

class VirtualCloud {
 public:
  VirtualCloud(const Json& fleet, fake::OperationTimes times, scheduler::SchedulerOptions options = {},
               std::uint64_t seed = 11)
      : random_(seed) {
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
    (void)scenarios::seed_lab_images(*images_, *store_);
    (void)scenarios::seed_lab_flavors(*flavors_, *store_);
    placement_ = std::make_unique<placement::PlacementService>(*store_, random_);
    tracker_ = std::make_unique<compute::ResourceTracker>(*placement_, clock_);
    fleet_ = std::move(*fake::SimulatedFleet::from_json(clock_, random_, fleet, times));
    reported_ = *fleet_->report(*tracker_);
    scheduler_ = std::move(*scheduler::FilterScheduler::create(options, random_));
    compute::ComputeHosts hosts;
    hosts.driver = [this](const std::string& h) -> compute::ComputeDriver* { return fleet_->driver(h); };
    hosts.sources = [this] { return fleet_->host_state_sources(*tracker_); };
    servers_ = std::make_unique<compute::ComputeService>(*store_, clock_, random_, policy_, *flavors_, *images_,
                                                         *placement_, *scheduler_, hosts);
  }
  ~VirtualCloud() { std::filesystem::remove_all(dir_); }

  std::string image_id(const std::string& name) {
    for (const Json* img : store_->list("image"))
      if ((*img)["name"] == name) return (*img)["id"];
    return "";
  }
  compute::ServerCreate request(const std::string& name, const std::string& flavor, int count = 1) {
    compute::ServerCreate r;
    r.name = name;
    r.image_ref = image_id("cirros-0.3.4-x86_64-uec");
    r.flavor_ref = flavor;
    r.min_count = r.max_count = count;
    return r;
  }
  Json server(const std::string& id) { return *servers_->get(cloud_admin(), id); }

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

}  // namespace stacklab::testing
