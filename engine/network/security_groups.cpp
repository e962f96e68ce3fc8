// Security groups and rules: each project's "default" group (made on first
// use with its four rules), protocol names and numbers, port-range and ICMP
// type/code validation, remote prefix or group, and duplicate detection
// (SecurityGroupRuleExists) on the rule's meaning rather than its spelling.
#include <algorithm>
#include <map>

#include "engine/network/attributes.h"
#include "engine/network/ip_protocols.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kSecurityGroupFilters = {
    "id", "name", "description", "project_id", "tenant_id", "stateful", "created_at", "updated_at", "revision_number"};

const std::vector<std::string> kSecurityGroupRuleFilters = {"id",
                                                            "security_group_id",
                                                            "direction",
                                                            "ethertype",
                                                            "protocol",
                                                            "port_range_min",
                                                            "port_range_max",
                                                            "remote_ip_prefix",
                                                            "remote_group_id",
                                                            "description",
                                                            "project_id",
                                                            "tenant_id",
                                                            "created_at",
                                                            "updated_at",
                                                            "revision_number"};

namespace {

const std::set<std::string> kGroupFields =
    attribute_set(kSecurityGroupFilters, {"tags", "security_group_rules", "shared"});
const std::set<std::string> kRuleFields =
    attribute_set(kSecurityGroupRuleFilters, {"remote_address_group_id", "normalized_cidr", "belongs_to_default_sg"});

Status group_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "SecurityGroupNotFound", "Security group " + id + " does not exist");
}

}  // namespace

// neutron_lib.constants.IP_PROTOCOL_MAP
const std::map<std::string, int>& protocol_numbers() {
  static const std::map<std::string, int> m = {
      {"ah", 51},     {"dccp", 33},       {"egp", 8},        {"esp", 50},        {"gre", 47},       {"hopopt", 0},
      {"icmp", 1},    {"igmp", 2},        {"ipip", 4},       {"ipv6-encap", 41}, {"ipv6-frag", 44}, {"ipv6-icmp", 58},
      {"icmpv6", 58}, {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"ipv6-route", 43}, {"ospf", 89},      {"pgm", 113},
      {"rsvp", 46},   {"sctp", 132},      {"tcp", 6},        {"udp", 17},        {"udplite", 136},  {"vrrp", 112}};
  return m;
}

Result<int> protocol_number(const Json& p) {
  if (p.is_null()) return -1;
  std::string s = text_of(p);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "any" || s.empty()) return -1;
  if (auto it = protocol_numbers().find(s); it != protocol_numbers().end()) return it->second;
  if (s.size() <= 3 && std::all_of(s.begin(), s.end(), ::isdigit) && std::stoi(s) <= 255) return std::stoi(s);
  std::string names;
  for (const auto& [name, n] : protocol_numbers()) {
    if (!names.empty()) names += ", ";
    names += in_quotes(name);
  }
  return neutron_error(Code::kBadRequest, "SecurityGroupRuleInvalidProtocol",
                       "Security group rule protocol " + text_of(p) + " not supported. Only protocol values [" + names +
                           "] and integer representations [0 to 255] are supported.");
}

namespace {

Result<std::optional<long long>> port_value(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<long long>();
  const Json& v = body[field];
  if (v.is_number_integer()) return std::optional<long long>(v.get<long long>());
  if (v.is_string() && !v.get<std::string>().empty() && v.get<std::string>().size() < 7 &&
      std::all_of(v.get_ref<const std::string&>().begin(), v.get_ref<const std::string&>().end(), ::isdigit))
    return std::optional<long long>(std::stoll(v.get<std::string>()));
  return neutron_error(Code::kBadRequest, "SecurityGroupInvalidPortValue", "Invalid value for port " + text_of(v));
}

// What makes two rules the same: Neutron compares protocol numbers, and
// treats 0.0.0.0/0 and ::/0 as no prefix.
std::string rule_meaning(const Json& r) {
  int proto = *protocol_number(r["protocol"]);
  Json prefix = r["remote_ip_prefix"];
  if (prefix == "0.0.0.0/0" || prefix == "::/0") prefix = nullptr;
  return Json::array({r["security_group_id"], r["direction"], r["ethertype"], proto, r["port_range_min"],
                      r["port_range_max"], prefix, r["remote_group_id"]})
      .dump();
}

}  // namespace

Json NetworkService::security_group_view(const Json& group) const {
  Json v = group;
  Json rules = Json::array();
  for (const Json* r : store_.find("security_group_rule", "security_group_id", group["id"])) rules.push_back(*r);
  v["security_group_rules"] = rules;
  return v;
}

Result<Json> NetworkService::insert_rule(Json rule) {
  if (!rule.contains("id")) rule["id"] = new_id();
  std::string meaning = rule_meaning(rule);
  for (const Json* other : store_.find("security_group_rule", "security_group_id", rule["security_group_id"]))
    if (rule_meaning(*other) == meaning)
      return neutron_error(Code::kConflict, "SecurityGroupRuleExists",
                           "Security group rule already exists. Rule id is " + (*other)["id"].get<std::string>() + ".");
  if (Status st = store_.put("security_group_rule", rule["id"], rule); !st.ok()) return st;
  return rule;
}

Result<Json> NetworkService::ensure_default_security_group(const std::string& project_id, const std::string& id) {
  for (const Json* g : store_.find("security_group", "project_id", project_id))
    if ((*g)["name"] == "default") return security_group_view(*g);
  Json group = stamp_new({{"id", id.empty() ? new_id() : id},
                          {"name", "default"},
                          {"description", "Default security group"},
                          {"stateful", true}},
                         project_id);
  Status st = store_.transaction([&]() -> Status {
    if (Status put = store_.put("security_group", group["id"], group); !put.ok()) return put;
    // Ingress from members of the group itself, egress anywhere; for IPv4 and IPv6.
    for (const char* ethertype : {"IPv4", "IPv6"}) {
      for (const char* direction : {"ingress", "egress"}) {
        Json rule = stamp_new({{"security_group_id", group["id"]},
                               {"direction", direction},
                               {"ethertype", ethertype},
                               {"protocol", nullptr},
                               {"port_range_min", nullptr},
                               {"port_range_max", nullptr},
                               {"remote_ip_prefix", nullptr},
                               {"remote_group_id", std::string(direction) == "ingress" ? group["id"] : Json(nullptr)},
                               {"remote_address_group_id", nullptr}},
                              project_id);
        auto inserted = insert_rule(rule);
        if (!inserted.ok()) return inserted.status();
      }
    }
    return {};
  });
  if (!st.ok()) return st;
  return security_group_view(group);
}

Result<Json> NetworkService::resolve_port_security_groups(const Credentials& caller, const std::string& project_id,
                                                          const Json& requested) {
  if (requested.is_null()) {
    auto group = ensure_default_security_group(project_id);
    if (!group.ok()) return group.status();
    return Json::array({(*group)["id"]});
  }
  if (!requested.is_array())
    return invalid_attribute("security_groups", in_quotes(requested.dump()) + " is not a list");
  Json out = Json::array();
  for (const Json& id : requested) {
    const Json* g = store_.get("security_group", text_of(id));
    if (!g || ((*g)["project_id"] != project_id && !caller.is_admin())) return group_not_found(text_of(id));
    if (std::find(out.begin(), out.end(), (*g)["id"]) == out.end()) out.push_back((*g)["id"]);
  }
  return out;
}

Result<Json> NetworkService::create_security_group(const Credentials& caller, const Json& body) {
  Status st = check_attributes(body, {"name", "description", "project_id", "tenant_id", "stateful", "tags"},
                               kGroupFields, "POST");
  if (!st.ok()) return st;
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();
  Json group = {{"id", new_id()}, {"name", ""}, {"stateful", true}};
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, group); !c.ok()) return c;
  if (Status c = copy_boolean(body, "stateful", group); !c.ok()) return c;
  if (Status c = copy_tags(body, group); !c.ok()) return c;
  group = stamp_new(std::move(group), *owner);
  if (st = authorize(policy_, "create_security_group", caller, group); !st.ok()) return st;
  if (auto d = ensure_default_security_group(*owner); !d.ok()) return d.status();
  if (group["name"] == "default")
    return neutron_error(Code::kConflict, "SecurityGroupDefaultAlreadyExists",
                         "Default security group already exists.");
  if (st = check_quota(*owner, "security_group"); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (Status put = store_.put("security_group", group["id"], group); !put.ok()) return put;
    for (const char* ethertype : {"IPv4", "IPv6"}) {
      Json rule = stamp_new({{"security_group_id", group["id"]},
                             {"direction", "egress"},
                             {"ethertype", ethertype},
                             {"protocol", nullptr},
                             {"port_range_min", nullptr},
                             {"port_range_max", nullptr},
                             {"remote_ip_prefix", nullptr},
                             {"remote_group_id", nullptr},
                             {"remote_address_group_id", nullptr}},
                            *owner);
      if (auto r = insert_rule(rule); !r.ok()) return r.status();
    }
    return {};
  });
  if (!st.ok()) return st;
  return security_group_view(group);
}

Result<Json> NetworkService::get_security_group(const Credentials& caller, const std::string& id) const {
  const Json* g = store_.get("security_group", id);
  if (!g || !policy_.allowed("get_security_group", caller, *g)) return group_not_found(id);
  return security_group_view(*g);
}

std::vector<Json> NetworkService::list_security_groups(const Credentials& caller) {
  if (!caller.project_id.empty()) (void)ensure_default_security_group(caller.project_id);
  std::vector<Json> out;
  for (const Json* g : store_.list("security_group"))
    if (policy_.allowed("get_security_group", caller, *g)) out.push_back(security_group_view(*g));
  return out;
}

Result<Json> NetworkService::update_security_group(const Credentials& caller, const std::string& id, const Json& body) {
  const Json* found = store_.get("security_group", id);
  if (!found || !policy_.allowed("get_security_group", caller, *found)) return group_not_found(id);
  Json group = *found;
  Status st = check_attributes(body, {"name", "description", "stateful"}, kGroupFields, "PUT");
  if (!st.ok()) return st;
  if (st = authorize(policy_, "update_security_group", caller, group); !st.ok()) return st;
  std::string old_name = group["name"];
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, group); !c.ok()) return c;
  if (Status c = copy_boolean(body, "stateful", group); !c.ok()) return c;
  if (old_name == "default" && group["name"] != "default")
    return neutron_error(Code::kConflict, "SecurityGroupCannotUpdateDefault",
                         "Updating default security group not allowed.");
  if (old_name != "default" && group["name"] == "default")
    return neutron_error(Code::kConflict, "SecurityGroupDefaultAlreadyExists",
                         "Default security group already exists.");
  if (st = touch_and_put("security_group", group); !st.ok()) return st;
  return security_group_view(*store_.get("security_group", id));
}

Status NetworkService::delete_security_group(const Credentials& caller, const std::string& id) {
  const Json* found = store_.get("security_group", id);
  if (!found || !policy_.allowed("get_security_group", caller, *found)) return group_not_found(id);
  Json group = *found;
  if (Status st = authorize(policy_, "delete_security_group", caller, group); !st.ok()) return st;
  if (group["name"] == "default" && !caller.is_admin())
    return neutron_error(Code::kConflict, "SecurityGroupCannotRemoveDefault",
                         "Insufficient rights for removing default security group.");
  for (const Json* p : store_.list("port")) {
    const Json& groups = (*p)["security_groups"];
    if (std::find(groups.begin(), groups.end(), Json(id)) != groups.end())
      return neutron_error(Code::kConflict, "SecurityGroupInUse", "Security Group " + id + " in use.");
  }
  std::set<std::string> rules;
  for (const Json* r : store_.find("security_group_rule", "security_group_id", id)) rules.insert((*r)["id"]);
  for (const Json* r : store_.find("security_group_rule", "remote_group_id", id)) rules.insert((*r)["id"]);
  return store_.transaction([&]() -> Status {
    for (const std::string& r : rules)
      if (Status st = store_.erase("security_group_rule", r); !st.ok()) return st;
    return store_.erase("security_group", id);
  });
}

Result<Json> NetworkService::create_security_group_rule(const Credentials& caller, const Json& body) {
  Status st = check_attributes(
      body,
      {"security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max",
       "remote_ip_prefix", "remote_group_id", "remote_address_group_id", "description", "project_id", "tenant_id"},
      kRuleFields, "POST");
  if (!st.ok()) return st;
  for (const char* required : {"security_group_id", "direction"})
    if (!body.contains(required) || body[required].is_null())
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           std::string("Failed to parse request. Required attribute '") + required + "' not specified");
  std::string group_id = text_of(body["security_group_id"]);
  const Json* group = store_.get("security_group", group_id);
  if (!group || !policy_.allowed("get_security_group", caller, *group)) return group_not_found(group_id);
  auto rule_owner = owner_for_create(caller, body);
  if (!rule_owner.ok()) return rule_owner.status();
  if (st = authorize(policy_, "create_security_group_rule", caller, *group); !st.ok()) return st;
  if (st = check_quota(*rule_owner, "security_group_rule"); !st.ok()) return st;

  std::string direction = text_of(body["direction"]);
  if (direction != "ingress" && direction != "egress")
    return invalid_attribute("direction", in_quotes(direction) + " is not in ['ingress', 'egress']");
  std::string ethertype =
      body.contains("ethertype") && !body["ethertype"].is_null() ? text_of(body["ethertype"]) : "IPv4";
  if (ethertype == "ipv4") ethertype = "IPv4";
  if (ethertype == "ipv6") ethertype = "IPv6";
  if (ethertype != "IPv4" && ethertype != "IPv6")
    return invalid_attribute("ethertype", in_quotes(ethertype) + " is not in ['IPv4', 'IPv6']");
  Json protocol = body.contains("protocol") ? body["protocol"] : Json(nullptr);
  auto proto = protocol_number(protocol);
  if (!proto.ok()) return proto.status();
  if (*proto < 0) {
    protocol = nullptr;
  } else {
    std::string p = text_of(protocol);
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    protocol = p;
  }
  if (ethertype == "IPv4" && *proto == 58)
    return neutron_error(Code::kBadRequest, "SecurityGroupEthertypeConflictWithProtocol",
                         "Invalid ethertype IPv4 for protocol " + text_of(protocol) + ".");

  auto pmin = port_value(body, "port_range_min");
  if (!pmin.ok()) return pmin.status();
  auto pmax = port_value(body, "port_range_max");
  if (!pmax.ok()) return pmax.status();
  bool any_port = *pmin || *pmax;
  if (any_port) {
    if (*proto < 0)
      return neutron_error(Code::kBadRequest, "SecurityGroupProtocolRequiredWithPorts",
                           "Must also specify protocol if port range is given.");
    bool ported = *proto == 6 || *proto == 17 || *proto == 132 || *proto == 33 || *proto == 136;
    bool icmp = *proto == 1 || *proto == 58;
    if (ported) {
      for (const auto* v : {&*pmin, &*pmax})
        if (*v && (**v < 1 || **v > 65535))
          return neutron_error(Code::kBadRequest, "SecurityGroupInvalidPortValue",
                               "Invalid value for port " + std::to_string(**v));
      if (!*pmin || !*pmax || **pmin > **pmax)
        return neutron_error(Code::kBadRequest, "SecurityGroupInvalidPortRange",
                             "For TCP/UDP protocols, port_range_min must be <= port_range_max");
    } else if (icmp) {
      for (auto [v, field, attr] :
           {std::tuple{&*pmin, "type", "port_range_min"}, std::tuple{&*pmax, "code", "port_range_max"}})
        if (*v && (**v < 0 || **v > 255))
          return neutron_error(Code::kBadRequest, "SecurityGroupInvalidIcmpValue",
                               std::string("Invalid value for ICMP ") + field + " (" + attr + ") " +
                                   std::to_string(**v) + ". It must be 0 to 255.");
      if (!*pmin && *pmax)
        return neutron_error(Code::kBadRequest, "SecurityGroupMissingIcmpType",
                             "ICMP code (port-range-max) " + std::to_string(**pmax) +
                                 " is provided but ICMP type (port-range-min) is missing.");
    } else {
      return neutron_error(Code::kBadRequest, "SecurityGroupInvalidProtocolForPortRange",
                           "Invalid protocol " + text_of(protocol) +
                               " for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.");
    }
  }

  bool has_prefix = body.contains("remote_ip_prefix") && !body["remote_ip_prefix"].is_null();
  bool has_group = body.contains("remote_group_id") && !body["remote_group_id"].is_null();
  if (has_prefix && has_group)
    return neutron_error(Code::kBadRequest, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
                         "Only remote_ip_prefix or remote_group_id may be provided.");
  Json prefix = nullptr, remote_group = nullptr;
  if (has_prefix) {
    std::string text = text_of(body["remote_ip_prefix"]);
    auto parsed = parse_cidr(
        text.find('/') == std::string::npos ? text + (text.find(':') == std::string::npos ? "/32" : "/128") : text);
    if (!parsed) return invalid_attribute("remote_ip_prefix", in_quotes(text) + " is not a valid IP subnet");
    if ((parsed->cidr.version == 4) != (ethertype == "IPv4"))
      return neutron_error(Code::kBadRequest, "SecurityGroupRuleParameterConflict",
                           "Conflicting value ethertype " + ethertype + " for CIDR " + text);
    prefix = parsed->cidr.str();
  }
  if (has_group) {
    std::string rg = text_of(body["remote_group_id"]);
    const Json* g = store_.get("security_group", rg);
    if (!g || !policy_.allowed("get_security_group", caller, *g)) return group_not_found(rg);
    remote_group = rg;
  }
  Json rule = {{"security_group_id", group_id},
               {"direction", direction},
               {"ethertype", ethertype},
               {"protocol", protocol},
               {"port_range_min", *pmin ? Json(**pmin) : Json(nullptr)},
               {"port_range_max", *pmax ? Json(**pmax) : Json(nullptr)},
               {"remote_ip_prefix", prefix},
               {"remote_group_id", remote_group},
               {"remote_address_group_id", nullptr}};
  if (Status c = copy_string(body, "description", rule); !c.ok()) return c;
  rule = stamp_new(std::move(rule), (*group)["project_id"]);
  Json group_doc = *group;
  Result<Json> inserted = Json();
  st = store_.transaction([&]() -> Status {
    inserted = insert_rule(rule);
    if (!inserted.ok()) return inserted.status();
    return touch_and_put("security_group", group_doc);  // a rule change is a revision of its group
  });
  if (!st.ok()) return st;
  return *inserted;
}

Result<Json> NetworkService::get_security_group_rule(const Credentials& caller, const std::string& id) const {
  const Json* r = store_.get("security_group_rule", id);
  if (!r || !policy_.allowed("get_security_group_rule", caller, *r))
    return neutron_error(Code::kNotFound, "SecurityGroupRuleNotFound", "Security group rule " + id + " does not exist");
  return *r;
}

std::vector<Json> NetworkService::list_security_group_rules(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* r : store_.list("security_group_rule"))
    if (policy_.allowed("get_security_group_rule", caller, *r)) out.push_back(*r);
  return out;
}

Status NetworkService::delete_security_group_rule(const Credentials& caller, const std::string& id) {
  auto rule = get_security_group_rule(caller, id);
  if (!rule.ok()) return rule.status();
  if (Status st = authorize(policy_, "delete_security_group_rule", caller, *rule); !st.ok()) return st;
  return store_.transaction([&]() -> Status {
    if (Status st = store_.erase("security_group_rule", id); !st.ok()) return st;
    if (const Json* g = store_.get("security_group", (*rule)["security_group_id"]))
      return touch_and_put("security_group", *g);
    return {};
  });
}

}  // namespace stacklab::network
