// /v2.1/os-hypervisors: list, detail, show, statistics (below 2.88),
// {pattern}/search and {pattern}/servers (below 2.53), {id}/uptime (below
// 2.88). Shapes: cpu_info a JSON string below 2.28, an object from it;
// 2.33 limit/marker; 2.53 uuid ids, hypervisor_hostname_pattern and
// with_servers; 2.88 drops the resource fields and adds uptime.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k228{2, 28}, k233{2, 33}, k253{2, 53}, k288{2, 88};

const char* kResourceFields[] = {"vcpus",       "vcpus_used",       "memory_mb",           "memory_mb_used",
                                 "local_gb",    "local_gb_used",    "free_ram_mb",         "free_disk_gb",
                                 "running_vms", "current_workload", "disk_available_least"};

Json id_of(const Json& h, const Microversion& v) { return v >= k253 ? h["uuid"] : h["seq"]; }

Json summary(const Json& h, const Microversion& v) {
  return {{"id", id_of(h, v)},
          {"hypervisor_hostname", h["hypervisor_hostname"]},
          {"state", h["state"]},
          {"status", h["status"]}};
}

Json servers_of(const Json& h) {
  Json out = Json::array();
  for (const auto& s : h["servers"]) out.push_back({{"uuid", s["uuid"]}, {"name", s["name"]}});
  return out;
}

Json detail(const Json& h, const Microversion& v, bool with_servers) {
  Json j = summary(h, v);
  j["hypervisor_type"] = h["hypervisor_type"];
  j["hypervisor_version"] = h["hypervisor_version"];
  j["host_ip"] = h["host_ip"];
  j["service"] = {{"host", h["service"]["host"]},
                  {"id", v >= k253 ? h["service"]["uuid"] : h["service"]["id"]},
                  {"disabled_reason", h["service"]["disabled_reason"]}};
  if (v < k288) {
    for (const char* k : kResourceFields) j[k] = h[k];
    j["cpu_info"] = v >= k228 ? h["cpu_info"] : Json(h["cpu_info"].dump());
  } else {
    j["uptime"] = h["uptime"];
  }
  if (with_servers && !h["servers"].empty()) j["servers"] = servers_of(h);
  return j;
}

// with_servers (2.53+): a boolean string.
Result<bool> with_servers(const Request& req, const Microversion& v) {
  auto p = req.query_param("with_servers");
  if (!p || v < k253) return false;
  std::string s = *p;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  return BadRequest("Invalid input for query parameters with_servers. Value: " + *p + ". '" + *p +
                    "' is not one of ['True', 'true', '1', 'on', 'ON', 'On', 'False', 'false', '0', 'off', 'OFF', "
                    "'Off', 'yes', 'no']");
}

Response list(Request& req, const HostCtx& ctx, const Microversion& v, bool detailed) {
  auto ws = with_servers(req, v);
  if (!ws.ok()) return fail(ws.status());
  auto all = ctx.hypervisors.list(caller(req), detailed ? "list-detail" : "list");
  if (!all.ok()) return fail(all.status());
  std::vector<Json> items = *all;
  if (v >= k253) {
    if (auto pattern = req.query_param("hypervisor_hostname_pattern")) {
      if (req.query_param("limit") || req.query_param("marker"))
        return fail(
            BadRequest("Paging over hypervisors with the hypervisor_hostname_pattern query parameter is "
                       "not supported."));
      std::vector<Json> matching;
      for (Json& h : items)
        if (h["hypervisor_hostname"].get<std::string>().find(*pattern) != std::string::npos)
          matching.push_back(std::move(h));
      if (matching.empty()) return fail(NotFound("No hypervisor matching '" + *pattern + "' could be found."));
      items = std::move(matching);
    }
  }
  if (v >= k233) {
    if (auto marker = req.query_param("marker")) {
      auto it = std::find_if(items.begin(), items.end(), [&](const Json& h) {
        return id_of(h, v).dump() == Json(*marker).dump() ||
               (!id_of(h, v).is_string() && id_of(h, v).dump() == *marker);
      });
      if (it == items.end()) return fail(BadRequest("marker [" + *marker + "] not found"));
      items.erase(items.begin(), it + 1);
    }
    if (auto limit = req.query_param("limit")) {
      char* end = nullptr;
      long long n = std::strtoll(limit->c_str(), &end, 10);
      if (limit->empty() || *end || n < 0)
        return fail(BadRequest("Invalid input for query parameters limit. Value: " + *limit + "."));
      if (static_cast<std::size_t>(n) < items.size()) items.resize(static_cast<std::size_t>(n));
    }
  }
  Json out = Json::array();
  for (const Json& h : items) {
    Json j = detailed ? detail(h, v, *ws) : summary(h, v);
    if (!detailed && *ws && !h["servers"].empty()) j["servers"] = servers_of(h);
    out.push_back(j);
  }
  return json_response(200, {{"hypervisors", out}});
}

// Below 2.53: {pattern}/search and {pattern}/servers.
Response search(Request& req, const HostCtx& ctx, const Microversion& v, bool servers) {
  auto all = ctx.hypervisors.list(caller(req), servers ? "servers" : "search");
  if (!all.ok()) return fail(all.status());
  std::string pattern = req.params["pattern"];
  Json out = Json::array();
  for (const Json& h : *all) {
    if (h["hypervisor_hostname"].get<std::string>().find(pattern) == std::string::npos) continue;
    Json j = summary(h, v);
    if (servers && !h["servers"].empty()) j["servers"] = servers_of(h);
    out.push_back(j);
  }
  if (out.empty()) return fail(NotFound("No hypervisor matching '" + pattern + "' could be found."));
  return json_response(200, {{"hypervisors", out}});
}

Result<Json> find(Request& req, const HostCtx& ctx, const Microversion& v, const std::string& action) {
  std::string id = req.params["hypervisor_id"];
  if (v >= k253 && !is_uuid_like(id)) return BadRequest("Invalid uuid " + id);
  if (v < k253 && (id.empty() || id.find_first_not_of("0123456789") != std::string::npos))
    return NotFound("Hypervisor with ID '" + id + "' could not be found.");
  return ctx.hypervisors.get(caller(req), action, id);
}

}  // namespace

void add_hypervisor_routes(Router& r, HostCtx ctx) {
  r.add_sync("GET", "/v2.1/os-hypervisors", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list(req, ctx, v, false); });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/detail", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list(req, ctx, v, true); });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/statistics", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      if (v >= k288) return fail(NotFound("The resource could not be found."));
      auto stats = ctx.hypervisors.statistics(caller(req));
      if (!stats.ok()) return fail(stats.status());
      return json_response(200, {{"hypervisor_statistics", *stats}});
    });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/{pattern}/search", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      if (v >= k253) return fail(NotFound("The resource could not be found."));
      return search(req, ctx, v, false);
    });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/{pattern}/servers", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      if (v >= k253) return fail(NotFound("The resource could not be found."));
      return search(req, ctx, v, true);
    });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/{hypervisor_id}/uptime", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      if (v >= k288) return fail(NotFound("The resource could not be found."));
      auto h = find(req, ctx, v, "uptime");
      if (!h.ok()) return fail(h.status());
      Json j = summary(*h, v);
      j["uptime"] = (*h)["uptime"];
      return json_response(200, {{"hypervisor", j}});
    });
  });
  r.add_sync("GET", "/v2.1/os-hypervisors/{hypervisor_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto ws = with_servers(req, v);
      if (!ws.ok()) return fail(ws.status());
      auto h = find(req, ctx, v, "show");
      if (!h.ok()) return fail(h.status());
      return json_response(200, {{"hypervisor", detail(*h, v, *ws)}});
    });
  });
}

}  // namespace stacklab::api::compute_api
