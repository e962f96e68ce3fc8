#include "scenarios/lab/lab_networks.h"

namespace stacklab::scenarios {

namespace {

Credentials admin_of(const std::string& project_id) {
  Credentials c;
  c.project_id = project_id;
  c.roles = {"admin", "member", "reader"};
  return c;
}

// DevStack's router1 (lib/neutron_plugins/services/l3, Q_L3_ROUTER_PER_TENANT):
// demo's, gateway on public (SNAT), interfaces on private-subnet (10.0.0.1)
// and ipv6-private-subnet (its gateway, fd45:dd0b:2a48::1). Its own marker,
// so that a state seeded before routers existed gets it too.
Status seed_lab_router(network::NetworkService& networks, const Credentials& as_admin, const std::string& demo_id,
                       Store& store) {
  if (store.get("stacklab_meta", "lab_router1")) return {};
  return store.transaction([&]() -> Status {
    const std::string private_v4 = "76f73ba7-525e-4707-bab9-ff73c51b481a",
                      private_v6 = "90246af6-2a9b-4007-800d-fd89bc4585b2";
    if (networks.get_subnet(as_admin, private_v4).ok() && networks.get_subnet(as_admin, private_v6).ok()) {
      auto router = networks.create_router(as_admin,
                                           {{"name", "router1"},
                                            {"project_id", demo_id},
                                            {"external_gateway_info", {{"network_id", kLabPublicNetworkId}}}},
                                           kLabRouterId);
      if (!router.ok()) return router.status();
      for (const std::string& subnet : {private_v4, private_v6}) {
        auto added = networks.add_router_interface(as_admin, kLabRouterId, {{"subnet_id", subnet}});
        if (!added.ok()) return added.status();
      }
    }
    return store.put("stacklab_meta", "lab_router1", Json{{"id", "lab_router1"}, {"seeded", true}});
  });
}

}  // namespace

Status seed_lab_networks(network::NetworkService& networks, identity::IdentityService& identity, Store& store) {
  store.define("stacklab_meta");
  if (store.get("stacklab_meta", "lab_networks")) {
    auto demo = identity.find_project("demo", "default");
    auto admin = identity.find_project("admin", "default");
    if (!demo.ok() || !admin.ok()) return {};
    return seed_lab_router(networks, admin_of((*admin)["id"]), (*demo)["id"], store);
  }
  auto admin = identity.find_project("admin", "default");
  auto demo = identity.find_project("demo", "default");
  if (!admin.ok()) return admin.status();
  if (!demo.ok()) return demo.status();
  std::string admin_id = (*admin)["id"], demo_id = (*demo)["id"];
  Credentials as_admin = admin_of(admin_id);

  return store.transaction([&]() -> Status {
    // DevStack's lib/neutron_plugins/services/l3: the external network on br-ex's physnet.
    const std::string public_id = kLabPublicNetworkId;
    auto pub = networks.create_network(as_admin,
                                       {{"name", "public"},
                                        {"router:external", true},
                                        {"is_default", true},
                                        {"provider:network_type", "flat"},
                                        {"provider:physical_network", "public"}},
                                       public_id);
    if (!pub.ok()) return pub.status();
    auto sub = networks.create_subnet(as_admin,
                                      {{"name", "public-subnet"},
                                       {"network_id", public_id},
                                       {"ip_version", 4},
                                       {"cidr", "172.24.4.0/24"},
                                       {"gateway_ip", "172.24.4.1"},
                                       {"enable_dhcp", false}},
                                      "45f1de67-00f3-425d-bc37-f25bc03fc721");
    if (!sub.ok()) return sub.status();
    sub = networks.create_subnet(as_admin, {{"name", "ipv6-public-subnet"},
                                            {"network_id", public_id},
                                            {"ip_version", 6},
                                            {"cidr", "2001:db8::/64"},
                                            {"gateway_ip", "2001:db8::2"},
                                            {"enable_dhcp", false}});
    if (!sub.ok()) return sub.status();

    // DevStack's shared default subnet pools (lib/neutron_plugins/services/l3: IPV4_ADDRS_SAFE_TO_USE
    // 10.0.0.0/22 in /26s, IPV6_ADDRS_SAFE_TO_USE fd<global id>::/56 in /64s), which the private
    // subnets are drawn from.
    auto pool_v4 = networks.create_subnet_pool(as_admin, {{"name", "shared-default-subnetpool"},
                                                          {"prefixes", {"10.0.0.0/22"}},
                                                          {"default_prefixlen", 26},
                                                          {"shared", true},
                                                          {"is_default", true}});
    if (!pool_v4.ok()) return pool_v4.status();
    auto pool_v6 = networks.create_subnet_pool(as_admin, {{"name", "shared-default-subnetpool-v6"},
                                                          {"prefixes", {"fd45:dd0b:2a48::/56"}},
                                                          {"default_prefixlen", 64},
                                                          {"shared", true},
                                                          {"is_default", true}});
    if (!pool_v6.ok()) return pool_v6.status();

    const std::string private_id = "65ba9c58-b64a-47bd-bf2c-fe2c54512354";
    auto priv = networks.create_network(as_admin, {{"name", "private"}, {"project_id", demo_id}}, private_id);
    if (!priv.ok()) return priv.status();
    sub = networks.create_subnet(as_admin,
                                 {{"name", "private-subnet"},
                                  {"network_id", private_id},
                                  {"project_id", demo_id},
                                  {"ip_version", 4},
                                  {"subnetpool_id", (*pool_v4)["id"]}},
                                 "76f73ba7-525e-4707-bab9-ff73c51b481a");
    if (!sub.ok()) return sub.status();
    sub = networks.create_subnet(as_admin,
                                 {{"name", "ipv6-private-subnet"},
                                  {"network_id", private_id},
                                  {"project_id", demo_id},
                                  {"ip_version", 6},
                                  {"subnetpool_id", (*pool_v6)["id"]},
                                  {"ipv6_ra_mode", "slaac"},
                                  {"ipv6_address_mode", "slaac"}},
                                 "90246af6-2a9b-4007-800d-fd89bc4585b2");
    if (!sub.ok()) return sub.status();
    auto sg = networks.ensure_default_security_group(demo_id, "60e27332-5724-403c-824f-6d840b9537ee");
    if (!sg.ok()) return sg.status();
    if (Status st = seed_lab_router(networks, as_admin, demo_id, store); !st.ok()) return st;
    return store.put("stacklab_meta", "lab_networks", Json{{"id", "lab_networks"}, {"seeded", true}});
  });
}

}  // namespace stacklab::scenarios
