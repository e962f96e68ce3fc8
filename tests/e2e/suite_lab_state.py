"""Snapshots, reset and the audit log of the lab, with Debian's real
`openstack` CLI and the `stacklab` binary's own commands.

What a trainer (or a CI job between tests) does: build some state as demo,
`stacklab snapshot save`, break it, `stacklab snapshot restore` and find every
resource back with the same id; `POST /_stacklab/reset` (and `stacklab lab
reset`) for the pristine lab; `stacklab audit` for who tried what, refused
calls included.
"""

import json
import os
import subprocess

from harness import Suite, http

IMAGE = "cirros-0.3.4-x86_64-uec"


class StacklabCommand:
    """One `stacklab ...` command (as the lab's admin unless `env` says otherwise) and its output."""

    def __init__(self, binary, url, args, env=None, stdin=None, prefix_command=False):
        # `stacklab ssh|console` take what follows the destination as the guest's command: --url goes first.
        self.argv = [binary] + (args[:1] + ["--url", url] + args[1:] if prefix_command else args + ["--url", url])
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        full_env.update(env or {})
        p = subprocess.run(self.argv, input=stdin, capture_output=True, text=True, env=full_env, timeout=60)
        self.rc, self.out, self.err = p.returncode, p.stdout, p.stderr

    @property
    def ok(self):
        return self.rc == 0

    def __str__(self):
        return f"$ {' '.join(self.argv[1:])}\n{self.out}{'stderr: ' + self.err if self.err else ''}(exit {self.rc})"


def lab_check_json(lab, scope):
    """`stacklab lab check SCOPE --json` as the lab's admin: (the run, {task id: task}); {} when it printed no JSON."""
    run = StacklabCommand(lab.binary, lab.url, ["lab", "check", scope, "--json"])
    try:
        return run, {t["id"]: t for t in json.loads(run.out)["tasks"]}
    except (ValueError, KeyError):
        return run, {}


class LabStateSuite(Suite):
    name = "lab_state"

    def steps(self):
        return [self.step_build_state, self.step_snapshot_save, self.step_break_state, self.step_snapshot_restore,
                self.step_reset_endpoint, self.step_lab_reset_command, self.step_audit, self.step_demo_refused,
                self.step_snapshot_delete]

    def stacklab(self, *args, env=None):
        return StacklabCommand(self.lab.binary, self.lab.url, list(args), env)

    def step_build_state(self):
        server = self.osc(f"server create --image {IMAGE} --flavor m1.nano --wait kept -f json", self.demo, "demo",
                          process=True)
        key = self.osc("keypair create kept-key", self.demo, "demo")
        net = self.osc("network create kept-net -f json", self.demo, "demo")
        self.ids["server"] = server.json()["id"] if server.ok else None
        self.ids["network"] = net.json()["id"] if net.ok else None
        self.check("server create --wait kept, keypair create kept-key, network create kept-net (demo)",
                   server.ok and server.json()["status"] == "ACTIVE" and key.ok and net.ok, server, key, net)

    def step_snapshot_save(self):
        save = self.stacklab("snapshot", "save", "before")
        listed = self.stacklab("snapshot", "list")
        self.check("stacklab snapshot save before; snapshot list shows before and pristine",
                   save.ok and "Saved snapshot before" in save.out and listed.ok and "before" in listed.out
                   and "pristine" in listed.out, save, listed)

    def step_break_state(self):
        d1 = self.osc(f"server delete --wait {self.ids['server']}", self.demo, "demo")
        d2 = self.osc("keypair delete kept-key", self.demo, "demo")
        d3 = self.osc(f"network delete {self.ids['network']}", self.demo, "demo")
        servers = self.osc("server list -f json", self.demo, "demo")
        self.check("server delete, keypair delete, network delete (demo): server list is empty",
                   d1.ok and d2.ok and d3.ok and servers.ok and servers.json() == [], d1, d2, d3, servers)

    def step_snapshot_restore(self):
        restore = self.stacklab("snapshot", "restore", "before")
        server = self.osc(f"server show {self.ids['server']} -f json", self.demo, "demo", process=True)
        key = self.osc("keypair show kept-key -f json", self.demo, "demo")
        net = self.osc(f"network show {self.ids['network']} -f json", self.demo, "demo")
        self.check("stacklab snapshot restore before: the server (ACTIVE), kept-key and kept-net are back with "
                   "the same ids",
                   restore.ok and "Restored before" in restore.out and server.ok
                   and server.json()["status"] == "ACTIVE" and server.json()["name"] == "kept" and key.ok
                   and net.ok and net.json()["name"] == "kept-net", restore, server, key, net)
        console = self.osc(f"console log show {self.ids['server']}", self.demo, "demo")
        self.check("console log show kept: the restored server's simulated domain boots again",
                   console.ok and "login" in console.out, console)

    def step_reset_endpoint(self):
        status, _, body = http("POST", self.lab.url + "/_stacklab/reset", token=self.admin_token())
        servers = self.osc("server list -f json", self.demo, "demo")
        nets = self.osc("network list -f json", self.demo, "demo")
        images = self.osc("image list -f json", self.demo, "demo")
        self.check("POST /_stacklab/reset (admin): 200, the pristine lab: no servers, the lab's networks "
                   "public/private only, the cirros images",
                   status == 200 and body["restore"]["name"] == "pristine" and servers.ok and servers.json() == []
                   and nets.ok and self.names(nets.json()) == {"public", "private"} and images.ok
                   and IMAGE in self.names(images.json()), f"HTTP {status} {body}", servers, nets, images)

    def step_lab_reset_command(self):
        key = self.osc("keypair create scratch", self.demo, "demo")
        reset = self.stacklab("lab", "reset")
        keys = self.osc("keypair list -f json", self.demo, "demo")
        self.check("stacklab lab reset: 'Restored pristine', the new keypair is gone",
                   key.ok and reset.ok and "Restored pristine" in reset.out and keys.ok and keys.json() == [],
                   key, reset, keys)

    def step_audit(self):
        refused = self.osc("compute service list", self.demo, "demo")
        audit = self.stacklab("audit", "--user", "demo", "--service", "compute", "--json")
        entries = json.loads(audit.out) if audit.ok else []
        hits = [e for e in entries if e["action"] == "compute:os-services:list" and e["status"] == 403]
        self.check("compute service list (demo): refused (403); stacklab audit --user demo --service compute "
                   "records it as compute:os-services:list, 403",
                   not refused.ok and "403" in refused.err and len(hits) >= 1 and hits[-1]["user_name"] == "demo",
                   refused, audit)
        text = self.stacklab("audit", "--user", "demo", "--limit", "5")
        self.check("stacklab audit --user demo --limit 5: a table of at most 5 lines, no token in it",
                   text.ok and 0 < len(text.out.splitlines()) <= 5 and "nomoresecret" not in text.out, text)

    def step_demo_refused(self):
        demo = {"OS_USERNAME": "demo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": "demo"}
        run = self.stacklab("snapshot", "list", env=demo)
        self.check("stacklab snapshot list as demo (OS_USERNAME=demo): refused, 403",
                   not run.ok and "403" in run.err, run)

    def step_snapshot_delete(self):
        delete = self.stacklab("snapshot", "delete", "before")
        again = self.stacklab("snapshot", "restore", "before")
        self.check("stacklab snapshot delete before; restoring it then fails with 404",
                   delete.ok and not again.ok and "404" in again.err, delete, again)
