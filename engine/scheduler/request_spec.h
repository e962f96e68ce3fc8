// RequestSpec: what one boot (or move) request asks the scheduler for.
//
// Nova's RequestSpec object, reduced to what the filters and weighers read:
// the flavor, the image's properties, how many instances, the requested
// availability zone, the project, the scheduler hints and the server group.
// The scheduler works on a copy: it records the hosts it picks in the copy's
// instance group (as Nova does, without persisting them).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stacklab::scheduler {

struct FlavorSpec {
  std::string id, name;
  int vcpus = 1;
  std::int64_t memory_mb = 512;
  std::int64_t root_gb = 1;
  std::int64_t ephemeral_gb = 0;
  std::int64_t swap = 0;  // MB
  std::map<std::string, std::string> extra_specs;
};

struct ImageSpec {
  std::string id;
  std::map<std::string, std::string> properties;  // hw_architecture, img_hv_type, hw_vm_mode, ...
};

// A server group as the scheduler sees it. `members` are the uuids of the
// group's instances (including the ones of this request); `hosts` are the
// hosts they run on.
struct InstanceGroup {
  std::string uuid, name;
  std::string policy;  // affinity | anti-affinity | soft-affinity | soft-anti-affinity
  std::map<std::string, std::int64_t> rules;  // max_server_per_host (anti-affinity, 2.64+)
  std::vector<std::string> members;
  std::vector<std::string> hosts;
};

struct RequestSpec {
  FlavorSpec flavor;
  ImageSpec image;
  int num_instances = 1;
  std::string availability_zone;  // "" = any
  std::string project_id, user_id;
  std::string instance_uuid;      // the instance being placed (set per instance by the scheduler)
  bool is_bfv = false;            // boot from volume: no local root disk in placement
  // os:scheduler_hints; every hint is a list (a single value is a list of one).
  std::map<std::string, std::vector<std::string>> scheduler_hints;
  std::optional<InstanceGroup> instance_group;
  // Admin-only host forcing (`--availability-zone az:host:node`) and the
  // hosts a reschedule must avoid.
  std::vector<std::string> ignore_hosts, force_hosts, force_nodes;

  // The hint's values, or nullptr when it was not given.
  const std::vector<std::string>* hint(const std::string& name) const {
    auto it = scheduler_hints.find(name);
    return it == scheduler_hints.end() ? nullptr : &it->second;
  }
};

}  // namespace stacklab::scheduler
