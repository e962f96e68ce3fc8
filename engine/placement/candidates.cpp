// Allocation candidates: the providers that can take a request whole.
#include "engine/placement/placement_service.h"

namespace stacklab::placement {

std::vector<Candidate> PlacementService::allocation_candidates(const CandidateQuery& q) const {
  std::vector<Candidate> out;
  for (const auto& [uuid, rp] : providers_) {
    if (!q.in_tree.empty()) {
      const ResourceProvider* tree = provider(q.in_tree);
      if (!tree || tree->root_uuid != rp.root_uuid) continue;
    }
    bool ok = true;
    for (const auto& [rc, n] : q.resources)
      if (!rp.fits(rc, n)) {
        ok = false;
        break;
      }
    if (!ok) continue;
    for (const auto& t : q.required) ok = ok && rp.traits.count(t);
    for (const auto& t : q.forbidden) ok = ok && !rp.traits.count(t);
    for (const auto& group : q.member_of) {
      bool any = false;
      for (const auto& agg : group) any = any || rp.aggregates.count(agg);
      ok = ok && any;
    }
    for (const auto& agg : q.forbidden_aggregates) ok = ok && !rp.aggregates.count(agg);
    if (!ok) continue;
    out.push_back({&rp, q.resources});
    if (q.limit && out.size() >= *q.limit) break;
  }
  return out;
}

}  // namespace stacklab::placement
