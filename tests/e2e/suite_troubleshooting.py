"""The troubleshooting day (Day 9) with Debian's real `openstack` CLI and the
`stacklab` binary's own commands.

What a student does: the instructor runs `stacklab lab break
nova-compute-down`; the student sees the compute service down and a boot
fail with "No valid host was found", checks the daemons with `stacklab
service status`, starts nova-compute again, boots a server, and `stacklab
lab check day9` passes. Then a stopped glance-api (image calls answer 503,
the book's "Unable to retrieve image list"), a dead DHCP agent (a server
booted meanwhile has no address until a reboot), keystone stopped (503 for
tokens the services have not validated in the last 5 minutes), a wrong
password in nova.conf (fixed in the file, then a restart), the database and
the message queue stopped, and a volume backend filled by a forgotten volume.
"""

import time
import urllib.error
import urllib.request

from suite_lab_state import StacklabCommand

from harness import Suite

IMAGE = "cirros-0.3.4-x86_64-uec"


class TroubleshootingSuite(Suite):
    name = "troubleshooting"

    def steps(self):
        return [self.step_services_listed, self.step_nothing_to_check, self.step_break_nova_compute,
                self.step_boot_fails, self.step_fix_nova_compute, self.step_glance_api_down,
                self.step_dhcp_agent_down, self.step_keystone_down, self.step_wrong_service_password,
                self.step_mysql_down, self.step_rabbitmq_down, self.step_volume_backend_full]

    def stacklab(self, *args):
        return StacklabCommand(self.lab.binary, self.lab.url, list(args))

    def compute_state(self):
        run = self.osc("compute service list --service nova-compute -f json", self.admin, "admin")
        rows = run.json() if run.ok else []
        return run, (rows[0].get("State") if rows else None)

    def step_services_listed(self):
        listed = self.stacklab("service", "list")
        scenarios = self.stacklab("lab", "break", "--list")
        self.check("stacklab service list: the lab's daemons, all active; lab break --list names the scenarios",
                   listed.ok and "nova-compute" in listed.out and "neutron-dhcp-agent" in listed.out
                   and "inactive" not in listed.out and scenarios.ok and "nova-compute-down" in scenarios.out
                   and "glance-api-down" in scenarios.out, listed, scenarios)

    def step_nothing_to_check(self):
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab lab check day9 before any fault: exit 1, no fault injected",
                   check.rc == 1 and "no fault injected" in check.out, check)

    def step_break_nova_compute(self):
        broken = self.stacklab("lab", "break", "nova-compute-down")
        run, state = self.compute_state()
        status = self.stacklab("service", "status", "nova-compute")
        self.check("stacklab lab break nova-compute-down: compute service list shows nova-compute down; "
                   "service status nova-compute says inactive (dead), exit 3",
                   broken.ok and state == "down" and status.rc == 3 and "inactive (dead)" in status.out,
                   broken, run, status)

    def step_boot_fails(self):
        boot = self.osc(f"server create --image {IMAGE} --flavor m1.nano --wait broken", self.demo, "demo",
                        process=True)
        show = self.osc("server show broken -f json", self.demo, "demo")
        shown = show.json() if show.ok else {}
        check = self.stacklab("lab", "check", "day9")
        self.check("server create --wait broken fails: ERROR, No valid host was found; lab check day9: not yet, "
                   "nova-compute is stopped",
                   # OSC 6.0 prints the failure but still exits 0 after --wait.
                   "Error creating server" in boot.out + boot.err and shown.get("status") == "ERROR"
                   and "No valid host was found" in str(shown.get("fault")) and check.rc == 1
                   and "nova-compute is stopped" in check.out, boot, show, check)

    def step_fix_nova_compute(self):
        start = self.stacklab("service", "start", "nova-compute")
        run, state = self.compute_state()
        boot = self.osc(f"server create --image {IMAGE} --flavor m1.nano --wait fixed -f json", self.demo, "demo",
                        process=True)
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start nova-compute: the service is up, server create --wait fixed is ACTIVE, "
                   "lab check day9 passes",
                   start.ok and state == "up" and boot.ok and boot.json().get("status") == "ACTIVE" and check.ok,
                   start, run, boot, check)

    def step_glance_api_down(self):
        broken = self.stacklab("lab", "break", "glance-api-down")
        images = self.osc("image list", self.demo, "demo")
        check = self.stacklab("lab", "check", "day9")
        # The client's version discovery meets the 503 first, and says so in its own words.
        said = images.out + images.err
        self.check("stacklab lab break glance-api-down: image list fails (the image endpoint answers 503); "
                   "lab check day9: not yet",
                   broken.ok and not images.ok and ("503" in said or "does not have any supported versions" in said)
                   and check.rc == 1,
                   broken, images, check)
        start = self.stacklab("service", "start", "glance-api")
        images = self.osc("image list -f json", self.demo, "demo")
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start glance-api: image list works again; lab check day9 passes",
                   start.ok and images.ok and IMAGE in self.names(images.json()) and check.ok, start, images, check)

    def console(self, server, *commands):
        """`stacklab console SERVER` as demo: cirros's login, then `commands`, then exit."""
        env = {"OS_USERNAME": "demo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": "demo"}
        stdin = "cirros\ncubswin:)\n" + "".join(c + "\n" for c in commands) + "exit\n"
        return StacklabCommand(self.lab.binary, self.lab.url, ["console", server], env, stdin, prefix_command=True)

    def step_dhcp_agent_down(self):
        broken = self.stacklab("lab", "break", "dhcp-agent-down")
        agents = self.osc("network agent list -f json", self.admin, "admin")
        rows = agents.json() if agents.ok else []
        alive = {row.get("Binary"): row.get("Alive") for row in rows}
        self.check("stacklab lab break dhcp-agent-down: network agent list shows the DHCP agent dead, the others "
                   "alive",
                   broken.ok and alive.get("neutron-dhcp-agent") is False and alive.get("neutron-l3-agent") is True,
                   broken, agents)
        boot = self.osc(f"server create --image {IMAGE} --flavor m1.nano --network private --wait nolease -f json",
                        self.demo, "demo", process=True)
        inside = self.console("nolease", "ip a", "ping -c 1 8.8.8.8")
        self.check("server create --network private --wait nolease is ACTIVE, but in its console `ip a` shows eth0 "
                   "without an IPv4 address and ping says Network is unreachable",
                   boot.ok and boot.json().get("status") == "ACTIVE" and inside.ok and "eth0" in inside.out
                   and "scope global eth0" not in inside.out
                   and "ping: sendto: Network is unreachable" in inside.out, boot, inside)
        start = self.stacklab("service", "start", "neutron-dhcp-agent")
        agents = self.osc("network agent list -f json", self.admin, "admin")
        rows = agents.json() if agents.ok else []
        still = self.console("nolease", "ip a")
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start neutron-dhcp-agent: every agent alive, but nolease still has no address "
                   "(it asked DHCP at boot only); lab check day9: not yet",
                   start.ok and rows and all(row.get("Alive") is True for row in rows)
                   and "scope global eth0" not in still.out and check.rc == 1 and "DHCP lease" in check.out,
                   start, agents, still, check)
        reboot = self.osc("server reboot --wait nolease", self.demo, "demo")
        inside = self.console("nolease", "ip a", "ping -c 1 8.8.8.8")
        check = self.stacklab("lab", "check", "day9")
        self.check("server reboot --wait nolease: its console shows eth0's address and ping 8.8.8.8 answers; "
                   "lab check day9 passes",
                   reboot.ok and "scope global eth0" in inside.out and "64 bytes from 8.8.8.8" in inside.out
                   and check.ok, reboot, inside, check)

    def step_keystone_down(self):
        def flavors(token):
            request = urllib.request.Request(self.lab.url + "/compute/v2.1/flavors",
                                             headers={"X-Auth-Token": token, "Accept": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    return r.status, r.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode()

        used = self.osc("token issue -f value -c id", self.demo, "demo")
        unused = self.osc("token issue -f value -c id", self.demo, "demo")
        used_token, unused_token = used.out.strip(), unused.out.strip()
        before = flavors(used_token)
        broken = self.stacklab("lab", "break", "keystone-down")
        servers = self.osc("server list", self.demo, "demo")
        cached, refused = flavors(used_token), flavors(unused_token)
        self.check("stacklab lab break keystone-down: server list fails (no token); nova still takes a token it "
                   "validated a moment ago (keystonemiddleware's cache) and answers 503 'The Keystone service is "
                   "temporarily unavailable.' for another",
                   used.ok and unused.ok and before[0] == 200 and broken.ok and not servers.ok and cached[0] == 200
                   and refused[0] == 503 and "The Keystone service is temporarily unavailable." in refused[1],
                   used, unused, broken, servers, f"cached: {cached}", f"refused: {refused}")
        start = self.stacklab("service", "start", "keystone")
        servers = self.osc("server list", self.demo, "demo")
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start keystone: server list works again; lab check day9 passes",
                   start.ok and servers.ok and check.ok, start, servers, check)

    def step_wrong_service_password(self):
        broken = self.stacklab("lab", "break", "nova-service-password")
        servers = self.osc("server list", self.demo, "demo")
        images = self.osc("image list", self.demo, "demo")
        config = self.stacklab("service", "config", "nova")
        self.check("stacklab lab break nova-service-password: server list answers 503 'The Keystone service is "
                   "temporarily unavailable.', image list works; stacklab service config nova shows the file",
                   broken.ok and not servers.ok
                   and "The Keystone service is temporarily unavailable." in servers.out + servers.err
                   and images.ok and config.ok and "[keystone_authtoken]" in config.out, broken, servers, images,
                   config)
        path = config.out.splitlines()[0][2:] if config.ok else ""
        with open(path) as f:  # the student's editor
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("password = bootcamp", "password = nomoresecret"))
        restart = self.stacklab("service", "restart", "nova-api")
        servers = self.osc("server list", self.demo, "demo")
        check = self.stacklab("lab", "check", "day9")
        self.check("the right password back into nova.conf, stacklab service restart nova-api: server list works; "
                   "lab check day9 passes", restart.ok and servers.ok and check.ok, restart, servers, check)

    def step_mysql_down(self):
        broken = self.stacklab("lab", "break", "mysql-down")
        token = self.osc("token issue", self.demo, "demo")
        status = self.stacklab("service", "status", "mysql")
        self.check("stacklab lab break mysql-down: token issue fails with keystone's 500; service status mysql: "
                   "inactive (dead)",
                   broken.ok and not token.ok and "500" in token.out + token.err and status.rc == 3,
                   broken, token, status)
        start = self.stacklab("service", "start", "mysql")
        token = self.osc("token issue", self.demo, "demo")
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start mysql: token issue works; lab check day9 passes",
                   start.ok and token.ok and check.ok, start, token, check)

    def step_rabbitmq_down(self):
        broken = self.stacklab("lab", "break", "rabbitmq-down")
        boot = self.osc(f"server create --image {IMAGE} --flavor m1.nano --network private queued -f json",
                        self.demo, "demo")
        time.sleep(1)
        show = self.osc("server show queued -f json", self.demo, "demo")
        run, state = self.compute_state()
        self.check("stacklab lab break rabbitmq-down: server create queued stays BUILD; nova-compute is down "
                   "(its reports go through the queue)",
                   broken.ok and boot.ok and show.ok and show.json().get("status") == "BUILD" and state == "down",
                   broken, boot, show, run)
        start = self.stacklab("service", "start", "rabbitmq-server")
        for _ in range(20):
            show = self.osc("server show queued -f json", self.demo, "demo")
            if show.ok and show.json().get("status") != "BUILD":
                break
            time.sleep(0.5)
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start rabbitmq-server: queued goes on to ACTIVE; lab check day9 passes",
                   start.ok and show.ok and show.json().get("status") == "ACTIVE" and check.ok, start, show, check)

    def volume_status(self, name, env=None, until=("available", "error")):
        """`volume show NAME` (demo, or `env`) until its status is one of `until` (at most ~10 s)."""
        for _ in range(20):
            show = self.osc(f"volume show {name} -f json", env or self.demo, "demo" if env is None else "admin")
            if show.ok and show.json().get("status") in until:
                break
            time.sleep(0.5)
        return show, (show.json().get("status") if show.ok else None)

    def step_volume_backend_full(self):
        broken = self.stacklab("lab", "break", "volume-backend-full")
        create = self.osc("volume create --size 1 v-broken", self.demo, "demo")
        show, status = self.volume_status("v-broken")
        services = self.osc("volume service list -f json", self.admin, "admin")
        states = {row.get("Binary"): row.get("State") for row in (services.json() if services.ok else [])}
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab lab break volume-backend-full: volume create v-broken goes to error while "
                   "cinder-volume is up; lab check day9: not yet",
                   broken.ok and create.ok and status == "error" and states.get("cinder-volume") == "up"
                   and check.rc == 1, broken, create, show, services, check)
        self.volume_status("backup-staging", self.admin)  # the forgotten volume has finished creating
        listed = self.osc("volume list --all-projects -f json", self.admin, "admin")
        culprit = [row for row in (listed.json() if listed.ok else []) if row.get("Name") == "backup-staging"]
        delete = self.osc("volume delete backup-staging", self.admin, "admin")
        self.check("volume list --all-projects (admin) shows the forgotten backup-staging volume; volume delete "
                   "backup-staging", listed.ok and len(culprit) == 1 and delete.ok, listed, delete)
        for _ in range(20):  # the deletion frees the space once the volume is gone
            if not self.osc("volume show backup-staging", self.admin, "admin").ok:
                break
            time.sleep(0.5)
        create = self.osc("volume create --size 1 v-fixed", self.demo, "demo")
        show, status = self.volume_status("v-fixed")
        check = self.stacklab("lab", "check", "day9")
        self.check("volume create v-fixed is available; lab check day9 passes",
                   create.ok and status == "available" and check.ok, create, show, check)
