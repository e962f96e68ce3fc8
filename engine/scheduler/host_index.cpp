// The indexed fast path: HostIndex and FilterScheduler's indexed
// select_destinations. The plain path is in filter_scheduler.cpp.
#include "engine/scheduler/host_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/scheduler/filter_scheduler.h"

namespace stacklab::scheduler {

namespace {

constexpr std::size_t kMaxViews = 8;

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void add_field(std::string& key, std::string_view s) {
  key += std::to_string(s.size());
  key += ':';
  key += s;
}

Selection selection_of(const HostState& h) { return {h.uuid, h.host, h.nodename, h.cell_uuid}; }

}  // namespace

HostIndex::HostIndex(const FilterScheduler& scheduler, std::vector<HostState*> hosts)
    : hosts_(std::move(hosts)), scheduler_(scheduler) {
  const SchedulerOptions& o = scheduler.options();
  // Only host_subset_size 1 without shuffling: the plain path's random pick
  // among the best hosts would need the whole sorted prefix anyway.
  config_ok_ = o.use_host_index && o.host_subset_size <= 1 && !o.shuffle_best_same_weighed_hosts;
  for (const auto& f : scheduler.filters()) {
    const std::string_view n = f->name();
    if (one_of(n, {"AllHostsFilter", "ComputeFilter", "AvailabilityZoneFilter", "ComputeCapabilitiesFilter",
                   "ImagePropertiesFilter", "AggregateInstanceExtraSpecsFilter",
                   "AggregateMultiTenancyIsolation"}) &&
        f->run_filter_once_per_request()) {
      // Answered from the host and the request fields below only: one view
      // per distinct value of those fields.
      view_filters_.push_back(f.get());
      sig_zone_ |= n == "AvailabilityZoneFilter";
      sig_extra_specs_ |= n == "ComputeCapabilitiesFilter" || n == "AggregateInstanceExtraSpecsFilter";
      sig_image_ |= n == "ImagePropertiesFilter";
      sig_project_ |= n == "AggregateMultiTenancyIsolation";
    } else if (one_of(n, {"ServerGroupAffinityFilter", "ServerGroupAntiAffinityFilter"})) {
      // Pass every host when the request has no server group (required by applies()).
    } else if (n == "SameHostFilter") {
      hint_filters_.push_back("same_host");
    } else if (n == "DifferentHostFilter") {
      hint_filters_.push_back("different_host");
    } else {
      // NumInstancesFilter, IoOpsFilter (their answers change with every
      // placement, and they run for every instance) and anything unknown.
      config_ok_ = false;
    }
  }
  for (const auto& w : scheduler.weighers()) {
    multiplier_keys_.push_back(w->multiplier_key());
    const double m = w->configured_multiplier();
    if (!std::isfinite(m)) config_ok_ = false;
    const std::string_view n = w->name();
    if (one_of(n, {"RAMWeigher", "CPUWeigher", "DiskWeigher", "NumInstancesWeigher", "IoOpsWeigher"}) &&
        w->request_independent()) {
      if (m != 0.0) active_.push_back({w.get(), m});  // a zero multiplier adds nothing
    } else if (one_of(n, {"ServerGroupSoftAffinityWeigher", "ServerGroupSoftAntiAffinityWeigher"})) {
      // Without a server group (required by applies()) every host weighs
      // the same, which normalizes to 0 and adds nothing.
    } else {
      config_ok_ = false;
    }
  }
  bad_.assign(hosts_.size(), 0);
  vals_.assign(hosts_.size() * active_.size(), 0.0);
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    ids_.emplace(hosts_[i], i);
    recompute_values(i);
  }
}

void HostIndex::recompute_values(std::uint32_t id) {
  const HostState& h = *hosts_[id];
  static const RequestSpec kNoRequest;
  bool bad = false;
  for (std::size_t j = 0; j < active_.size(); ++j) {
    double v = active_[j].weigher->weigh(h, kNoRequest);
    vals_[id * active_.size() + j] = v;
    bad |= !std::isfinite(v);
  }
  // A per-host multiplier (aggregate metadata) breaks the single ordering
  // per weigher: such fleets take the plain path.
  for (const auto& agg : h.aggregates)
    for (const auto& k : multiplier_keys_) bad |= agg->metadata.count(k) > 0;
  if (bad != static_cast<bool>(bad_[id])) {
    bad_count_ += bad ? 1 : -1;
    bad_[id] = bad;
  }
}

double HostIndex::list_key(std::uint32_t id, std::size_t j) const {
  if (active_.empty()) return 0.0;
  double v = values(id)[j];
  return active_[j].multiplier > 0 ? -v : v;  // ascending = best first
}

void HostIndex::erase_member(View& v, std::uint32_t id) {
  for (std::size_t j = 0; j < v.lists.size(); ++j) v.lists[j].erase({list_key(id, j), id});
  if (v.weights_valid) v.by_weight.erase({-v.weight[id], id});
}

void HostIndex::insert_member(View& v, std::uint32_t id) {
  for (std::size_t j = 0; j < v.lists.size(); ++j) v.lists[j].insert({list_key(id, j), id});
  if (v.weights_valid) {
    v.weight[id] = weight(values(id), v.norm);
    v.by_weight.insert({-v.weight[id], id});
  }
}

void HostIndex::remove_keys(std::uint32_t id) {
  for (auto& v : views_)
    if (v->member[id]) erase_member(*v, id);
}

void HostIndex::add_keys(std::uint32_t id) {
  for (auto& v : views_)
    if (v->member[id]) insert_member(*v, id);
}

bool HostIndex::passes(const View& v, std::uint32_t id) const {
  for (const SchedulerFilter* f : view_filters_)
    if (!f->host_passes(*hosts_[id], v.probe)) return false;
  return true;
}

void HostIndex::refresh_membership(std::uint32_t id) {
  for (auto& v : views_) {
    const bool now = passes(*v, id);
    if (now == static_cast<bool>(v->member[id])) continue;
    if (now)
      insert_member(*v, id);
    else
      erase_member(*v, id);
    v->member[id] = now;
    v->count += now ? 1 : -1;
  }
}

void HostIndex::update(const HostState* host) {
  const std::uint32_t id = id_of(host);
  rekey(id);
  refresh_membership(id);
}

void HostIndex::update_all() {
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) update(hosts_[i]);
}

std::string HostIndex::signature(const RequestSpec& spec) const {
  std::string key;
  if (sig_zone_) {
    key += 'z';
    add_field(key, spec.availability_zone);
  }
  if (sig_extra_specs_) {
    key += 'e' + std::to_string(spec.flavor.extra_specs.size());
    for (const auto& [k, v] : spec.flavor.extra_specs) add_field(key, k), add_field(key, v);
  }
  if (sig_image_) {
    key += 'i' + std::to_string(spec.image.properties.size());
    for (const auto& [k, v] : spec.image.properties) add_field(key, k), add_field(key, v);
  }
  if (sig_project_) {
    key += 'p';
    add_field(key, spec.project_id);
  }
  return key;
}

HostIndex::View& HostIndex::view_for(const RequestSpec& spec) {
  std::string key = signature(spec);
  ++clock_;
  for (auto& v : views_)
    if (v->key == key) {
      v->used = clock_;
      return *v;
    }
  if (views_.size() >= kMaxViews) {
    auto lru = std::min_element(views_.begin(), views_.end(), [](const auto& a, const auto& b) { return a->used < b->used; });
    views_.erase(lru);
  }
  auto v = std::make_unique<View>();
  v->key = std::move(key);
  v->probe.flavor.extra_specs = spec.flavor.extra_specs;
  v->probe.image.properties = spec.image.properties;
  v->probe.availability_zone = spec.availability_zone;
  v->probe.project_id = spec.project_id;
  v->used = clock_;
  v->member.assign(hosts_.size(), 0);
  v->weight.assign(hosts_.size(), 0.0);
  v->lists.resize(std::max<std::size_t>(1, active_.size()));
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    if (!passes(*v, i)) continue;
    v->member[i] = 1;
    ++v->count;
    for (std::size_t j = 0; j < v->lists.size(); ++j) v->lists[j].insert({list_key(i, j), i});
  }
  ++stats_.views_built;
  views_.push_back(std::move(v));
  return *views_.back();
}

bool HostIndex::applies(const RequestSpec& spec, std::size_t count, bool has_claimer) const {
  if (!config_ok_ || bad_count_ > 0 || hosts_.empty()) return false;
  // Forced / ignored hosts: rare admin requests; the plain path handles them.
  if (!spec.force_hosts.empty() || !spec.force_nodes.empty() || !spec.ignore_hosts.empty()) return false;
  // A server group makes the group filters and soft weighers host-dependent.
  if (spec.instance_group) return false;
  for (const auto& hint : hint_filters_)
    if (const auto* v = spec.hint(hint); v && !v->empty()) return false;
  if (count == 0) return false;
  // Several instances with a claimer: a failed claim mid-request could not
  // be undone if the index had to hand over to the plain path.
  if (count > 1 && has_claimer) return false;
  return true;
}

HostIndex::Norm HostIndex::norm_of(const View& v) const {
  Norm n;
  const std::size_t a = active_.size();
  n.mins.resize(a);
  n.ranges.resize(a);
  n.equal.resize(a);
  for (std::size_t j = 0; j < a; ++j) {
    const auto& list = v.lists[j];
    double best = values(list.begin()->second)[j], worst = values(list.rbegin()->second)[j];
    double lo = std::min(best, worst), hi = std::max(best, worst);
    n.mins[j] = lo;
    n.ranges[j] = hi - lo;
    n.equal[j] = lo == hi;
  }
  return n;
}

// The plain path's arithmetic (weigh_hosts + normalize), term for term, so
// the doubles are the same: weigh_hosts skips weighers whose multipliers
// are all 0 and adds multiplier * (v - min) / (max - min), or * 0 when all
// values are equal.
double HostIndex::weight(const double* vals, const Norm& n) const {
  double w = 0.0;
  for (std::size_t j = 0; j < n.mins.size(); ++j) {
    double x = n.equal[j] ? 0.0 : (vals[j] - n.mins[j]) / n.ranges[j];
    w += active_[j].multiplier * x;
  }
  return w;
}

void HostIndex::rebuild_weights(View& v, Norm norm) {
  v.norm = std::move(norm);
  std::vector<std::pair<double, std::uint32_t>> entries;
  entries.reserve(v.count);
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    if (!v.member[i]) continue;
    v.weight[i] = weight(values(i), v.norm);
    entries.push_back({-v.weight[i], i});
  }
  std::sort(entries.begin(), entries.end());
  v.by_weight = List(entries.begin(), entries.end());
  v.weights_valid = true;
  ++stats_.weight_rebuilds;
}

// One walk over a view's hosts best first: weight desc, input order asc, as
// the plain path sorts, with the weighers' min/max over the view's members
// now. The view's weight order is valid while every weigher's min and max
// (hence every host's weight, to the bit) are the ones it was built with;
// otherwise it is rebuilt first. Strict walks give up (kDoubt) when a
// yielded host ties with the next: the plain path breaks those ties by the
// previous instance's order, which the index does not keep.
class IndexPass {
 public:
  enum Next { kHost, kEnd, kDoubt };

  IndexPass(HostIndex& ix, HostIndex::View& v, bool strict) : v_(v), strict_(strict) {
    HostIndex::Norm n = ix.norm_of(v);
    if (!v.weights_valid || !(n == v.norm)) ix.rebuild_weights(v, std::move(n));
    it_ = v.by_weight.begin();
  }

  Next next(std::uint32_t& out) {
    if (it_ == v_.by_weight.end()) return kEnd;
    auto [w, id] = *it_;
    ++it_;
    if (strict_ && it_ != v_.by_weight.end() && it_->first == w) return kDoubt;
    out = id;
    return kHost;
  }

 private:
  HostIndex::View& v_;
  bool strict_;
  HostIndex::List::const_iterator it_;
};

Result<std::vector<Destination>> FilterScheduler::select_destinations(const RequestSpec& request, HostIndex& index,
                                                                      const std::vector<std::string>& instance_uuids,
                                                                      ResourceClaimer* claimer) {
  const auto& hosts = index.hosts();
  const std::size_t count =
      instance_uuids.empty() ? static_cast<std::size_t>(std::max(0, request.num_instances)) : instance_uuids.size();
  const std::size_t num_alts = static_cast<std::size_t>(options_.max_attempts - 1);

  auto plain = [&]() {
    ++index.stats_.fallback;
    std::vector<HostState*> consumed;
    auto r = select_plain(request, hosts, instance_uuids, claimer, &consumed);
    for (HostState* h : consumed) index.update(h);
    return r;
  };
  if (!index.applies(request, count, claimer != nullptr)) return plain();

  HostIndex::View& view = index.view_for(request);
  if (view.count == 0) {
    ++index.stats_.indexed;
    return Conflict(no_valid_host_message("There are not enough hosts available."));
  }
  RequestSpec spec = request;

  if (count == 1) {
    const std::string uuid = instance_uuids.empty() ? "" : instance_uuids[0];
    spec.instance_uuid = uuid;
    IndexPass pass(index, view, false);
    std::vector<std::uint32_t> seen;
    std::uint32_t id = 0;
    HostState* chosen = nullptr;
    while (pass.next(id) == IndexPass::kHost) {
      seen.push_back(id);
      if (!claimer || claimer->claim(*hosts[id], spec, uuid)) {
        chosen = hosts[id];
        break;
      }
    }
    if (!chosen) {
      ++index.stats_.indexed;
      return Conflict(no_valid_host_message("There are not enough hosts available."));
    }
    // Alternates from this instance's order, before its resources are consumed.
    Destination d{selection_of(*chosen), {}};
    auto consider = [&](std::uint32_t i) {
      if (hosts[i] != chosen && hosts[i]->cell_uuid == chosen->cell_uuid) d.alternates.push_back(selection_of(*hosts[i]));
    };
    for (std::uint32_t i : seen) {
      if (d.alternates.size() >= num_alts) break;
      consider(i);
    }
    while (d.alternates.size() < num_alts && pass.next(id) == IndexPass::kHost) consider(id);
    const std::uint32_t cid = index.id_of(chosen);
    index.remove_keys(cid);
    chosen->consume_from_request(spec, uuid);
    index.recompute_values(cid);
    index.add_keys(cid);
    index.refresh_membership(cid);
    ++index.stats_.indexed;
    return std::vector<Destination>{std::move(d)};
  }

  // Several instances, no claimer. The candidates stay the view's members
  // for the whole request (every filter that could drop a host runs once
  // per request); consumed hosts are re-keyed between instances. Ties from
  // the second instance on are broken by the previous instance's order in
  // the plain path: on any tie we undo what we consumed and take it.
  std::vector<std::pair<HostState*, HostState>> snapshots;
  std::vector<HostState*> claimed;
  auto undo_and_fall_back = [&]() {
    ++index.stats_.undone;
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
      const std::uint32_t i = index.id_of(it->first);
      index.remove_keys(i);
      *it->first = it->second;
      index.recompute_values(i);
      index.add_keys(i);
    }
    return plain();
  };
  for (std::size_t num = 0; num < count; ++num) {
    const std::string uuid = instance_uuids.empty() ? "" : instance_uuids[num];
    spec.instance_uuid = uuid;
    IndexPass pass(index, view, num > 0);
    std::uint32_t id = 0;
    if (pass.next(id) != IndexPass::kHost) return undo_and_fall_back();
    HostState* h = hosts[id];
    snapshots.emplace_back(h, *h);
    index.remove_keys(id);
    h->consume_from_request(spec, uuid);
    index.recompute_values(id);
    index.add_keys(id);
    claimed.push_back(h);
  }

  std::vector<Destination> out;
  for (HostState* h : claimed) out.push_back({selection_of(*h), {}});
  if (num_alts > 0) {
    // The plain path weighs once more after the last instance.
    IndexPass pass(index, view, true);
    auto complete = [&]() {
      for (const auto& d : out)
        if (d.alternates.size() < num_alts) return false;
      return true;
    };
    std::uint32_t id = 0;
    while (!complete()) {
      auto r = pass.next(id);
      if (r == IndexPass::kDoubt) return undo_and_fall_back();
      if (r == IndexPass::kEnd) break;
      HostState* h = hosts[id];
      if (std::find(claimed.begin(), claimed.end(), h) != claimed.end()) continue;
      for (std::size_t k = 0; k < out.size(); ++k)
        if (out[k].alternates.size() < num_alts && claimed[k]->cell_uuid == h->cell_uuid)
          out[k].alternates.push_back(selection_of(*h));
    }
  }
  for (HostState* h : claimed) index.refresh_membership(index.id_of(h));
  ++index.stats_.indexed;
  return out;
}

}  // namespace stacklab::scheduler
