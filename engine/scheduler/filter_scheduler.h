// FilterScheduler: Nova's filter-and-weigh host selection.
//
// For each instance of a request, in order: the hosts still in the running
// are filtered (forced / ignored hosts first), weighed and sorted; one of
// the best host_subset_size hosts is picked at random (the injected Random);
// the caller's claim (placement) is tried on it and then down the sorted
// list until one succeeds; the claimed host's resources are consumed in its
// HostState so the next instance sees them gone, and it joins the server
// group's hosts. Then every instance gets up to max_attempts - 1 alternates:
// the best hosts, in the same cell, that were not selected for any instance
// of the request. The hosts the next instance is chosen from are the
// previous instance's filtered hosts, as in Nova.
//
// Runs on the engine loop; not thread-safe (it uses scratch buffers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/scheduler/filter.h"
#include "engine/scheduler/host_state.h"
#include "engine/scheduler/request_spec.h"
#include "engine/scheduler/scheduler_options.h"
#include "engine/scheduler/weigher.h"

namespace stacklab::scheduler {

class HostIndex;

// One host the scheduler names (Nova's Selection, without the allocation request).
struct Selection {
  std::string compute_node_uuid;  // = the placement resource provider
  std::string host, nodename, cell_uuid;
};

// Per instance: where to build it, and where to retry if that fails.
struct Destination {
  Selection selected;
  std::vector<Selection> alternates;
};

// Claims resources for one instance on one host (placement's PUT
// /allocations). The scheduler calls claim() on the hosts in weighed order
// until one returns true; when the request as a whole fails, release() gets
// the instances claimed so far so nothing leaks.
class ResourceClaimer {
 public:
  virtual ~ResourceClaimer() = default;
  virtual bool claim(const HostState& host, const RequestSpec& spec, const std::string& instance_uuid) = 0;
  virtual void release(const std::vector<std::string>& instance_uuids) = 0;
};

// Nova's NoValidHost fault message: "No valid host was found. " + reason.
std::string no_valid_host_message(const std::string& reason);

class FilterScheduler {
 public:
  // BadRequest when enabled_filters or weight_classes name something unknown.
  static Result<std::unique_ptr<FilterScheduler>> create(const SchedulerOptions& options, Random& random);

  // Picks a host for each instance of `spec` among `hosts` (the compute
  // nodes placement found candidates on), consuming the chosen hosts'
  // resources in their HostStates. `instance_uuids` names the instances
  // (empty: spec.num_instances anonymous ones). Without a claimer every
  // claim succeeds.
  //
  // Returns one Destination per instance, or Conflict carrying Nova's
  // NoValidHost message: "No valid host was found. " when there are no
  // hosts at all (placement had no candidates), "No valid host was found.
  // There are not enough hosts available." when some instance found none
  // (claims made for earlier instances are then released). The compute
  // side records it as the instance's fault, code 500, as Nova does.
  Result<std::vector<Destination>> select_destinations(const RequestSpec& spec, const std::vector<HostState*>& hosts,
                                                       const std::vector<std::string>& instance_uuids = {},
                                                       ResourceClaimer* claimer = nullptr);
  // Convenience: every HostState of `hosts` is a candidate.
  Result<std::vector<Destination>> select_destinations(const RequestSpec& spec, std::vector<HostState>& hosts,
                                                       const std::vector<std::string>& instance_uuids = {},
                                                       ResourceClaimer* claimer = nullptr);

  // The same decision through `index` (engine/scheduler/host_index.h): the
  // indexed fast path when options().use_host_index and the request and
  // configuration are ones it answers exactly, else the plain path over
  // index.hosts(). Either way the result is the plain path's, and the index
  // is kept up to date with the hosts consumed.
  Result<std::vector<Destination>> select_destinations(const RequestSpec& spec, HostIndex& index,
                                                       const std::vector<std::string>& instance_uuids = {},
                                                       ResourceClaimer* claimer = nullptr);

  // The hosts passing the filters for the `index`-th instance (forced and
  // ignored hosts applied), in input order (Nova's get_filtered_hosts).
  std::vector<HostState*> filtered_hosts(const std::vector<HostState*>& hosts, const RequestSpec& spec,
                                         int index) const;

  const SchedulerOptions& options() const { return options_; }
  const std::vector<std::unique_ptr<SchedulerFilter>>& filters() const { return filters_; }
  const std::vector<std::unique_ptr<HostWeigher>>& weighers() const { return weighers_; }

 private:
  FilterScheduler(SchedulerOptions options, Random& random, std::vector<std::unique_ptr<SchedulerFilter>> filters,
                  std::vector<std::unique_ptr<HostWeigher>> weighers);
  // Nova's _get_sorted_hosts: filtered, weighed, best first, with the
  // randomly chosen one of the best host_subset_size moved to the front.
  // With `prefix` set, only that many leading hosts are guaranteed in order
  // (the rest follow unordered): enough when nothing reads further.
  // The plain path; every host it consumed (also on failure) is appended to `consumed`.
  Result<std::vector<Destination>> select_plain(const RequestSpec& spec, const std::vector<HostState*>& hosts,
                                                const std::vector<std::string>& instance_uuids,
                                                ResourceClaimer* claimer, std::vector<HostState*>* consumed);
  std::vector<HostState*> sorted_hosts(const RequestSpec& spec, const std::vector<HostState*>& hosts, int index,
                                       std::size_t prefix);

  SchedulerOptions options_;
  Random& random_;
  std::vector<std::unique_ptr<SchedulerFilter>> filters_;
  std::vector<std::unique_ptr<HostWeigher>> weighers_;
};

}  // namespace stacklab::scheduler
