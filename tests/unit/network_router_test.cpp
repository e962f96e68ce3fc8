// Neutron L3 in the engine: router gateways and interfaces, extra routes,
// floating IPs and their association, and the rules that keep routers,
// ports, subnets and floating IPs consistent.
#include <gtest/gtest.h>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"
#include "tests/unit/test_credentials.h"

using namespace stacklab;
using namespace stacklab::network;

namespace {

using stacklab::testing::project;

std::string type_of(const Status& st) { return st.type(); }
std::string message_of(const Status& st) { return st.message(); }

// An external network (172.24.4.0/24 + 2001:db8::/64) and demo's private
// network (10.0.0.0/26 + a SLAAC /64), as the lab has them.
class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    register_network_policy(policy_);
    service_ = std::make_unique<NetworkService>(*store_, clock_, random_, policy_);
    public_ = ok(service_->create_network(admin_, {{"name", "public"}, {"router:external", true}}));
    public_v4_ = ok(service_->create_subnet(
        admin_, {{"network_id", public_["id"]}, {"ip_version", 4}, {"cidr", "172.24.4.0/24"}, {"enable_dhcp", false}}));
    public_v6_ = ok(service_->create_subnet(admin_, {{"network_id", public_["id"]},
                                                     {"ip_version", 6},
                                                     {"cidr", "2001:db8::/64"},
                                                     {"gateway_ip", "2001:db8::2"},
                                                     {"enable_dhcp", false}}));
    private_ = ok(service_->create_network(demo_, {{"name", "private"}}));
    private_v4_ = ok(
        service_->create_subnet(demo_, {{"network_id", private_["id"]}, {"ip_version", 4}, {"cidr", "10.0.0.0/26"}}));
    private_v6_ = ok(service_->create_subnet(demo_, {{"network_id", private_["id"]},
                                                     {"ip_version", 6},
                                                     {"cidr", "fd45:dd0b:2a48::/64"},
                                                     {"ipv6_ra_mode", "slaac"},
                                                     {"ipv6_address_mode", "slaac"}}));
  }
  static Json ok(const Result<Json>& r) {
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Json();
  }
  std::string id(const Json& doc) { return doc["id"]; }
  Json router_with_gateway(const std::string& name = "r") {
    return ok(
        service_->create_router(demo_, {{"name", name}, {"external_gateway_info", {{"network_id", id(public_)}}}}));
  }
  Json server_port() {
    return ok(service_->create_port(demo_, {{"network_id", id(private_)}, {"device_owner", "compute:nova"}}));
  }

  ManualClock clock_;
  SeededRandom random_{7};
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<NetworkService> service_;
  Credentials demo_ = project("demo"), alt_ = project("alt"), admin_ = project("admin", true);
  Json public_, public_v4_, public_v6_, private_, private_v4_, private_v6_;
};

}  // namespace

TEST_F(RouterTest, GatewayTakesOneAddressPerFamilyOnTheExternalNetwork) {
  Json r = router_with_gateway();
  EXPECT_EQ(r["status"], "ACTIVE");
  EXPECT_EQ(r["external_gateway_info"]["network_id"], id(public_));
  EXPECT_EQ(r["external_gateway_info"]["enable_snat"], true);
  Json ips = r["external_gateway_info"]["external_fixed_ips"];
  ASSERT_EQ(ips.size(), 2u) << ips.dump();
  EXPECT_EQ(ips[0]["ip_address"], "172.24.4.2");
  EXPECT_EQ(ips[1]["ip_address"], "2001:db8::1");
  // Members see neither the admin-only flags nor the project-less gateway port.
  EXPECT_FALSE(r.contains("distributed"));
  EXPECT_TRUE(ok(service_->get_router(admin_, id(r))).contains("distributed"));
  for (const Json& p : service_->list_ports(demo_)) EXPECT_NE(p["device_owner"], "network:router_gateway");
  bool found = false;
  for (const Json& p : service_->list_ports(admin_))
    if (p["device_owner"] == "network:router_gateway" && p["device_id"] == r["id"]) found = true;
  EXPECT_TRUE(found);
}

TEST_F(RouterTest, GatewayNeedsAnExternalNetworkAndAdminForSpecificAddresses) {
  auto bad = service_->create_router(demo_, {{"external_gateway_info", {{"network_id", id(private_)}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kBadRequest);
  EXPECT_EQ(message_of(bad.status()), "Bad router request: Network " + id(private_) + " is not an external network.");
  EXPECT_TRUE(service_->list_routers(demo_).empty());  // nothing half-created
  auto fixed = service_->create_router(
      demo_, {{"external_gateway_info",
               {{"network_id", id(public_)}, {"external_fixed_ips", {{{"ip_address", "172.24.4.100"}}}}}}});
  EXPECT_EQ(fixed.status().code(), Code::kForbidden);
  Json r = ok(service_->create_router(
      admin_, {{"external_gateway_info",
                {{"network_id", id(public_)}, {"external_fixed_ips", {{{"ip_address", "172.24.4.100"}}}}}}}));
  ASSERT_EQ(r["external_gateway_info"]["external_fixed_ips"].size(), 1u);
  EXPECT_EQ(r["external_gateway_info"]["external_fixed_ips"][0]["ip_address"], "172.24.4.100");
}

TEST_F(RouterTest, InterfacesBySubnetTakeTheGatewayAddress) {
  Json r = router_with_gateway();
  Json info = ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}));
  EXPECT_EQ(info["id"], id(r));
  EXPECT_EQ(info["subnet_id"], id(private_v4_));
  EXPECT_EQ(info["network_id"], id(private_));
  EXPECT_EQ(info["project_id"], "demo");
  Json port = ok(service_->get_port(demo_, info["port_id"]));
  EXPECT_EQ(port["device_owner"], "network:router_interface");
  EXPECT_EQ(port["device_id"], id(r));
  ASSERT_EQ(port["fixed_ips"].size(), 1u);  // no SLAAC address on a router port
  EXPECT_EQ(port["fixed_ips"][0]["ip_address"], "10.0.0.1");
  // The SLAAC subnet's gateway, on a port of its own.
  Json v6 = ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v6_)}}));
  EXPECT_NE(v6["port_id"], info["port_id"]);
  EXPECT_EQ(ok(service_->get_port(demo_, v6["port_id"]))["fixed_ips"][0]["ip_address"], "fd45:dd0b:2a48::1");

  auto again = service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}});
  EXPECT_EQ(again.status().code(), Code::kBadRequest);
  EXPECT_EQ(message_of(again.status()),
            "Bad router request: Router already has a port on subnet " + id(private_v4_) + ".");
}

TEST_F(RouterTest, InterfaceRulesAndErrors) {
  Json r = router_with_gateway();
  Json no_gw_net = ok(service_->create_network(demo_, {{"name", "n"}}));
  Json no_gw = ok(service_->create_subnet(
      demo_, {{"network_id", id(no_gw_net)}, {"ip_version", 4}, {"cidr", "10.9.0.0/24"}, {"gateway_ip", nullptr}}));
  auto refused = service_->add_router_interface(demo_, id(r), {{"subnet_id", id(no_gw)}});
  EXPECT_EQ(message_of(refused.status()), "Bad router request: Subnet for router interface must have a gateway IP.");
  EXPECT_EQ(service_->add_router_interface(demo_, id(r), Json::object()).status().code(), Code::kBadRequest);
  EXPECT_EQ(service_->add_router_interface(alt_, id(r), {{"subnet_id", id(private_v4_)}}).status().code(),
            Code::kNotFound);

  Json bound = server_port();
  ASSERT_TRUE(service_->update_port(demo_, id(bound), {{"device_id", "vm-1"}}).ok());
  auto in_use = service_->add_router_interface(demo_, id(r), {{"port_id", id(bound)}});
  EXPECT_EQ(in_use.status().code(), Code::kConflict);
  EXPECT_EQ(type_of(in_use.status()), "PortInUse");

  auto missing = service_->remove_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}});
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(message_of(missing.status()), "Router " + id(r) + " has no interface on subnet " + id(private_v4_));
}

TEST_F(RouterTest, InterfacesKeepRouterSubnetAndPortAlive) {
  Json r = router_with_gateway();
  Json info = ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}));
  Status del = service_->delete_router(demo_, id(r));
  EXPECT_EQ(del.code(), Code::kConflict);
  EXPECT_EQ(message_of(del), "Router " + id(r) + " still has ports");
  EXPECT_EQ(type_of(service_->delete_subnet(demo_, id(private_v4_))), "SubnetInUse");
  Status port_del = service_->delete_port(demo_, info["port_id"]);
  EXPECT_EQ(port_del.code(), Code::kConflict);
  EXPECT_EQ(type_of(port_del), "ServicePortInUse");

  Json removed = ok(service_->remove_router_interface(demo_, id(r), {{"port_id", info["port_id"]}}));
  EXPECT_EQ(removed["subnet_ids"], Json::array({id(private_v4_)}));
  EXPECT_EQ(service_->get_port(admin_, info["port_id"]).status().code(), Code::kNotFound);
  EXPECT_TRUE(service_->delete_router(demo_, id(r)).ok());
  // The gateway port went with it: the address is free again.
  Json next = router_with_gateway("next");
  EXPECT_EQ(next["external_gateway_info"]["external_fixed_ips"][0]["ip_address"], "172.24.4.2");
}

TEST_F(RouterTest, ExtraRoutesNeedAConnectedNexthop) {
  Json r = router_with_gateway();
  ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}));
  auto far = service_->update_router(demo_, id(r),
                                     {{"routes", {{{"destination", "192.168.0.0/24"}, {"nexthop", "10.1.0.5"}}}}});
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(message_of(far.status()),
            "Invalid format for routes: [{'destination': '192.168.0.0/24', 'nexthop': '10.1.0.5'}], the nexthop is "
            "not connected with router");
  Json updated = ok(service_->update_router(
      demo_, id(r), {{"routes", {{{"destination", "192.168.0.0/24"}, {"nexthop", "10.0.0.5"}}}}}));
  EXPECT_EQ(updated["routes"].size(), 1u);
  Json added = ok(service_->add_extraroutes(
      demo_, id(r), {{"routes", {{{"destination", "192.168.1.0/24"}, {"nexthop", "10.0.0.6"}}}}}));
  EXPECT_EQ(added["routes"].size(), 2u);
  // An interface a route goes through stays.
  auto busy = service_->remove_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}});
  EXPECT_EQ(type_of(busy.status()), "RouterInterfaceInUseByRoute");
  Json removed = ok(service_->remove_extraroutes(
      demo_, id(r), {{"routes", {{{"destination", "192.168.0.0/24"}, {"nexthop", "10.0.0.5"}}}}}));
  ASSERT_EQ(removed["routes"].size(), 1u);
  EXPECT_EQ(removed["routes"][0]["destination"], "192.168.1.0/24");
}

TEST_F(RouterTest, FloatingIpAllocatesAnAddressAndAPort) {
  Json fip = ok(service_->create_floating_ip(demo_, {{"floating_network_id", id(public_)}}));
  EXPECT_EQ(fip["floating_ip_address"], "172.24.4.2");
  EXPECT_EQ(fip["status"], "DOWN");
  EXPECT_TRUE(fip["port_id"].is_null());
  EXPECT_TRUE(fip["router_id"].is_null());
  EXPECT_EQ(fip["project_id"], "demo");
  auto specific = service_->create_floating_ip(
      demo_, {{"floating_network_id", id(public_)}, {"floating_ip_address", "172.24.4.50"}});
  EXPECT_EQ(specific.status().code(), Code::kForbidden);
  Json chosen = ok(service_->create_floating_ip(
      admin_, {{"floating_network_id", id(public_)}, {"floating_ip_address", "172.24.4.50"}, {"project_id", "demo"}}));
  EXPECT_EQ(chosen["floating_ip_address"], "172.24.4.50");
  auto taken = service_->create_floating_ip(
      admin_, {{"floating_network_id", id(public_)}, {"floating_ip_address", "172.24.4.50"}});
  EXPECT_EQ(taken.status().code(), Code::kConflict);
  auto internal = service_->create_floating_ip(demo_, {{"floating_network_id", id(private_)}});
  EXPECT_EQ(message_of(internal.status()),
            "Bad floatingip request: Network " + id(private_) + " is not a valid external network.");
  EXPECT_EQ(service_->get_floating_ip(alt_, id(fip)).status().code(), Code::kNotFound);

  ASSERT_TRUE(service_->delete_floating_ip(demo_, id(fip)).ok());
  Json reused = ok(service_->create_floating_ip(demo_, {{"floating_network_id", id(public_)}}));
  EXPECT_EQ(reused["floating_ip_address"], "172.24.4.2");  // released with its port
}

TEST_F(RouterTest, AssociationNeedsARouterJoiningTheSubnetToTheNetwork) {
  Json port = server_port();
  Json fip = ok(service_->create_floating_ip(demo_, {{"floating_network_id", id(public_)}}));
  auto unreachable = service_->update_floating_ip(demo_, id(fip), {{"port_id", id(port)}});
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), Code::kNotFound);
  EXPECT_EQ(message_of(unreachable.status()), "External network " + id(public_) + " is not reachable from subnet " +
                                                  id(private_v4_) + ".  Therefore, cannot associate Port " + id(port) +
                                                  " with a Floating IP.");

  Json r = router_with_gateway();
  ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}));
  Json associated = ok(service_->update_floating_ip(demo_, id(fip), {{"port_id", id(port)}}));
  EXPECT_EQ(associated["status"], "ACTIVE");
  EXPECT_EQ(associated["router_id"], id(r));
  EXPECT_EQ(associated["fixed_ip_address"], port["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(associated["port_details"]["device_owner"], "compute:nova");
  EXPECT_EQ(service_->port_floating_ips(id(port)).size(), 1u);

  Json second = ok(service_->create_floating_ip(demo_, {{"floating_network_id", id(public_)}}));
  auto twice = service_->update_floating_ip(demo_, id(second), {{"port_id", id(port)}});
  EXPECT_EQ(type_of(twice.status()), "FloatingIPPortAlreadyAssociated");
  auto not_on_port =
      service_->update_floating_ip(demo_, id(second), {{"port_id", id(port)}, {"fixed_ip_address", "10.0.0.40"}});
  EXPECT_EQ(not_on_port.status().code(), Code::kBadRequest);
  EXPECT_EQ(message_of(not_on_port.status()),
            "Bad floatingip request: Port " + id(port) + " does not have fixed ip 10.0.0.40.");

  // The gateway and the interface are needed while the association holds.
  EXPECT_EQ(type_of(service_->update_router(demo_, id(r), {{"external_gateway_info", nullptr}}).status()),
            "RouterExternalGatewayInUseByFloatingIp");
  EXPECT_EQ(type_of(service_->remove_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}).status()),
            "RouterInterfaceInUseByFloatingIP");

  Json cleared = ok(service_->update_floating_ip(demo_, id(fip), {{"port_id", nullptr}}));
  EXPECT_EQ(cleared["status"], "DOWN");
  EXPECT_TRUE(cleared["router_id"].is_null());
  EXPECT_TRUE(cleared["fixed_ip_address"].is_null());
}

TEST_F(RouterTest, DeletingAPortDisassociatesItsFloatingIp) {
  Json r = router_with_gateway();
  ok(service_->add_router_interface(demo_, id(r), {{"subnet_id", id(private_v4_)}}));
  Json port = server_port();
  Json fip = ok(service_->create_floating_ip(demo_, {{"floating_network_id", id(public_)}, {"port_id", id(port)}}));
  EXPECT_EQ(fip["status"], "ACTIVE");
  ASSERT_TRUE(service_->delete_port(demo_, id(port)).ok());
  Json after = ok(service_->get_floating_ip(demo_, id(fip)));
  EXPECT_TRUE(after["port_id"].is_null());
  EXPECT_EQ(after["status"], "DOWN");
  EXPECT_TRUE(service_->port_floating_ips(id(port)).empty());
}
