"""Moving servers between two hosts with Debian's real `openstack` CLI.

The lab runs with two simulated hosts (`stacklab up --hosts 2 --fast`:
compute-1 and compute-2). demo boots VMM; the admin cold-migrates it to the
other host (`server migrate --wait`, VERIFY_RESIZE, `server resize
confirm`), live-migrates it back (`server migrate --live-migration`),
forces its host's nova-compute down (`compute service set --down`, 2.11)
and evacuates it (`server evacuate`; placement keeps the source's claim until that host's
nova-compute is up again and cleans up), then reads the migration records
(`server migration list`). Each move is checked on the server (host,
status) and on the ports it keeps.
"""

from harness import http
from suite_server_actions import IMAGE, ServerActionsSuite

HOSTS = ("compute-1", "compute-2")


class ServerMovesSuite(ServerActionsSuite):
    name = "server_moves"
    up_options = ("--hosts", "2", "--fast")

    def steps(self):
        return [self.step_create, self.step_cold_migrate, self.step_live_migrate, self.step_evacuate,
                self.step_migration_list, self.step_delete]

    def host(self):
        return self.server().get("OS-EXT-SRV-ATTR:host")

    def other(self, host):
        return HOSTS[1] if host == HOSTS[0] else HOSTS[0]

    def port_host(self):
        """binding:host_id of the VM's port (admin's view)."""
        status, _, body = http("GET", f"{self.lab.url}/networking/v2.0/ports?device_id={self.ids.get('vm')}",
                               token=self.ids["token"])
        ports = body.get("ports", []) if status == 200 else []
        return ports[0].get("binding:host_id") if ports else None

    def vcpus_used(self, host):
        """VCPU placement holds on `host`'s resource provider (admin's view)."""
        base = f"{self.lab.url}/placement"
        _, _, rps = http("GET", f"{base}/resource_providers?name={host}", token=self.ids["token"])
        rp = (rps or {}).get("resource_providers", [{}])[0].get("uuid")
        _, _, usages = http("GET", f"{base}/resource_providers/{rp}/usages", token=self.ids["token"])
        return (usages or {}).get("usages", {}).get("VCPU")

    def admin_cli(self, command):
        return self.osc(command, self.admin, "admin")

    def step_create(self):
        run = self.osc(f"server create --image {IMAGE} --flavor m1.nano --network private --wait VMM -f json",
                       self.demo, "demo")
        s = run.json() if run.ok else {}
        self.ids["vm"] = s.get("id")
        host = self.host()
        self.check("server create --wait VMM (demo, two hosts): ACTIVE on compute-1 or compute-2",
                   run.ok and s.get("status") == "ACTIVE" and host in HOSTS, run, note=f"host {host}")

    def step_cold_migrate(self):
        source = self.host()
        run = self.admin_cli(f"server migrate --wait {self.ids.get('vm')}")
        got = self.wait("VERIFY_RESIZE")
        self.check("server migrate --wait (admin): VERIFY_RESIZE on the other host",
                   run.ok and got == "VERIFY_RESIZE" and self.host() == self.other(source), run,
                   note=f"status {got}, host {self.host()}")
        run = self.admin_cli(f"server resize confirm {self.ids.get('vm')}")
        got = self.wait("ACTIVE")
        self.check("server resize confirm: ACTIVE on the destination, its port bound there",
                   run.ok and got == "ACTIVE" and self.port_host() == self.other(source), run,
                   note=f"port bound to {self.port_host()}")

    def step_live_migrate(self):
        source = self.host()
        run = self.admin_cli(f"server migrate --live-migration --wait {self.ids.get('vm')}")
        got = self.wait("ACTIVE")
        self.check("server migrate --live-migration --wait: ACTIVE on the other host, the port follows",
                   run.ok and got == "ACTIVE" and self.host() == self.other(source)
                   and self.port_host() == self.other(source), run, note=f"host {self.host()}")

    def step_evacuate(self):
        source = self.host()
        refused = self.admin_cli(f"server evacuate {self.ids.get('vm')}")
        self.check("server evacuate while the host's nova-compute is up: refused (400, still in use)",
                   not refused.ok and "is still in use" in refused.err, refused)
        down = self.admin_cli(f"--os-compute-api-version 2.11 compute service set --down {source} nova-compute")
        services = self.admin_cli("compute service list --service nova-compute -f json")
        states = {s.get("Host"): s.get("State") for s in (services.json() if services.ok else [])}
        self.check("compute service set --down (2.11): nova-compute on the server's host is down",
                   down.ok and states.get(source) == "down", down, services)
        # Debian's openstackclient 6.0 reads the evacuate answer as a server and fails after the
        # request was accepted ('TupleWithMeta' object has no attribute 'id'): the cloud is checked.
        run = self.admin_cli(f"--os-compute-api-version 2.29 server evacuate {self.ids.get('vm')}")
        got = self.wait("ACTIVE")
        self.check("server evacuate (2.29): rebuilt ACTIVE on the surviving host, its port bound there",
                   got == "ACTIVE" and self.host() == self.other(source) and self.port_host() == self.other(source),
                   run, note=f"status {got}, host {self.host()}")
        held = self.vcpus_used(source)
        self.check("while the source is down, placement still holds the server's VCPU there (Nova keeps it)",
                   held == 1, note=f"VCPU used on {source}: {held}")
        up = self.admin_cli(f"--os-compute-api-version 2.11 compute service set --up {source} nova-compute")
        freed = self.vcpus_used(source)
        self.check("compute service set --up: the source comes back and cleans up (its VCPU freed)",
                   up.ok and freed == 0 and self.vcpus_used(self.other(source)) == 1, up,
                   note=f"VCPU used on {source}: {freed}")

    def step_migration_list(self):
        run = self.admin_cli(f"--os-compute-api-version 2.59 server migration list --server {self.ids.get('vm')} "
                             "-f json")
        kinds = sorted((m.get("Type"), m.get("Status")) for m in (run.json() if run.ok else []))
        self.check("server migration list --server VMM (2.59): the cold, live and evacuation moves, finished",
                   run.ok and kinds == [("evacuation", "completed"), ("live-migration", "completed"),
                                        ("migration", "confirmed")], run, note=str(kinds))

    def step_delete(self):
        run = self.admin_cli(f"server delete --wait {self.ids.get('vm')}")
        self.check("server delete --wait VMM", run.ok, run)
