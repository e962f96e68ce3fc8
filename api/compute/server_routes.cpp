// /v2.1/servers: create, list (index and detail), show, delete, with the
// shapes of the microversions up to kComputeVersions.max (2.3 extended
// attributes, 2.9 locked, 2.16 host_status, 2.19 description, 2.26 tags,
// 2.47 the embedded flavor, 2.73 locked_reason).
#include <arpa/inet.h>
#include <openssl/evp.h>

#include <optional>
#include <regex>
#include <tuple>

#include "api/compute/block_device_params.h"
#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"
#include "api/compute/server_list_filters.h"
#include "api/compute/server_views.h"
#include "api/errors.h"
#include "api/query.h"
#include "engine/core/hex.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k23{2, 3}, k29{2, 9}, k216{2, 16}, k219{2, 19}, k226{2, 26}, k237{2, 37}, k247{2, 47}, k263{2, 63},
    k273{2, 73};

std::string server_url(const Request& req, const std::string& id, bool bookmark) {
  return req.service_url() + (bookmark ? "" : "/v2.1") + "/servers/" + id;
}

Json links(const Request& req, const std::string& id) {
  return Json::array({{{"rel", "self"}, {"href", server_url(req, id, false)}},
                      {{"rel", "bookmark"}, {"href", server_url(req, id, true)}}});
}

// The server's hostId, "" without a host.
std::string host_id(const Json& s) {
  if (!s["host"].is_string()) return "";
  return compute_api::host_id(s["project_id"].get<std::string>(), s["host"].get<std::string>());
}

// "2026-01-01T00:00:00.000000" (Nova's launched_at / terminated_at), or null.
Json usage_time(const Json& t) {
  if (!t.is_string()) return nullptr;
  std::string s = t;
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

Json basic_view(const Request& req, const Json& s) {
  return {{"id", s["id"]}, {"name", s["name"]}, {"links", links(req, s["id"])}};
}

// os-extended-volumes:volumes_attached: [{id}], with delete_on_termination from 2.3.
Json volumes_attached(const Json& s, const Microversion& v, const compute::ServerVolumes* volumes) {
  Json out = Json::array();
  if (!volumes) return out;
  for (const Json& bdm : volumes->attachments(s["id"])) {
    Json one = {{"id", bdm["volume_id"]}};
    if (v >= k23) one["delete_on_termination"] = bdm["delete_on_termination"];
    out.push_back(std::move(one));
  }
  return out;
}

Json detail_view(const Request& req, const Json& s, const Microversion& v, bool admin, const Ctx& ctx) {
  const compute::NetworkApi* network = ctx.network;
  std::string status = compute::server_status(s);
  Json j = basic_view(req, s);
  j["status"] = status;
  j["tenant_id"] = s["project_id"];
  j["user_id"] = s["user_id"];
  j["metadata"] = s["metadata"];
  j["hostId"] = host_id(s);
  if (s["image_ref"] == "") {
    j["image"] = "";  // booted from a volume
  } else {
    j["image"] = {
        {"id", s["image_ref"]},
        {"links", Json::array({{{"rel", "bookmark"},
                                {"href", req.service_url() + "/images/" + s["image_ref"].get<std::string>()}}})}};
  }
  const Json& f = s["flavor"];
  if (v >= k247) {
    j["flavor"] = {{"original_name", f["original_name"]},
                   {"vcpus", f["vcpus"]},
                   {"ram", f["ram"]},
                   {"disk", f["disk"]},
                   {"ephemeral", f["ephemeral"]},
                   {"swap", f["swap"]},
                   {"extra_specs", f["extra_specs"]}};
  } else {
    j["flavor"] = {
        {"id", f["id"]},
        {"links",
         Json::array({{{"rel", "bookmark"}, {"href", req.service_url() + "/flavors/" + f["id"].get<std::string>()}}})}};
  }
  j["created"] = s["created_at"];
  j["updated"] = s["updated_at"];
  j["addresses"] = network ? network->addresses(s["id"]) : Json::object();
  j["accessIPv4"] = s["access_ipv4"];
  j["accessIPv6"] = s["access_ipv6"];
  if (status == "BUILD" || status == "ACTIVE") j["progress"] = 0;
  j["key_name"] = s["key_name"];
  j["config_drive"] = s["config_drive"].get<bool>() ? "True" : "";
  j["OS-DCF:diskConfig"] = "MANUAL";
  j["OS-EXT-AZ:availability_zone"] = s["availability_zone"].is_string() ? s["availability_zone"] : Json("");
  j["OS-EXT-STS:vm_state"] = s["vm_state"];
  j["OS-EXT-STS:task_state"] = s["task_state"];
  j["OS-EXT-STS:power_state"] = s["power_state"];
  j["OS-SRV-USG:launched_at"] = usage_time(s["launched_at"]);
  j["OS-SRV-USG:terminated_at"] = usage_time(s["terminated_at"]);
  j["os-extended-volumes:volumes_attached"] = volumes_attached(s, v, ctx.servers.volumes());
  if (!network) {
    j["security_groups"] = Json::array({{{"name", "default"}}});
  } else if (Json groups = network->security_group_names(s["id"]); !groups.is_null()) {
    j["security_groups"] = std::move(groups);  // Nova leaves the key out for a server without ports
  }
  if (admin) {
    j["OS-EXT-SRV-ATTR:host"] = s["host"];
    j["OS-EXT-SRV-ATTR:hypervisor_hostname"] = s["node"];
    j["OS-EXT-SRV-ATTR:instance_name"] = s["instance_name"];
    if (v >= k23) {
      j["OS-EXT-SRV-ATTR:reservation_id"] = s["reservation_id"];
      j["OS-EXT-SRV-ATTR:launch_index"] = s["launch_index"];
      j["OS-EXT-SRV-ATTR:hostname"] = s["hostname"];
      j["OS-EXT-SRV-ATTR:kernel_id"] = "";
      j["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
      j["OS-EXT-SRV-ATTR:root_device_name"] = s["host"].is_string() ? Json("/dev/vda") : Json(nullptr);
      j["OS-EXT-SRV-ATTR:user_data"] = nullptr;
    }
    if (v >= k216) j["host_status"] = s["host"].is_string() ? "UP" : "";
  }
  if (s.contains("fault") && (status == "ERROR" || status == "DELETED")) {
    const Json& fault = s["fault"];
    Json fj = {{"code", fault["code"]}, {"message", fault["message"]}, {"created", fault["created"]}};
    if (admin) fj["details"] = fault["message"];
    j["fault"] = fj;
  }
  if (v >= k29) j["locked"] = s["locked"];
  if (v >= k273) j["locked_reason"] = s.contains("locked_reason") ? s["locked_reason"] : Json(nullptr);
  if (v >= k219) j["description"] = s["description"];
  if (v >= k226) j["tags"] = s["tags"];
  if (v >= k263) j["trusted_image_certificates"] = nullptr;
  return j;
}

// The address in its canonical text form (IPv6 compressed, as Nova stores
// it), or nullopt when `value` is not an address of `family`.
std::optional<std::string> canonical_ip(const Json& value, int family) {
  if (!value.is_string()) return std::nullopt;
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(family, value.get<std::string>().c_str(), buf) != 1) return std::nullopt;
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, buf, text, sizeof text)) return std::nullopt;
  return std::string(text);
}

// `networks`: a list of {uuid|port, fixed_ip, tag}, or "auto"/"none" from
// 2.37, checked for shape here; the compute engine checks what they name.
Status parse_networks(const Json& networks, const Microversion& v, compute::NetworkRequest& out) {
  using Mode = compute::NetworkRequest::Mode;
  if (networks.is_string()) {
    if (v >= Microversion{2, 37} && (networks == "auto" || networks == "none")) {
      out.mode = networks == "auto" ? Mode::kAuto : Mode::kNone;
      return {};
    }
    return BadRequest("Invalid input for field/attribute networks. Value: " + networks.dump() +
                      ". 'networks' must be a list, or 'auto' or 'none'");
  }
  if (!networks.is_array()) return BadRequest("Invalid input for field/attribute networks. Value: " + networks.dump());
  out.mode = Mode::kList;
  for (const Json& n : networks) {
    if (!n.is_object()) return BadRequest("Bad networks format");
    if (Status st = only_keys(n, {"uuid", "port", "fixed_ip", "tag"}); !st.ok()) return st;
    if (n.contains("uuid") && (!n["uuid"].is_string() || !is_uuid_like(n["uuid"])))
      return BadRequest("Bad networks format: network uuid is not in proper format (" +
                        (n["uuid"].is_string() ? n["uuid"].get<std::string>() : n["uuid"].dump()) + ")");
    if (n.contains("port") && !n["port"].is_null() && (!n["port"].is_string() || !is_uuid_like(n["port"])))
      return BadRequest("Invalid input for field/attribute port. Value: " + n["port"].dump() + ". " + n["port"].dump() +
                        " is not a 'uuid'");
    if (n.contains("fixed_ip") && !canonical_ip(n["fixed_ip"], AF_INET) && !canonical_ip(n["fixed_ip"], AF_INET6))
      return BadRequest("Invalid fixed IP address (" + n["fixed_ip"].dump() + ")");
    compute::RequestedNetwork r;
    if (n.contains("port") && n["port"].is_string()) r.port_id = n["port"];
    if (n.contains("uuid")) r.network_id = n["uuid"];
    if (r.port_id.empty() && r.network_id.empty())
      return BadRequest("Bad networks format: network uuid is not in proper format (None)");
    if (n.contains("fixed_ip"))
      r.fixed_ip = *canonical_ip(n["fixed_ip"],
                                 n["fixed_ip"].get<std::string>().find(':') == std::string::npos ? AF_INET : AF_INET6);
    if (n.contains("tag") && n["tag"].is_string() && v >= Microversion{2, 32}) r.tag = n["tag"];
    out.networks.push_back(std::move(r));
  }
  return {};
}

// `security_groups`: [{"name": <name or id>}]; the compute engine resolves them in the project.
Status parse_security_groups(const Json& groups, std::vector<std::string>& out) {
  if (!groups.is_array()) return BadRequest("Invalid input for field/attribute security_groups.");
  for (const Json& g : groups) {
    if (!g.is_object() || !g.contains("name") || !g["name"].is_string() || g["name"].get<std::string>().empty())
      return BadRequest("Invalid input for field/attribute security_groups.");
    out.push_back(g["name"]);
  }
  return {};
}

Result<int> count_of(const Json& server, const char* key) {
  if (!server.contains(key)) return 1;
  const Json& c = server[key];
  try {
    int n = c.is_number_integer() ? c.get<int>() : c.is_string() ? std::stoi(c.get<std::string>()) : -1;
    if (n >= 1) return n;
  } catch (...) {
  }
  return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + c.dump() + ". " + c.dump() +
                    " is less than the minimum of 1");
}

// os:scheduler_hints (or OS-SCH-HNT:scheduler_hints) beside "server": each
// hint a string or a list of strings; `group` one server group uuid.
Result<std::map<std::string, std::vector<std::string>>> parse_scheduler_hints(const Json& body) {
  std::map<std::string, std::vector<std::string>> out;
  const char* key = body.contains("os:scheduler_hints") ? "os:scheduler_hints" : "OS-SCH-HNT:scheduler_hints";
  if (!body.contains(key)) return out;
  const Json& h = body[key];
  if (!h.is_object())
    return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + h.dump() + ". " +
                      h.dump() + " is not of type 'object'");
  for (const auto& [k, v] : h.items()) {
    if (v.is_string()) {
      out[k].push_back(v);
    } else if (v.is_array() && k != "group") {
      for (const auto& one : v)
        if (one.is_string()) out[k].push_back(one);
    } else {
      return BadRequest("Invalid input for field/attribute " + k + ". Value: " + v.dump() + ". " + v.dump() +
                        " is not of type 'string'");
    }
  }
  return out;
}

Result<compute::ServerCreate> parse_create(const Request& req, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains("server") || !(*body)["server"].is_object()) return BadRequest("'server' is a required property");
  const Json& s = (*body)["server"];
  compute::ServerCreate out;
  if (!s.contains("name")) return BadRequest("'name' is a required property");
  if (!s["name"].is_string() || s["name"].get<std::string>().empty() || s["name"].get<std::string>().size() > 255)
    return BadRequest("Invalid input for field/attribute name. Value: " + s["name"].dump() + ". " + s["name"].dump() +
                      " is not a valid server name");
  out.name = s["name"];
  if (!s.contains("flavorRef")) return BadRequest("'flavorRef' is a required property");
  out.flavor_ref = s["flavorRef"].is_string() ? s["flavorRef"].get<std::string>() : s["flavorRef"].dump();
  // flavorRef may be a URL: its last segment is the id.
  if (auto slash = out.flavor_ref.rfind('/'); slash != std::string::npos) out.flavor_ref.erase(0, slash + 1);
  if (s.contains("imageRef") && s["imageRef"].is_string()) {
    out.image_ref = s["imageRef"];
    if (auto slash = out.image_ref.rfind('/'); slash != std::string::npos) out.image_ref.erase(0, slash + 1);
  }
  if (s.contains("block_device_mapping_v2")) {
    auto devices = parse_block_devices(s["block_device_mapping_v2"], v);
    if (!devices.ok()) return devices.status();
    out.block_devices = std::move(*devices);
  }
  if (v >= k237 && !s.contains("networks")) return BadRequest("'networks' is a required property");
  if (s.contains("key_name") && s["key_name"].is_string()) out.key_name = s["key_name"];
  if (s.contains("metadata")) {
    if (!s["metadata"].is_object()) return BadRequest("Invalid input for field/attribute metadata.");
    for (const auto& [k, val] : s["metadata"].items())
      if (!val.is_string() || k.empty() || k.size() > 255 || val.get<std::string>().size() > 255)
        return BadRequest("Invalid input for field/attribute metadata. Value: " + s["metadata"].dump() +
                          ". Keys and values must be strings of 1 to 255 characters (values may be empty)");
    out.metadata = s["metadata"];
  }
  if (s.contains("availability_zone") && s["availability_zone"].is_string())
    out.availability_zone = s["availability_zone"];
  if (s.contains("adminPass") && s["adminPass"].is_string()) out.admin_pass = s["adminPass"];
  if (s.contains("description") && v >= k219) {
    if (s["description"].is_string()) out.description = s["description"].get<std::string>();
  }
  for (auto [key, family, target] :
       {std::tuple{"accessIPv4", AF_INET, &out.access_ipv4}, std::tuple{"accessIPv6", AF_INET6, &out.access_ipv6}}) {
    if (!s.contains(key) || s[key].is_null() || s[key] == "") continue;
    auto ip = canonical_ip(s[key], family);
    if (!ip)
      return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + s[key].dump() + ". " +
                        s[key].dump() + " is not a '" + (family == AF_INET ? "ipv4" : "ipv6") + "'");
    *target = *ip;
  }
  if (s.contains("networks")) {
    Status st = parse_networks(s["networks"], v, out.networking);
    if (!st.ok()) return st;
  }
  if (s.contains("security_groups")) {
    Status st = parse_security_groups(s["security_groups"], out.networking.security_groups);
    if (!st.ok()) return st;
  }
  if (s.contains("config_drive"))
    out.config_drive = s["config_drive"].is_boolean() ? s["config_drive"].get<bool>()
                                                      : s["config_drive"] == "True" || s["config_drive"] == "true";
  if (s.contains("tags") && v >= Microversion{2, 52} && s["tags"].is_array())
    for (const auto& t : s["tags"])
      if (t.is_string()) out.tags.push_back(t);
  auto mn = count_of(s, "min_count");
  if (!mn.ok()) return mn.status();
  auto mx = count_of(s, "max_count");
  if (!mx.ok()) return mx.status();
  out.min_count = *mn;
  out.max_count = s.contains("max_count") ? *mx : *mn;
  auto hints = parse_scheduler_hints(*body);
  if (!hints.ok()) return hints.status();
  out.scheduler_hints = std::move(*hints);
  if (out.min_count > out.max_count) return BadRequest("min_count must be <= max_count");
  out.multiattach_allowed = v >= Microversion{2, 60};
  return out;
}

Response create_server(Request& req, Ctx ctx, const Microversion& v) {
  auto r = parse_create(req, v);
  if (!r.ok()) return fail(r.status());
  if (!r->key_name.empty() && !ctx.keypairs.get(caller(req), r->key_name).ok())
    return fail(BadRequest("Invalid key_name provided."));
  auto created = ctx.servers.create(caller(req), *r);
  if (!created.ok()) return fail(created.status());
  for (const Json& s : *created) record_action(req, ctx, s, "create", "conductor_schedule_and_build_instances");
  auto body = req.json();
  const Json& s0 = created->front();
  if ((*body)["server"].value("return_reservation_id", false))
    return json_response(202, {{"reservation_id", s0["reservation_id"]}});
  Json j = {{"id", s0["id"]},
            {"links", links(req, s0["id"])},
            {"OS-DCF:diskConfig", "MANUAL"},
            {"security_groups", Json::array()},
            {"adminPass", s0["admin_pass"]}};
  // Nova echoes the groups asked for (names as given), or "default".
  for (const std::string& g : r->networking.security_groups) j["security_groups"].push_back({{"name", g}});
  if (j["security_groups"].empty()) j["security_groups"].push_back({{"name", "default"}});
  Response resp = json_response(202, {{"server", j}});
  resp.header("Location", server_url(req, s0["id"], false));
  return resp;
}

Response list_servers(Request& req, Ctx ctx, const Microversion& v, bool detail) {
  Credentials who = caller(req);
  compute::ServerFilter filter;
  auto truthy = [](const std::optional<std::string>& q) {
    if (!q) return false;
    std::string s = *q;
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s.empty() || s == "1" || s == "true" || s == "yes" || s == "t" || s == "on" || s == "y";
  };
  bool admin = ctx.servers.can_see_host_attributes(who);
  if (truthy(req.query_param("all_tenants"))) {
    if (!admin)
      return fail(Forbidden(std::string("Policy doesn't allow os_compute_api:servers:") +
                            (detail ? "detail" : "index") + ":get_all_tenants to be performed."));
    filter.all_tenants = true;
    filter.project_id = req.query_param("project_id").value_or(req.query_param("tenant_id").value_or(""));
  } else if (admin && (req.query_param("project_id") || req.query_param("tenant_id"))) {
    filter.all_tenants = true;
    filter.project_id = req.query_param("project_id").value_or(req.query_param("tenant_id").value_or(""));
  }
  filter.deleted = admin && truthy(req.query_param("deleted"));
  auto changes = parse_server_list_filters(req, v);
  if (!changes.ok()) return fail(changes.status());
  filter.include_deleted = changes->wants_deleted() && !req.query_param("deleted");
  auto all = ctx.servers.list_refs(who, filter);  // no copies: only the page is copied, into its view
  if (!all.ok()) return fail(all.status());
  std::vector<const Json*> items;
  std::optional<std::regex> name_re;
  if (auto name = req.query_param("name")) {
    try {
      name_re.emplace(*name);
    } catch (const std::regex_error&) {
      return fail(BadRequest("Invalid regular expression in the name filter: " + *name));
    }
  }
  auto status_q = req.query_param("status");
  std::string status_f = status_q ? *status_q : "";
  for (auto& c : status_f) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Read once, not per server (10,000 servers: 10,000 query-string parses each).
  const auto img = req.query_param("image"), fl = req.query_param("flavor"), host = req.query_param("host");
  for (const Json* ref : *all) {
    const Json& s = *ref;
    if (name_re && !std::regex_search(s["name"].get<std::string>(), *name_re)) continue;
    if (!status_f.empty() && compute::server_status(s) != status_f) continue;
    if (img && s["image_ref"] != *img) continue;
    if (fl && s["flavor"]["id"] != *fl) continue;
    if (admin && host && s["host"] != *host) continue;
    if (!changes->matches(s)) continue;
    items.push_back(ref);
  }
  auto page = paginate_by(items, req, 1000, [](const Json* s) { return (*s)["id"].get<std::string>(); });
  if (!page.ok()) {
    if (page.status().code() == Code::kNotFound)
      return fail(BadRequest("marker [" + req.query_param("marker").value_or("") + "] not found"));
    return fail(page.status());
  }
  // Nova pages at [api] max_limit (1000) also when no limit is asked.
  constexpr std::size_t kMaxLimit = 1000;
  if (!req.query_param("limit") && page->items.size() > kMaxLimit) {
    page->items.resize(kMaxLimit);
    page->next_marker = page->items.back()->at("id").get<std::string>();
  }
  Json list = Json::array();
  for (const Json* s : page->items)
    list.push_back(detail ? detail_view(req, *s, v, admin, ctx) : basic_view(req, *s));
  Json body = {{"servers", list}};
  if (page->next_marker)
    body["servers_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
  return json_response(200, body);
}

}  // namespace

std::string host_id(const std::string& project_id, const std::string& host) {
  return hex_digest(EVP_sha224(), project_id + host);
}

// 2.71: the server's group (at most one), from its scheduler hint.
static Json server_groups_of(const Json& s) {
  Json groups = Json::array();
  const Json hints = s.value("scheduler_hints", Json::object());
  if (hints.contains("group") && hints["group"].is_string() && !hints["group"].get<std::string>().empty())
    groups.push_back(hints["group"]);
  return groups;
}

Json server_detail_view(const Request& req, const Json& server, const Microversion& v, bool admin, const Ctx& ctx) {
  Json j = detail_view(req, server, v, admin, ctx);
  if (v >= Microversion{2, 71}) j["server_groups"] = server_groups_of(server);
  return j;
}

Json server_update_view(const Request& req, const Json& server, const Microversion& v, bool admin, const Ctx& ctx,
                        bool rebuild) {
  Json j = server_detail_view(req, server, v, admin, ctx);
  if (rebuild && v >= Microversion{2, 57}) j["user_data"] = server.value("user_data", Json(nullptr));
  if (v >= Microversion{2, 75}) return j;
  bool keep_key_name = rebuild && v >= Microversion{2, 54};
  for (auto it = j.begin(); it != j.end();) {
    const std::string& k = it.key();
    bool extension = k.rfind("OS-EXT-", 0) == 0 || k.rfind("OS-SRV-USG:", 0) == 0 ||
                     k == "os-extended-volumes:volumes_attached" || k == "config_drive" ||
                     (k == "key_name" && !keep_key_name) || k == "security_groups" || k == "host_status";
    it = extension ? j.erase(it) : std::next(it);
  }
  return j;
}

void add_server_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/servers", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_servers(req, ctx, v, false); });
  });
  r.add_sync("GET", "/v2.1/servers/detail", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_servers(req, ctx, v, true); });
  });
  r.add_sync("POST", "/v2.1/servers", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return create_server(req, ctx, v); });
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      Credentials who = caller(req);
      auto s = ctx.servers.get(who, req.params["server_id"]);
      if (!s.ok()) return fail(s.status());
      return json_response(
          200, {{"server", server_detail_view(req, *s, v, ctx.servers.can_see_host_attributes(who), ctx)}});
    });
  });
  r.add_sync("DELETE", "/v2.1/servers/{server_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto doomed = ctx.servers.get(caller(req), req.params["server_id"]);
      Status st = ctx.servers.remove(caller(req), req.params["server_id"]);
      if (st.ok() && doomed.ok()) record_action(req, ctx, *doomed, "delete");
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
}

}  // namespace stacklab::api::compute_api
