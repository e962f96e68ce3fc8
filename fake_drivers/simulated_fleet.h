// SimulatedFleet: N FakeComputeDrivers built from a fleet description.
//
// The description (JSON, as a fleet file holds it):
//   {"defaults": {...host fields...},
//    "hosts": [{"name": "compute", "count": 100, "cores": 32, "ram_mb": 131072,
//               "disk_gb": 1000, "availability_zone": "az1",
//               "aggregates": ["ssd"], "traits": ["CUSTOM_SSD"],
//               "spawn_failure_rate": 0.0, "slowness": 1.0}, ...]}
// A group with count > 1 names its hosts name-1 .. name-N. Missing fields
// take "defaults", then the bootcamp's all-in-one host (openstackbootcamp:
// 2 vCPUs, 6144 MB, 40 GB, zone "nova"); an empty description is that one
// host. Named aggregates and zones other than "nova" become Nova aggregates
// (a zone is an aggregate with availability_zone metadata), with uuids from
// the injected Random.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/compute/aggregates.h"
#include "engine/compute/compute_services.h"
#include "engine/compute/resource_tracker.h"
#include "engine/scheduler/placement_host_states.h"
#include "fake_drivers/fake_compute_driver.h"

namespace stacklab::fake {

struct FleetHost {
  FakeHost host;
  std::vector<std::string> aggregates;  // aggregate names
  std::set<std::string> traits;
  FakeFaults faults;
};

// The hosts a description names, in order. BadRequest on a malformed one.
Result<std::vector<FleetHost>> parse_fleet(const nlohmann::json& description);

class SimulatedFleet {
 public:
  SimulatedFleet(Clock& clock, Random& random, std::vector<FleetHost> hosts, OperationTimes times = {});
  static Result<std::unique_ptr<SimulatedFleet>> from_json(Clock& clock, Random& random,
                                                           const nlohmann::json& description,
                                                           OperationTimes times = {});

  std::size_t size() const { return drivers_.size(); }
  FakeComputeDriver& driver(std::size_t i) { return *drivers_[i]; }
  FakeComputeDriver* driver(const std::string& hostname);  // nullptr if absent
  // Every host forgets its guests (FakeComputeDriver::forget_guests).
  void forget_guests();

  // Nova aggregates of the fleet, by uuid.
  const std::map<std::string, std::shared_ptr<const scheduler::Aggregate>>& aggregates() const { return aggregates_; }

  // Reports every host that is up to placement (inventories, traits,
  // aggregates). Returns how many reported; hosts that are down are skipped.
  Result<std::size_t> report(compute::ResourceTracker& tracker);

  // What the scheduler needs beyond placement: aggregates with metadata
  // and, per provider, the node's hypervisor facts and service status (down
  // when the host is down).
  scheduler::HostStateSources host_state_sources(const compute::ResourceTracker& tracker) const;

  // The description's aggregates and zones (with their uuids and hosts): the
  // initial state of the AggregateService, which owns them from then on.
  std::vector<compute::AggregateSeed> aggregate_seeds() const;
  // Every host with its driver and traits, for the ServiceRegistry.
  std::vector<compute::ManagedNode> managed_nodes() const;

 private:
  std::vector<FleetHost> hosts_;
  std::vector<std::unique_ptr<FakeComputeDriver>> drivers_;
  std::map<std::string, std::size_t> by_name_;
  std::map<std::string, std::shared_ptr<const scheduler::Aggregate>> aggregates_;
  std::map<std::string, std::string> aggregate_uuid_;  // name -> uuid
};

}  // namespace stacklab::fake
