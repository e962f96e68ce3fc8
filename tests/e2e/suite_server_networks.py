"""Servers on the lab's networks with Debian's real `openstack` CLI.

exercises.md §0/§4: `server create --network private --wait` shows its
addresses (`private=10.0.0.x, fd45:...`), `--nic net-id=...,v4-fixed-ip=...`,
`--port`, `--security-group` (by name, or by id as the book does), `server
add/remove security group`, `server add/remove port`, `server add/remove
network`, `port list --server`, and `server delete` removing the ports Nova
created while releasing the one it was given.
"""

from harness import Suite

# Every `server create` runs as its own process: in-process, after an earlier
# create, the client fails with a bare '1' (see suite_servers.py).

IMAGE = "cirros-0.3.4-x86_64-uec"
BOOT = f"server create --image {IMAGE} --flavor m1.nano --wait"


class ServerNetworksSuite(Suite):
    name = "server_networks"

    def steps(self):
        return [self.step_boot_on_private, self.step_fixed_ip_and_port, self.step_security_groups,
                self.step_add_remove_port_and_network, self.step_delete_cleans_up]

    def server(self, name):
        show = self.osc(f"server show {name} -f json", self.demo, "demo")
        return (show.json() if show.ok else {}), show

    @staticmethod
    def addresses(server):
        """`net=addr, addr` as the table shows it (-f json gives a dict of lists)."""
        a = server.get("addresses", "")
        if isinstance(a, dict):
            return "; ".join(f"{net}={', '.join(addrs)}" for net, addrs in a.items())
        return str(a)

    def ports_of(self, server):
        run = self.osc(f"port list --server {server} -f json", self.demo, "demo")
        return (run.json() if run.ok else []), run

    def step_boot_on_private(self):
        run = self.osc(f"{BOOT} --network private VM1 -f json", self.demo, "demo", process=True)
        s = run.json() if run.ok else {}
        self.ids["vm1"] = s.get("id")
        addresses = self.addresses(s)
        self.check("server create --network private --wait VM1: ACTIVE, addresses private=10.0.0.x, fd45:...",
                   run.ok and s.get("status") == "ACTIVE" and "private=10.0.0." in addresses
                   and "fd45:" in addresses, run)
        ports, listed = self.ports_of("VM1")
        self.check("port list --server VM1: one ACTIVE port with VM1's address",
                   len(ports) == 1 and ports[0].get("Status") == "ACTIVE"
                   and "10.0.0." in str(ports[0].get("Fixed IP Addresses")), listed)
        self.ids["vm1_port"] = ports[0].get("ID") if ports else None

    def step_fixed_ip_and_port(self):
        net = self.osc("network show private -f value -c id", self.demo, "demo").value()
        run = self.osc(f"{BOOT} --nic net-id={net},v4-fixed-ip=10.0.0.33 VM2 -f json", self.demo, "demo",
                       process=True)
        s = run.json() if run.ok else {}
        self.check("server create --nic net-id=<private>,v4-fixed-ip=10.0.0.33: ACTIVE with 10.0.0.33",
                   run.ok and "10.0.0.33" in self.addresses(s), run)
        taken = self.osc(f"server create --image {IMAGE} --flavor m1.nano --nic net-id={net},v4-fixed-ip=10.0.0.33 "
                         "VM2b", self.demo, "demo", process=True)
        self.check("server create with an address in use: refused (409), no server VM2b",
                   not taken.ok and not self.osc("server show VM2b", self.demo, "demo").ok, taken)
        port = self.osc("port create --network private myport -f json", self.demo, "demo")
        p = port.json() if port.ok else {}
        self.ids["myport"] = p.get("id")
        run = self.osc(f"{BOOT} --port myport VM3 -f json", self.demo, "demo", process=True)
        shown = self.osc("port show myport -f json", self.demo, "demo")
        sp = shown.json() if shown.ok else {}
        self.check("server create --port myport VM3: ACTIVE, myport's device is VM3 and it is ACTIVE",
                   run.ok and sp.get("device_id") == (run.json() or {}).get("id") and sp.get("status") == "ACTIVE",
                   port, run, shown)

    def step_security_groups(self):
        sg = self.osc("security group create web -f json", self.demo, "demo")
        web = (sg.json() if sg.ok else {}).get("id", "web")
        run = self.osc(f"{BOOT} --network private --security-group {web} VM4 -f json", self.demo, "demo",
                       process=True)
        s, show = self.server("VM4")
        self.check("server create --security-group <web's id>: ACTIVE, security group web",
                   run.ok and "web" in str(s.get("security_groups")), sg, run, show)
        add = self.osc("server add security group VM4 default", self.demo, "demo")
        s, show = self.server("VM4")
        groups = str(s.get("security_groups"))
        self.check("server add security group VM4 default: VM4 has web and default",
                   add.ok and "web" in groups and "default" in groups, add, show)
        remove = self.osc("server remove security group VM4 web", self.demo, "demo")
        s, show = self.server("VM4")
        self.check("server remove security group VM4 web: only default left",
                   remove.ok and "web" not in str(s.get("security_groups"))
                   and "default" in str(s.get("security_groups")), remove, show)
        again = self.osc("server remove security group VM4 web", self.demo, "demo")
        self.check("server remove security group VM4 web again: refused", not again.ok, again)

    def step_add_remove_port_and_network(self):
        port = self.osc("port create --network private extra -f json", self.demo, "demo")
        add = self.osc("server add port VM1 extra", self.demo, "demo")
        ports, listed = self.ports_of("VM1")
        self.check("server add port VM1 extra: VM1 has two ports",
                   port.ok and add.ok and len(ports) == 2, port, add, listed)
        remove = self.osc("server remove port VM1 extra", self.demo, "demo")
        ports, listed = self.ports_of("VM1")
        kept = self.osc("port show extra -f json", self.demo, "demo")
        self.check("server remove port VM1 extra: VM1 back to one port; extra kept, no device",
                   remove.ok and len(ports) == 1 and kept.ok and not (kept.json() or {}).get("device_id"),
                   remove, listed, kept)
        add = self.osc("server add network VM1 private", self.demo, "demo")
        ports, listed = self.ports_of("VM1")
        self.check("server add network VM1 private: VM1 has two ports", add.ok and len(ports) == 2, add, listed)
        remove = self.osc("server remove network VM1 private", self.demo, "demo")
        ports, listed = self.ports_of("VM1")
        self.check("server remove network VM1 private: VM1 has no port left", remove.ok and len(ports) == 0,
                   remove, listed)

    def step_delete_cleans_up(self):
        ports, _ = self.ports_of("VM2")
        vm2_ports = [p.get("ID") for p in ports]
        delete = self.osc("server delete --wait VM2 VM3", self.demo, "demo")
        gone = [self.osc(f"port show {p}", self.demo, "demo") for p in vm2_ports]
        kept = self.osc("port show myport -f json", self.demo, "demo")
        k = kept.json() if kept.ok else {}
        self.check("server delete --wait VM2 VM3: VM2's port deleted, myport kept with no device, DOWN",
                   delete.ok and vm2_ports and all(not g.ok for g in gone) and kept.ok
                   and not k.get("device_id") and k.get("status") == "DOWN", delete, kept, *gone)
