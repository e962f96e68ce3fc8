"""The simulated data plane with Debian's real `openstack` CLI and `stacklab probe`.

Builds the book's Day 6 topology step by step (EX-31..36, then EX-18/19's
floating IP and SSH): a network NW_bootcamp_01 with SN_bootcamp_01, two
cirros servers on it, a router R_bootcamp_01, a floating IP, security group
rules; after each step `stacklab probe` must give the verdict a real
OpenStack would (ping between the VMs, ping 8.8.8.8, SSH and ping from the
host to the floating IP), and say why when it is blocked. Probes are guest
events in `stacklab audit`.
"""

import json

from harness import Suite
from suite_lab_state import StacklabCommand

IMAGE = "cirros-0.3.4-x86_64-uec"
DEMO_ENV = {"OS_USERNAME": "demo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": "demo"}
REACHABLE, UNREACHABLE = 0, 3  # stacklab probe's exit codes


class DataplaneSuite(Suite):
    name = "dataplane"

    def steps(self):
        return [self.step_network_and_servers, self.step_vm_to_vm, self.step_internet_needs_a_router,
                self.step_ssh_to_the_floating_ip, self.step_port_forwarding, self.step_stopped_server,
                self.step_audit_and_policy]

    def probe(self, *args, env=DEMO_ENV):
        run = StacklabCommand(self.lab.binary, self.lab.url, ["probe", *args, "--json"], env)
        try:
            verdict = json.loads(run.out)
        except ValueError:
            verdict = {}
        return run, verdict

    def probe_is(self, title, expected_rc, args, reason_part=None):
        run, v = self.probe(*args)
        ok = run.rc == expected_rc and v.get("reachable") == (expected_rc == REACHABLE)
        if reason_part is not None:
            ok = ok and reason_part in (v.get("reason") or "")
        self.check(title, ok, run)
        return v

    def step_network_and_servers(self):
        net = self.osc("network create NW_bootcamp_01", self.demo, "demo")
        sub = self.osc("subnet create --network NW_bootcamp_01 --subnet-range 192.168.23.0/24 --gateway 192.168.23.1 "
                       "--dns-nameserver 8.8.8.8 SN_bootcamp_01", self.demo, "demo")
        self.check("network create NW_bootcamp_01; subnet create SN_bootcamp_01 192.168.23.0/24", net.ok and sub.ok,
                   net, sub)
        for name in ("bootcampVM-1", "bootcampVM-2"):
            vm = self.osc(f"server create --image {IMAGE} --flavor m1.nano --network NW_bootcamp_01 "
                          f"--security-group default --wait {name} -f json", self.demo, "demo", process=True)
            self.check(f"server create --network NW_bootcamp_01 --wait {name}: ACTIVE",
                       vm.ok and vm.json().get("status") == "ACTIVE", vm)

    def step_vm_to_vm(self):
        # EX-34: the default group's "ingress from members of default" lets the two VMs ping each other.
        v = self.probe_is("stacklab probe bootcampVM-2 bootcampVM-1: reachable (remote group default)", REACHABLE,
                          ["bootcampVM-2", "bootcampVM-1"])
        self.check("the verdict's path: bootcampVM-2's port, then bootcampVM-1's 192.168.23.x",
                   [h.get("type") for h in v.get("hops", [])] == ["port", "port"]
                   and v["hops"][1].get("address", "").startswith("192.168.23."), json.dumps(v, indent=1))

    def step_internet_needs_a_router(self):
        self.probe_is("stacklab probe bootcampVM-2 8.8.8.8 before any router: not reachable", UNREACHABLE,
                      ["bootcampVM-2", "8.8.8.8"], "no router connects 192.168.23.0/24 to the external network")
        create = self.osc("router create R_bootcamp_01", self.demo, "demo")
        add = self.osc("router add subnet R_bootcamp_01 SN_bootcamp_01", self.demo, "demo")
        self.check("router create R_bootcamp_01; router add subnet R_bootcamp_01 SN_bootcamp_01", create.ok and add.ok,
                   create, add)
        self.probe_is("stacklab probe bootcampVM-2 8.8.8.8, router without gateway: not reachable", UNREACHABLE,
                      ["bootcampVM-2", "8.8.8.8"], "router R_bootcamp_01 has no external gateway")
        gw = self.osc("router set --external-gateway public R_bootcamp_01", self.demo, "demo")
        self.check("router set --external-gateway public R_bootcamp_01", gw.ok, gw)
        v = self.probe_is("stacklab probe bootcampVM-2 internet (EX-36): reachable through SNAT", REACHABLE,
                          ["bootcampVM-2", "internet"])
        types = [h.get("type") for h in v.get("hops", [])]
        self.check("the path: port, router R_bootcamp_01, snat, ..., internet",
                   types[:3] == ["port", "router", "snat"] and types[-1] == "internet"
                   and v["hops"][1].get("name") == "R_bootcamp_01", json.dumps(v, indent=1))

    def step_ssh_to_the_floating_ip(self):
        fip = self.osc("floating ip create public -f json", self.demo, "demo")
        address = fip.json().get("floating_ip_address") if fip.ok else "?"
        add = self.osc(f"server add floating ip bootcampVM-1 {address}", self.demo, "demo")
        self.check(f"floating ip create public ({address}); server add floating ip bootcampVM-1", fip.ok and add.ok,
                   fip, add)
        self.ids["fip"] = address
        self.probe_is(f"stacklab probe host {address} --tcp 22 without a rule: not reachable", UNREACHABLE,
                      ["host", address, "--tcp", "22"],
                      "no ingress rule in security group default allows tcp/22 from 172.24.4.1")
        rule = self.osc("security group rule create --proto tcp --dst-port 22 default", self.demo, "demo")
        self.check("security group rule create --proto tcp --dst-port 22 default (EX-16)", rule.ok, rule)
        v = self.probe_is(f"stacklab probe host {address} --tcp 22 (EX-19): reachable", REACHABLE,
                          ["host", address, "--tcp", "22"])
        self.check("the path goes through the floating IP's DNAT",
                   "dnat" in [h.get("type") for h in v.get("hops", [])], json.dumps(v, indent=1))
        self.probe_is(f"stacklab probe host {address} (ping) without an icmp rule: not reachable", UNREACHABLE,
                      ["host", address], "allows icmp from 172.24.4.1")
        icmp = self.osc("security group rule create --protocol icmp default", self.demo, "demo")
        self.check("security group rule create --protocol icmp default (EX-33)", icmp.ok, icmp)
        self.probe_is(f"stacklab probe host {address}: reachable", REACHABLE, ["host", address])
        self.probe_is("stacklab probe host bootcampVM-2 (a fixed address): not reachable, networks are isolated",
                      UNREACHABLE, ["host", "bootcampVM-2"], "project networks are isolated")

    def step_port_forwarding(self):
        # A second floating IP, unassociated, forwarding tcp/2222 to bootcampVM-2's SSH.
        fip = self.osc("floating ip create public -f json", self.demo, "demo")
        address = fip.json().get("floating_ip_address") if fip.ok else "?"
        ports = self.osc("port list --server bootcampVM-2 -f json -c ID -c 'Fixed IP Addresses'", self.demo, "demo")
        port = ports.json()[0] if ports.ok and ports.json() else {}
        fixed = port.get("Fixed IP Addresses") or [{}]
        ip = fixed[0].get("ip_address", "?") if isinstance(fixed, list) else "?"
        pf = self.osc(f"floating ip port forwarding create --internal-ip-address {ip} --port {port.get('ID', '?')} "
                      f"--internal-protocol-port 22 --external-protocol-port 2222 --protocol tcp {address} -f json",
                      self.demo, "demo")
        listed = self.osc(f"floating ip port forwarding list {address} -f json", self.demo, "demo")
        self.check(f"floating ip port forwarding create {address} tcp/2222 -> {ip}:22; list shows it",
                   pf.ok and listed.ok and [r.get("External Port") for r in listed.json()] == [2222], pf, listed)
        self.probe_is(f"stacklab probe host {address} --tcp 2222: reachable through the port forwarding", REACHABLE,
                      ["host", address, "--tcp", "2222"])
        self.probe_is(f"stacklab probe host {address} --tcp 22: not reachable, only 2222 is forwarded", UNREACHABLE,
                      ["host", address, "--tcp", "22"], "no port forwarding matches tcp/22")
        assoc = self.osc(f"server add floating ip bootcampVM-2 {address}", self.demo, "demo")
        self.check("server add floating ip with that floating IP: refused (it is in use by port forwardings)",
                   not assoc.ok, assoc)
        pf_id = pf.json().get("id", "?") if pf.ok else "?"
        gone = self.osc(f"floating ip port forwarding delete {address} {pf_id}", self.demo, "demo")
        self.probe_is("floating ip port forwarding delete; stacklab probe host --tcp 2222: not reachable", UNREACHABLE,
                      ["host", address, "--tcp", "2222"])
        self.check("floating ip port forwarding delete", gone.ok, gone)

    def step_stopped_server(self):
        stop = self.osc("server stop bootcampVM-1", self.demo, "demo")
        shown = {}
        for _ in range(100):
            s = self.osc("server show bootcampVM-1 -f json", self.demo, "demo")
            shown = s.json() if s.ok else {}
            if shown.get("status") == "SHUTOFF":
                break
        self.check("server stop bootcampVM-1: SHUTOFF", stop.ok and shown.get("status") == "SHUTOFF", stop)
        self.probe_is(f"stacklab probe host {self.ids.get('fip')}: a stopped VM does not answer", UNREACHABLE,
                      ["host", self.ids.get("fip", "?")], "VM bootcampVM-1 is SHUTOFF")
        start = self.osc("server start bootcampVM-1", self.demo, "demo")
        for _ in range(100):
            s = self.osc("server show bootcampVM-1 -f json", self.demo, "demo")
            if s.ok and s.json().get("status") == "ACTIVE":
                break
        self.probe_is("server start bootcampVM-1; stacklab probe bootcampVM-2 bootcampVM-1: reachable again",
                      REACHABLE, ["bootcampVM-2", "bootcampVM-1"])
        self.check("server start bootcampVM-1", start.ok, start)

    def step_audit_and_policy(self):
        audit = StacklabCommand(self.lab.binary, self.lab.url, ["audit", "--service", "guest", "--json"])
        events = json.loads(audit.out) if audit.ok else []
        ssh = [e for e in events if e.get("action") == "guest.ssh" and e.get("to", {}).get("ip") == self.ids.get("fip")]
        ping = [e for e in events if e.get("action") == "guest.ping"]
        self.check("stacklab audit --service guest: guest.ping and guest.ssh events with from, to and result",
                   ssh and ping and ssh[-1].get("result") == "success"
                   and ssh[-1]["from"].get("type") == "host" and {e.get("result") for e in ping} == {"success", "failure"},
                   audit)
        alt = {"OS_USERNAME": "alt_demo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": "alt_demo"}
        run, _ = self.probe("bootcampVM-1", "internet", env=alt)
        self.check("stacklab probe bootcampVM-1 as alt_demo: refused (no such server in alt_demo)",
                   run.rc == 1 and "bootcampVM-1" in run.err, run)
        text = StacklabCommand(self.lab.binary, self.lab.url, ["probe", "bootcampVM-2", "8.8.8.8"], DEMO_ENV)
        self.check("stacklab probe bootcampVM-2 8.8.8.8 (text): 'ping ... -> internet (8.8.8.8): reachable' and numbered hops",
                   text.rc == 0 and "-> internet (8.8.8.8): reachable" in text.out and "  1. port " in text.out, text)
