// A server's networking in Nova's API: /servers/{id}/os-interface (list,
// show, attach, detach), /servers/{id}/ips, /servers/{id}/os-security-groups,
// the addSecurityGroup / removeSecurityGroup actions and the security group
// proxy's one-group calls, over compute::NetworkApi.
#include "api/compute/compute_routes.h"
#include "engine/compute/instance_state.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k236{2, 36}, k249{2, 49}, k270{2, 70};

// The server as the caller may see it, then the policy rule on it.
Result<Json> authorized_server(Request& req, const Ctx& ctx, const std::string& rule) {
  auto s = ctx.servers.get(caller(req), req.params["server_id"]);
  if (!s.ok()) return s.status();
  // Not visible -> 404 above; visible but refused -> 403, as Nova's policy check.
  if (Status st = ctx.servers.authorize_on(caller(req), rule, *s); !st.ok()) return st;
  return s;
}

Json interface_view(Json iface, const Microversion& v) {
  if (v < k270) iface.erase("tag");
  return iface;
}

// Attach and detach need a server at rest (Nova's check_instance_state).
Status ready_for_interfaces(const Json& server, const Credentials& who, const std::string& action) {
  if (Status st = compute::check_lock(server, who); !st.ok()) return st;
  return compute::check_state(server, action, {"active", "paused", "stopped", "suspended"});
}

Response list_interfaces(Request& req, const Ctx& ctx, const Microversion& v) {
  auto s = authorized_server(req, ctx, "os_compute_api:os-attach-interfaces:list");
  if (!s.ok()) return fail(s.status());
  Json list = Json::array();
  for (Json& i : ctx.network->interfaces((*s)["id"])) list.push_back(interface_view(std::move(i), v));
  return json_response(200, {{"interfaceAttachments", list}});
}

Response show_interface(Request& req, const Ctx& ctx, const Microversion& v) {
  auto s = authorized_server(req, ctx, "os_compute_api:os-attach-interfaces:show");
  if (!s.ok()) return fail(s.status());
  const std::string port_id = req.params["port_id"];
  for (Json& i : ctx.network->interfaces((*s)["id"]))
    if (i["port_id"] == port_id) return json_response(200, {{"interfaceAttachment", interface_view(std::move(i), v)}});
  return fail(NotFound("Instance " + (*s)["id"].get<std::string>() + " does not have a port with id " + port_id));
}

Response attach_interface(Request& req, const Ctx& ctx, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  auto s = authorized_server(req, ctx, "os_compute_api:os-attach-interfaces:create");
  if (!s.ok()) return fail(s.status());
  Json a = body->is_object() ? body->value("interfaceAttachment", Json::object()) : Json();
  if (!a.is_object()) return fail(BadRequest("Invalid input for field/attribute interfaceAttachment."));
  if (Status st = only_keys(a, {"net_id", "port_id", "fixed_ips", "tag"}); !st.ok()) return fail(st);
  if (a.contains("tag") && v < k249)
    return fail(BadRequest("Additional properties are not allowed ('tag' was unexpected)"));
  for (const char* key : {"net_id", "port_id", "tag"})
    if (a.contains(key) && !a[key].is_string())
      return fail(BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + a[key].dump() +
                             ". " + a[key].dump() + " is not of type 'string'"));
  std::string net_id = a.value("net_id", ""), port_id = a.value("port_id", "");
  Json fixed_ips = a.value("fixed_ips", Json(nullptr));
  if (!fixed_ips.is_null()) {
    if (!fixed_ips.is_array() || fixed_ips.size() > 1 ||
        (fixed_ips.size() == 1 && (!fixed_ips[0].is_object() || !fixed_ips[0].contains("ip_address"))))
      return fail(BadRequest("Invalid input for field/attribute fixed_ips. Value: " + fixed_ips.dump()));
    if (net_id.empty()) return fail(BadRequest("Must input network_id when request IP address"));
  }
  if (!net_id.empty() && !port_id.empty()) return fail(BadRequest("Must not input both network_id and port_id"));
  if (Status st = ready_for_interfaces(*s, caller(req), "attach_interface"); !st.ok()) return fail(st);
  auto iface = ctx.network->attach(caller(req), *s, port_id, net_id, fixed_ips, a.value("tag", ""));
  if (!iface.ok()) return fail(iface.status());
  record_action(req, ctx, *s, "attach_interface");
  return json_response(200, {{"interfaceAttachment", interface_view(std::move(*iface), v)}});
}

Response detach_interface(Request& req, const Ctx& ctx) {
  auto s = authorized_server(req, ctx, "os_compute_api:os-attach-interfaces:delete");
  if (!s.ok()) return fail(s.status());
  if (Status st = ready_for_interfaces(*s, caller(req), "detach_interface"); !st.ok()) return fail(st);
  Status st = ctx.network->detach(*s, req.params["port_id"]);
  if (!st.ok()) return fail(st);
  record_action(req, ctx, *s, "detach_interface");
  return empty_response(202);
}

// Nova's /ips views: the addresses without the OS-EXT-IPS attributes.
Json basic_addresses(const Json& addresses) {
  Json out = Json::object();
  for (const auto& [label, list] : addresses.items()) {
    out[label] = Json::array();
    for (const Json& a : list) out[label].push_back({{"version", a["version"]}, {"addr", a["addr"]}});
  }
  return out;
}

Response list_ips(Request& req, const Ctx& ctx) {
  auto s = authorized_server(req, ctx, "os_compute_api:ips:index");
  if (!s.ok()) return fail(s.status());
  return json_response(200, {{"addresses", basic_addresses(ctx.network->addresses((*s)["id"]))}});
}

Response show_ips(Request& req, const Ctx& ctx) {
  auto s = authorized_server(req, ctx, "os_compute_api:ips:show");
  if (!s.ok()) return fail(s.status());
  Json addresses = basic_addresses(ctx.network->addresses((*s)["id"]));
  const std::string label = req.params["network_label"];
  if (!addresses.contains(label)) return fail(NotFound("Instance is not a member of specified network"));
  return json_response(200, {{label, addresses[label]}});
}

// Nova's rule format (ingress rules only): ip_protocol, from/to port, and a
// remote group or an address range.
Json nova_rule(const Json& rule, const std::vector<Json>& groups) {
  Json r = {{"id", rule["id"]},
            {"parent_group_id", rule["security_group_id"]},
            {"ip_protocol", rule["protocol"]},
            {"from_port", rule["port_range_min"]},
            {"to_port", rule["port_range_max"]},
            {"group", Json::object()},
            {"ip_range", Json::object()}};
  if (rule["protocol"].is_string() && rule["port_range_min"].is_null() && rule["port_range_max"].is_null()) {
    bool ports = rule["protocol"] == "tcp" || rule["protocol"] == "udp";
    r["from_port"] = ports ? 1 : -1;
    r["to_port"] = ports ? 65535 : -1;
  }
  if (rule["remote_group_id"].is_string()) {
    for (const Json& g : groups)
      if (g["id"] == rule["remote_group_id"]) r["group"] = {{"name", g["name"]}, {"tenant_id", g["project_id"]}};
  } else {
    r["ip_range"] = {{"cidr", rule["remote_ip_prefix"].is_string()
                                  ? rule["remote_ip_prefix"]
                                  : Json(rule["ethertype"] == "IPv6" ? "::/0" : "0.0.0.0/0")}};
  }
  return r;
}

// Nova's security group format; `known` resolves remote groups' names.
Json nova_group(const Json& g, const std::vector<Json>& known) {
  Json rules = Json::array();
  for (const Json& rule : g.value("security_group_rules", Json::array()))
    if (rule["direction"] == "ingress") rules.push_back(nova_rule(rule, known));
  return {{"id", g["id"]},
          {"name", g["name"]},
          {"description", g.value("description", "")},
          {"tenant_id", g["project_id"]},
          {"rules", rules}};
}

Response list_server_security_groups(Request& req, const Ctx& ctx) {
  auto s = authorized_server(req, ctx, "os_compute_api:os-security-groups:list");
  if (!s.ok()) return fail(s.status());
  std::vector<Json> groups = ctx.network->security_groups(caller(req), (*s)["id"]);
  Json out = Json::array();
  for (const Json& g : groups) out.push_back(nova_group(g, groups));
  return json_response(200, {{"security_groups", out}});
}

// The caller may use the proxy on its own project's groups?
Status proxy_allowed(const Request& req, const Ctx& ctx, const char* rule) {
  return ctx.servers.authorize_on(caller(req), rule, Json{{"project_id", caller(req).project_id}, {"user_id", ""}});
}

// The proxy takes a name or an id (Nova's get resolves both): OSC 6.0's
// `server add security group VM default` looks the group up here, then
// sends its id as the action's "name".
Response show_security_group(Request& req, const Ctx& ctx) {
  if (Status st = proxy_allowed(req, ctx, "os_compute_api:os-security-groups:show"); !st.ok()) return fail(st);
  auto group = ctx.network->find_security_group(caller(req), req.params["group_id"]);
  if (!group.ok()) return fail(group.status());
  return json_response(200, {{"security_group", nova_group(*group, {*group})}});
}

Response update_security_group(Request& req, const Ctx& ctx) {
  if (Status st = proxy_allowed(req, ctx, "os_compute_api:os-security-groups:update"); !st.ok()) return fail(st);
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  Json g = body->is_object() ? body->value("security_group", Json()) : Json();
  if (!g.is_object()) return fail(BadRequest("'security_group' is a required property"));
  Json changes = Json::object();
  for (const char* key : {"name", "description"})
    if (g.contains(key)) {
      if (!g[key].is_string()) return fail(BadRequest(std::string("Security group ") + key + " is not a string"));
      changes[key] = g[key];
    }
  auto updated = ctx.network->update_security_group(caller(req), req.params["group_id"], changes);
  if (!updated.ok()) return fail(updated.status());
  return json_response(200, {{"security_group", nova_group(*updated, {*updated})}});
}

Response delete_security_group(Request& req, const Ctx& ctx) {
  if (Status st = proxy_allowed(req, ctx, "os_compute_api:os-security-groups:delete"); !st.ok()) return fail(st);
  Status st = ctx.network->delete_security_group(caller(req), req.params["group_id"]);
  return st.ok() ? empty_response(202) : fail(st);
}

}  // namespace

Response security_group_action(Request& req, const Ctx& ctx, const std::string& server_id, const std::string& name,
                               const Json& arg) {
  (void)server_id;  // the route's {server_id}, read by authorized_server
  if (!arg.is_object()) return fail(BadRequest("Missing parameter dict"));
  if (!arg.contains("name")) return fail(BadRequest("Security group not specified"));
  std::string group = arg["name"].is_string() ? arg["name"].get<std::string>() : "";
  if (group.find_first_not_of(" \t") == std::string::npos)
    return fail(BadRequest("Security group name cannot be empty"));
  bool add = name == "addSecurityGroup";
  auto s = authorized_server(
      req, ctx, add ? "os_compute_api:os-security-groups:add" : "os_compute_api:os-security-groups:remove");
  if (!s.ok()) return fail(s.status());
  Status st = add ? ctx.network->add_security_group(caller(req), *s, group)
                  : ctx.network->remove_security_group(caller(req), *s, group);
  return st.ok() ? empty_response(202) : fail(st);
}

void add_interface_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/servers/{server_id}/os-interface", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_interfaces(req, ctx, v); });
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}/os-interface/{port_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return show_interface(req, ctx, v); });
  });
  r.add_sync("POST", "/v2.1/servers/{server_id}/os-interface", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return attach_interface(req, ctx, v); });
  });
  r.add_sync("DELETE", "/v2.1/servers/{server_id}/os-interface/{port_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) { return detach_interface(req, ctx); });
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}/ips",
             [ctx](Request& req) { return versioned(req, [&](const Microversion&) { return list_ips(req, ctx); }); });
  r.add_sync("GET", "/v2.1/servers/{server_id}/ips/{network_label}",
             [ctx](Request& req) { return versioned(req, [&](const Microversion&) { return show_ips(req, ctx); }); });
  r.add_sync("GET", "/v2.1/servers/{server_id}/os-security-groups", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) { return list_server_security_groups(req, ctx); });
  });
  // The proxy for one group (no list, create or rules here yet); gone from 2.36 (404), as in Nova.
  auto proxy = [](Response (*handler)(Request&, const Ctx&), const Ctx& ctx) {
    return [handler, ctx](Request& req) {
      return versioned(req, [&](const Microversion& v) {
        return v >= k236 ? fail(NotFound("The resource could not be found.")) : handler(req, ctx);
      });
    };
  };
  r.add_sync("GET", "/v2.1/os-security-groups/{group_id}", proxy(show_security_group, ctx));
  r.add_sync("PUT", "/v2.1/os-security-groups/{group_id}", proxy(update_security_group, ctx));
  r.add_sync("DELETE", "/v2.1/os-security-groups/{group_id}", proxy(delete_security_group, ctx));
}

}  // namespace stacklab::api::compute_api
