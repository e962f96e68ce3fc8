// Networks: ownership and visibility (own, shared, external), provider
// segments (flat/vlan by physical network, vxlan/gre tunnel ids allocated
// from the configured range), MTU from the segment type, and the NetworkInUse
// rule on delete.
#include <algorithm>

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kNetworkFilters = {"id",
                                                  "name",
                                                  "project_id",
                                                  "tenant_id",
                                                  "admin_state_up",
                                                  "status",
                                                  "shared",
                                                  "router:external",
                                                  "is_default",
                                                  "mtu",
                                                  "description",
                                                  "port_security_enabled",
                                                  "revision_number",
                                                  "provider:network_type",
                                                  "provider:physical_network",
                                                  "provider:segmentation_id",
                                                  "created_at",
                                                  "updated_at"};

namespace {

const std::set<std::string> kNetworkFields = attribute_set(
    kNetworkFilters, {"subnets", "tags", "l2_adjacency", "segments", "availability_zones", "availability_zone_hints",
                      "ipv4_address_scope", "ipv6_address_scope", "dns_domain"});

const char* kProviderFields[] = {"provider:network_type", "provider:physical_network", "provider:segmentation_id"};

Status network_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "NetworkNotFound", "Network " + id + " could not be found.");
}

}  // namespace

Result<const Json*> NetworkService::visible_network(const Credentials& caller, const std::string& id) const {
  const Json* n = store_.get("network", id);
  if (!n || !policy_.allowed("get_network", caller, network_target(*n, caller.project_id)))
    return network_not_found(id);
  return n;
}

Json NetworkService::network_view(const Credentials& caller, const Json& network) const {
  Json v = network;
  v.erase("segment_key");
  Json subnets = Json::array();
  bool dhcp = false;
  for (const Json* s : store_.find("subnet", "network_id", network["id"])) {
    subnets.push_back((*s)["id"]);
    dhcp = dhcp || (*s)["enable_dhcp"] == true;
  }
  v["subnets"] = subnets;
  // Neutron shows a network shared with the viewer's project by RBAC as shared.
  if (v["shared"] != true && rbac_grants(network, "access_as_shared", caller.project_id)) v["shared"] = true;
  // Neutron reports the zones of the DHCP agents hosting the network.
  v["availability_zones"] = dhcp ? Json::array({options_.availability_zone}) : Json::array();
  if (!policy_.allowed("get_network:provider:network_type", caller, network_target(network)))
    for (const char* f : kProviderFields) v.erase(f);
  return v;
}

Status NetworkService::assign_segment(const Credentials& caller, const Json& body, Json& network) {
  bool any = std::any_of(std::begin(kProviderFields), std::end(kProviderFields),
                         [&](const char* f) { return body.contains(f) && !body[f].is_null(); });
  std::string type = options_.tenant_network_type, physnet;
  std::optional<long long> seg;
  if (any) {
    for (const char* f : kProviderFields) {
      if (!body.contains(f)) continue;
      Status st = authorize(policy_, std::string("create_network:") + f, caller, network_target(network));
      if (!st.ok()) return st;
    }
    if (!body.contains("provider:network_type") || !body["provider:network_type"].is_string())
      return invalid_input("network_type required");
    type = body["provider:network_type"];
    if (body.contains("provider:physical_network") && !body["provider:physical_network"].is_null()) {
      if (!body["provider:physical_network"].is_string())
        return invalid_attribute("provider:physical_network", "not a valid string");
      physnet = body["provider:physical_network"];
    }
    if (body.contains("provider:segmentation_id") && !body["provider:segmentation_id"].is_null()) {
      const Json& s = body["provider:segmentation_id"];
      if (s.is_number_integer()) {
        seg = s.get<long long>();
      } else if (s.is_string() && !s.get<std::string>().empty() &&
                 std::all_of(s.get_ref<const std::string&>().begin(), s.get_ref<const std::string&>().end(),
                             ::isdigit) &&
                 s.get<std::string>().size() < 10) {
        seg = std::stoll(s.get<std::string>());
      } else {
        return invalid_attribute("provider:segmentation_id", in_quotes(s.dump()) + " is not an integer");
      }
    }
  }
  std::string key;
  int overhead = 0;
  if (type == "local") {
    if (!physnet.empty() || seg)
      return invalid_input("physical_network and segmentation_id prohibited for local provider network");
  } else if (type == "flat") {
    if (physnet.empty()) return invalid_input("physical_network required for flat provider network");
    if (seg) return invalid_input("segmentation_id prohibited for flat provider network");
    key = "flat:" + physnet;
    if (!store_.find("network", "segment_key", key).empty())
      return neutron_error(Code::kConflict, "FlatNetworkInUse",
                           "Unable to create the flat network. Physical network " + physnet + " is in use.");
  } else if (type == "vlan") {
    if (physnet.empty()) return invalid_input("physical_network required for VLAN provider network");
    if (!seg) return invalid_input("segmentation_id required for VLAN provider network");
    if (*seg < 1 || *seg > 4094) return invalid_input("segmentation_id out of range (1 through 4094)");
    key = "vlan:" + physnet + ":" + std::to_string(*seg);
    if (!store_.find("network", "segment_key", key).empty())
      return neutron_error(Code::kConflict, "VlanIdInUse",
                           "Unable to create the network. The VLAN " + std::to_string(*seg) + " on physical network " +
                               physnet + " is in use.");
  } else if (type == "vxlan" || type == "gre" || type == "geneve") {
    if (!physnet.empty()) return invalid_input("provider:physical_network specified for " + type + " network");
    overhead = type == "gre" ? 42 : 50;
    long long max_id = type == "gre" ? 4294967295LL : 16777215LL;
    if (seg) {
      if (*seg < 1 || *seg > max_id)
        return invalid_input(type + " segmentation_id out of range (1 through " + std::to_string(max_id) + ")");
    } else {
      // Neutron picks at random among the first free ids of the range (IDPOOL_SELECT_SIZE = 100).
      long long lo = type == "gre" ? options_.gre_min : options_.vni_min;
      long long hi = type == "gre" ? options_.gre_max : options_.vni_max;
      std::vector<long long> free_ids;
      for (long long i = lo; i <= hi && free_ids.size() < 100; ++i) {
        std::string k = type;
        k += ':';
        k += std::to_string(i);
        if (store_.find("network", "segment_key", k).empty()) free_ids.push_back(i);
      }
      if (free_ids.empty())
        return neutron_error(Code::kInternal, "NoNetworkAvailable",
                             "Unable to create the network. No tenant network is available for allocation.");
      seg = free_ids[random_.below(free_ids.size())];
    }
    key = type + ":" + std::to_string(*seg);
    if (!store_.find("network", "segment_key", key).empty())
      return neutron_error(Code::kConflict, "TunnelIdInUse",
                           "Unable to create the network. The tunnel ID " + std::to_string(*seg) + " is in use.");
  } else {
    return invalid_input("network_type value '" + type + "' not supported");
  }
  network["provider:network_type"] = type;
  network["provider:physical_network"] = physnet.empty() ? Json(nullptr) : Json(physnet);
  network["provider:segmentation_id"] = seg ? Json(*seg) : Json(nullptr);
  if (!key.empty()) network["segment_key"] = key;
  network["mtu"] = options_.global_physnet_mtu - overhead;
  return {};
}

Result<Json> NetworkService::create_network(const Credentials& caller, const Json& body, const std::string& id) {
  Status st =
      check_attributes(body,
                       {"name", "admin_state_up", "shared", "router:external", "is_default", "port_security_enabled",
                        "availability_zone_hints", "description", "tags", "project_id", "tenant_id",
                        "provider:network_type", "provider:physical_network", "provider:segmentation_id"},
                       kNetworkFields, "POST");
  if (!st.ok()) return st;
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();
  Json n = {{"id", id.empty() ? new_id() : id},
            {"name", ""},
            {"admin_state_up", true},
            {"status", "ACTIVE"},
            {"shared", false},
            {"router:external", false},
            {"is_default", false},
            {"port_security_enabled", true},
            {"availability_zone_hints", Json::array()},
            {"ipv4_address_scope", nullptr},
            {"ipv6_address_scope", nullptr},
            {"l2_adjacency", true}};
  for (const char* f : {"admin_state_up", "shared", "router:external", "is_default", "port_security_enabled"})
    if (Status c = copy_boolean(body, f, n); !c.ok()) return c;
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, n); !c.ok()) return c;
  if (Status c = copy_tags(body, n); !c.ok()) return c;
  if (auto hints = body.find("availability_zone_hints"); hints != body.end()) {
    if (!hints->is_array())
      return invalid_attribute("availability_zone_hints", in_quotes(hints->dump()) + " is not a list");
    for (const Json& h : *hints)
      if (h != options_.availability_zone)
        return neutron_error(
            Code::kNotFound, "AvailabilityZoneNotFound",
            "AvailabilityZone " + (h.is_string() ? h.get<std::string>() : h.dump()) + " could not be found.");
    n["availability_zone_hints"] = *hints;
  }
  n = stamp_new(std::move(n), *owner);
  if (st = authorize(policy_, "create_network", caller, network_target(n)); !st.ok()) return st;
  // Field rules apply when a field is set to other than its default, as Neutron checks them.
  for (const char* f : {"shared", "router:external", "is_default"})
    if (n[f] == true)
      if (st = authorize(policy_, std::string("create_network:") + f, caller, network_target(n)); !st.ok()) return st;
  if (n["is_default"] == true && n["router:external"] != true)
    return invalid_input("is_default can only be set on an external network");
  if (st = assign_segment(caller, body, n); !st.ok()) return st;
  if (st = check_quota(*owner, "network"); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (Status put = store_.put("network", n["id"], n); !put.ok()) return put;
    return n["shared"] == true ? set_wildcard_share(n, true) : Status{};
  });
  if (!st.ok()) return st;
  return network_view(caller, n);
}

Result<Json> NetworkService::get_network(const Credentials& caller, const std::string& id) const {
  auto n = visible_network(caller, id);
  if (!n.ok()) return n.status();
  return network_view(caller, **n);
}

std::vector<Json> NetworkService::list_networks(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* n : store_.list("network"))
    if (policy_.allowed("get_network", caller, network_target(*n, caller.project_id)))
      out.push_back(network_view(caller, *n));
  return out;
}

Result<Json> NetworkService::update_network(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_network(caller, id);
  if (!found.ok()) return found.status();
  Json n = **found;
  Status st = check_attributes(
      body,
      {"name", "admin_state_up", "shared", "router:external", "is_default", "port_security_enabled", "description"},
      kNetworkFields, "PUT");
  if (!st.ok()) {
    for (const char* f : kProviderFields)
      if (body.contains(f)) return invalid_input("Plugin does not support updating provider attributes");
    return st;
  }
  if (st = authorize(policy_, "update_network", caller, network_target(n)); !st.ok()) return st;
  Json before = n;
  for (const char* f : {"admin_state_up", "shared", "router:external", "is_default", "port_security_enabled"})
    if (Status c = copy_boolean(body, f, n); !c.ok()) return c;
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, n); !c.ok()) return c;
  for (const char* f : {"shared", "router:external", "is_default"})
    if (n[f] != before[f])
      if (st = authorize(policy_, std::string("update_network:") + f, caller, network_target(before)); !st.ok())
        return st;
  if (n["is_default"] == true && n["router:external"] != true)
    return invalid_input("is_default can only be set on an external network");
  if (before["shared"] == true && n["shared"] == false) {
    for (const Json* p : store_.find("port", "network_id", id))
      if ((*p)["project_id"] != n["project_id"] && (*p)["device_owner"] != "network:dhcp")
        return neutron_error(
            Code::kConflict, "InvalidSharedSetting",
            "Unable to reconfigure sharing settings for network " + id + ". Multiple tenants are using it.");
  }
  st = store_.transaction([&]() -> Status {
    if (n["shared"] != before["shared"])
      if (Status share = set_wildcard_share(n, n["shared"] == true); !share.ok()) return share;
    return touch_and_put("network", n);
  });
  if (!st.ok()) return st;
  return network_view(caller, *store_.get("network", id));
}

Status NetworkService::delete_network(const Credentials& caller, const std::string& id) {
  auto found = visible_network(caller, id);
  if (!found.ok()) return found.status();
  Json n = **found;
  if (Status st = authorize(policy_, "delete_network", caller, network_target(n)); !st.ok()) return st;
  std::vector<Json> ports;
  for (const Json* p : store_.find("port", "network_id", id)) {
    // The DHCP agent's ports go with the network; any other port keeps it alive.
    if ((*p)["device_owner"] != "network:dhcp")
      return neutron_error(Code::kConflict, "NetworkInUse",
                           "Unable to complete operation on network " + id +
                               ". There are one or more ports still in use on the network.");
    ports.push_back(*p);
  }
  std::vector<Json> subnets;
  for (const Json* s : store_.find("subnet", "network_id", id)) subnets.push_back(*s);
  std::vector<std::string> policies;
  for (const Json* p : store_.find("rbac_policy", "object_id", id)) policies.push_back((*p)["id"]);
  return store_.transaction([&]() -> Status {
    for (const std::string& p : policies)
      if (Status st = store_.erase("rbac_policy", p); !st.ok()) return st;
    for (const Json& p : ports)
      if (Status st = remove_port_unchecked(p); !st.ok()) return st;
    for (const Json& s : subnets)
      if (Status st = remove_subnet_unchecked(s); !st.ok()) return st;
    return store_.erase("network", id);
  });
}

}  // namespace stacklab::network
