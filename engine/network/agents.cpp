// The simulated Neutron agents of the lab host (the book's Linux bridge
// deployment: DHCP, L3, metadata and Linux bridge agents, architecture.md
// §4.3), the availability zones they make, and the IP availability of
// networks (the size of each subnet's allocation pools against its
// allocations).
#include <algorithm>
#include <limits>

#include "engine/core/timeutil.h"
#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kAgentFilters = {
    "id", "agent_type", "binary", "topic", "host", "admin_state_up", "alive", "availability_zone", "description"};

namespace {

struct SimulatedAgent {
  const char* agent_type;
  const char* binary;
  const char* topic;
  bool zoned;  // DHCP and L3 agents report an availability zone
};

const SimulatedAgent kAgents[] = {
    {"DHCP agent", "neutron-dhcp-agent", "dhcp_agent", true},
    {"L3 agent", "neutron-l3-agent", "l3_agent", true},
    {"Metadata agent", "neutron-metadata-agent", "N/A", false},
    {"Linux bridge agent", "neutron-linuxbridge-agent", "N/A", false},
};

const std::set<std::string> kAgentFields = attribute_set(
    kAgentFilters, {"configurations", "created_at", "started_at", "heartbeat_timestamp", "resources_synced"});

// Neutron's agent timestamps: "2026-11-25 14:10:49".
std::string agent_time(TimePoint t) {
  std::string s = format_iso_seconds(t);
  std::replace(s.begin(), s.end(), 'T', ' ');
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

Status agent_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "AgentNotFound", "Agent " + id + " could not be found.");
}

// An address count as a JSON number: exact up to 2^64-1, a double beyond.
Json count_json(Uint128 n) {
  if (n <= std::numeric_limits<std::uint64_t>::max()) return static_cast<std::uint64_t>(n);
  return static_cast<double>(n);
}

}  // namespace

Status NetworkService::ensure_agents() {
  std::string now = agent_time(clock_.now());
  return store_.transaction([&]() -> Status {
    for (const SimulatedAgent& a : kAgents) {
      bool present = false;
      for (const Json* existing : store_.find("agent", "host", options_.host))
        present = present || (*existing)["binary"] == a.binary;
      if (present) continue;
      Json agent = {{"id", new_id()},
                    {"agent_type", a.agent_type},
                    {"binary", a.binary},
                    {"topic", a.topic},
                    {"host", options_.host},
                    {"admin_state_up", true},
                    {"availability_zone", a.zoned ? Json(options_.availability_zone) : Json(nullptr)},
                    {"description", nullptr},
                    {"created_at", now},
                    {"started_at", now},
                    {"resources_synced", nullptr}};
      if (Status st = store_.put("agent", agent["id"], agent); !st.ok()) return st;
    }
    return {};
  });
}

namespace {

// What the agent reports with its heartbeat, from what it serves now.
Json agent_configurations(const Store& store, const Json& agent, const std::string& network_type) {
  std::string binary = agent["binary"];
  if (binary == "neutron-dhcp-agent") {
    std::set<std::string> networks;
    std::size_t ports = 0;
    for (const Json* p : store.list("port"))
      if ((*p)["device_owner"] == "network:dhcp") {
        networks.insert((*p)["network_id"].get<std::string>());
        ++ports;
      }
    return {{"dhcp_driver", "neutron.agent.linux.dhcp.Dnsmasq"},
            {"dhcp_lease_duration", 86400},
            {"networks", networks.size()},
            {"ports", ports}};
  }
  if (binary == "neutron-l3-agent")
    return {{"agent_mode", "legacy"}, {"routers", store.count("router")}, {"interface_driver", "linuxbridge"}};
  if (binary == "neutron-linuxbridge-agent")
    return {{"tunnel_types", Json::array({network_type})},
            {"l2_population", true},
            {"interface_mappings", {{"public", "br-ex"}}},
            {"devices", store.count("port")}};
  return {{"nova_metadata_host", "127.0.0.1"}, {"nova_metadata_port", 8775}};
}

}  // namespace

std::vector<Json> NetworkService::list_agents(const Credentials& caller) {
  std::vector<Json> out;
  if (!policy_.allowed("get_agent", caller)) return out;
  if (!ensure_agents().ok()) return out;
  for (const Json* a : store_.list("agent")) {
    Json v = *a;
    // A running agent never misses a heartbeat; a stopped one last reported when it started.
    bool alive = agent_running((*a)["binary"]);
    v["alive"] = alive;
    v["heartbeat_timestamp"] = alive ? Json(agent_time(clock_.now())) : (*a)["started_at"];
    v["configurations"] = agent_configurations(store_, *a, options_.tenant_network_type);
    out.push_back(v);
  }
  return out;
}

Result<Json> NetworkService::get_agent(const Credentials& caller, const std::string& id) {
  if (Status st = authorize(policy_, "get_agent", caller, Json::object()); !st.ok()) return st;
  for (Json& a : list_agents(caller))
    if (a["id"] == id) return a;
  return agent_not_found(id);
}

Result<Json> NetworkService::update_agent(const Credentials& caller, const std::string& id, const Json& body) {
  if (Status st = authorize(policy_, "update_agent", caller, Json::object()); !st.ok()) return st;
  if (Status st = ensure_agents(); !st.ok()) return st;
  const Json* found = store_.get("agent", id);
  if (!found) return agent_not_found(id);
  Status st = check_attributes(body, {"admin_state_up", "description"}, kAgentFields, "PUT");
  if (!st.ok()) return st;
  Json agent = *found;
  if (Status c = copy_boolean(body, "admin_state_up", agent); !c.ok()) return c;
  if (body.contains("description") && body["description"].is_null())
    agent["description"] = nullptr;
  else if (Status c = copy_string(body, "description", agent); !c.ok())
    return c;
  if (st = store_.put("agent", id, agent); !st.ok()) return st;
  return get_agent(caller, id);
}

bool NetworkService::dhcp_available(const std::string& network_id) const {
  if (!agent_running("neutron-dhcp-agent")) return false;
  for (const Json* subnet : store_.find("subnet", "network_id", network_id))
    if ((*subnet).value("enable_dhcp", false)) return true;
  return false;
}

std::vector<Json> NetworkService::list_availability_zones(const Credentials& caller) const {
  if (!policy_.allowed("get_availability_zone", caller)) return {};
  std::vector<Json> out;
  for (const char* resource : {"network", "router"})
    out.push_back({{"name", options_.availability_zone}, {"resource", resource}, {"state", "available"}});
  return out;
}

namespace {

// One network's availability over its subnets of `ip_version` (0: all).
Json network_availability(const Store& store, const Json& network, int ip_version) {
  Uint128 total = 0;
  std::size_t used = 0;
  Json subnets = Json::array();
  for (const Json* s : store.find("subnet", "network_id", network["id"])) {
    if (ip_version && (*s)["ip_version"] != ip_version) continue;
    Uint128 size = 0;
    for (const Json& pool : (*s)["allocation_pools"])
      size += parse_ip(pool["end"])->value - parse_ip(pool["start"])->value + 1;
    std::size_t taken = store.find("ip_allocation", "subnet_id", (*s)["id"]).size();
    total += size;
    used += taken;
    subnets.push_back({{"subnet_id", (*s)["id"]},
                       {"subnet_name", (*s)["name"]},
                       {"cidr", (*s)["cidr"]},
                       {"ip_version", (*s)["ip_version"]},
                       {"total_ips", count_json(size)},
                       {"used_ips", taken}});
  }
  return {{"network_id", network["id"]},         {"network_name", network["name"]},
          {"project_id", network["project_id"]}, {"tenant_id", network["project_id"]},
          {"total_ips", count_json(total)},      {"used_ips", used},
          {"subnet_ip_availability", subnets}};
}

}  // namespace

Result<std::vector<Json>> NetworkService::list_ip_availabilities(const Credentials& caller, int ip_version) const {
  if (Status st = authorize(policy_, "get_network_ip_availability", caller, Json::object()); !st.ok()) return st;
  std::vector<Json> out;
  for (const Json* n : store_.list("network")) {
    Json a = network_availability(store_, *n, ip_version);
    // Asked for one IP version, Neutron lists only the networks with subnets of it.
    if (ip_version && a["subnet_ip_availability"].empty()) continue;
    out.push_back(a);
  }
  return out;
}

Result<Json> NetworkService::get_ip_availability(const Credentials& caller, const std::string& network_id) const {
  if (Status st = authorize(policy_, "get_network_ip_availability", caller, Json::object()); !st.ok()) return st;
  const Json* n = store_.get("network", network_id);
  if (!n) return neutron_error(Code::kNotFound, "NetworkNotFound", "Network " + network_id + " could not be found.");
  return network_availability(store_, *n, 0);
}

}  // namespace stacklab::network
