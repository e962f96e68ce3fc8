#include "engine/network/network_policy.h"

#include "engine/network/network_errors.h"

namespace stacklab::network {

void register_network_policy(Policy& p) {
  p.register_default("context_is_admin", "role:admin");
  p.register_default("owner", "project_id:%(project_id)s");
  p.register_default("admin_or_owner", "rule:context_is_admin or rule:owner");
  p.register_default("admin_only", "rule:context_is_admin");
  p.register_default("regular_user", "");
  // Upstream writes these field:networks:shared=True and field:networks:router:external=True;
  // this engine's generic check "<literal>:<target field>" says the same.
  p.register_default("shared", "True:shared");
  p.register_default("external", "True:router:external");
  p.register_default("network_owner", "project_id:%(network:project_id)s");
  p.register_default("admin_or_network_owner", "rule:context_is_admin or rule:network_owner");
  p.register_default("admin_owner_or_network_owner", "rule:owner or rule:admin_or_network_owner");

  p.register_default("create_network", "rule:regular_user");
  p.register_default("get_network", "rule:admin_or_owner or rule:shared or rule:external");
  p.register_default("update_network", "rule:admin_or_owner");
  p.register_default("delete_network", "rule:admin_or_owner");
  for (const char* verb : {"create_network", "update_network"}) {
    for (const char* field : {"shared", "router:external", "is_default", "provider:network_type",
                              "provider:physical_network", "provider:segmentation_id"})
      p.register_default(std::string(verb) + ":" + field, "rule:admin_only");
  }
  for (const char* field : {"provider:network_type", "provider:physical_network", "provider:segmentation_id"})
    p.register_default(std::string("get_network:") + field, "rule:admin_only");

  p.register_default("create_subnet", "rule:admin_or_network_owner");
  p.register_default("get_subnet", "rule:admin_or_owner or rule:shared");
  p.register_default("update_subnet", "rule:admin_or_network_owner");
  p.register_default("delete_subnet", "rule:admin_or_network_owner");

  p.register_default("create_port", "rule:regular_user");
  p.register_default("create_port:device_owner:network", "rule:admin_or_network_owner");
  p.register_default("create_port:mac_address", "rule:admin_or_network_owner");
  p.register_default("create_port:fixed_ips:ip_address", "rule:admin_or_network_owner");
  p.register_default("create_port:port_security_enabled", "rule:admin_or_network_owner");
  p.register_default("create_port:binding:host_id", "rule:admin_only");
  p.register_default("create_port:binding:profile", "rule:admin_only");
  p.register_default("get_port", "rule:admin_owner_or_network_owner");
  p.register_default("get_port:binding:host_id", "rule:admin_only");
  p.register_default("get_port:binding:profile", "rule:admin_only");
  p.register_default("get_port:binding:vif_type", "rule:admin_only");
  p.register_default("get_port:binding:vif_details", "rule:admin_only");
  p.register_default("update_port", "rule:admin_or_owner");
  p.register_default("update_port:mac_address", "rule:admin_only");
  p.register_default("update_port:fixed_ips:ip_address", "rule:admin_or_network_owner");
  p.register_default("update_port:port_security_enabled", "rule:admin_or_network_owner");
  p.register_default("update_port:binding:host_id", "rule:admin_only");
  p.register_default("update_port:binding:profile", "rule:admin_only");
  p.register_default("delete_port", "rule:admin_owner_or_network_owner");

  p.register_default("create_security_group", "rule:regular_user");
  p.register_default("get_security_group", "rule:admin_or_owner");
  p.register_default("update_security_group", "rule:admin_or_owner");
  p.register_default("delete_security_group", "rule:admin_or_owner");
  p.register_default("create_security_group_rule", "rule:admin_or_owner");
  p.register_default("get_security_group_rule", "rule:admin_or_owner");
  p.register_default("delete_security_group_rule", "rule:admin_or_owner");

  p.register_default("create_subnetpool", "rule:regular_user");
  p.register_default("create_subnetpool:shared", "rule:admin_only");
  p.register_default("create_subnetpool:is_default", "rule:admin_only");
  p.register_default("get_subnetpool", "rule:admin_or_owner or rule:shared");
  p.register_default("update_subnetpool", "rule:admin_or_owner");
  p.register_default("update_subnetpool:is_default", "rule:admin_only");
  p.register_default("delete_subnetpool", "rule:admin_or_owner");

  p.register_default("create_rbac_policy", "rule:regular_user");
  p.register_default("get_rbac_policy", "rule:admin_or_owner");
  p.register_default("update_rbac_policy", "rule:admin_or_owner");
  p.register_default("delete_rbac_policy", "rule:admin_or_owner");

  p.register_default("get_agent", "rule:admin_only");
  p.register_default("update_agent", "rule:admin_only");
  p.register_default("get_availability_zone", "rule:regular_user");
  p.register_default("get_network_ip_availability", "rule:admin_only");
  // L3 (neutron/conf/policies/router.py and floatingip.py).
  p.register_default("create_router", "rule:regular_user");
  p.register_default("get_router", "rule:admin_or_owner");
  p.register_default("update_router", "rule:admin_or_owner");
  p.register_default("delete_router", "rule:admin_or_owner");
  p.register_default("add_router_interface", "rule:admin_or_owner");
  p.register_default("remove_router_interface", "rule:admin_or_owner");
  p.register_default("add_extraroutes", "rule:admin_or_owner");
  p.register_default("remove_extraroutes", "rule:admin_or_owner");
  for (const char* verb : {"create_router", "update_router"}) {
    std::string v = verb;
    p.register_default(v + ":external_gateway_info", "rule:admin_or_owner");
    p.register_default(v + ":external_gateway_info:network_id", "rule:admin_or_owner");
    p.register_default(v + ":external_gateway_info:enable_snat", "rule:admin_only");
    p.register_default(v + ":external_gateway_info:external_fixed_ips", "rule:admin_only");
    p.register_default(v + ":distributed", "rule:admin_only");
    p.register_default(v + ":ha", "rule:admin_only");
  }
  p.register_default("get_router:distributed", "rule:admin_only");
  p.register_default("get_router:ha", "rule:admin_only");
  p.register_default("create_floatingip", "rule:regular_user");
  p.register_default("create_floatingip:floating_ip_address", "rule:admin_only");
  p.register_default("get_floatingip", "rule:admin_or_owner");
  p.register_default("update_floatingip", "rule:admin_or_owner");
  p.register_default("delete_floatingip", "rule:admin_or_owner");
  for (const char* verb : {"create", "get", "update", "delete"})
    p.register_default(std::string(verb) + "_floatingip_port_forwarding", "rule:admin_or_owner");
}

Status authorize(const Policy& policy, const std::string& action, const Credentials& creds, const Json& target) {
  if (policy.allowed(action, creds, target)) return {};
  return neutron_error(Code::kForbidden, "PolicyNotAuthorized", "(rule:" + action + ") is disallowed by policy");
}

}  // namespace stacklab::network
