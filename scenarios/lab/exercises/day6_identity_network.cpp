// Day 6, identity and networking (exercises.md EX-28..EX-36): the admin
// makes project helloworld.com and its user bootcamp, who builds a network
// with two instances and a router.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern& kProject = names::kProjectHelloworld;
const NamePattern kBootcampVms{"bootcampVM-1", {"bootcampVM-2"}};
const char* kBootcampActor = "bootcamp / helloworld.com";

Verdict project_helloworld(CloudView& v) {
  Json p = v.project(kProject);
  Verdict verdict;
  verdict.require(!p.is_null(), "no project helloworld.com");
  if (!verdict.done()) return verdict;
  verdict.require(p.value("enabled", false), "helloworld.com is disabled");
  return verdict.require(str(p, "domain_id") == "default", "helloworld.com is not in domain default");
}

Verdict user_bootcamp(CloudView& v) {
  Json u = v.user(names::exact("bootcamp"));
  Verdict verdict;
  verdict.require(!u.is_null(), "no user bootcamp");
  if (!verdict.done()) return verdict;
  const std::string pid = v.project_id(kProject);
  verdict.require(u.value("enabled", false), "bootcamp is disabled");
  verdict.require(!pid.empty() && str(u, "default_project_id") == pid,
                  "bootcamp's primary project is not helloworld.com");
  bool member = false;
  for (const auto& a : v.role_assignments())
    if (a.contains("user") && a.contains("scope") && a["scope"].contains("project"))
      member = member || (str(a["user"], "id") == str(u, "id") && str(a["scope"]["project"], "id") == pid &&
                          name_matches(str(a["role"], "name"), names::kMemberRole));
  verdict.require(member, "bootcamp has no member role on helloworld.com");
  return verdict.require(v.cloud().sign_in({"bootcamp", str(v.project(kProject), "name")}).ok(),
                         "bootcamp cannot sign in with password nomoresecret");
}

Verdict bootcamp_vms(CloudView& v) {
  return check_server(
      v, {kBootcampVms, kProject, "m1.nano", "cirros-0.3.4-x86_64-uec", "", "NW_bootcamp_01", "192.168.23.0/24", 2});
}

Verdict bootcamp_router(CloudView& v) {
  return check_router(v, kProject, names::exact("R_bootcamp_01"), names::exact("SN_bootcamp_01"), "192.168.23.1");
}

}  // namespace

std::vector<Exercise> day6_identity_network_exercises() {
  std::vector<Exercise> out;
  out.push_back({"EX-28",
                 "day6",
                 "Create project helloworld.com",
                 "L3831-L3864",
                 {{"EX-28",
                   "List the projects (5) and create helloworld.com",
                   "admin",
                   {"openstack project list", "openstack project create --domain default helloworld.com"},
                   "Identity > Projects > Create Project",
                   "",
                   "",
                   project_helloworld}},
                 [](Replayer& r) { return r.ensure_project("helloworld.com", ""); }});
  out.push_back({"EX-29",
                 "day6",
                 "Create user bootcamp",
                 "L3866-L3930",
                 {{"EX-29",
                   "Create bootcamp (bootcamp@hellovinoth.com, nomoresecret), primary project helloworld.com, role "
                   "member",
                   "admin",
                   {"openstack user create --domain default --project helloworld.com --email bootcamp@hellovinoth.com "
                    "--password nomoresecret bootcamp",
                    "openstack role add --project helloworld.com --user bootcamp member"},
                   "Identity > Users > Create User",
                   "",
                   "",
                   user_bootcamp}},
                 [](Replayer& r) {
                   Status st = r.ensure_user("bootcamp", "helloworld.com", "bootcamp@hellovinoth.com", "");
                   return st.ok() ? r.grant_role("helloworld.com", "bootcamp", "member") : st;
                 }});
  out.push_back({"EX-30",
                 "day6",
                 "Sign in as the new user",
                 "L3932-L3934",
                 {{"EX-30",
                   "Sign out, sign in as bootcamp / nomoresecret: the project is helloworld.com",
                   kBootcampActor,
                   {"openstack --os-username bootcamp --os-project-name helloworld.com token issue"},
                   "Sign Out, then sign in",
                   "",
                   "",
                   [](CloudView& v) {
                     Verdict verdict;
                     const std::string pid = v.project_id(kProject);
                     return verdict.require(!pid.empty() && audited(v, {"bootcamp", "", "", 0, pid}),
                                            "bootcamp has not worked in helloworld.com yet");
                   }}},
                 [](Replayer& r) { return r.call(kBootcamp, "GET", "/identity/v3/auth/projects").status(); }});
  out.push_back(
      {"EX-31",
       "day6",
       "Create the private network NW_bootcamp_01",
       "L3948-L4034",
       {{"EX-31",
         "Network NW_bootcamp_01, subnet SN_bootcamp_01 192.168.23.0/24, gateway 192.168.23.1, DNS 8.8.8.8",
         kBootcampActor,
         {"openstack network create NW_bootcamp_01",
          "openstack subnet create --network NW_bootcamp_01 --subnet-range 192.168.23.0/24 --gateway 192.168.23.1 "
          "--dns-nameserver 8.8.8.8 SN_bootcamp_01"},
         "Project > Network > Networks > Create Network",
         "",
         "",
         [](CloudView& v) {
           return check_network(v, {kProject, names::exact("NW_bootcamp_01"), names::exact("SN_bootcamp_01"),
                                    "192.168.23.0/24", "192.168.23.1", "8.8.8.8"});
         }}},
       [](Replayer& r) {
         return r.ensure_network(kBootcamp, "NW_bootcamp_01", "SN_bootcamp_01", "192.168.23.0/24", "192.168.23.1",
                                 "8.8.8.8");
       }});
  out.push_back({"EX-32",
                 "day6",
                 "Launch two instances from Network Topology",
                 "L4036-L4076",
                 {{"EX-32",
                   "Launch bootcampVM, count 2 (bootcampVM-1, bootcampVM-2): m1.nano, cirros, NW_bootcamp_01",
                   kBootcampActor,
                   {"openstack server create --flavor m1.nano --image cirros-0.3.4-x86_64-uec --network "
                    "NW_bootcamp_01 --security-group default --min 2 --max 2 bootcampVM"},
                   "Project > Network > Network Topology > Launch Instance",
                   "Exactly two, as in the book.",
                   "",
                   bootcamp_vms}},
                 [](Replayer& r) {
                   return r.ensure_server(kBootcamp, "bootcampVM", "m1.nano", "cirros-0.3.4-x86_64-uec",
                                          "NW_bootcamp_01", "", 2);
                 }});
  out.push_back({"EX-33",
                 "day6",
                 "ICMP and SSH rules in the default group",
                 "L4078-L4128",
                 {{"EX-33",
                   "Add All ICMP and SSH ingress rules from 0.0.0.0/0 to helloworld.com's default group (6 rules)",
                   kBootcampActor,
                   {"openstack security group rule create --protocol icmp default",
                    "openstack security group rule create --protocol tcp --dst-port 22 default"},
                   "Project > Network > Security Groups > default > Manage Rules > Add Rule",
                   "",
                   "",
                   [](CloudView& v) {
                     return check_default_rules(v, kProject, {{"tcp", 22}, {"icmp", 0}}, 6);
                   }}},
                 [](Replayer& r) {
                   Status st = r.ensure_default_rule(kBootcamp, "icmp", 0);
                   return st.ok() ? r.ensure_default_rule(kBootcamp, "tcp", 22) : st;
                 }});
  out.push_back({"EX-34",
                 "day6",
                 "VM-to-VM connectivity from the VNC console",
                 "L4130-L4177",
                 {{"EX-34",
                   "From bootcampVM-2's console, ping bootcampVM-1 (works) and 8.8.8.8 (no router yet)",
                   kBootcampActor,
                   {"stacklab console bootcampVM-2", "ping -c 3 192.168.23.3", "ping -c 3 8.8.8.8"},
                   "Project > Compute > Instances > bootcampVM-2 > Console",
                   "The default group already admits traffic from its own members.",
                   "",
                   [](CloudView& v) {
                     const GuestServer vm{kBootcampVms, v.project_id(kProject)};
                     return bootcamp_vms(v).require(ping_succeeded(v, vm, &vm),
                                                    "no successful ping between bootcampVM-1 and bootcampVM-2 yet "
                                                    "(from a console: ping -c 3 <the other VM's IP>)");
                   }}},
                 [](Replayer& r) -> Status {
                   auto target = r.fixed_ip(kBootcamp, "bootcampVM-1");
                   if (!target.ok()) return target.status();
                   auto run = r.console_session(kBootcamp, "bootcampVM-2", "cirros", "cubswin:)",
                                                {"ip a", "ping -c 3 " + *target, "ping -c 3 8.8.8.8"});
                   if (!run.ok()) return run.status();
                   if (run->size() < 2 || (*run)[1] != 0)
                     return Status(Code::kConflict, "bootcampVM-2 cannot ping bootcampVM-1 at " + *target);
                   return Status::Ok();
                 }});
  out.push_back(
      {"EX-35",
       "day6",
       "Create router R_bootcamp_01 and connect it",
       "L4180-L4240",
       {{"EX-35",
         "Router R_bootcamp_01, gateway on public, interface 192.168.23.1 on SN_bootcamp_01",
         kBootcampActor,
         {"openstack router create R_bootcamp_01", "openstack router set --external-gateway public R_bootcamp_01",
          "openstack router add subnet R_bootcamp_01 SN_bootcamp_01"},
         "Project > Network > Routers > Create Router, then Add Interface",
         "",
         "",
         bootcamp_router}},
       [](Replayer& r) { return r.ensure_router(kBootcamp, "R_bootcamp_01", "SN_bootcamp_01"); }});
  out.push_back(
      {"EX-36",
       "day6",
       "External connectivity",
       "L4241-L4272",
       {{"EX-36",
         "From bootcampVM-2's console, ping 8.8.8.8 now works",
         kBootcampActor,
         {"stacklab console bootcampVM-2", "ping -c 3 8.8.8.8"},
         "Project > Compute > Instances > bootcampVM-2 > Console",
         "",
         "",
         [](CloudView& v) {
           return bootcamp_router(v).require(
               ping_succeeded(v, {kBootcampVms, v.project_id(kProject)}),
               "no successful ping from a bootcamp VM to the internet yet (from a console: ping -c 3 8.8.8.8)");
         }}},
       [](Replayer& r) -> Status {
         auto run = r.console_session(kBootcamp, "bootcampVM-2", "cirros", "cubswin:)", {"ping -c 3 8.8.8.8"});
         if (!run.ok()) return run.status();
         if (run->empty() || run->front() != 0) return Status(Code::kConflict, "bootcampVM-2 cannot reach 8.8.8.8");
         return Status::Ok();
       }});
  return out;
}

}  // namespace stacklab::lab
