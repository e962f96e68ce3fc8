#include "engine/scheduler/filter_scheduler.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace stacklab::scheduler {

namespace {

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Selection selection_of(const HostState& h) { return {h.uuid, h.host, h.nodename, h.cell_uuid}; }

Status no_valid_host(const std::string& reason) { return Conflict(no_valid_host_message(reason)); }

}  // namespace

std::string no_valid_host_message(const std::string& reason) { return "No valid host was found. " + reason; }

Result<std::unique_ptr<FilterScheduler>> FilterScheduler::create(const SchedulerOptions& options, Random& random) {
  std::vector<std::unique_ptr<SchedulerFilter>> filters;
  for (const auto& name : options.enabled_filters) {
    auto f = make_filter(name, options);
    if (!f.ok()) return f.status();
    filters.push_back(std::move(*f));
  }
  auto weighers = make_weighers(options);
  if (!weighers.ok()) return weighers.status();
  return std::unique_ptr<FilterScheduler>(
      new FilterScheduler(options, random, std::move(filters), std::move(*weighers)));
}

FilterScheduler::FilterScheduler(SchedulerOptions options, Random& random,
                                 std::vector<std::unique_ptr<SchedulerFilter>> filters,
                                 std::vector<std::unique_ptr<HostWeigher>> weighers)
    : options_(std::move(options)), random_(random), filters_(std::move(filters)), weighers_(std::move(weighers)) {
  options_.host_subset_size = std::max(1, options_.host_subset_size);
  options_.max_attempts = std::max(1, options_.max_attempts);
}

std::vector<HostState*> FilterScheduler::filtered_hosts(const std::vector<HostState*>& hosts, const RequestSpec& spec,
                                                        int index) const {
  std::vector<HostState*> current;
  const bool forcing = !spec.force_hosts.empty() || !spec.force_nodes.empty();
  if (!spec.ignore_hosts.empty() || forcing) {
    std::vector<std::string> ignore, force;
    for (const auto& h : spec.ignore_hosts) ignore.push_back(lower(h));
    for (const auto& h : spec.force_hosts) force.push_back(lower(h));
    auto listed = [](const std::vector<std::string>& names, const std::string& name) {
      return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (HostState* h : hosts) {
      std::string host = lower(h->host);
      if (listed(ignore, host)) continue;
      if (!force.empty() && !listed(force, host)) continue;
      if (!spec.force_nodes.empty() && !listed(spec.force_nodes, h->nodename)) continue;
      current.push_back(h);
    }
    // Forcing skips the filters, unless the caller asked for them to run.
    if (forcing && !spec.hint("_nova_check_type")) return current;
    if (current.empty()) return current;
  } else {
    current = hosts;
  }
  for (const auto& f : filters_) {
    if (index > 0 && f->run_filter_once_per_request()) continue;
    std::erase_if(current, [&](HostState* h) { return !f->host_passes(*h, spec); });
    if (current.empty()) break;
  }
  return current;
}

std::vector<HostState*> FilterScheduler::sorted_hosts(const RequestSpec& spec, const std::vector<HostState*>& hosts,
                                                      int index, std::size_t prefix) {
  std::vector<HostState*> filtered = filtered_hosts(hosts, spec, index);
  if (filtered.empty()) return filtered;
  std::vector<WeighedHost> weighed = weigh_hosts(weighers_, filtered, spec);

  // Best first; equal weights keep their input order (Python's stable sort).
  struct Entry {
    double weight;
    std::size_t order;
    HostState* host;
  };
  std::vector<Entry> entries;
  entries.reserve(weighed.size());
  for (std::size_t i = 0; i < weighed.size(); ++i) entries.push_back({weighed[i].weight, i, weighed[i].host});
  auto better = [](const Entry& a, const Entry& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.order < b.order;
  };
  const auto subset = static_cast<std::size_t>(options_.host_subset_size);
  std::size_t need = std::max(prefix, subset);
  if (need >= entries.size() || options_.shuffle_best_same_weighed_hosts) {
    std::sort(entries.begin(), entries.end(), better);
  } else {
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(need), entries.end(), better);
  }

  if (options_.shuffle_best_same_weighed_hosts) {
    std::size_t best = 1;
    while (best < entries.size() && entries[best].weight == entries[0].weight) ++best;
    for (std::size_t i = best; i > 1; --i) std::swap(entries[i - 1], entries[random_.below(i)]);
  }

  std::size_t chosen = 0;
  std::size_t choices = std::min(subset, entries.size());
  if (choices > 1) chosen = random_.below(choices);
  std::vector<HostState*> out;
  out.reserve(entries.size());
  out.push_back(entries[chosen].host);
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (i != chosen) out.push_back(entries[i].host);
  return out;
}

Result<std::vector<Destination>> FilterScheduler::select_destinations(const RequestSpec& request,
                                                                      std::vector<HostState>& hosts,
                                                                      const std::vector<std::string>& instance_uuids,
                                                                      ResourceClaimer* claimer) {
  std::vector<HostState*> pointers;
  pointers.reserve(hosts.size());
  for (auto& h : hosts) pointers.push_back(&h);
  return select_destinations(request, pointers, instance_uuids, claimer);
}

Result<std::vector<Destination>> FilterScheduler::select_destinations(const RequestSpec& request,
                                                                      const std::vector<HostState*>& hosts,
                                                                      const std::vector<std::string>& instance_uuids,
                                                                      ResourceClaimer* claimer) {
  return select_plain(request, hosts, instance_uuids, claimer, nullptr);
}

Result<std::vector<Destination>> FilterScheduler::select_plain(const RequestSpec& request,
                                                               const std::vector<HostState*>& hosts,
                                                               const std::vector<std::string>& instance_uuids,
                                                               ResourceClaimer* claimer,
                                                               std::vector<HostState*>* consumed) {
  // Placement found no candidates: Nova raises with an empty reason.
  if (hosts.empty()) return no_valid_host("");

  const std::size_t count =
      instance_uuids.empty() ? static_cast<std::size_t>(std::max(0, request.num_instances)) : instance_uuids.size();
  const std::size_t num_alts = static_cast<std::size_t>(options_.max_attempts - 1);
  RequestSpec spec = request;  // the group's hosts grow as instances are placed
  // Alternates skip hosts of other cells, so with several cells they may be
  // read beyond any sorted prefix: sort everything then.
  const bool multi_cell = std::any_of(hosts.begin(), hosts.end(),
                                      [&](const HostState* h) { return h->cell_uuid != hosts[0]->cell_uuid; });

  std::vector<HostState*> current = hosts;
  std::vector<HostState*> claimed;
  std::vector<std::string> claimed_uuids;
  int last_index = 0;
  for (std::size_t num = 0; num < count; ++num) {
    last_index = static_cast<int>(num);
    const std::string uuid = instance_uuids.empty() ? "" : instance_uuids[num];
    spec.instance_uuid = uuid;
    // The order of the whole list matters when a later round starts from it
    // (ties keep input order) or when claims may fail and walk down it.
    const bool later_rounds = num + 1 < count || (count > 1 && num_alts > 0);
    const std::size_t prefix = (claimer || later_rounds || multi_cell) ? kAll : 1 + num_alts;
    current = sorted_hosts(spec, current, static_cast<int>(num), prefix);
    if (current.empty()) break;

    HostState* chosen = nullptr;
    for (HostState* h : current) {
      if (!claimer || claimer->claim(*h, spec, uuid)) {
        chosen = h;
        break;
      }
    }
    if (!chosen) break;
    claimed.push_back(chosen);
    if (!uuid.empty()) claimed_uuids.push_back(uuid);
    chosen->consume_from_request(spec, uuid);
    if (consumed) consumed->push_back(chosen);
    if (spec.instance_group) spec.instance_group->hosts.push_back(chosen->host);
  }

  if (claimed.size() != count) {
    if (claimer && !claimed_uuids.empty()) claimer->release(claimed_uuids);
    return no_valid_host("There are not enough hosts available.");
  }

  // The chosen hosts changed; weigh again for accurate alternates.
  if (last_index > 0 && num_alts > 0) current = sorted_hosts(spec, current, last_index, multi_cell ? kAll : count + num_alts);

  std::vector<Destination> out;
  out.reserve(claimed.size());
  for (HostState* selected : claimed) {
    Destination d{selection_of(*selected), {}};
    for (HostState* h : current) {
      if (d.alternates.size() >= num_alts) break;
      if (h->cell_uuid != selected->cell_uuid) continue;
      if (std::find(claimed.begin(), claimed.end(), h) != claimed.end()) continue;
      d.alternates.push_back(selection_of(*h));
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace stacklab::scheduler
