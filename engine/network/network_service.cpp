// NetworkService: tables, options and what every resource shares (standard
// attributes: created_at, updated_at, revision_number, description, tags;
// project_id with its tenant_id alias).
#include "engine/network/network_service.h"

#include "engine/core/timeutil.h"
#include "engine/network/network_errors.h"

namespace stacklab::network {

namespace {

// "1:1000" -> {1, 1000}; the fallback when malformed.
std::pair<long long, long long> parse_range(const std::string& text, std::pair<long long, long long> fallback) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return fallback;
  try {
    long long lo = std::stoll(text.substr(0, colon)), hi = std::stoll(text.substr(colon + 1));
    if (lo < 1 || hi < lo) return fallback;
    return {lo, hi};
  } catch (...) {
    return fallback;
  }
}

}  // namespace

NetworkOptions NetworkOptions::from_config(const Config& config) {
  NetworkOptions o;
  std::string types = config.get("ml2", "tenant_network_types", "vxlan");
  o.tenant_network_type = types.substr(0, types.find(','));
  std::tie(o.vni_min, o.vni_max) = parse_range(config.get("ml2_type_vxlan", "vni_ranges", "1:1000"), {1, 1000});
  std::tie(o.gre_min, o.gre_max) = parse_range(config.get("ml2_type_gre", "tunnel_id_ranges", "1:1000"), {1, 1000});
  o.global_physnet_mtu = static_cast<int>(config.get_int("DEFAULT", "global_physnet_mtu", 1500));
  o.availability_zone = config.get("AGENT", "availability_zone", "nova");
  o.host = config.get("DEFAULT", "host", o.host);
  return o;
}

NetworkService::NetworkService(Store& store, Clock& clock, Random& random, const Policy& policy, NetworkOptions options)
    : store_(store), clock_(clock), random_(random), policy_(policy), options_(std::move(options)) {
  store_.define("network", {"project_id", "segment_key"});
  store_.define("subnet", {"network_id", "project_id"});
  store_.define("port", {"network_id", "project_id", "mac_address", "device_id"});
  store_.define("ip_allocation", {"subnet_id", "port_id"});
  store_.define("security_group", {"project_id"});
  store_.define("security_group_rule", {"security_group_id", "remote_group_id", "project_id"});
  store_.define("subnetpool", {"project_id"});
  store_.define("subnet", {"subnetpool_id"});
  store_.define("rbac_policy", {"object_id", "project_id"});
  store_.define("network_quota");
  store_.define("agent", {"host"});
  store_.define("router", {"project_id"});
  store_.define("floatingip", {"port_id", "router_id", "floating_network_id", "project_id"});
  store_.define("port_forwarding", {"floatingip_id", "internal_port_id"});
}

Json NetworkService::stamp_new(Json doc, const std::string& project_id) const {
  std::string now = format_iso_seconds(clock_.now());
  doc["project_id"] = project_id;
  doc["tenant_id"] = project_id;
  if (!doc.contains("description")) doc["description"] = "";
  if (!doc.contains("tags")) doc["tags"] = Json::array();
  doc["created_at"] = now;
  doc["updated_at"] = now;
  doc["revision_number"] = 1;  // Neutron bumps the revision when the creating transaction commits
  return doc;
}

Status NetworkService::touch_and_put(const std::string& kind, Json doc) {
  doc["updated_at"] = format_iso_seconds(clock_.now());
  doc["revision_number"] = doc.value("revision_number", 0) + 1;
  std::string id = doc["id"];
  return store_.put(kind, id, std::move(doc));
}

// The project a new resource belongs to: the caller's, or for admins the
// project_id/tenant_id of the body (Neutron's rule for both spellings).
Result<std::string> NetworkService::owner_for_create(const Credentials& caller, const Json& body) const {
  std::string project = caller.project_id;
  for (const char* key : {"project_id", "tenant_id"}) {
    auto it = body.find(key);
    if (it == body.end()) continue;
    if (!it->is_string()) return invalid_attribute(key, in_quotes(it->dump()) + " is not a valid string");
    std::string wanted = *it;
    if (wanted != caller.project_id && !caller.is_admin())
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request "
                           "requires admin privileges");
    project = wanted;
  }
  if (body.contains("project_id") && body.contains("tenant_id") && body["project_id"] != body["tenant_id"])
    return neutron_error(Code::kBadRequest, "HTTPBadRequest", "'project_id' and 'tenant_id' do not match");
  return project;
}

Json NetworkService::network_target(const Json& network) const {
  return {{"project_id", network["project_id"]},
          {"shared", network["shared"]},
          {"router:external", network["router:external"]},
          {"network:project_id", network["project_id"]}};
}

}  // namespace stacklab::network
