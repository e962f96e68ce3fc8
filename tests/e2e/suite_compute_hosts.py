"""Nova's operator APIs for hosts with Debian's real `openstack` CLI.

What an admin of the bootcamp's cloud does with its hosts: the compute
services (nova-compute up on openstackbootcamp, the scheduler and conductor
on the controller), disabling the compute service with a reason and enabling
it again, the hypervisor (list, show, stats), the availability zones (--long
as admin), an aggregate that makes a zone (create --zone, add host, set
--property, show, remove host, delete), and a member refused on each.
"""

import re

from harness import Suite

HOST = "openstackbootcamp"


def refused(run, status):
    return not run.ok and re.search(rf"\b{status}\b", run.err) is not None


class ComputeHostsSuite(Suite):
    name = "compute_hosts"

    def steps(self):
        return [self.step_services, self.step_service_disable, self.step_hypervisors, self.step_zones,
                self.step_aggregates, self.step_member_refused]

    def step_services(self):
        run = self.osc("compute service list -f json", self.admin, "admin", process=True)
        rows = run.json() if run.ok else []
        by = {(r["Binary"], r["Host"]): r for r in rows}
        compute = by.get(("nova-compute", HOST), {})
        self.check("compute service list: nova-compute on openstackbootcamp, zone nova, enabled, up",
                   compute.get("Zone") == "nova" and compute.get("Status") == "enabled"
                   and compute.get("State") == "up", run)
        self.check("compute service list: nova-scheduler and nova-conductor up in zone internal",
                   all(by.get((b, HOST), {}).get("Zone") == "internal" and by.get((b, HOST), {}).get("State") == "up"
                       for b in ("nova-scheduler", "nova-conductor")), run)
        only = self.osc("compute service list --service nova-compute --host openstackbootcamp -f json",
                        self.admin, "admin")
        self.check("compute service list --service nova-compute --host: one row",
                   only.ok and len(only.json()) == 1, only)

    def step_service_disable(self):
        off = self.osc(f"compute service set --disable --disable-reason maintenance {HOST} nova-compute",
                       self.admin, "admin")
        rows = self.osc("compute service list --service nova-compute --long -f json", self.admin, "admin")
        r = (rows.json() or [{}])[0] if rows.ok else {}
        self.check("compute service set --disable --disable-reason: disabled, with the reason",
                   off.ok and r.get("Status") == "disabled" and r.get("Disabled Reason") == "maintenance", off, rows)
        hyp = self.osc("hypervisor list -f json", self.admin, "admin")
        on = self.osc(f"compute service set --enable {HOST} nova-compute", self.admin, "admin")
        rows = self.osc("compute service list --service nova-compute --long -f json", self.admin, "admin")
        r = (rows.json() or [{}])[0] if rows.ok else {}
        self.check("compute service set --enable: enabled again, no reason",
                   on.ok and r.get("Status") == "enabled" and not r.get("Disabled Reason"), on, rows, hyp)

    def step_hypervisors(self):
        run = self.osc("hypervisor list -f json", self.admin, "admin", process=True)
        rows = run.json() if run.ok else []
        self.check("hypervisor list: openstackbootcamp, QEMU, 10.0.2.15, up",
                   len(rows) == 1 and rows[0].get("Hypervisor Hostname") == HOST
                   and rows[0].get("Hypervisor Type") == "QEMU" and rows[0].get("Host IP") == "10.0.2.15"
                   and rows[0].get("State") == "up", run)
        show = self.osc(f"hypervisor show {HOST} -f json", self.admin, "admin")
        h = show.json() if show.ok else {}
        self.check("hypervisor show openstackbootcamp: 2 vCPUs, 6144 MB, 40 GB, service host, uptime",
                   h.get("vcpus") == 2 and h.get("memory_mb") == 6144 and h.get("local_gb") == 40
                   and h.get("service_host") == HOST and h.get("status") == "enabled" and "uptime" in h
                   and isinstance(h.get("cpu_info"), dict), show)
        stats = self.osc("hypervisor stats show -f json", self.admin, "admin")
        s = stats.json() if stats.ok else {}
        self.check("hypervisor stats show: one hypervisor, its totals",
                   s.get("count") == 1 and s.get("vcpus") == 2 and s.get("memory_mb") == 6144
                   and s.get("local_gb") == 40, stats)

    def step_zones(self):
        run = self.osc("availability zone list --compute -f json", self.demo, "demo", process=True)
        rows = run.json() if run.ok else []
        self.check("availability zone list (demo): nova, available",
                   [(r.get("Zone Name"), r.get("Zone Status")) for r in rows] == [("nova", "available")], run)
        long = self.osc("availability zone list --compute --long -f json", self.admin, "admin")
        rows = long.json() if long.ok else []
        seen = {(r.get("Zone Name"), r.get("Host Name"), r.get("Service Name")) for r in rows}
        self.check("availability zone list --long (admin): nova-compute in nova, scheduler/conductor in internal",
                   {("nova", HOST, "nova-compute"), ("internal", HOST, "nova-scheduler"),
                    ("internal", HOST, "nova-conductor")} <= seen, long)

    def step_aggregates(self):
        create = self.osc("aggregate create --zone az2 agg1 -f json", self.admin, "admin")
        a = create.json() if create.ok else {}
        self.check("aggregate create --zone az2 agg1", a.get("name") == "agg1" and a.get("availability_zone") == "az2",
                   create)
        dup = self.osc("aggregate create agg1", self.admin, "admin")
        self.check("aggregate create of an existing name: 409", refused(dup, 409), dup)
        add = self.osc(f"aggregate add host agg1 {HOST} -f json", self.admin, "admin")
        self.check("aggregate add host agg1 openstackbootcamp",
                   add.ok and HOST in (add.json().get("hosts") or []), add)
        set_ = self.osc("aggregate set --property ssd=true agg1", self.admin, "admin")
        show = self.osc("aggregate show agg1 -f json", self.admin, "admin")
        s = show.json() if show.ok else {}
        props = s.get("properties") or {}
        self.check("aggregate set --property ssd=true, then show: the property, the host, the zone",
                   set_.ok and props.get("ssd") == "true" and HOST in (s.get("hosts") or [])
                   and s.get("availability_zone") == "az2", set_, show)
        zones = self.osc("availability zone list --compute -f json", self.demo, "demo")
        services = self.osc("compute service list --service nova-compute -f json", self.admin, "admin")
        self.check("the host is now in zone az2 (availability zone list, compute service list)",
                   zones.ok and [r.get("Zone Name") for r in zones.json()] == ["az2"]
                   and services.ok and services.json()[0].get("Zone") == "az2", zones, services)
        listed = self.osc("aggregate list -f json", self.admin, "admin")
        self.check("aggregate list: agg1", listed.ok and "agg1" in self.names(listed.json()), listed)
        busy = self.osc("aggregate delete agg1", self.admin, "admin")
        self.check("aggregate delete of a non-empty aggregate fails", not busy.ok, busy)
        remove = self.osc(f"aggregate remove host agg1 {HOST} -f json", self.admin, "admin")
        self.check("aggregate remove host agg1 openstackbootcamp",
                   remove.ok and not (remove.json().get("hosts") or []), remove)
        again = self.osc(f"aggregate remove host agg1 {HOST}", self.admin, "admin")
        self.check("aggregate remove host of a host not in it: 404", refused(again, 404), again)
        delete = self.osc("aggregate delete agg1", self.admin, "admin")
        gone = self.osc("aggregate show agg1", self.admin, "admin")
        self.check("aggregate delete agg1: then aggregate show fails", delete.ok and not gone.ok, delete, gone)

    def step_member_refused(self):
        for cmd in ("compute service list", "hypervisor list", "hypervisor stats show", "aggregate list",
                    "aggregate create demo-agg", f"compute service set --disable {HOST} nova-compute"):
            run = self.osc(cmd, self.demo, "demo")
            self.check(f"{cmd} (demo): refused with 403", refused(run, 403), run)
