#include "api/probe_routes.h"

#include <memory>

#include "api/errors.h"
#include "api/guest_events.h"
#include "engine/core/policy.h"

namespace stacklab::api {

namespace {

constexpr const char* kProbeRoute = "/_stacklab/network/probe";

Response error(const Request& req, const Status& st) {
  return error_response(ErrorStyle::kKeystone, st, req.request_id);
}

// The probe as the guest event a lab grader looks for.
AuditEntry guest_event(const Request& req, TimePoint now, const network::ProbeOutcome& outcome) {
  Json result = outcome.to_json();
  return guest_event_entry(req, now, kProbeRoute, "guest." + outcome.tool(),
                           {{"from", result["from"]},
                            {"to", result["to"]},
                            {"protocol", result["protocol"]},
                            {"port", result["port"]},
                            {"result", outcome.verdict.reachable ? "success" : "failure"},
                            {"reason", result["reason"]}});
}

}  // namespace

void add_probe_routes(Router& r, ProbeDeps deps) {
  auto policy = std::make_shared<Policy>();
  policy->register_default("stacklab:network:probe", "role:admin or role:member or role:_member_");
  r.add_sync("POST", kProbeRoute, [policy, deps](Request& req) {
    if (Status st = policy->enforce("stacklab:network:probe", req.auth->credentials()); !st.ok()) return error(req, st);
    auto body = req.json();
    if (!body.ok()) return error(req, body.status());
    auto outcome = deps.probes.probe(req.auth->credentials(), *body);
    if (!outcome.ok()) return error(req, outcome.status());
    deps.audit.append(guest_event(req, deps.clock.now(), *outcome));
    return json_response(200, {{"probe", outcome->to_json()}});
  });
}

}  // namespace stacklab::api
