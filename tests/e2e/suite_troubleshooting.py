"""The troubleshooting day (Day 9) with Debian's real `openstack` CLI and the
`stacklab` binary's own commands.

What a student does: the instructor runs `stacklab lab break
nova-compute-down`; the student sees the compute service down and a boot
fail with "No valid host was found", checks the daemons with `stacklab
service status`, starts nova-compute again, boots a server, and `stacklab
lab check day9` passes. Then a stopped glance-api (image calls answer 503,
the book's "Unable to retrieve image list"), a dead DHCP agent, and a volume
backend filled by a forgotten volume.
"""

import time

from suite_lab_state import StacklabCommand

from harness import Suite

IMAGE = "cirros-0.3.4-x86_64-uec"


class TroubleshootingSuite(Suite):
    name = "troubleshooting"

    def steps(self):
        return [self.step_services_listed, self.step_nothing_to_check, self.step_break_nova_compute,
                self.step_boot_fails, self.step_fix_nova_compute, self.step_glance_api_down,
                self.step_dhcp_agent_down, self.step_volume_backend_full]

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

    def step_dhcp_agent_down(self):
        broken = self.stacklab("lab", "break", "dhcp-agent-down")
        agents = self.osc("network agent list -f json", self.admin, "admin")
        rows = agents.json() if agents.ok else []
        alive = {row.get("Binary"): row.get("Alive") for row in rows}
        self.check("stacklab lab break dhcp-agent-down: network agent list shows the DHCP agent dead, the others "
                   "alive",
                   broken.ok and alive.get("neutron-dhcp-agent") is False and alive.get("neutron-l3-agent") is True,
                   broken, agents)
        start = self.stacklab("service", "start", "neutron-dhcp-agent")
        agents = self.osc("network agent list -f json", self.admin, "admin")
        rows = agents.json() if agents.ok else []
        check = self.stacklab("lab", "check", "day9")
        self.check("stacklab service start neutron-dhcp-agent: every agent alive; lab check day9 passes",
                   start.ok and rows and all(row.get("Alive") is True for row in rows) and check.ok,
                   start, agents, check)

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
