// Day 7, tasks 5-18 (exercises.md EX-45..EX-58): neo builds and uses a
// small cloud of its own in openstack_bootcamp.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kProject = names::exact("openstack_bootcamp");
const NamePattern kNetwork = names::exact("NW_openstackbootcamp_01");
const NamePattern kSubnet = names::exact("SN_openstackbootcamp_01");
const NamePattern kRouter = names::exact("R_openstackbootcamp_01");
const NamePattern kVm = names::exact("VM_openstackbootcamp_01");
const NamePattern kVmOsc = names::exact("VM_OSC_01");
const char* kNeoActor = "neo / openstack_bootcamp";

const ServerSpec kVmSpec{kVm,
                         kProject,
                         "FR_openstackbootcamp_01",
                         "Ubuntu_16",
                         "KP_openstackbootcamp_01",
                         "NW_openstackbootcamp_01",
                         "192.12.10.0/24"};
const ServerSpec kVmOscSpec{kVmOsc,
                            kProject,
                            "FR_openstackbootcamp_01",
                            "cirros-0.3.4-x86_64-uec",
                            "KP_openstackbootcamp_01",
                            "NW_openstackbootcamp_01",
                            "192.12.10.0/24"};

// neo's network list shows exactly 3 networks (its own, shared private, public).
Verdict three_networks_visible(CloudView& view) {
  Verdict v;
  v.require(view.cloud().sign_in(kNeo).ok(), "neo cannot sign in to openstack_bootcamp");
  if (!v.done()) return v;
  auto n = view.list("/networking/v2.0/networks", "networks", kNeo).size();
  return v.require(n == 3, "neo sees " + std::to_string(n) +
                               " networks, the book shows 3 (NW_openstackbootcamp_01, shared private, public)");
}

Verdict server_gone(CloudView& view, const NamePattern& name) {
  Verdict v;
  return v.require(find_server(view, name, view.project_id(kProject)).is_null(), name.canonical + " still exists");
}

Verdict has_free_or_any_fip(CloudView& view) {
  Verdict v;
  auto fips = CloudView::owned_by(view.floating_ips().get<std::vector<Json>>(), view.project_id(kProject));
  return v.require(!fips.empty(), "the floating IP of task 12 was released; it should stay allocated to the project");
}

Verdict router_reaches_public(CloudView& view) { return check_router(view, kProject, kRouter, kSubnet, "192.12.10.1"); }

}  // namespace

std::vector<Exercise> day7_project_exercises() {
  std::vector<Exercise> out;
  out.push_back({"EX-45",
                 "day7",
                 "Task 5: private network NW_openstackbootcamp_01",
                 "L4601-L4621",
                 {{"EX-45",
                   "Create network NW_openstackbootcamp_01 with subnet SN_openstackbootcamp_01 192.12.10.0/24, "
                   "gateway 192.12.10.1, DNS 8.8.8.8",
                   kNeoActor,
                   {"openstack network create NW_openstackbootcamp_01",
                    "openstack subnet create --network NW_openstackbootcamp_01 --subnet-range 192.12.10.0/24 --gateway "
                    "192.12.10.1 --dns-nameserver 8.8.8.8 SN_openstackbootcamp_01"},
                   "Project > Network > Networks > Create Network",
                   "Sign in as neo (password nomoresecret).",
                   "",
                   [](CloudView& v) {
                     return check_network(v, {kProject, kNetwork, kSubnet, "192.12.10.0/24", "192.12.10.1", "8.8.8.8"});
                   }},
                  {"EX-45.2",
                   "neo's network list shows 3 networks (its own, private shared by EX-38, public)",
                   kNeoActor,
                   {"openstack network list"},
                   "Project > Network > Networks",
                   "private appears once the admin shares it (EX-38: openstack network set --share private).",
                   "",
                   three_networks_visible}},
                 [](Replayer& r) {
                   Status st = r.share_network("private");  // EX-38, which the book did the day before
                   if (!st.ok()) return st;
                   return r.ensure_network(kNeo, "NW_openstackbootcamp_01", "SN_openstackbootcamp_01", "192.12.10.0/24",
                                           "192.12.10.1", "8.8.8.8");
                 }});
  out.push_back({"EX-46",
                 "day7",
                 "Task 6: SSH and ICMP rules in the default security group",
                 "L4624-L4638",
                 {{"EX-46",
                   "Allow ingress SSH (tcp 22) and ICMP from 0.0.0.0/0 in openstack_bootcamp's default group (6 rules)",
                   kNeoActor,
                   {"openstack security group rule create --protocol tcp --dst-port 22 default",
                    "openstack security group rule create --protocol icmp default"},
                   "Project > Network > Security Groups > default > Manage Rules > Add Rule",
                   "The default group has 4 rules to start with; the book ends with exactly 6.",
                   "",
                   [](CloudView& v) {
                     return check_default_rules(v, kProject, {{"tcp", 22}, {"icmp", 0}}, 6);
                   }}},
                 [](Replayer& r) {
                   Status st = r.ensure_default_rule(kNeo, "tcp", 22);
                   return st.ok() ? r.ensure_default_rule(kNeo, "icmp", 0) : st;
                 }});
  out.push_back({"EX-47",
                 "day7",
                 "Task 7: key pair KP_openstackbootcamp_01",
                 "L4640-L4654",
                 {{"EX-47",
                   "Create key pair KP_openstackbootcamp_01 and keep its private key",
                   kNeoActor,
                   {"openstack keypair create KP_openstackbootcamp_01 > KP_openstackbootcamp_01.pem",
                    "chmod 600 KP_openstackbootcamp_01.pem"},
                   "Project > Compute > Key Pairs > Create Key Pair",
                   "The private key is shown once; save it.",
                   "",
                   [](CloudView& v) { return check_keypair(v, kNeo, names::exact("KP_openstackbootcamp_01")); }}},
                 [](Replayer& r) { return r.ensure_keypair(kNeo, "KP_openstackbootcamp_01"); }});
  out.push_back(
      {"EX-48",
       "day7",
       "Task 8: router R_openstackbootcamp_01",
       "L4656-L4660",
       {{"EX-48",
         "Create router R_openstackbootcamp_01, gateway on public, interface on SN_openstackbootcamp_01",
         kNeoActor,
         {"openstack router create R_openstackbootcamp_01",
          "openstack router set --external-gateway public R_openstackbootcamp_01",
          "openstack router add subnet R_openstackbootcamp_01 SN_openstackbootcamp_01"},
         "Project > Network > Routers > Create Router, then Add Interface",
         "Without the gateway, floating IPs of task 12 cannot be associated.",
         "",
         router_reaches_public}},
       [](Replayer& r) { return r.ensure_router(kNeo, "R_openstackbootcamp_01", "SN_openstackbootcamp_01"); }});
  out.push_back({"EX-49",
                 "day7",
                 "Task 9: instance VM_openstackbootcamp_01",
                 "L4662-L4689",
                 {{"EX-49",
                   "Launch VM_openstackbootcamp_01 from Ubuntu_16, flavor FR_openstackbootcamp_01, on "
                   "NW_openstackbootcamp_01 with key KP_openstackbootcamp_01",
                   kNeoActor,
                   {"openstack server create --flavor FR_openstackbootcamp_01 --image Ubuntu_16 --network "
                    "NW_openstackbootcamp_01 --security-group default --key-name KP_openstackbootcamp_01 "
                    "--availability-zone nova VM_openstackbootcamp_01"},
                   "Project > Compute > Instances > Launch Instance",
                   "Needs EX-43 (flavor), EX-44 (image), EX-45 (network), EX-47 (key pair). Task 14 deletes it again.",
                   "",
                   [](CloudView& v) {
                     return done_or_undone(check_server(v, kVmSpec), server_gone(v, kVm).done(),
                                           audited(v, {"neo", "compute:servers:create"}));
                   }}},
                 [](Replayer& r) {
                   return r.ensure_server(kNeo, "VM_openstackbootcamp_01", "FR_openstackbootcamp_01", "Ubuntu_16",
                                          "NW_openstackbootcamp_01", "KP_openstackbootcamp_01");
                 }});
  out.push_back(
      {"EX-50",
       "day7",
       "Task 10: empty volume VL_openstackbootcamp_01",
       "L4691-L4706",
       {{"EX-50",
         "Create an empty 1 GB volume VL_openstackbootcamp_01, type lvmdriver-1, \"Volume for Collective "
         "training\"",
         kNeoActor,
         {"openstack volume create --size 1 --type lvmdriver-1 --availability-zone nova --description \"Volume for "
          "Collective training\" VL_openstackbootcamp_01"},
         "Project > Compute > Volumes > Create Volume",
         "",
         "",
         [](CloudView& v) {
           return check_volume(
               v, {names::exact("VL_openstackbootcamp_01"), kProject, 1, "", "Volume for Collective training"});
         }}},
       [](Replayer& r) {
         return r.ensure_volume(kNeo, "VL_openstackbootcamp_01", 1, "Volume for Collective training");
       }});
  out.push_back(
      {"EX-51",
       "day7",
       "Task 11: attach the volume to VM_openstackbootcamp_01",
       "L4708-L4715",
       {{"EX-51",
         "Attach VL_openstackbootcamp_01 to VM_openstackbootcamp_01 (/dev/vdb)",
         kNeoActor,
         {"openstack server add volume VM_openstackbootcamp_01 VL_openstackbootcamp_01"},
         "Project > Compute > Volumes > Manage Attachments",
         "Task 14 deletes the server: the volume is then "
         "available again, so grade this before task 14.",
         "",
         [](CloudView& v) {
           return done_or_undone(check_volume(v, {names::exact("VL_openstackbootcamp_01"), kProject, 1, "in-use", "",
                                                  "VM_openstackbootcamp_01", "/dev/vdb"}),
                                 server_gone(v, kVm).done(),
                                 audited(v, {"neo", "compute:servers:os-volume_attachments:create"}));
         }}},
       [](Replayer& r) { return r.attach_volume(kNeo, "VM_openstackbootcamp_01", "VL_openstackbootcamp_01"); }});
  out.push_back(
      {"EX-52",
       "day7",
       "Task 12: floating IP for VM_openstackbootcamp_01",
       "L4717-L4736",
       {{"EX-52",
         "Allocate a floating IP from public and associate it to VM_openstackbootcamp_01",
         kNeoActor,
         {"openstack floating ip create public", "openstack server add floating ip VM_openstackbootcamp_01 <IP>"},
         "Project > Network > Floating IPs > Allocate IP To Project, then Associate",
         "Needs the router of task 8, or the association fails (external network not reachable).",
         "",
         [](CloudView& v) {
           return done_or_undone(check_floating_ip_on(v, kProject, kVm), server_gone(v, kVm).done(),
                                 audited(v, {"neo", "network:floatingips:update"}));
         }}},
       [](Replayer& r) { return r.ensure_floating_ip(kNeo, "VM_openstackbootcamp_01"); }});
  out.push_back(
      {"EX-53",
       "day7",
       "Task 13: a credential file for neo, without the dashboard",
       "L4738-L4761",
       {{"EX-53",
         "Write the file neo (OS_AUTH_URL=http://HOST/identity_admin, user neo, project "
         "openstack_bootcamp), source it and list servers",
         kNeoActor,
         {"cat > neo <<EOF ... export OS_AUTH_URL=http://<host>/identity_admin ... EOF", "source neo",
          "openstack server list"},
         "",
         "Eight variables: OS_IDENTITY_API_VERSION, OS_AUTH_URL, OS_USERNAME, OS_USER_DOMAIN_NAME, "
         "OS_PASSWORD, OS_PROJECT_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME.",
         "",
         [](CloudView& v) {
           Verdict verdict;
           const std::string pid = v.project_id(kProject);
           verdict.require(
               !pid.empty() && audited(v, {"neo", "identity:auth:tokens:create", "/identity_admin/", 201, pid}),
               "neo has not signed in to openstack_bootcamp through /identity_admin yet");
           verdict.require(audited(v, {"neo", "compute:servers:detail:list"}), "neo has not listed servers yet");
           return verdict;
         }}},
       [](Replayer& r) {
         auto servers = r.call(kNeo, "GET", "/compute/v2.1/servers/detail");
         return servers.ok()
                    ? r.call(kNeo, "POST", "/identity_admin/v3/auth/tokens",
                             {{"auth",
                               {{"identity",
                                 {{"methods", {"password"}},
                                  {"password",
                                   {{"user",
                                     {{"name", "neo"},
                                      {"domain", {{"name", "default"}}},
                                      {"password", "nomoresecret"}}}}}}},
                                {"scope",
                                 {{"project", {{"name", "openstack_bootcamp"}, {"domain", {{"name", "default"}}}}}}}}}})
                          .status()
                    : servers.status();
       }});
  out.push_back({"EX-54",
                 "day7",
                 "Task 14: delete VM_openstackbootcamp_01",
                 "L4763",
                 {{"EX-54",
                   "Delete VM_openstackbootcamp_01; its floating IP stays allocated to the project",
                   kNeoActor,
                   {"openstack server delete VM_openstackbootcamp_01"},
                   "Project > Compute > Instances > Delete Instance",
                   "Deleting the server does not release its floating IP.",
                   "",
                   [](CloudView& v) {
                     Verdict verdict = server_gone(v, kVm);
                     if (!verdict.done()) return verdict;
                     return has_free_or_any_fip(v);
                   }}},
                 [](Replayer& r) { return r.delete_server(kNeo, "VM_openstackbootcamp_01"); }});
  out.push_back(
      {"EX-55",
       "day7",
       "Task 15: launch VM_OSC_01 with the CLI",
       "L4765-L4816",
       {{"EX-55",
         "Launch VM_OSC_01 from cirros-0.3.4-x86_64-uec, flavor FR_openstackbootcamp_01, on "
         "NW_openstackbootcamp_01 with key KP_openstackbootcamp_01",
         kNeoActor,
         {"openstack server create --flavor FR_openstackbootcamp_01 --image cirros-0.3.4-x86_64-uec --network "
          "NW_openstackbootcamp_01 --security-group default --key-name KP_openstackbootcamp_01 VM_OSC_01"},
         "",
         "",
         "",
         [](CloudView& v) { return check_server(v, kVmOscSpec); }}},
       [](Replayer& r) {
         return r.ensure_server(kNeo, "VM_OSC_01", "FR_openstackbootcamp_01", "cirros-0.3.4-x86_64-uec",
                                "NW_openstackbootcamp_01", "KP_openstackbootcamp_01");
       }});
  out.push_back({"EX-56",
                 "day7",
                 "Task 16: a floating IP for VM_OSC_01",
                 "L4818-L4820",
                 {{"EX-56",
                   "Associate a floating IP (the free one of task 12 will do) to VM_OSC_01",
                   kNeoActor,
                   {"openstack floating ip list", "openstack server add floating ip VM_OSC_01 <IP>"},
                   "Project > Compute > Instances > Associate Floating IP",
                   "",
                   "",
                   [](CloudView& v) { return check_floating_ip_on(v, kProject, kVmOsc); }}},
                 [](Replayer& r) { return r.ensure_floating_ip(kNeo, "VM_OSC_01"); }});
  out.push_back({"EX-57",
                 "day7",
                 "Task 17: SSH to VM_OSC_01",
                 "L4822-L4824",
                 {{"EX-57",
                   "ssh cirros@<floating IP> (password cubswin:) or the .pem key)",
                   kNeoActor,
                   {"stacklab ssh -i KP_openstackbootcamp_01.pem cirros@<floating IP>"},
                   "",
                   "Needs the SSH rule (task 6), the router (task 8) and the floating IP (task 16).",
                   "",
                   [](CloudView& v) {
                     return Verdict().require(ssh_session_opened(v, {kVmOsc, v.project_id(kProject)}),
                                              "no SSH login into VM_OSC_01 yet (stacklab ssh cirros@<floating IP>)");
                   }}},
                 [](Replayer& r) {
                   return r.ssh_session(kNeo, "VM_OSC_01", "cirros", "cubswin:)", {"ifconfig", "exit"}).status();
                 }});
  out.push_back({"EX-58",
                 "day7",
                 "Task 18: external connectivity from VM_OSC_01",
                 "L4826-L4866",
                 {{"EX-58",
                   "In the guest, ping 8.8.8.8 (0% packet loss)",
                   kNeoActor,
                   {"stacklab ssh cirros@<floating IP> ping -c 3 8.8.8.8"},
                   "",
                   "The subnet needs a router with a gateway on public (task 8).",
                   "",
                   [](CloudView& v) {
                     return router_reaches_public(v).require(
                         ping_succeeded(v, {kVmOsc, v.project_id(kProject)}),
                         "no successful ping from VM_OSC_01 to the internet yet (in the guest: ping -c 3 8.8.8.8)");
                   }}},
                 [](Replayer& r) -> Status {
                   auto run = r.ssh_session(kNeo, "VM_OSC_01", "cirros", "cubswin:)", {"ping -c 3 8.8.8.8"});
                   if (!run.ok()) return run.status();
                   if (run->empty() || run->front() != 0)
                     return Status(Code::kConflict, "VM_OSC_01 cannot reach 8.8.8.8");
                   return Status::Ok();
                 }});
  return out;
}

}  // namespace stacklab::lab
