"""Server actions with Debian's real `openstack` CLI, on the lab's single
simulated host (real-time lab durations: each hypervisor step takes a few
seconds).

`server pause/unpause`, `server suspend/resume`, `server stop/start`,
`server reboot --hard --wait`, `server lock` by demo (demo is then refused,
admin may still act), `console log show`, `console url show` (and the page
it opens), `server set --password`, `server show --diagnostics`, `server
backup create --rotate`, `server image
create --wait` (a snapshot image in Glance), `server shelve`/`unshelve`,
`server resize --flavor m1.micro --wait` + `server resize confirm`, resize
again + `server resize revert`, `server rebuild --wait`, `server migrate`
as admin (one host: refused with NoValidHost), `server event list/show`.
"""

import time

from harness import Suite, http

IMAGE = "cirros-0.3.4-x86_64-uec"


class ServerActionsSuite(Suite):
    name = "server_actions"

    def steps(self):
        return [self.step_create, self.step_power, self.step_lock, self.step_consoles, self.step_guest,
                self.step_image_create,
                self.step_shelve, self.step_resize_confirm, self.step_resize_revert, self.step_rebuild,
                self.step_migrate, self.step_events, self.step_delete]

    # -- helpers ---------------------------------------------------------------------

    def server(self):
        """The VM's server document over plain HTTP (admin's view)."""
        if "token" not in self.ids:
            self.ids["token"] = self.admin_token()
        status, _, body = http("GET", f"{self.lab.url}/compute/v2.1/servers/{self.ids.get('vm')}",
                               token=self.ids["token"], headers={"OpenStack-API-Version": "compute 2.79"})
        return body.get("server", {}) if status == 200 else {}

    def wait(self, *statuses, timeout=40):
        """Polls (0.2 s) until the VM shows one of `statuses` with no task; returns its last status."""
        deadline = time.monotonic() + timeout
        s = {}
        while time.monotonic() < deadline:
            s = self.server()
            if s.get("status") in statuses and s.get("OS-EXT-STS:task_state") is None:
                break
            time.sleep(0.2)
        return s.get("status")

    def demo_cli(self, command):
        return self.osc(command, self.demo, "demo")

    # -- steps -----------------------------------------------------------------------

    def step_create(self):
        run = self.osc(f"server create --image {IMAGE} --flavor m1.nano --wait VMA -f json", self.demo, "demo",
                       process=True)
        s = run.json() if run.ok else {}
        self.ids["vm"] = s.get("id")
        self.check("server create --wait VMA (demo): ACTIVE", run.ok and s.get("status") == "ACTIVE", run)

    def step_power(self):
        for verb, status in (("pause", "PAUSED"), ("unpause", "ACTIVE"), ("suspend", "SUSPENDED"),
                             ("resume", "ACTIVE"), ("stop", "SHUTOFF"), ("start", "ACTIVE")):
            run = self.demo_cli(f"server {verb} VMA")
            got = self.wait(status)
            self.check(f"server {verb} VMA (demo): {status}", run.ok and got == status, run, note=f"status {got}")
        again = self.demo_cli("server start VMA")
        self.check("server start on an ACTIVE server: refused (409, vm_state active)",
                   not again.ok and "while it is in vm_state active" in again.err, again)
        run = self.osc("server reboot --hard --wait VMA", self.demo, "demo", process=True)
        self.check("server reboot --hard --wait VMA: ACTIVE again", run.ok and self.wait("ACTIVE") == "ACTIVE", run)

    def step_lock(self):
        lock = self.osc("--os-compute-api-version 2.73 server lock --reason exam VMA", self.demo, "demo")
        show = self.osc("--os-compute-api-version 2.73 server show VMA -f json", self.demo, "demo")
        s = show.json() if show.ok else {}
        self.check("server lock --reason exam VMA (demo): locked, locked_reason exam",
                   lock.ok and s.get("locked") in (True, "True") and s.get("locked_reason") == "exam", lock, show)
        refused = self.demo_cli("server stop VMA")
        self.check("server stop VMA (demo, locked): refused, 'is locked'",
                   not refused.ok and "is locked" in refused.err, refused)
        admin_pause = self.osc(f"server pause {self.ids.get('vm')}", self.admin, "admin")
        got = self.wait("PAUSED")
        admin_unpause = self.osc(f"server unpause {self.ids.get('vm')}", self.admin, "admin")
        got2 = self.wait("ACTIVE")
        self.check("server pause/unpause (admin, locked server): allowed",
                   admin_pause.ok and got == "PAUSED" and admin_unpause.ok and got2 == "ACTIVE",
                   admin_pause, admin_unpause)
        unlock = self.demo_cli("server unlock VMA")
        self.check("server unlock VMA (demo)", unlock.ok and self.server().get("locked") is False, unlock)

    def step_consoles(self):
        log = self.demo_cli("console log show --lines 20 VMA")
        self.check("console log show --lines 20 VMA: the cirros boot log's last lines (login prompt)",
                   log.ok and "login" in log.out and len(log.out.strip().splitlines()) <= 20, log)
        url = self.demo_cli("console url show VMA -f json")
        u = url.json() if url.ok else {}
        self.check("console url show VMA: a noVNC URL on our own host with a token",
                   url.ok and str(u.get("url", "")).startswith(self.lab.url + "/vnc_auto.html?path=")
                   and u.get("type") == "novnc", url)
        status, hdrs, page = http("GET", u.get("url", self.lab.url + "/vnc_auto.html")) if url.ok else (0, {}, "")
        self.check("the console URL opens a page: connected to the guest, its boot log and login prompt",
                   status == 200 and "text/html" in (hdrs.get("Content-Type", "") if hdrs else "")
                   and "Connected (unencrypted) to: QEMU" in str(page) and "login:" in str(page),
                   url, note=f"HTTP {status}")

    def step_guest(self):
        run = self.demo_cli("server set --password N3wPassw0rd VMA")
        self.check("server set --password (changePassword, demo): accepted, ACTIVE",
                   run.ok and self.wait("ACTIVE") == "ACTIVE", run)
        diag = self.osc(f"server show --diagnostics {self.ids.get('vm')} -f json", self.admin, "admin")
        d = diag.json() if diag.ok else {}
        self.check("server show --diagnostics VMA (admin): the hypervisor's counters (memory, vda_read)",
                   diag.ok and "memory" in d and "vda_read" in d, diag)
        refused = self.osc(f"server show --diagnostics {self.ids.get('vm')}", self.demo, "demo")
        self.check("server show --diagnostics (demo): refused by policy (403)",
                   not refused.ok and "403" in refused.err, refused)
        for name in ("VMA-daily-1", "VMA-daily-2"):
            run = self.osc(f"server backup create --name {name} --type daily --rotate 1 --wait VMA", self.demo, "demo")
            self.wait("ACTIVE")
        images = self.demo_cli("image list -f json")
        names = [i.get("Name") for i in (images.json() if images.ok else [])]
        self.check("server backup create --rotate 1 twice: only the newest backup is kept",
                   run.ok and "VMA-daily-2" in names and "VMA-daily-1" not in names, run, images)
        show = self.demo_cli("image show VMA-daily-2 -f json")
        props = (show.json() if show.ok else {}).get("properties") or {}
        self.check("the backup image: image_type backup, backup_type daily, of VMA",
                   props.get("image_type") == "backup" and props.get("backup_type") == "daily"
                   and props.get("instance_uuid") == self.ids.get("vm"), show)

    def step_image_create(self):
        run = self.osc("server image create --name VMA-snap --wait VMA -f json", self.demo, "demo")
        img = run.json() if run.ok else {}
        show = self.demo_cli("image show VMA-snap -f json")
        i = show.json() if show.ok else {}
        props = i.get("properties") or {}
        self.check("server image create --name VMA-snap --wait: active snapshot image of VMA",
                   run.ok and i.get("status") == "active" and props.get("image_type") == "snapshot"
                   and props.get("instance_uuid") == self.ids.get("vm"), run, show)
        self.wait("ACTIVE")
        self.ids["snap"] = img.get("id")

    def step_shelve(self):
        run = self.demo_cli("server shelve VMA")
        got = self.wait("SHELVED_OFFLOADED", timeout=60)
        s = self.server()
        self.check("server shelve VMA: SHELVED_OFFLOADED, no host (nova's shelved_offload_time 0)",
                   run.ok and got == "SHELVED_OFFLOADED" and s.get("OS-EXT-SRV-ATTR:host") is None, run,
                   note=f"status {got}")
        run = self.demo_cli("server unshelve VMA")
        got = self.wait("ACTIVE", timeout=60)
        self.check("server unshelve VMA: ACTIVE on openstackbootcamp again",
                   run.ok and got == "ACTIVE" and self.server().get("OS-EXT-SRV-ATTR:host") == "openstackbootcamp",
                   run, note=f"status {got}")

    def step_resize_confirm(self):
        run = self.osc("server resize --flavor m1.micro --wait VMA", self.demo, "demo", process=True)
        s = self.server()
        self.check("server resize --flavor m1.micro --wait VMA: VERIFY_RESIZE with m1.micro",
                   run.ok and s.get("status") == "VERIFY_RESIZE"
                   and (s.get("flavor") or {}).get("original_name") == "m1.micro", run, note=str(s.get("status")))
        confirm = self.demo_cli("server resize confirm VMA")
        got = self.wait("ACTIVE")
        migs = self.osc("server migration list -f json", self.admin, "admin")
        rows = migs.json() if migs.ok else []
        self.check("server resize confirm VMA: ACTIVE; the migration is confirmed (admin's migration list)",
                   confirm.ok and got == "ACTIVE" and any(r.get("Status") == "confirmed" for r in rows),
                   confirm, migs)

    def step_resize_revert(self):
        run = self.demo_cli("server resize --flavor m1.nano VMA")
        got = self.wait("VERIFY_RESIZE")
        revert = self.demo_cli("server resize revert VMA")
        back = self.wait("ACTIVE")
        s = self.server()
        self.check("server resize --flavor m1.nano then server resize revert: ACTIVE with m1.micro again",
                   run.ok and got == "VERIFY_RESIZE" and revert.ok and back == "ACTIVE"
                   and (s.get("flavor") or {}).get("original_name") == "m1.micro", run, revert,
                   note=f"{got} -> {back}")

    def step_rebuild(self):
        run = self.osc(f"server rebuild --image {IMAGE} --wait VMA -f json", self.demo, "demo")
        self.check("server rebuild --image cirros --wait VMA: ACTIVE", run.ok and self.wait("ACTIVE") == "ACTIVE", run)

    def step_migrate(self):
        demo = self.demo_cli("server migrate VMA")
        self.check("server migrate VMA (demo): refused by policy (admin only)", not demo.ok and "403" in demo.err, demo)
        admin = self.osc(f"server migrate {self.ids.get('vm')}", self.admin, "admin")
        self.check("server migrate (admin, one host): refused, No valid host was found",
                   not admin.ok and "No valid host" in admin.err and self.server().get("status") == "ACTIVE", admin)

    def step_events(self):
        run = self.demo_cli("server event list VMA -f json")
        rows = run.json() if run.ok else []
        actions = [r.get("Action") for r in rows]
        wanted = {"create", "pause", "unpause", "suspend", "resume", "stop", "start", "reboot", "lock", "unlock",
                  "createImage", "shelve", "unshelve", "resize", "confirmResize", "revertResize", "rebuild"}
        self.check("server event list VMA: every action done to it, newest first",
                   run.ok and wanted <= set(actions) and actions[-1] == "create", run,
                   note=f"missing: {sorted(wanted - set(actions))}")
        create = next((r for r in rows if r.get("Action") == "create"), {})
        show = self.osc(f"server event show {self.ids.get('vm')} {create.get('Request ID')} -f json", self.admin,
                        "admin")
        ev = show.json() if show.ok else {}
        events = [e.get("event") for e in ev.get("events", [])]
        self.check("server event show (admin) of the create: compute__do_build_and_run_instance, Success",
                   show.ok and "compute__do_build_and_run_instance" in events
                   and all(e.get("result") == "Success" for e in ev.get("events", [])), show)

    def step_delete(self):
        run = self.osc("server delete --wait VMA", self.demo, "demo")
        self.check("server delete --wait VMA", run.ok, run)
