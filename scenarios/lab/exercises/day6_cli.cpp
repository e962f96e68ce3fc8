// Day 6, compute from the command line (exercises.md EX-12..EX-20): demo's
// rc file, first commands, a key pair, SSH in the default group,
// VM_helloworld_OSC with a floating IP, then its deletion.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kDemoProject = names::exact("demo");

Verdict osc_server_gone(CloudView& v) {
  Verdict verdict;
  return verdict.require(find_server(v, names::kHelloworldOscServer, v.project_id(kDemoProject)).is_null(),
                         "VM_helloworld_OSC still exists");
}

Verdict osc_server_launched(CloudView& v) {
  return done_or_undone(
      check_server(v, {names::kHelloworldOscServer, kDemoProject, "m1.nano", "cirros-0.3.4-x86_64-uec",
                       names::kKeypairHellovinoth.canonical, "private", "10.0.0.0/26"}),
      osc_server_gone(v).done(), audited(v, {"demo", "compute:servers:create"}));
}

Verdict osc_server_floating_ip(CloudView& v) {
  return done_or_undone(check_floating_ip_on(v, kDemoProject, names::kHelloworldOscServer), osc_server_gone(v).done(),
                        audited(v, {"demo", "network:floatingips:update"}));
}

Verdict osc_server_deleted(CloudView& v) {
  Verdict verdict = osc_server_gone(v);
  bool kept = false;
  for (const auto& f : CloudView::owned_by(v.floating_ips().get<std::vector<Json>>(), v.project_id(kDemoProject)))
    kept = kept || f["port_id"].is_null();
  return verdict.require(kept, "demo has no free floating IP left: deleting the server must not release it");
}

}  // namespace

std::vector<Exercise> day6_cli_exercises() {
  std::vector<Exercise> out;
  out.push_back({"EX-12",
                 "day6",
                 "Create and source an rc file for demo",
                 "L2787-L2843",
                 {{"EX-12",
                   "Write demorc (OS_AUTH_URL=http://HOST/identity/v3, demo / demo), source it, use it",
                   "demo",
                   {"vi demorc", "source demorc", "export | grep OS_"},
                   "Project > Compute > API Access > Download OpenStack RC File v3",
                   "No OS_PROJECT_DOMAIN_* is needed: the client assumes domain default.",
                   "",
                   [](CloudView& v) {
                     Verdict verdict;
                     bool used = audited(v, {"demo", "compute:servers"}) || audited(v, {"demo", "network:"}) ||
                                 audited(v, {"demo", "image:"}) || audited(v, {"demo", "compute:flavors"});
                     return verdict.require(used, "demo has not used the command line yet");
                   }}},
                 [](Replayer& r) { return r.call(kDemo, "GET", "/identity/v3/auth/projects").status(); }});
  out.push_back(
      {"EX-13",
       "day6",
       "First openstack commands as demo",
       "L2845-L2855",
       {{"EX-13",
         "openstack service list as demo is refused (403)",
         "demo",
         {"openstack service list"},
         "",
         "Listing services is admin-only: the 403 is the expected answer.",
         "",
         [](CloudView& v) {
           Verdict verdict;
           return verdict.require(audited(v, {"demo", "identity:services:list", "", 403}),
                                  "demo has not tried `openstack service list` yet");
         }},
        {"EX-13.2",
         "openstack network list as demo shows private and public",
         "demo",
         {"openstack network list"},
         "",
         "",
         "",
         [](CloudView& v) {
           Verdict verdict;
           return verdict.require(audited(v, {"demo", "network:networks:list"}), "demo has not listed networks yet");
         }}},
       [](Replayer& r) {
         Status st = r.expect_refused(kDemo, "GET", "/identity/v3/services", 403);
         return st.ok() ? r.call(kDemo, "GET", "/networking/v2.0/networks").status() : st;
       }});
  out.push_back({"EX-14",
                 "day6",
                 "Gather the launch inputs: images and flavors",
                 "L2859-L2891",
                 {{"EX-14",
                   "List images and flavors as demo",
                   "demo",
                   {"openstack image list", "openstack flavor list"},
                   "",
                   "",
                   "",
                   [](CloudView& v) {
                     Verdict verdict;
                     verdict.require(audited(v, {"demo", "image:images:list"}), "demo has not listed images yet");
                     return verdict.require(audited(v, {"demo", "compute:flavors"}), "demo has not listed flavors yet");
                   }}},
                 [](Replayer& r) {
                   auto images = r.call(kDemo, "GET", "/image/v2/images");
                   return images.ok() ? r.call(kDemo, "GET", "/compute/v2.1/flavors/detail").status() : images.status();
                 }});
  out.push_back({"EX-15",
                 "day6",
                 "Import key pair KP_hellovinoth",
                 "L2893-L2913",
                 {{"EX-15",
                   "Generate an SSH key and import it as KP_hellovinoth",
                   "demo",
                   {"ssh-keygen -q -N \"\"", "openstack keypair create --public-key ~/.ssh/id_rsa.pub KP_hellovinoth",
                    "openstack keypair list"},
                   "Project > Compute > Key Pairs > Import Key Pair",
                   "",
                   "",
                   [](CloudView& v) { return check_keypair(v, kDemo, names::kKeypairHellovinoth); }}},
                 [](Replayer& r) { return r.ensure_keypair(kDemo, "KP_hellovinoth"); }});
  out.push_back({"EX-16",
                 "day6",
                 "Allow SSH in demo's default security group",
                 "L2915-L2939",
                 {{"EX-16",
                   "Add an ingress tcp 22 rule from 0.0.0.0/0 to demo's default group",
                   "demo",
                   {"openstack security group rule create --proto tcp --dst-port 22 default"},
                   "Project > Network > Security Groups > default > Manage Rules",
                   "The same rule twice is refused (409).",
                   "",
                   [](CloudView& v) {
                     return check_default_rules(v, kDemoProject, {{"tcp", 22}});
                   }}},
                 [](Replayer& r) { return r.ensure_default_rule(kDemo, "tcp", 22); }});
  out.push_back(
      {"EX-17",
       "day6",
       "Launch VM_helloworld_OSC with the CLI",
       "L2941-L3032",
       {{"EX-17",
         "Launch VM_helloworld_OSC: m1.nano, cirros-0.3.4-x86_64-uec, private, key KP_hellovinoth",
         "demo",
         {"openstack network list",
          "openstack server create --flavor m1.nano --image cirros-0.3.4-x86_64-uec --nic net-id=<private id> "
          "--security-group default --key-name KP_hellovinoth VM_helloworld_OSC",
          "openstack server list"},
         "",
         "EX-20 deletes it again.",
         "",
         osc_server_launched}},
       [](Replayer& r) {
         return r.ensure_server(kDemo, "VM_helloworld_OSC", "m1.nano", "cirros-0.3.4-x86_64-uec", "private",
                                "KP_hellovinoth");
       }});
  out.push_back({"EX-18",
                 "day6",
                 "Allocate and associate a floating IP",
                 "L3043-L3102",
                 {{"EX-18",
                   "Allocate a floating IP from public and associate it to VM_helloworld_OSC",
                   "demo",
                   {"openstack floating ip create public", "openstack server add floating ip VM_helloworld_OSC <IP>"},
                   "Project > Compute > Instances > Associate Floating IP",
                   "router1 joins private to public, which makes the association possible.",
                   "",
                   osc_server_floating_ip}},
                 [](Replayer& r) { return r.ensure_floating_ip(kDemo, "VM_helloworld_OSC"); }});
  out.push_back(
      {"EX-19",
       "day6",
       "SSH into the instance through the floating IP",
       "L3104-L3150",
       {{"EX-19",
         "ssh cirros@<floating IP>; hostname; ifconfig; exit",
         "demo",
         {"stacklab ssh cirros@<floating IP>", "hostname", "ifconfig", "exit"},
         "",
         "Needs the SSH rule (EX-16) and the floating IP (EX-18); the key of KP_hellovinoth, or cirros's "
         "password cubswin:).",
         "",
         [](CloudView& v) {
           return Verdict().require(ssh_session_opened(v, {names::kHelloworldOscServer, v.project_id(kDemoProject)}),
                                    "no SSH login into VM_helloworld_OSC yet (stacklab ssh cirros@<floating IP>)");
         }}},
       [](Replayer& r) {
         return r.ssh_session(kDemo, "VM_helloworld_OSC", "cirros", "cubswin:)", {"hostname", "ifconfig", "exit"})
             .status();
       }});
  out.push_back({"EX-20",
                 "day6",
                 "Terminate the instance with the CLI",
                 "L3154-L3184",
                 {{"EX-20",
                   "Delete VM_helloworld_OSC; its floating IP stays allocated",
                   "demo",
                   {"openstack server delete VM_helloworld_OSC", "openstack server list"},
                   "",
                   "",
                   "",
                   osc_server_deleted}},
                 [](Replayer& r) { return r.delete_server(kDemo, "VM_helloworld_OSC"); }});
  return out;
}

}  // namespace stacklab::lab
