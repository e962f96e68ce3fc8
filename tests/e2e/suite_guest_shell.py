"""The simulated guests' shells, `stacklab ssh` and `stacklab console`, with
Debian's real `openstack` CLI doing the student's part (EX-15..19, EX-26,
EX-34/36 of the book).

demo imports a key made with ssh-keygen as KP_hellovinoth and boots
VM_helloworld_OSC with it on `private`: ssh to its fixed address times out
(project networks are isolated), so does ssh to its floating IP until the
default group allows tcp/22; then `hostname`, `ip a`, a ping of the other
VM and, after `server add volume`, `sudo fdisk -l` print what the guest
would. A wrong password is refused, the console logs in with cirros's, and
`lab check EX-19` grades the SSH login done from the guest events.
"""

import os
import subprocess

from harness import Suite
from suite_lab_state import StacklabCommand

IMAGE = "cirros-0.3.4-x86_64-uec"
VM = "VM_helloworld_OSC"
PEER = "VM_peer"
SSH_FAILED = 255


def GuestRun(suite, verb, args, stdin=""):
    """One `stacklab ssh|console` as demo, options before the destination (what follows it is the remote command)."""
    env = {"OS_USERNAME": "demo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": "demo",
           "HOME": suite.workdir}  # no ~/.ssh of the machine's user: only the keys the suite names
    return StacklabCommand(suite.lab.binary, suite.lab.url, [verb] + list(args), env, stdin, prefix_command=True)


class GuestShellSuite(Suite):
    name = "guest_shell"

    def steps(self):
        return [self.step_key_and_servers, self.step_fixed_ip_times_out, self.step_floating_ip_needs_the_rule,
                self.step_commands_in_the_guest, self.step_fdisk_after_attach, self.step_refused_logins,
                self.step_interactive_and_console, self.step_grader_and_audit]

    def ssh(self, *args, stdin=""):
        return GuestRun(self, "ssh", args, stdin)

    def key(self):
        return os.path.join(self.workdir, "id_rsa")

    def step_key_and_servers(self):
        gen = subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-N", "", "-f", self.key()], capture_output=True,
                             text=True)
        kp = self.osc(f"keypair create --public-key {self.key()}.pub KP_hellovinoth", self.demo, "demo")
        self.check("ssh-keygen; openstack keypair create --public-key id_rsa.pub KP_hellovinoth (EX-15)",
                   gen.returncode == 0 and kp.ok, kp)
        for name, key in ((VM, "--key-name KP_hellovinoth "), (PEER, "")):
            vm = self.osc(f"server create --image {IMAGE} --flavor m1.nano --network private {key}"
                          f"--wait {name} -f json", self.demo, "demo", process=True)
            self.check(f"server create --network private {key}--wait {name}: ACTIVE",
                       vm.ok and vm.json().get("status") == "ACTIVE", vm)
            addresses = self.osc(f"port list --server {name} -f json", self.demo, "demo")
            ports = addresses.json() if addresses.ok else []
            fixed = [ip["ip_address"] for p in ports for ip in p.get("Fixed IP Addresses", [])
                     if "." in ip.get("ip_address", "")]
            self.ids[name] = fixed[0] if fixed else "?"

    def step_fixed_ip_times_out(self):
        run = self.ssh("-i", self.key(), f"cirros@{self.ids[VM]}", "hostname")
        self.check(f"stacklab ssh cirros@{self.ids[VM]} (its fixed IP): exit 255, Connection timed out",
                   run.rc == SSH_FAILED and "port 22: Connection timed out" in run.err, run)

    def step_floating_ip_needs_the_rule(self):
        fip = self.osc("floating ip create public -f json", self.demo, "demo")
        address = fip.json().get("floating_ip_address", "?") if fip.ok else "?"
        add = self.osc(f"server add floating ip {VM} {address}", self.demo, "demo")
        self.check(f"floating ip create public ({address}); server add floating ip {VM} (EX-18)",
                   fip.ok and add.ok, fip, add)
        self.ids["fip"] = address
        run = self.ssh("-i", self.key(), f"cirros@{address}", "hostname")
        self.check("stacklab ssh to the floating IP without an SSH rule: exit 255, Connection timed out",
                   run.rc == SSH_FAILED and f"ssh: connect to host {address} port 22: Connection timed out" in run.err,
                   run)
        rule = self.osc("security group rule create --proto tcp --dst-port 22 default", self.demo, "demo")
        run = self.ssh("-i", self.key(), f"cirros@{address}", "hostname")
        self.check("security group rule create --proto tcp --dst-port 22 default (EX-16); "
                   "stacklab ssh -i id_rsa cirros@FIP hostname: vm-helloworld-osc",
                   rule.ok and run.ok and run.out.strip() == "vm-helloworld-osc", rule, run)

    def step_commands_in_the_guest(self):
        fip = self.ids["fip"]
        ip_a = self.ssh("-i", self.key(), f"cirros@{fip}", "ip", "a")
        self.check(f"ip a: eth0 with {self.ids[VM]}/26 and mtu 1450, lo mtu 16436, never the floating IP",
                   ip_a.ok and f"inet {self.ids[VM]}/26" in ip_a.out and "eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> "
                   "mtu 1450" in ip_a.out and "mtu 16436" in ip_a.out and fip not in ip_a.out, ip_a)
        peer = self.ids[PEER]
        ping = self.ssh("-i", self.key(), f"cirros@{fip}", "ping", "-c", "3", peer)
        self.check(f"ping -c 3 {peer} (the other VM, same network, default group): 3 received, 0% packet loss",
                   ping.ok and f"64 bytes from {peer}: seq=0 ttl=64" in ping.out
                   and "3 packets transmitted, 3 packets received, 0% packet loss" in ping.out, ping)
        lost = self.ssh("-i", self.key(), f"cirros@{fip}", "ping -c 2 10.0.0.60")
        self.check("ping -c 2 10.0.0.60 (nothing holds it): exit 1, 100% packet loss",
                   lost.rc == 1 and "2 packets transmitted, 0 packets received, 100% packet loss" in lost.out, lost)

    def step_fdisk_after_attach(self):
        vol = self.osc("volume create --size 1 VL_helloworld_1GB", self.demo, "demo")
        for _ in range(100):
            shown = self.osc("volume show VL_helloworld_1GB -f json", self.demo, "demo")
            if shown.ok and shown.json().get("status") == "available":
                break
        attach = self.osc(f"server add volume {VM} VL_helloworld_1GB", self.demo, "demo")
        for _ in range(100):
            shown = self.osc("volume show VL_helloworld_1GB -f json", self.demo, "demo")
            if shown.ok and shown.json().get("status") == "in-use":
                break
        self.check(f"volume create --size 1 VL_helloworld_1GB; server add volume {VM}: in-use",
                   vol.ok and attach.ok and shown.ok and shown.json().get("status") == "in-use", vol, attach, shown)
        fdisk = self.ssh("-i", self.key(), f"cirros@{self.ids['fip']}", "sudo fdisk -l")
        self.check("sudo fdisk -l: /dev/vda (m1.nano: 1 GiB), then /dev/vdb of 1073 MB without a partition table (EX-26)",
                   fdisk.ok and "Disk /dev/vda: 1073 MB" in fdisk.out and "Disk /dev/vdb: 1073 MB, 1073741824 bytes" in fdisk.out
                   and "Disk /dev/vdb doesn't contain a valid partition table" in fdisk.out, fdisk)

    def step_refused_logins(self):
        fip = self.ids["fip"]
        wrong = self.ssh("-p", "nope", f"cirros@{fip}", "hostname")
        self.check("stacklab ssh -p nope cirros@FIP: exit 255, Permission denied (publickey,password)",
                   wrong.rc == SSH_FAILED and f"cirros@{fip}: Permission denied (publickey,password)." in wrong.err,
                   wrong)
        password = self.ssh("-p", "cubswin:)", f"cirros@{fip}", "whoami")
        self.check("stacklab ssh -p 'cubswin:)' cirros@FIP whoami: cirros (the book's password)",
                   password.ok and password.out.strip() == "cirros", password)
        unknown = self.ssh("-i", self.key(), f"cirros@{fip}", "frobnicate")
        self.check("an unknown command: exit 127, '-sh: frobnicate: not found'",
                   unknown.rc == 127 and "sh: frobnicate: not found" in unknown.out, unknown)

    def step_interactive_and_console(self):
        fip = self.ids["fip"]
        run = self.ssh("-i", self.key(), f"cirros@{fip}", stdin="hostname\nsudo su\nwhoami\nexit\nexit\n")
        self.check("stacklab ssh (lines on stdin): '$ ' prompt, hostname, '# ' after sudo su, then "
                   f"'Connection to {fip} closed.'",
                   run.ok and "$ hostname\nvm-helloworld-osc\n" in run.out and "# whoami\nroot\n" in run.out
                   and f"Connection to {fip} closed." in run.out, run)
        console = GuestRun(self, "console", [PEER], stdin="cirros\ncubswin:)\nping -c 3 8.8.8.8\nexit\n")
        self.check(f"stacklab console {PEER}: QEMU banner, login prompt, then ping 8.8.8.8 through router1: "
                   "0% packet loss, ttl=55",
                   console.ok and "Connected (unencrypted) to: QEMU (instance-" in console.out
                   and "login: cirros" in console.out and "64 bytes from 8.8.8.8: seq=0 ttl=55" in console.out
                   and "3 packets transmitted, 3 packets received, 0% packet loss" in console.out, console)
        stop = self.osc(f"server stop {PEER}", self.demo, "demo")
        for _ in range(100):
            shown = self.osc(f"server show {PEER} -f json", self.demo, "demo")
            if shown.ok and shown.json().get("status") == "SHUTOFF":
                break
        refused = GuestRun(self, "console", [PEER])
        self.check(f"server stop {PEER}; stacklab console {PEER}: refused, the instance is not ready (409)",
                   stop.ok and refused.rc == 1 and "is not ready" in refused.err, stop, refused)

    def step_grader_and_audit(self):
        check = StacklabCommand(self.lab.binary, self.lab.url, ["lab", "check", "EX-19"])
        self.check("stacklab lab check EX-19: done (an SSH login into VM_helloworld_OSC)",
                   check.ok and "1 tasks: 1 done" in check.out, check)
        audit = StacklabCommand(self.lab.binary, self.lab.url, ["audit", "--service", "guest", "--json"])
        self.check("stacklab audit --service guest: guest.ssh successes and failures, guest.ping, guest.console",
                   audit.ok and all(a in audit.out for a in ("guest.ssh", "guest.ping", "guest.console", "guest.login"))
                   and '"failure"' in audit.out and '"success"' in audit.out, audit)
