"""Neutron routers and floating IPs with Debian's real `openstack` CLI.

Replays the bootcamp's L3 steps: the lab's router1 (gateway on public,
interfaces on both private subnets), a router built by hand as in EX-35
(create, set --external-gateway, add subnet, show, delete refused while it
has an interface, remove subnet, delete), floating IPs (create from public,
a chosen address as admin, set/unset --port, list, show, delete), and the
association refused when no router joins the port's subnet to public.
"""

import re

from harness import Suite

PUBLIC = "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4"


def refused(run, status):
    return not run.ok and re.search(rf"\b{status}\b", run.err) is not None


def addresses(interfaces_info):
    """The ip_address values of `router show`'s interfaces_info (a list, or its JSON text)."""
    import json
    if isinstance(interfaces_info, str):
        interfaces_info = json.loads(interfaces_info or "[]")
    return {i.get("ip_address") for i in interfaces_info or []}


class NetworkL3Suite(Suite):
    name = "network_l3"

    def steps(self):
        return [self.step_lab_router1, self.step_router_by_hand, self.step_floating_ips,
                self.step_association_needs_a_router]

    def step_lab_router1(self):
        show = self.osc("router show router1 -f json", self.demo, "demo", process=True)
        r = show.json() if show.ok else {}
        gw = r.get("external_gateway_info") or {}
        gw_ips = {ip.get("ip_address") for ip in gw.get("external_fixed_ips") or []}
        self.check("router show router1 (demo): ACTIVE, UP, gateway on public with SNAT and 2001:db8::1",
                   r.get("status") == "ACTIVE" and r.get("admin_state_up") is True
                   and gw.get("network_id") == PUBLIC and gw.get("enable_snat") is True
                   and "2001:db8::1" in gw_ips and any(ip.startswith("172.24.4.") for ip in gw_ips), show)
        self.check("router show router1: interfaces 10.0.0.1 and fd45:dd0b:2a48::1",
                   {"10.0.0.1", "fd45:dd0b:2a48::1"} <= addresses(r.get("interfaces_info")), show)
        listed = self.osc("router list -f json", self.demo, "demo")
        self.check("router list (demo): router1", listed.ok and "router1" in self.names(listed.json()), listed)

    def step_router_by_hand(self):
        self.osc("network create NW_bootcamp_01", self.demo, "demo")
        subnet = self.osc("subnet create --network NW_bootcamp_01 --subnet-range 192.168.23.0/24 SN_bootcamp_01 -f json",
                          self.demo, "demo")
        self.check("subnet create SN_bootcamp_01 192.168.23.0/24", subnet.ok, subnet)
        create = self.osc("router create R_bootcamp_01 -f json", self.demo, "demo", process=True)
        c = create.json() if create.ok else {}
        self.check("router create R_bootcamp_01: ACTIVE, no gateway",
                   c.get("status") == "ACTIVE" and not c.get("external_gateway_info"), create)
        gateway = self.osc("router set --external-gateway public R_bootcamp_01", self.demo, "demo", process=True)
        add = self.osc("router add subnet R_bootcamp_01 SN_bootcamp_01", self.demo, "demo", process=True)
        show = self.osc("router show R_bootcamp_01 -f json", self.demo, "demo")
        r = show.json() if show.ok else {}
        gw = r.get("external_gateway_info") or {}
        self.check("router set --external-gateway public; router add subnet: gateway on public, interface 192.168.23.1",
                   gateway.ok and add.ok and gw.get("network_id") == PUBLIC
                   and "192.168.23.1" in addresses(r.get("interfaces_info")), gateway, add, show)
        busy = self.osc("router delete R_bootcamp_01", self.demo, "demo", process=True)
        self.check("router delete while it has an interface: refused (409 RouterInUse)",
                   refused(busy, 409) or (not busy.ok and "still has ports" in busy.err), busy)
        port = self.osc("port list --device-owner network:router_interface --router R_bootcamp_01 -f json",
                        self.demo, "demo")
        port_id = port.json()[0]["ID"] if port.ok and port.json() else "none"
        direct = self.osc(f"port delete {port_id}", self.demo, "demo")
        self.check("port delete of the router's interface port: refused (409 ServicePortInUse)",
                   port_id != "none" and refused(direct, 409), port, direct)
        remove = self.osc("router remove subnet R_bootcamp_01 SN_bootcamp_01", self.demo, "demo", process=True)
        show = self.osc("router show R_bootcamp_01 -f json", self.demo, "demo")
        self.check("router remove subnet: no interface left",
                   remove.ok and show.ok and not addresses(show.json().get("interfaces_info")), remove, show)
        delete = self.osc("router delete R_bootcamp_01", self.demo, "demo", process=True)
        gone = self.osc("router show R_bootcamp_01", self.demo, "demo")
        self.check("router delete R_bootcamp_01: then router show fails", delete.ok and not gone.ok, delete, gone)

    def step_floating_ips(self):
        create = self.osc("floating ip create public -f json", self.demo, "demo", process=True)
        f = create.json() if create.ok else {}
        self.ids["fip"] = f.get("id")
        address = f.get("floating_ip_address") or ""
        self.check("floating ip create public (demo): 172.24.4.x, DOWN, no port, no router",
                   address.startswith("172.24.4.") and f.get("status") == "DOWN" and not f.get("port_id")
                   and not f.get("router_id") and f.get("floating_network_id") == PUBLIC, create)
        chosen = self.osc("floating ip create --floating-ip-address 172.24.4.200 public -f json", self.admin, "admin")
        self.check("floating ip create --floating-ip-address 172.24.4.200 (admin)",
                   chosen.ok and chosen.json().get("floating_ip_address") == "172.24.4.200", chosen)
        member = self.osc("floating ip create --floating-ip-address 172.24.4.201 public", self.demo, "demo")
        self.check("floating ip create --floating-ip-address (demo): 403 by policy", refused(member, 403), member)

        port = self.osc("port create --network private fip-target -f json", self.demo, "demo")
        p = port.json() if port.ok else {}
        fixed = next((ip["ip_address"] for ip in p.get("fixed_ips") or [] if "." in ip["ip_address"]), None)
        set_ = self.osc(f"floating ip set --port fip-target {address}", self.demo, "demo", process=True)
        show = self.osc(f"floating ip show {address} -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        router1 = self.osc("router show router1 -c id -f value", self.demo, "demo").out.strip()
        self.check("floating ip set --port: ACTIVE, fixed_ip_address the port's IPv4, router_id router1",
                   set_.ok and s.get("status") == "ACTIVE" and s.get("port_id") == p.get("id")
                   and s.get("fixed_ip_address") == fixed and s.get("router_id") == router1, port, set_, show)
        listed = self.osc(f"floating ip list --port {p.get('id')} -f json", self.demo, "demo")
        rows = listed.json() if listed.ok else []
        self.check("floating ip list --port: that floating IP, with its fixed address",
                   len(rows) == 1 and rows[0].get("Floating IP Address") == address
                   and rows[0].get("Fixed IP Address") == fixed, listed)
        unset = self.osc(f"floating ip unset --port {address}", self.demo, "demo", process=True)
        show = self.osc(f"floating ip show {address} -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        self.check("floating ip unset --port: DOWN, no port, no router",
                   unset.ok and s.get("status") == "DOWN" and not s.get("port_id") and not s.get("router_id"),
                   unset, show)
        delete = self.osc(f"floating ip delete {address}", self.demo, "demo", process=True)
        listed = self.osc("floating ip list -f json", self.demo, "demo")
        self.check("floating ip delete: no longer listed",
                   delete.ok and listed.ok
                   and address not in {row.get("Floating IP Address") for row in listed.json()}, delete, listed)
        self.osc("floating ip delete 172.24.4.200", self.admin, "admin")

    def step_association_needs_a_router(self):
        self.osc("network create isolated", self.demo, "demo")
        self.osc("subnet create --network isolated --subnet-range 192.168.99.0/24 isolated-subnet", self.demo, "demo")
        port = self.osc("port create --network isolated lonely -f json", self.demo, "demo")
        p = port.json() if port.ok else {}
        subnet = (p.get("fixed_ips") or [{}])[0].get("subnet_id")
        fip = self.osc("floating ip create public -f json", self.demo, "demo")
        address = fip.json().get("floating_ip_address") if fip.ok else "none"
        set_ = self.osc(f"floating ip set --port lonely {address}", self.demo, "demo", process=True)
        expected = (f"External network {PUBLIC} is not reachable from subnet {subnet}.  Therefore, cannot "
                    f"associate Port {p.get('id')} with a Floating IP.")
        self.check("floating ip set --port without a router: 404 'External network ... is not reachable from "
                   "subnet ...'", refused(set_, 404) and expected in set_.err, port, fip, set_)
