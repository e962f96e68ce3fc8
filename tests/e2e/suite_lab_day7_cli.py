"""Day 7 of the book done as a student does it, with Debian's `openstack` CLI
and `stacklab ssh`, then graded: `stacklab lab check day7` must report every
task done (exercises.md, EX-41 to EX-61, CLI variants as the book gives them).

The two Day 6 add-ons Day 7 builds on are done first the same way: `private`
shared (EX-38) and the public flavor FR_bootcamp_01 (EX-39). Before any of it,
`lab check day7` reports each task not done, with its reason.
"""

import json
import os
import subprocess
import time

from harness import Suite
from suite_lab_state import StacklabCommand, lab_check_json

CIRROS = "cirros-0.3.4-x86_64-uec"
NEO_PROJECT = "openstack_bootcamp"


class LabDay7CliSuite(Suite):
    name = "lab_day7_cli"

    def steps(self):
        return [self.step_pristine_not_done, self.step_admin_tasks, self.step_neo_network_and_access,
                self.step_neo_instance_volume_fip, self.step_credential_file_and_delete, self.step_vm_osc_01,
                self.step_guest_ssh_and_ping, self.step_extended_activities, self.step_graded_done]

    # ---- helpers -------------------------------------------------------------
    def neo(self, command, process=False):
        return self.osc(command, self.osc.creds("neo", project=NEO_PROJECT), "neo", process=process)

    def admin_cli(self, command):
        return self.osc(command, self.admin, "admin")

    def stacklab(self, *args, env=None):
        return StacklabCommand(self.lab.binary, self.lab.url, list(args), env)

    def guest(self, *args):
        """`stacklab ssh` as neo (its openrc), from the suite's own HOME (no machine keys)."""
        env = {"OS_USERNAME": "neo", "OS_PASSWORD": "nomoresecret", "OS_PROJECT_NAME": NEO_PROJECT,
               "HOME": self.workdir}
        return StacklabCommand(self.lab.binary, self.lab.url, ["ssh"] + list(args), env, prefix_command=True)

    def wait_volume(self, name, status, who=None, timeout=60):
        """Polls `volume show` (as neo unless `who`) until the volume has `status`, as a student re-runs it."""
        deadline = time.monotonic() + timeout
        shown = None
        while time.monotonic() < deadline:
            shown = self.osc(f"volume show {name} -f json", *(who or (self.osc.creds("neo", project=NEO_PROJECT),
                                                                        "neo")))
            if shown.ok and shown.json().get("status") == status:
                break
            time.sleep(0.5)
        return shown

    def server_ip(self, name, who):
        ports = self.osc(f"port list --server {name} -f json", who[0], who[1])
        for p in ports.json() if ports.ok else []:
            for ip in p.get("Fixed IP Addresses", []):
                if "." in ip.get("ip_address", ""):
                    return ip["ip_address"]
        return "?"

    # ---- steps ---------------------------------------------------------------
    def step_pristine_not_done(self):
        run, tasks = lab_check_json(self.lab, "day7")
        reasons = all(t.get("status") != "done" and t.get("missing") for t in tasks.values())
        self.check("lab check day7 on the pristine lab: exit 1, every task 'not yet' with its reason",
                   run.rc == 1 and len(tasks) >= 21 and reasons, run)

    def step_admin_tasks(self):
        image = subprocess.run([self.lab.binary, "lab", "fetch-image", "ubuntu-16.04", "--dir", self.workdir],
                               capture_output=True, text=True)
        image_file = os.path.join(self.workdir, "ubuntu-16.04-server-cloudimg-amd64-disk1.img")
        runs = [
            # Day 6 add-ons Day 7 relies on (EX-38, EX-39)
            self.admin_cli("network set --share private"),
            self.admin_cli("flavor create --id auto --vcpus 1 --ram 256 --disk 1 --ephemeral 0 --swap 0 "
                           "--rxtx-factor 1 --public FR_bootcamp_01"),
            # EX-41 .. EX-44
            self.admin_cli('project create --domain default --description "Project for Collective training" '
                           f'{NEO_PROJECT}'),
            self.admin_cli(f'user create --domain default --project {NEO_PROJECT} --description "User for '
                           'Collective training" --email neo@helloworld.com --password nomoresecret neo'),
            self.admin_cli(f"role add --project {NEO_PROJECT} --user neo Member"),
            self.admin_cli("flavor create --id auto --vcpus 1 --ram 256 --disk 5 --ephemeral 0 --swap 0 "
                           "--rxtx-factor 1 FR_openstackbootcamp_01"),
            self.admin_cli(f"image create --file {image_file} --disk-format qcow2 --container-format bare --public "
                           "--min-disk 1 --min-ram 128 --protected Ubuntu_16"),
        ]
        self.check("as admin: network set --share private, flavor FR_bootcamp_01 (EX-38/39); project "
                   f"{NEO_PROJECT}, user neo + role Member, flavor FR_openstackbootcamp_01, public protected image "
                   "Ubuntu_16 from the fetched file (EX-41..44)", image.returncode == 0 and all(r.ok for r in runs),
                   *runs)

    def step_neo_network_and_access(self):
        runs = [
            self.neo("network create NW_openstackbootcamp_01"),
            self.neo("subnet create --network NW_openstackbootcamp_01 --subnet-range 192.12.10.0/24 "
                     "--gateway 192.12.10.1 --dns-nameserver 8.8.8.8 SN_openstackbootcamp_01"),
            self.neo("security group rule create --protocol tcp --dst-port 22 default"),
            self.neo("security group rule create --protocol icmp default"),
            self.neo("router create R_openstackbootcamp_01"),
            self.neo("router set --external-gateway public R_openstackbootcamp_01"),
            self.neo("router add subnet R_openstackbootcamp_01 SN_openstackbootcamp_01"),
        ]
        key = self.neo("keypair create KP_openstackbootcamp_01")
        pem = os.path.join(self.workdir, "KP_openstackbootcamp_01.pem")
        with open(pem, "w") as f:
            f.write(key.out)
        os.chmod(pem, 0o600)
        self.ids["pem"] = pem
        self.check("as neo: network, subnet 192.12.10.0/24, SSH and ICMP rules, router with gateway and interface "
                   "(EX-45, 46, 48); keypair create KP_openstackbootcamp_01 > .pem (EX-47)",
                   all(r.ok for r in runs) and key.ok and "PRIVATE KEY" in key.out, *runs, key)

    def step_neo_instance_volume_fip(self):
        vm = self.neo("server create --flavor FR_openstackbootcamp_01 --image Ubuntu_16 --network "
                      "NW_openstackbootcamp_01 --security-group default --key-name KP_openstackbootcamp_01 "
                      "--availability-zone nova --wait VM_openstackbootcamp_01 -f json", process=True)
        vol = self.neo('volume create --size 1 --type lvmdriver-1 --availability-zone nova --description "Volume '
                       'for Collective training" VL_openstackbootcamp_01')
        self.wait_volume("VL_openstackbootcamp_01", "available")
        attach = self.neo("server add volume VM_openstackbootcamp_01 VL_openstackbootcamp_01")
        in_use = self.wait_volume("VL_openstackbootcamp_01", "in-use")
        fip = self.neo("floating ip create public -f json")
        address = fip.json().get("floating_ip_address", "?") if fip.ok else "?"
        add = self.neo(f"server add floating ip VM_openstackbootcamp_01 {address}")
        self.ids["fip"] = address
        self.check("as neo: server create Ubuntu_16 --wait: ACTIVE (EX-49); volume create VL_openstackbootcamp_01 "
                   f"(EX-50); server add volume (EX-51); floating ip create public + server add floating ip {address} "
                   "(EX-52)", vm.ok and vm.json().get("status") == "ACTIVE" and vol.ok and attach.ok
                   and in_use.json().get("status") == "in-use" and fip.ok and add.ok, vm, vol, attach, in_use, fip, add)

    def step_credential_file_and_delete(self):
        # EX-53: the book's hand-written credential file, against /identity_admin with domain name "default".
        creds = {"OS_IDENTITY_API_VERSION": "3", "OS_AUTH_URL": self.lab.url + "/identity_admin",
                 "OS_USERNAME": "neo", "OS_USER_DOMAIN_NAME": "default", "OS_PASSWORD": "nomoresecret",
                 "OS_PROJECT_NAME": NEO_PROJECT, "OS_PROJECT_DOMAIN_NAME": "default", "OS_REGION_NAME": "RegionOne"}
        listed = self.osc("server list -f json", creds, "neo (credential file)")
        self.check("source neo (OS_AUTH_URL=.../identity_admin, domain 'default'); openstack server list shows "
                   "VM_openstackbootcamp_01 (EX-53)",
                   listed.ok and "VM_openstackbootcamp_01" in self.names(listed.json()), listed)
        gone = self.neo("server delete --wait VM_openstackbootcamp_01")
        vol = self.neo("volume show VL_openstackbootcamp_01 -f json")
        self.check("server delete --wait VM_openstackbootcamp_01 (EX-54): the volume is available again",
                   gone.ok and vol.ok and vol.json().get("status") == "available", gone, vol)

    def step_vm_osc_01(self):
        net = self.neo("network show NW_openstackbootcamp_01 -f json")
        net_id = net.json().get("id", "?") if net.ok else "?"
        vm = self.neo(f"server create --flavor FR_openstackbootcamp_01 --image {CIRROS} --nic net-id={net_id} "
                      "--security-group default --key-name KP_openstackbootcamp_01 --wait VM_OSC_01 -f json",
                      process=True)
        add = self.neo(f"server add floating ip VM_OSC_01 {self.ids['fip']}")
        self.check(f"server create --nic net-id=... --wait VM_OSC_01 (EX-55); server add floating ip VM_OSC_01 "
                   f"{self.ids['fip']}, the freed address (EX-56)",
                   vm.ok and vm.json().get("status") == "ACTIVE" and add.ok, vm, add)

    def step_guest_ssh_and_ping(self):
        fip = self.ids["fip"]
        ifc = self.guest("-i", self.ids["pem"], f"cirros@{fip}", "ifconfig")
        ping = self.guest("-p", "cubswin:)", f"cirros@{fip}", "ping", "-c", "3", "8.8.8.8")
        self.check(f"stacklab ssh -i KP_openstackbootcamp_01.pem cirros@{fip} ifconfig: eth0 192.12.10.x, MTU:1450 "
                   "(EX-57); with cirros' password, ping -c 3 8.8.8.8: 0% packet loss (EX-58)",
                   ifc.ok and "192.12.10." in ifc.out and "MTU:1450" in ifc.out
                   and ping.ok and " 0% packet loss" in ping.out, ifc, ping)

    def step_extended_activities(self):
        demo = (self.demo, "demo")
        flavor = self.admin_cli("flavor create --vcpus 1 --ram 256 --disk 3 FR_activity_01")
        vm1 = self.neo(f"server create --flavor FR_activity_01 --image {CIRROS} --network private "
                       "--security-group default --wait VM_activity_01 -f json", process=True)
        self.check("EX-59: admin flavor create FR_activity_01 (1 vCPU, 256 MB, 3 GB); as neo server create on the "
                   "shared network private: ACTIVE", flavor.ok and vm1.ok and vm1.json().get("status") == "ACTIVE",
                   flavor, vm1)
        # The admin's way (exercises.md EX-60, first option): neo, a member, cannot look demo's id up, so
        # `network rbac create --target-project demo` as neo would name a project id "demo".
        rbac = self.admin_cli("network set --share NW_openstackbootcamp_01")
        vm2 = self.osc(f"server create --flavor FR_bootcamp_01 --image {CIRROS} --network NW_openstackbootcamp_01 "
                       "--wait VM_activity_02 -f json", *demo, process=True)
        self.check("EX-60: admin network set --share NW_openstackbootcamp_01; as demo server create "
                   "VM_activity_02 on it: ACTIVE",
                   rbac.ok and vm2.ok and vm2.json().get("status") == "ACTIVE", rbac, vm2)
        vol = self.neo("volume create --size 1 VL_activity_03")
        self.wait_volume("VL_activity_03", "available")
        req = self.neo("volume transfer request create VL_activity_03 -f json")
        body = req.json() if req.ok else {}
        accept = self.osc(f"volume transfer request accept --auth-key {body.get('auth_key', '?')} "
                          f"{body.get('id', '?')}", *demo)
        attach = self.osc("server add volume VM_activity_02 VL_activity_03", *demo)
        in_use = self.wait_volume("VL_activity_03", "in-use", who=demo)
        self.check("EX-61: neo creates VL_activity_03 and a transfer request; demo accepts it and attaches the "
                   "volume to VM_activity_02 (in-use)", vol.ok and req.ok and accept.ok and attach.ok
                   and in_use.json().get("status") == "in-use", vol, req, accept, attach, in_use)

    def step_graded_done(self):
        run, tasks = lab_check_json(self.lab, "day7")
        missing = {i: t.get("missing") for i, t in tasks.items() if t.get("status") != "done"}
        text = self.stacklab("lab", "check", "day7")
        self.check("lab check day7 after the CLI: exit 0, every task done (EX-41..EX-61, SSH and ping included)",
                   run.ok and text.ok and tasks and not missing and "0 not yet" in text.out, text,
                   note=json.dumps(missing, indent=1) if missing else "")
