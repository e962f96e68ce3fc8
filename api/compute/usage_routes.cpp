// /v2.1/os-simple-tenant-usage (admins: every project; detailed=1) and
// /v2.1/os-simple-tenant-usage/{tenant_id}, over ?start=&end= (default now),
// with 2.40's limit/marker paging over servers and its next links.
#include <string>

#include "api/compute/compute_routes.h"
#include "api/errors.h"
#include "api/query.h"
#include "engine/core/timeutil.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k240{2, 40};

// Nova's formats: %Y-%m-%dT%H:%M:%S, with .%f, or "%Y-%m-%d %H:%M:%S.%f".
Result<TimePoint> parse_time(const std::string& s) {
  std::string iso = s;
  if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
  auto t = iso.size() >= 19 ? parse_iso(iso) : std::nullopt;
  if (!t) return BadRequest("Datetime is in invalid format");
  return *t;
}

Response usage(Request& req, Ctx ctx, const Microversion& v, const std::string& tenant) {
  compute::UsageQuery q;
  TimePoint now = ctx.runtime.clock().now();
  auto start_q = req.query_param("start"), end_q = req.query_param("end");
  q.start = now;
  q.stop = now;
  if (start_q && !start_q->empty()) {
    auto t = parse_time(*start_q);
    if (!t.ok()) return fail(t.status());
    q.start = *t;
  }
  if (end_q && !end_q->empty()) {
    auto t = parse_time(*end_q);
    if (!t.ok()) return fail(t.status());
    q.stop = *t;
  } else if (!start_q || start_q->empty()) {
    q.stop = now + Duration(1);  // Nova reads utcnow() twice
  }
  q.detailed = req.query_param("detailed").value_or("0") == "1" || !tenant.empty();
  q.project_id = tenant;
  if (v >= k240) {
    auto limit = parse_limit(req, 1000);
    if (!limit.ok()) return fail(limit.status());
    q.limit = limit->value_or(1000);
    q.marker = req.query_param("marker").value_or("");
  }
  auto report = ctx.usage->report(caller(req), q);
  if (!report.ok()) return fail(report.status());
  const char* links_key = tenant.empty() ? "tenant_usages_links" : "tenant_usage_links";
  Json body;
  if (tenant.empty()) {
    body["tenant_usages"] = report->tenant_usages;
  } else {
    body["tenant_usage"] = report->tenant_usages.empty() ? Json::object() : report->tenant_usages.front();
  }
  if (report->more && !report->server_usages.empty())
    body[links_key] = Json::array(
        {{{"rel", "next"}, {"href", next_link(req, report->server_usages.back()["instance_id"].get<std::string>())}}});
  return json_response(200, body);
}

}  // namespace

void add_usage_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/os-simple-tenant-usage", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return usage(req, ctx, v, ""); });
  });
  r.add_sync("GET", "/v2.1/os-simple-tenant-usage/{tenant_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return usage(req, ctx, v, req.params["tenant_id"]); });
  });
}

}  // namespace stacklab::api::compute_api
