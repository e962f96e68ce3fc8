"""Compute servers with Debian's real `openstack` CLI, on the lab's single
simulated host (openstackbootcamp, real-time lab durations: a boot takes a
few seconds).

exercises.md §0/§4: `server create --image cirros-0.3.4-x86_64-uec --flavor
m1.nano --wait VM1` as demo (ACTIVE), `server list`, `server show` (status,
flavor, image; OS-EXT-* as admin), a flavor too big for the host (ERROR with
the NoValidHost fault), `server delete --wait`.
"""

from harness import Suite

IMAGE = "cirros-0.3.4-x86_64-uec"


class ServersSuite(Suite):
    name = "servers"

    def steps(self):
        return [self.step_create_wait, self.step_list_show, self.step_admin_show, self.step_no_valid_host,
                self.step_delete]

    def step_create_wait(self):
        run = self.osc(f"server create --image {IMAGE} --flavor m1.nano --wait VM1 -f json", self.demo, "demo",
                       process=True)
        s = run.json() if run.ok else {}
        self.ids["vm1"] = s.get("id")
        self.check("server create --image cirros --flavor m1.nano --wait VM1 (demo): ACTIVE",
                   run.ok and s.get("status") == "ACTIVE" and s.get("name") == "VM1", run)

    def step_list_show(self):
        run = self.osc("server list -f json", self.demo, "demo")
        rows = run.json() if run.ok else []
        row = next((r for r in rows if r.get("Name") == "VM1"), {})
        self.check("server list (demo): VM1 ACTIVE with its image and flavor",
                   row.get("Status") == "ACTIVE" and row.get("Image") == IMAGE and row.get("Flavor") == "m1.nano",
                   run)
        show = self.osc("server show VM1 -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        self.check("server show VM1 (demo, by name): ACTIVE, m1.nano, cirros, power Running, no OS-EXT-SRV-ATTR",
                   s.get("status") == "ACTIVE" and "m1.nano" in str(s.get("flavor"))
                   and IMAGE in str(s.get("image")) and s.get("OS-EXT-STS:power_state") in (1, "Running")
                   and s.get("OS-EXT-STS:vm_state") == "active"
                   and "OS-EXT-SRV-ATTR:host" not in s, show)
        other = self.osc("server show VM1", self.osc.creds("alt_demo"), "alt_demo")
        self.check("server show VM1 (alt_demo): not found, another project's server", not other.ok, other)

    def step_admin_show(self):
        vm1 = self.ids.get("vm1") or "VM1"
        show = self.osc(f"server show {vm1} -f json", self.admin, "admin")
        s = show.json() if show.ok else {}
        self.check("server show (admin): OS-EXT-SRV-ATTR host openstackbootcamp, instance-0000000N, zone nova",
                   s.get("OS-EXT-SRV-ATTR:host") == "openstackbootcamp"
                   and s.get("OS-EXT-SRV-ATTR:hypervisor_hostname") == "openstackbootcamp"
                   and str(s.get("OS-EXT-SRV-ATTR:instance_name", "")).startswith("instance-0000000")
                   and s.get("OS-EXT-AZ:availability_zone") == "nova", show)
        listed = self.osc("server list --all-projects -f json", self.admin, "admin")
        rows = listed.json() if listed.ok else []
        self.check("server list --all-projects (admin): demo's VM1 listed",
                   any(r.get("ID") == self.ids.get("vm1") for r in rows), listed)

    def step_no_valid_host(self):
        # As its own process: after the other compute suites ran in this
        # process, an in-process `server create` fails inside the client with
        # a bare '1' (client-side state; the real command works). The real
        # command then exits 0 (openstackclient 6.0 raises a bare SystemExit)
        # but says "Error creating server".
        run = self.osc(f"server create --image {IMAGE} --flavor m1.xlarge --wait VMbig", self.demo, "demo",
                       process=True)
        show = self.osc("server show VMbig -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        fault = s.get("fault") or {}
        self.check("server create --flavor m1.xlarge --wait: fails, ERROR with 'No valid host was found.'",
                   (not run.ok or "Error creating server" in run.out) and s.get("status") == "ERROR"
                   and "No valid host was found." in str(fault.get("message", fault)), run, show)
        delete = self.osc("server delete --wait VMbig", self.demo, "demo")
        self.check("server delete --wait VMbig (ERROR): gone", delete.ok
                   and not self.osc("server show VMbig", self.demo, "demo").ok, delete)

    def step_delete(self):
        delete = self.osc("server delete --wait VM1", self.demo, "demo")
        gone = self.osc("server show VM1", self.demo, "demo")
        listed = self.osc("server list -f json", self.demo, "demo")
        self.check("server delete --wait VM1: then server show fails and server list is empty",
                   delete.ok and not gone.ok and listed.ok and listed.json() == [], delete, gone, listed)
