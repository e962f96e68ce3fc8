// HostState: one compute node as the scheduler sees it.
//
// Nova's HostState: the node's free resources (from placement's inventories
// and usage), what the hypervisor reports (type, version, cpu info,
// supported instances), its service status, its aggregates with their
// metadata (availability zone, filter_tenant_id, weight multipliers, extra
// spec matches) and the instances it runs. Filters and weighers only read
// it; the scheduler consumes a chosen host's resources in it so the next
// instance of the same request sees them gone.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace stacklab::scheduler {

struct RequestSpec;

// A host aggregate (Nova's, not only placement's uuid): shared by its hosts.
struct Aggregate {
  std::string uuid, name;
  std::map<std::string, std::string> metadata;  // availability_zone, filter_tenant_id, ...
};

struct ServiceStatus {
  bool disabled = false;
  bool up = true;  // the servicegroup API's verdict: heard from recently
  std::string disabled_reason;
};

// One (architecture, hypervisor type, vm mode) the node can run, canonical names.
struct SupportedInstance {
  std::string arch, hv_type, vm_mode;
};

struct HostState {
  std::string uuid;  // the compute node's uuid, which is its placement resource provider's
  std::string host, nodename;
  std::string cell_uuid;  // alternates stay in the selected host's cell

  std::int64_t total_usable_ram_mb = 0;
  std::int64_t free_ram_mb = 0;  // may go negative (overcommit)
  std::int64_t total_usable_disk_gb = 0;
  std::int64_t free_disk_mb = 0;
  std::int64_t disk_mb_used = 0;
  std::int64_t vcpus_total = 0;
  std::int64_t vcpus_used = 0;
  double cpu_allocation_ratio = 16.0, ram_allocation_ratio = 1.5, disk_allocation_ratio = 1.0;

  int num_instances = 0;
  int num_io_ops = 0;  // instances building, resizing, snapshotting, migrating, ...

  std::string hypervisor_type, hypervisor_hostname;
  std::int64_t hypervisor_version = 0;  // e.g. 6000000 for 6.0.0
  nlohmann::json cpu_info = nlohmann::json::object();
  std::vector<SupportedInstance> supported_instances;
  std::set<std::string> traits;
  std::map<std::string, std::string> stats;
  ServiceStatus service;

  std::vector<std::shared_ptr<const Aggregate>> aggregates;
  std::unordered_set<std::string> instances;  // uuids of the instances on this node

  // Nova's aggregate_metadata_get_by_host: key -> every value (comma lists
  // split and stripped) over the host's aggregates; with `key`, only
  // aggregates that have that key contribute (all their metadata).
  std::map<std::string, std::set<std::string>> aggregate_metadata(const std::string* key = nullptr) const;
  // Nova's aggregate_values_from_key: the raw values of `key` over the aggregates.
  std::set<std::string> aggregate_values(const std::string& key) const;
  // The zone(s) the host's aggregates put it in, or `default_zone` if none.
  std::set<std::string> availability_zones(const std::string& default_zone) const;

  // What placing one instance of `spec` here uses up (Nova's
  // consume_from_request): RAM, root+ephemeral disk, vCPUs, one more
  // instance and one more IO operation; `instance_uuid` joins `instances`.
  void consume_from_request(const RequestSpec& spec, const std::string& instance_uuid);
};

}  // namespace stacklab::scheduler
