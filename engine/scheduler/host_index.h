// HostIndex: the indexed fast path's state over one fleet of HostStates.
//
// The plain path filters and weighs every host for every decision. The
// index keeps, per "view" (the hosts passing the enabled attribute filters
// for one request signature: zone, flavor extra specs, image properties,
// project, as far as an enabled filter reads them), one ordered set per
// active weigher (multiplier != 0) of (value, host) best first, giving each
// weigher's min/max over the candidates in O(1), and one ordered set of its
// hosts by total weight (computed with the plain path's exact arithmetic for
// the min/max it was built with). Consuming a host re-keys it in those
// sets; a decision whose min/max differ from the order's rebuilds the order
// first (O(n log n), counted in stats().weight_rebuilds); otherwise it reads
// the best hosts off the front in O(log n). See
// FilterScheduler::select_destinations(spec, HostIndex&, ...) for when the
// index is used and when the plain path is taken instead.
//
// Contract: the HostStates belong to the caller; whenever one changes
// outside the scheduler (a resource report, service disabled, aggregates),
// call update(host) before the next decision. The scheduler updates the
// hosts it consumes itself. Host order in `hosts` is the input order that
// breaks ties, as in the plain path.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/scheduler/filter.h"
#include "engine/scheduler/host_state.h"
#include "engine/scheduler/request_spec.h"
#include "engine/scheduler/weigher.h"

namespace stacklab::scheduler {

class FilterScheduler;

class HostIndex {
 public:
  // `scheduler` must outlive the index; the index reads its filters,
  // weighers and options.
  HostIndex(const FilterScheduler& scheduler, std::vector<HostState*> hosts);

  const std::vector<HostState*>& hosts() const { return hosts_; }
  // Re-reads `host` (one of hosts()) after the caller changed it.
  void update(const HostState* host);
  // Re-reads every host.
  void update_all();

  struct Stats {
    std::uint64_t indexed = 0;     // decisions answered by the index
    std::uint64_t fallback = 0;    // decisions handed to the plain path
    std::uint64_t views_built = 0;
    std::uint64_t weight_rebuilds = 0;  // a view's weight order rebuilt for new min/max
    std::uint64_t undone = 0;  // multi-instance requests undone on a tie (counted in fallback too)
  };
  const Stats& stats() const { return stats_; }

 private:
  friend class FilterScheduler;
  friend class IndexPass;
  using List = std::set<std::pair<double, std::uint32_t>>;
  // Every active weigher's min and range over a view's members.
  struct Norm {
    std::vector<double> mins, ranges;
    std::vector<char> equal;
    bool operator==(const Norm& o) const = default;
  };
  struct View {
    std::string key;
    RequestSpec probe;  // the request the view's filters are evaluated with
    std::vector<char> member;
    std::size_t count = 0;
    std::vector<List> lists;  // one per active weigher (one dummy list if none)
    bool weights_valid = false;
    Norm norm;                  // what by_weight was computed with
    std::vector<double> weight;  // per host, as in by_weight
    List by_weight;              // (-weight, host): best first, ties by input order
    std::uint64_t used = 0;
  };
  struct Active {
    const HostWeigher* weigher;
    double multiplier;
  };

  // Whether the index may answer this request (see filter_scheduler.cpp).
  bool applies(const RequestSpec& spec, std::size_t count, bool has_claimer) const;
  View& view_for(const RequestSpec& spec);
  std::string signature(const RequestSpec& spec) const;
  bool passes(const View& v, std::uint32_t id) const;
  double list_key(std::uint32_t id, std::size_t j) const;
  Norm norm_of(const View& v) const;
  double weight(const double* vals, const Norm& n) const;
  void rebuild_weights(View& v, Norm norm);
  void erase_member(View& v, std::uint32_t id);
  void insert_member(View& v, std::uint32_t id);
  void remove_keys(std::uint32_t id);  // from every view it is a member of
  void add_keys(std::uint32_t id);
  void recompute_values(std::uint32_t id);
  void refresh_membership(std::uint32_t id);
  void rekey(std::uint32_t id) {
    remove_keys(id);
    recompute_values(id);
    add_keys(id);
  }
  std::uint32_t id_of(const HostState* h) const { return ids_.at(h); }
  const double* values(std::uint32_t id) const { return vals_.data() + static_cast<std::size_t>(id) * active_.size(); }

  std::vector<HostState*> hosts_;
  std::unordered_map<const HostState*, std::uint32_t> ids_;
  const FilterScheduler& scheduler_;
  bool config_ok_ = true;
  std::vector<const SchedulerFilter*> view_filters_;
  std::vector<std::string> hint_filters_;  // hints that must be absent or empty
  bool sig_zone_ = false, sig_extra_specs_ = false, sig_image_ = false, sig_project_ = false;
  std::vector<Active> active_;
  std::vector<std::string> multiplier_keys_;
  std::vector<double> vals_;      // hosts x active weighers
  std::vector<char> bad_;         // multiplier override in an aggregate, or a non-finite value
  std::size_t bad_count_ = 0;
  std::vector<std::unique_ptr<View>> views_;
  std::uint64_t clock_ = 0;
  Stats stats_;
};

}  // namespace stacklab::scheduler
