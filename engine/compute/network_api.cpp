#include "engine/compute/network_api.h"

#include <algorithm>

#include "engine/network/network_errors.h"

namespace stacklab::compute {

namespace {

const char* kInstancePort = "instance_port";

// Nova shows Neutron's failures with Neutron's message; its body has no exception name.
Status nova_status(const Status& st) {
  if (st.ok()) return st;
  return {st.code(), st.message()};
}

std::string text(const Json& doc, const char* key) {
  return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : std::string();
}

int ip_version(const std::string& address) { return address.find(':') == std::string::npos ? 4 : 6; }

}  // namespace

Credentials compute_service_credentials(const std::string& project_id) {
  Credentials c;
  c.user_id = "nova";
  c.project_id = project_id;
  c.roles = {"admin", "member", "reader"};
  return c;
}

NetworkApi::NetworkApi(Store& store, network::NetworkService& networks) : store_(store), networks_(networks) {
  store_.define(kInstancePort, {"instance_uuid"});
}

// ---- create: validation and allocation --------------------------------------

Result<Json> NetworkApi::find_group(const Credentials& caller, const std::string& project_id, const std::string& name,
                                    bool not_found_is_404) {
  std::vector<Json> matches;
  for (Json& g : networks_.list_security_groups(caller)) {
    if (g["project_id"] != project_id) continue;
    if (g["id"] == name) return g;
    if (g["name"] == name) matches.push_back(std::move(g));
  }
  if (matches.size() > 1)
    return Conflict("Multiple security_group matches found for name '" + name + "', use an ID to be more specific.");
  if (matches.empty()) {
    if (not_found_is_404) return NotFound("Security group " + name + " is not found for project " + project_id);
    return BadRequest("Security group " + name + " not found for project " + project_id + ".");
  }
  return matches.front();
}

Result<Json> NetworkApi::resolve_groups(const Credentials& caller, const std::string& project_id,
                                        const std::vector<std::string>& names) {
  Json ids = Json::array();
  std::vector<std::string> wanted = names.empty() ? std::vector<std::string>{"default"} : names;
  for (const std::string& name : wanted) {
    auto group = find_group(caller, project_id, name, false);
    if (!group.ok()) return group.status();
    if (std::find(ids.begin(), ids.end(), (*group)["id"]) == ids.end()) ids.push_back((*group)["id"]);
  }
  return ids;
}

Result<Json> NetworkApi::validate(const Credentials& caller, const NetworkRequest& request, int max_count) {
  const std::string& project = caller.project_id;
  Json plan = {{"networks", Json::array()}, {"security_groups", Json::array()}};
  if (request.mode == NetworkRequest::Mode::kNone) return plan;
  auto groups = resolve_groups(caller, project, request.security_groups);
  if (!groups.ok()) return groups.status();
  plan["security_groups"] = *groups;

  std::vector<RequestedNetwork> wanted = request.networks;
  if (request.mode != NetworkRequest::Mode::kList) {
    // Nova's _get_available_networks: the project's own networks and the shared ones
    // (an external network only when it is shared).
    std::vector<std::string> usable;
    for (const Json& n : networks_.list_networks(caller))
      if (n["shared"] == true || (n["project_id"] == project && n["router:external"] != true))
        usable.push_back(n["id"]);
    if (usable.size() > 1) return Conflict("Multiple possible networks found, use a Network ID to be more specific.");
    if (usable.empty()) {
      if (request.mode == NetworkRequest::Mode::kAuto)
        return BadRequest("Unable to automatically allocate a network for project " + project);
      return plan;  // no networks at all: the server boots without interfaces
    }
    wanted = {RequestedNetwork{usable.front(), "", "", ""}};
  }
  for (const RequestedNetwork& r : wanted) {
    Json entry = {{"network_id", r.network_id}, {"port_id", r.port_id}, {"fixed_ip", r.fixed_ip}, {"tag", r.tag}};
    if (!r.port_id.empty()) {
      auto port = networks_.get_port(caller, r.port_id);
      if (!port.ok()) return BadRequest("Port " + r.port_id + " could not be found.");
      if (max_count > 1)
        return BadRequest(
            "Unable to launch multiple instances with a single configured port ID. Please launch your instance one "
            "by one with different ports.");
      if (!text(*port, "device_id").empty()) return Conflict("Port " + r.port_id + " is still in use.");
      if ((*port)["fixed_ips"].empty())
        return BadRequest("Port " + r.port_id + " requires a FixedIP in order to be used.");
      entry["network_id"] = (*port)["network_id"];
    } else {
      auto network = networks_.get_network(caller, r.network_id);
      if (!network.ok()) return BadRequest("Network " + r.network_id + " could not be found.");
      if ((*network)["router:external"] == true && (*network)["shared"] != true && !caller.is_admin())
        return Forbidden("It is not allowed to create an interface on external network " + r.network_id);
      if ((*network)["subnets"].empty())
        return BadRequest("Network " + r.network_id + " requires a subnet in order to boot instances on.");
      if (!r.fixed_ip.empty()) {
        if (max_count > 1) return BadRequest("max_count cannot be greater than 1 if an fixed_ip is specified.");
        auto holder = networks_.fixed_ip_holder(r.network_id, r.fixed_ip);
        if (!holder.ok()) return nova_status(holder.status());
        if (!holder->empty()) {
          const Json* held = networks_.port_record(*holder);
          return Conflict("Fixed IP address " + r.fixed_ip + " is already in use on instance " +
                          (held ? text(*held, "device_id") : std::string()) + ".");
        }
      }
    }
    plan["networks"].push_back(entry);
  }
  // TODO(quotas): Nova counts the ports it will create against Neutron's port quota
  // (quota_count_ports); the network service has no quota hook on main yet.
  return plan;
}

int NetworkApi::next_position(const std::string& instance_uuid) const {
  int next = 0;
  for (const Json* r : store_.find(kInstancePort, "instance_uuid", instance_uuid))
    next = std::max(next, (*r)["position"].get<int>() + 1);
  return next;
}

Result<Json> NetworkApi::plug(const Json& instance, const Json& entry, const Json& groups, const std::string& host,
                              int position) {
  const std::string uuid = instance["id"];
  Credentials nova = compute_service_credentials(instance["project_id"]);
  Json binding = {{"device_id", uuid},
                  {"device_owner", "compute:" + text(instance, "availability_zone")},
                  {"binding:host_id", host}};
  Result<Json> port = Json();
  bool preexisting = !text(entry, "port_id").empty();
  if (preexisting) {
    port = networks_.update_port(nova, entry["port_id"], binding);
  } else {
    Json body = binding;
    body["network_id"] = entry["network_id"];
    body["project_id"] = instance["project_id"];
    const Json* network = networks_.network_record(entry["network_id"]);
    // Groups only where port security is on (Nova leaves them off otherwise).
    if (groups.is_array() && network && (*network)["port_security_enabled"] != false) body["security_groups"] = groups;
    if (!text(entry, "fixed_ip").empty()) body["fixed_ips"] = Json::array({{{"ip_address", entry["fixed_ip"]}}});
    port = networks_.create_port(nova, body);
  }
  if (!port.ok()) return nova_status(port.status());
  Json record = {{"id", (*port)["id"]},
                 {"instance_uuid", uuid},
                 {"preexisting", preexisting},
                 {"position", position},
                 {"tag", text(entry, "tag").empty() ? Json(nullptr) : entry["tag"]}};
  if (Status st = store_.put(kInstancePort, (*port)["id"], record); !st.ok()) return st;
  return port;
}

void NetworkApi::unplug(const std::string& port_id, bool preexisting) {
  (void)store_.erase(kInstancePort, port_id);
  const Json* port = networks_.port_record(port_id);
  if (!port) return;  // deleted through Neutron meanwhile
  Credentials nova = compute_service_credentials((*port)["project_id"]);
  if (!preexisting) {
    (void)networks_.delete_port(nova, port_id);
    return;
  }
  (void)networks_.update_port(nova, port_id, {{"device_id", ""}, {"device_owner", ""}, {"binding:host_id", ""}});
}

Status NetworkApi::allocate(const Json& instance, const Json& plan, const std::string& host) {
  if (!plan.is_object()) return {};
  // Every port and its record, or (a failure rolls the store back) none of them.
  return store_.transaction([&]() -> Status {
    int position = next_position(instance["id"]);
    for (const Json& entry : plan.value("networks", Json::array())) {
      auto port = plug(instance, entry, plan.value("security_groups", Json(nullptr)), host, position++);
      if (!port.ok()) return port.status();
    }
    return {};
  });
}

void NetworkApi::deallocate(const std::string& instance_uuid) {
  std::vector<std::pair<std::string, bool>> ports;
  for (const Json* p : networks_.device_ports(instance_uuid)) {
    const Json* record = store_.get(kInstancePort, (*p)["id"]);
    ports.emplace_back((*p)["id"], !record || (*record)["preexisting"] == true);  // not ours: only released
  }
  std::vector<std::string> stale;  // records of ports deleted through Neutron
  for (const Json* r : store_.find(kInstancePort, "instance_uuid", instance_uuid)) stale.push_back((*r)["id"]);
  (void)store_.transaction([&]() -> Status {
    for (const auto& [id, preexisting] : ports) unplug(id, preexisting);
    for (const auto& id : stale) (void)store_.erase(kInstancePort, id);
    return {};
  });
}

void NetworkApi::host_changed(const Json& before, const Json& after) {
  if (!before.is_object() || !after.is_object()) return;
  const std::string was = text(before, "host"), now = text(after, "host");
  if (was == now || after.value("deleted", false)) return;
  std::vector<std::string> ids;
  for (const Json* p : networks_.device_ports(after["id"])) ids.push_back((*p)["id"]);
  (void)store_.transaction([&]() -> Status {
    for (const auto& id : ids) {
      const Json* port = networks_.port_record(id);
      (void)networks_.update_port(compute_service_credentials((*port)["project_id"]), id, {{"binding:host_id", now}});
    }
    return {};
  });
}

// ---- views ------------------------------------------------------------------

std::vector<const Json*> NetworkApi::ports_of(const std::string& instance_uuid) const {
  std::vector<const Json*> ports = networks_.device_ports(instance_uuid);
  auto position = [&](const Json* p) {
    const Json* r = store_.get(kInstancePort, (*p)["id"]);
    return r ? (*r)["position"].get<int>() : 1 << 30;  // attached behind Nova's back: last
  };
  std::stable_sort(ports.begin(), ports.end(), [&](const Json* a, const Json* b) { return position(a) < position(b); });
  return ports;
}

Json NetworkApi::addresses(const std::string& instance_uuid) const {
  Json out = Json::object();
  for (const Json* p : ports_of(instance_uuid)) {
    const Json& port = *p;
    const Json* network = networks_.network_record(port["network_id"]);
    const std::string label = network ? text(*network, "name") : text(port, "network_id");
    Json& list = out[label];
    if (!list.is_array()) list = Json::array();
    for (const Json& ip : port["fixed_ips"])
      list.push_back({{"version", ip_version(ip["ip_address"])},
                      {"addr", ip["ip_address"]},
                      {"OS-EXT-IPS:type", "fixed"},
                      {"OS-EXT-IPS-MAC:mac_addr", port["mac_address"]}});
    for (const Json* fip : networks_.port_floating_ips(port["id"]))
      list.push_back({{"version", ip_version(text(*fip, "floating_ip_address"))},
                      {"addr", (*fip)["floating_ip_address"]},
                      {"OS-EXT-IPS:type", "floating"},
                      {"OS-EXT-IPS-MAC:mac_addr", port["mac_address"]}});
  }
  return out;
}

Json NetworkApi::security_group_names(const std::string& instance_uuid) const {
  std::vector<const Json*> ports = networks_.device_ports(instance_uuid);
  if (ports.empty()) return nullptr;
  Json names = Json::array();
  for (const Json* p : ports)
    for (const Json& id : (*p)["security_groups"]) {
      const Json* group = networks_.security_group_record(id);
      if (!group) continue;
      Json entry = {{"name", (*group)["name"]}};
      if (std::find(names.begin(), names.end(), entry) == names.end()) names.push_back(entry);
    }
  return names;
}

std::vector<Json> NetworkApi::interfaces(const std::string& instance_uuid) const {
  std::vector<Json> out;
  for (const Json* p : ports_of(instance_uuid)) {
    const Json* record = store_.get(kInstancePort, (*p)["id"]);
    out.push_back({{"port_state", (*p)["status"]},
                   {"fixed_ips", (*p)["fixed_ips"]},
                   {"mac_addr", (*p)["mac_address"]},
                   {"net_id", (*p)["network_id"]},
                   {"port_id", (*p)["id"]},
                   {"tag", record ? record->value("tag", Json(nullptr)) : Json(nullptr)}});
  }
  return out;
}

std::vector<Json> NetworkApi::security_groups(const Credentials& caller, const std::string& instance_uuid) const {
  std::vector<Json> out;
  std::vector<std::string> seen;
  for (const Json* p : networks_.device_ports(instance_uuid))
    for (const Json& id : (*p)["security_groups"]) {
      if (std::find(seen.begin(), seen.end(), id.get<std::string>()) != seen.end()) continue;
      seen.push_back(id);
      auto group = networks_.get_security_group(caller, id);
      if (group.ok()) out.push_back(*group);
    }
  return out;
}

Result<Json> NetworkApi::find_security_group(const Credentials& caller, const std::string& name_or_id) {
  if (auto by_id = networks_.get_security_group(caller, name_or_id); by_id.ok()) return by_id;
  auto group = find_group(caller, caller.project_id, name_or_id, true);
  if (!group.ok() && group.status().code() == Code::kNotFound)
    return NotFound("Security group " + name_or_id + " not found.");
  return group;
}

Result<Json> NetworkApi::update_security_group(const Credentials& caller, const std::string& name_or_id,
                                               const Json& changes) {
  auto group = find_security_group(caller, name_or_id);
  if (!group.ok()) return group;
  auto updated = networks_.update_security_group(caller, (*group)["id"], changes);
  if (!updated.ok()) return nova_status(updated.status());
  return updated;
}

Status NetworkApi::delete_security_group(const Credentials& caller, const std::string& name_or_id) {
  auto group = find_security_group(caller, name_or_id);
  if (!group.ok()) return group.status();
  return nova_status(networks_.delete_security_group(caller, (*group)["id"]));
}

// ---- os-interface and security group actions --------------------------------

Result<Json> NetworkApi::attach(const Credentials& caller, const Json& instance, const std::string& port_id,
                                const std::string& network_id, const Json& fixed_ips, const std::string& tag) {
  Json entry = {{"network_id", network_id}, {"port_id", port_id}, {"fixed_ip", ""}, {"tag", tag}};
  if (!port_id.empty()) {
    auto port = networks_.get_port(caller, port_id);
    if (!port.ok()) return NotFound("Port " + port_id + " could not be found.");
    if (!text(*port, "device_id").empty()) return Conflict("Port " + port_id + " is still in use.");
    entry["network_id"] = (*port)["network_id"];
  } else if (!network_id.empty()) {
    auto network = networks_.get_network(caller, network_id);
    if (!network.ok()) return NotFound("Network " + network_id + " could not be found.");
    if (fixed_ips.is_array() && !fixed_ips.empty() && fixed_ips[0].contains("ip_address")) {
      std::string ip = text(fixed_ips[0], "ip_address");
      auto holder = networks_.fixed_ip_holder(network_id, ip);
      if (!holder.ok()) return BadRequest(holder.status().message());
      if (!holder->empty()) {
        const Json* held = networks_.port_record(*holder);
        return Conflict("Fixed IP address " + ip + " is already in use on instance " +
                        (held ? text(*held, "device_id") : std::string()) + ".");
      }
      entry["fixed_ip"] = ip;
    }
  } else {
    NetworkRequest auto_pick;  // Nova: the only network available to the project
    auto plan = validate(caller, auto_pick, 1);
    if (!plan.ok()) {  // os-interface answers an ambiguous choice with a 400
      if (plan.status().code() == Code::kConflict) return BadRequest(plan.status().message());
      return plan.status();
    }
    if ((*plan)["networks"].empty())
      return BadRequest("No specific network was requested and none are available for project '" + caller.project_id +
                        "'.");
    entry["network_id"] = (*plan)["networks"][0]["network_id"];
  }
  // New ports get Neutron's default group of the project (Nova asks for none).
  Result<Json> port = Json();
  Status st = store_.transaction([&]() -> Status {
    port = plug(instance, entry, nullptr, text(instance, "host"), next_position(instance["id"]));
    return port.ok() ? Status() : port.status();
  });
  if (!st.ok()) {
    if (st.code() == Code::kConflict || st.code() == Code::kBadRequest) return st;
    return Status(Code::kInternal, "Failed to attach network adapter device to " + instance["id"].get<std::string>() +
                                       ": " + st.message());
  }
  for (const Json& i : interfaces(instance["id"]))
    if (i["port_id"] == (*port)["id"]) return i;
  return Status(Code::kInternal, "the attached port disappeared");
}

Status NetworkApi::detach(const Json& instance, const std::string& port_id) {
  const Json* port = networks_.port_record(port_id);
  if (!port || (*port)["device_id"] != instance["id"]) return NotFound("Port " + port_id + " is not attached");
  const Json* record = store_.get(kInstancePort, port_id);
  const bool preexisting = !record || (*record)["preexisting"] == true;
  return store_.transaction([&]() -> Status {
    unplug(port_id, preexisting);
    return {};
  });
}

Status NetworkApi::add_security_group(const Credentials& caller, const Json& instance, const std::string& name) {
  return change_security_group(caller, instance, name, true);
}

Status NetworkApi::remove_security_group(const Credentials& caller, const Json& instance, const std::string& name) {
  return change_security_group(caller, instance, name, false);
}

Status NetworkApi::change_security_group(const Credentials& caller, const Json& instance, const std::string& name,
                                         bool add) {
  auto group = find_group(caller, instance["project_id"], name, true);
  if (!group.ok()) return group.status();
  const Json& group_id = (*group)["id"];
  std::vector<const Json*> ports = networks_.device_ports(instance["id"]);
  if (ports.empty())
    return NotFound("instance_id " + instance["id"].get<std::string>() +
                    " could not be found as device id on any ports");
  // Every port is checked before any changes, so a refusal changes nothing.
  std::vector<std::pair<std::string, Json>> updates;
  for (const Json* p : ports) {
    const Json& current = (*p)["security_groups"];
    Json ids = Json::array();
    if (add) {
      if ((*p)["port_security_enabled"] == false || (*p)["fixed_ips"].empty())
        return BadRequest(
            "Network requires port_security_enabled and subnet associated in order to apply security "
            "groups.");
      ids = current;
      if (std::find(ids.begin(), ids.end(), group_id) == ids.end()) ids.push_back(group_id);
    } else {
      for (const Json& id : current)
        if (id != group_id) ids.push_back(id);
    }
    if (ids != current) updates.emplace_back((*p)["id"], std::move(ids));
  }
  if (!add && updates.empty())
    return NotFound("Security group " + name + " not associated with the instance " +
                    instance["id"].get<std::string>());
  Credentials nova = compute_service_credentials(instance["project_id"]);
  for (const auto& [id, ids] : updates)
    if (auto r = networks_.update_port(nova, id, {{"security_groups", ids}}); !r.ok()) return nova_status(r.status());
  return {};
}

}  // namespace stacklab::compute
