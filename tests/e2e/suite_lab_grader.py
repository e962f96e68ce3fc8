"""The exercise grader, `stacklab lab list|show|hint|check|replay`, with
Debian's real `openstack` CLI doing the student's part.

A pristine lab has Day 7 not done (`lab check day7` exits 1 and says what is
missing); the admin's first three tasks typed with the CLI become "done";
demo's refused `openstack service list` is the negative step the book asks
for; `lab replay day7` then `lab check day7` passes for everything the API
supports today, and so does Day 6 after `lab reset end-of-day6` (which replays
day 6 on the pristine lab the first time, then restores its snapshot).
"""

from harness import Suite
from suite_lab_state import StacklabCommand, lab_check_json


class LabGraderSuite(Suite):
    name = "lab_grader"

    def steps(self):
        return [self.step_pristine_day7_not_done, self.step_admin_tasks_with_cli, self.step_hint_and_show,
                self.step_demo_refused_service_list, self.step_list, self.step_replay_day7,
                self.step_end_of_day6, self.step_unknown_scope]

    def stacklab(self, *args):
        return StacklabCommand(self.lab.binary, self.lab.url, list(args))

    def step_pristine_day7_not_done(self):
        run = self.stacklab("lab", "check", "day7")
        self.check("lab check day7 on the pristine lab: exit 1, EX-41 'not yet' with 'no project openstack_bootcamp'",
                   run.rc == 1 and "not yet" in run.out and "no project openstack_bootcamp" in run.out, run)
        run, tasks = lab_check_json(self.lab, "day7")
        self.check("lab check day7 --json: 21+ tasks, none done, EX-51 (volume attach) 'not yet'",
                   len(tasks) >= 21 and all(t["status"] != "done" for t in tasks.values())
                   and tasks.get("EX-51", {}).get("status") == "not yet", run)

    def step_admin_tasks_with_cli(self):
        runs = [
            self.osc('project create --domain default --description "Project for Collective training" '
                     'openstack_bootcamp', self.admin, "admin"),
            self.osc('user create --domain default --project openstack_bootcamp --description "User for Collective '
                     'training" --email neo@helloworld.com --password nomoresecret neo', self.admin, "admin"),
            self.osc("role add --project openstack_bootcamp --user neo Member", self.admin, "admin"),
            self.osc("flavor create --id auto --vcpus 1 --ram 256 --disk 5 --ephemeral 0 --swap 0 --rxtx-factor 1 "
                     "FR_openstackbootcamp_01", self.admin, "admin"),
        ]
        check, tasks = lab_check_json(self.lab, "day7")
        done = {i for i, t in tasks.items() if t["status"] == "done"}
        self.check("EX-41 project, EX-42 user neo + role Member, EX-43 flavor with the openstack CLI: "
                   "lab check reports exactly those three done",
                   all(r.ok for r in runs) and {"EX-41", "EX-42", "EX-43"} <= done
                   and "EX-44" not in done, *runs, check)
        one = self.stacklab("lab", "check", "EX-42")
        self.check("lab check EX-42: exit 0, one task done", one.ok and "1 tasks: 1 done" in one.out, one)

    def step_hint_and_show(self):
        hint = self.stacklab("lab", "hint", "day7")
        self.check("lab hint day7: the next task is EX-44 (image Ubuntu_16) with its openstack command",
                   hint.ok and "Next: EX-44" in hint.out and "openstack image create" in hint.out, hint)
        show = self.stacklab("lab", "show", "EX-17")
        self.check("lab show EX-17: the commands to type, the hint, status 'not yet'",
                   show.ok and "openstack server create --flavor m1.nano" in show.out
                   and "status:    not yet" in show.out, show)

    def step_demo_refused_service_list(self):
        refused = self.osc("service list", self.demo, "demo")
        run, tasks = lab_check_json(self.lab, "EX-13")
        self.check("openstack service list as demo is refused (403); lab check EX-13 grades that refusal done",
                   not refused.ok and "403" in refused.err and tasks.get("EX-13", {}).get("status") == "done",
                   refused, run)

    def step_list(self):
        run = self.stacklab("lab", "list")
        self.check("lab list: days 1, 6 and 7 with their exercises; EX-41 done",
                   run.ok and "day1" in run.out and "day6" in run.out and "day7" in run.out
                   and any(line.split()[:2] == ["EX-41", "done"] for line in run.out.splitlines()), run)

    def step_replay_day7(self):
        replay = self.stacklab("lab", "replay", "day7")
        check = self.stacklab("lab", "check", "day7")
        run, tasks = lab_check_json(self.lab, "day7")
        self.check("lab replay day7, then lab check day7: exit 0, no task 'not yet'; the guest tasks EX-57 (SSH) and "
                   "EX-58 (ping 8.8.8.8) done from the replay's guest sessions",
                   replay.ok and check.ok and "0 not yet" in check.out
                   and all(tasks.get(t, {}).get("status") == "done" for t in ("EX-57", "EX-58")), replay, check)
        servers = self.osc("server list -f json", self.osc.creds("neo", project="openstack_bootcamp"), "neo")
        self.check("as neo: server list shows VM_OSC_01 ACTIVE and not VM_openstackbootcamp_01 (task 14 deleted it)",
                   servers.ok and {"VM_OSC_01", "VM_activity_01"} <= self.names(servers.json())
                   and "VM_openstackbootcamp_01" not in self.names(servers.json()), servers)

    def step_end_of_day6(self):
        # First use: the pristine lab with day 6 replayed, saved as a snapshot.
        built = self.stacklab("lab", "reset", "end-of-day6")
        check = self.stacklab("lab", "check", "day6")
        day7 = self.stacklab("lab", "check", "EX-41")
        run, tasks = lab_check_json(self.lab, "day6")
        self.check("lab reset end-of-day6 (first use: pristine + replay day6, saved), then lab check day6: exit 0, "
                   "no task 'not yet', EX-19 (SSH), EX-34 (VM to VM ping) and EX-36 (ping 8.8.8.8) done; "
                   "day 7's project is gone (the reset started from pristine)",
                   built.ok and "Saved end-of-day6" in built.out and check.ok and "0 not yet" in check.out
                   and all(tasks.get(t, {}).get("status") == "done" for t in ("EX-19", "EX-34", "EX-36"))
                   and day7.rc == 1, built, check, run, day7)
        pristine = self.stacklab("lab", "reset", "pristine")
        undone = self.stacklab("lab", "check", "EX-31")
        again = self.stacklab("lab", "reset", "end-of-day6")
        redone = self.stacklab("lab", "check", "day6")
        self.check("lab reset pristine undoes it (EX-31 not yet); lab reset end-of-day6 again is a plain restore "
                   "and day 6 is done again",
                   pristine.ok and undone.rc == 1 and again.ok and "Restored end-of-day6" in again.out
                   and redone.ok and "0 not yet" in redone.out, pristine, undone, again, redone)

    def step_unknown_scope(self):
        run = self.stacklab("lab", "check", "day8")
        self.check("lab check day8 (no such day): exit 2, names the scopes", run.rc == 2 and "day7" in run.err, run)
