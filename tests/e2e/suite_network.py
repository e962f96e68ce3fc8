"""Networking (Neutron v2.0) with Debian's real `openstack` CLI.

Replays the first networking slice as the bootcamp uses it: networks
(create, list, show, set, delete; a member's shared network refused; another
project's network invisible), subnets (IPv4 with gateway, DNS and an
allocation pool; IPv6 SLAAC with an EUI-64 port address), ports with a
chosen fixed IP (and the 409 for a taken one), the 409 for deleting a
network with ports, security groups and rules (tcp/22, icmp, a duplicate
refused), and `extension list --network`.
"""

import re

from harness import Suite


def refused(run, status):
    return not run.ok and re.search(rf"\b{status}\b", run.err) is not None


def eui64(prefix, mac):
    """The SLAAC address of `mac` on a /64 `prefix` ("fd00:1::" style), as python's ipaddress prints it."""
    import ipaddress
    b = [int(x, 16) for x in mac.split(":")]
    iid = bytes([b[0] ^ 2, b[1], b[2], 0xFF, 0xFE, b[3], b[4], b[5]])
    net = ipaddress.IPv6Network(prefix)
    return str(ipaddress.IPv6Address(int(net.network_address) | int.from_bytes(iid, "big")))


class NetworkSuite(Suite):
    name = "network"

    def steps(self):
        return [self.step_extensions, self.step_networks, self.step_member_limits, self.step_subnets,
                self.step_ports, self.step_security_groups, self.step_delete_in_use]

    def step_extensions(self):
        run = self.osc("extension list --network -f json", self.demo, "demo", process=True)
        aliases = {row.get("Alias") for row in run.json()} if run.ok else set()
        self.check("extension list --network: security-group, external-net, net-mtu, port-security",
                   {"security-group", "external-net", "net-mtu", "port-security"} <= aliases, run)

    def step_networks(self):
        create = self.osc("network create --description lab labnet -f json", self.demo, "demo", process=True)
        n = create.json() if create.ok else {}
        self.ids["labnet"] = n.get("id")
        self.check("network create labnet (demo): ACTIVE, MTU 1450, not shared, not external",
                   n.get("status") == "ACTIVE" and n.get("mtu") == 1450 and n.get("shared") is False
                   and n.get("router:external") is False and n.get("description") == "lab", create)
        listed = self.osc("network list -f json", self.demo, "demo")
        self.check("network list (demo): labnet listed",
                   listed.ok and "labnet" in self.names(listed.json()), listed)
        show = self.osc("network show labnet -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        self.check("network show labnet (by name): its id; provider attributes hidden from a member",
                   s.get("id") == n.get("id") and s.get("provider:network_type") is None, show)
        admin_show = self.osc(f"network show {n.get('id')} -f json", self.admin, "admin")
        a = admin_show.json() if admin_show.ok else {}
        self.check("network show (admin): vxlan with a VNI in 1..1000",
                   a.get("provider:network_type") == "vxlan" and 1 <= (a.get("provider:segmentation_id") or 0) <= 1000,
                   admin_show)
        set_ = self.osc("network set --name labnet2 --disable labnet", self.demo, "demo")
        show = self.osc("network show labnet2 -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        self.check("network set --name --disable: renamed, admin_state_up false, revision bumped",
                   set_.ok and s.get("admin_state_up") is False and (s.get("revision_number") or 0) > 1, set_, show)
        self.osc("network set --name labnet --enable labnet2", self.demo, "demo")
        share = self.osc("network create --share adminshared -f json", self.admin, "admin")
        seen = self.osc("network show adminshared -f json", self.demo, "demo")
        self.check("network create --share (admin): demo sees it",
                   share.ok and seen.ok and seen.json().get("shared") is True, share, seen)
        delete = self.osc("network delete adminshared", self.admin, "admin")
        gone = self.osc("network show adminshared", self.admin, "admin")
        self.check("network delete adminshared: then network show fails", delete.ok and not gone.ok, delete, gone)

    def step_member_limits(self):
        shared = self.osc("network create --share demoshared", self.demo, "demo", process=True)
        self.check("network create --share (demo): 403 '(rule:create_network:shared) is disallowed by policy'",
                   refused(shared, 403) and "create_network:shared" in shared.err, shared)
        external = self.osc("network create --external demoext", self.demo, "demo")
        self.check("network create --external (demo): 403", refused(external, 403), external)
        alt = self.osc.creds("alt_demo")
        altnet = self.osc("network create altnet -f json", alt, "alt_demo")
        alt_id = altnet.json().get("id") if altnet.ok else "?"
        hidden = self.osc(f"network show {alt_id}", self.demo, "demo")
        listed = self.osc("network list -f json", self.demo, "demo")
        # The CLI turns the 404 of GET /networks/<id> (then an empty ?name= list) into "No Network found".
        self.check("alt_demo's network: demo's network show finds nothing, network list does not show it",
                   altnet.ok and not hidden.ok and "No Network found" in hidden.err
                   and listed.ok and "altnet" not in self.names(listed.json()),
                   altnet, hidden, listed)

    def step_subnets(self):
        run = self.osc("subnet create --network labnet --subnet-range 10.20.0.0/24 --gateway 10.20.0.254 "
                       "--dns-nameserver 8.8.8.8 --allocation-pool start=10.20.0.10,end=10.20.0.99 labsub -f json",
                       self.demo, "demo", process=True)
        s = run.json() if run.ok else {}
        self.ids["labsub"] = s.get("id")
        pools = s.get("allocation_pools")
        self.check("subnet create --subnet-range --gateway --dns-nameserver --allocation-pool: as asked",
                   s.get("cidr") == "10.20.0.0/24" and s.get("gateway_ip") == "10.20.0.254"
                   and s.get("dns_nameservers") == ["8.8.8.8"] and s.get("enable_dhcp") is True
                   and pools in ([{"start": "10.20.0.10", "end": "10.20.0.99"}], "10.20.0.10-10.20.0.99"), run)
        bad = self.osc("subnet create --network labnet --subnet-range 10.20.0.1/24 badsub", self.demo, "demo")
        self.check("subnet create with host bits set: 400 '... is recommended'",
                   refused(bad, 400) and "10.20.0.0/24" in bad.err, bad)
        overlap = self.osc("subnet create --network labnet --subnet-range 10.20.0.128/25 oversub", self.demo, "demo")
        self.check("subnet create overlapping labsub: refused (400, overlaps with another subnet)",
                   refused(overlap, 400) and "overlaps" in overlap.err, overlap)
        v6 = self.osc("subnet create --network labnet --ip-version 6 --ipv6-ra-mode slaac --ipv6-address-mode slaac "
                      "--subnet-range fd00:20::/64 labsub6 -f json", self.demo, "demo")
        s6 = v6.json() if v6.ok else {}
        self.check("subnet create --ip-version 6 --ipv6-ra-mode slaac --ipv6-address-mode slaac",
                   s6.get("ip_version") == 6 and s6.get("ipv6_ra_mode") == "slaac"
                   and s6.get("ipv6_address_mode") == "slaac" and s6.get("gateway_ip") == "fd00:20::1", v6)

    def step_ports(self):
        run = self.osc("port create --network labnet --fixed-ip subnet=labsub,ip-address=10.20.0.50 port1 -f json",
                       self.demo, "demo", process=True)
        p = run.json() if run.ok else {}
        ips = p.get("fixed_ips") or []
        if isinstance(ips, str):  # older OSC prints the list as text
            ips = [{"ip_address": a} for a in re.findall(r"ip_address='([^']+)'", ips)]
        addrs = [ip.get("ip_address") for ip in ips]
        mac = p.get("mac_address") or ""
        self.check("port create --fixed-ip subnet=labsub,ip-address=10.20.0.50: that address, a fa:16:3e MAC, "
                   "its EUI-64 address on the SLAAC subnet, status DOWN",
                   "10.20.0.50" in addrs and mac.startswith("fa:16:3e:") and eui64("fd00:20::/64", mac) in addrs
                   and p.get("status") == "DOWN", run)
        dup = self.osc("port create --network labnet --fixed-ip subnet=labsub,ip-address=10.20.0.50 port2",
                       self.demo, "demo")
        self.check("port create with the same fixed IP: 409 'IP address 10.20.0.50 already allocated in subnet'",
                   refused(dup, 409) and "already allocated" in dup.err, dup)
        auto = self.osc("port create --network labnet port3 -f json", self.demo, "demo")
        a = auto.json() if auto.ok else {}
        self.check("port create without --fixed-ip: the pool's lowest free address after the DHCP port's (10.20.0.11)",
                   "10.20.0.11" in str(a.get("fixed_ips")), auto)
        listed = self.osc("port list --network labnet -f json", self.demo, "demo")
        self.check("port list --network labnet: port1 and port3",
                   listed.ok and {"port1", "port3"} <= self.names(listed.json()), listed)

    def step_security_groups(self):
        create = self.osc("security group create --description web web -f json", self.demo, "demo", process=True)
        g = create.json() if create.ok else {}
        self.check("security group create web: two egress rules", create.ok and len(g.get("rules") or []) == 2, create)
        ssh = self.osc("security group rule create --proto tcp --dst-port 22 default -f json", self.demo, "demo",
                       process=True)
        r = ssh.json() if ssh.ok else {}
        self.check("security group rule create --proto tcp --dst-port 22 default: ingress IPv4 tcp 22-22 0.0.0.0/0",
                   r.get("direction") == "ingress" and r.get("ether_type", r.get("ethertype")) == "IPv4"
                   and r.get("protocol") == "tcp" and r.get("port_range_min") == 22 and r.get("port_range_max") == 22
                   and r.get("remote_ip_prefix") == "0.0.0.0/0", ssh)
        icmp = self.osc("security group rule create --proto icmp default -f json", self.demo, "demo")
        self.check("security group rule create --proto icmp default", icmp.ok and icmp.json().get("protocol") == "icmp",
                   icmp)
        dup = self.osc("security group rule create --proto tcp --dst-port 22 default", self.demo, "demo")
        self.check("the same tcp/22 rule again: 409 'Security group rule already exists.'",
                   refused(dup, 409) and "Security group rule already exists" in dup.err, dup)
        rules = self.osc("security group rule list default -f json", self.demo, "demo")
        self.check("security group rule list default: the 4 default rules + tcp/22 + icmp",
                   rules.ok and len(rules.json()) == 6, rules)
        delete = self.osc("security group delete web", self.demo, "demo")
        self.check("security group delete web", delete.ok, delete)

    def step_delete_in_use(self):
        busy = self.osc("network delete labnet", self.demo, "demo", process=True)
        self.check("network delete labnet with ports: 409 'There are one or more ports still in use on the network.'",
                   refused(busy, 409) and "still in use" in busy.err, busy)
        for port in ("port1", "port3"):
            self.osc(f"port delete {port}", self.demo, "demo")
        done = self.osc("network delete labnet", self.demo, "demo")
        gone = self.osc("network show labnet", self.demo, "demo")
        self.check("network delete labnet once its ports are gone (the DHCP port goes with it)",
                   done.ok and not gone.ok, done, gone)
