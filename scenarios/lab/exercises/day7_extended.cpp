// Day 7's extended activities (exercises.md EX-59..EX-61): each needs a
// step the book does not spell out (a new flavor, sharing a network,
// transferring a volume), which is what they teach.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kBootcampProject = names::exact("openstack_bootcamp");
const NamePattern kDemoProject = names::exact("demo");

// VM_activity_01: 1 VCPU / 256 MB / 3 GB, cirros, on private (10.0.0.0/26).
Verdict activity_01(CloudView& view) {
  Verdict v = check_server(view, {names::exact("VM_activity_01"), kBootcampProject, "", "cirros-0.3.4-x86_64-uec", "",
                                  "private", "10.0.0.0/26"});
  if (!v.done()) return v;
  Json s = find_server(view, names::exact("VM_activity_01"), view.project_id(kBootcampProject));
  for (const auto& f : view.flavors())
    if (str(f, "id") == str(s["flavor"], "id"))
      return v.require(f["vcpus"] == 1 && f["ram"] == 256 && f["disk"] == 3,
                       "VM_activity_01's flavor " + str(f, "name") + " is not 1 VCPU / 256 MB / 3 GB");
  return v.require(false, "VM_activity_01's flavor is not visible to the admin");
}

// NW_openstackbootcamp_01 is shared with demo: shared=true or an access_as_shared rule for demo or '*'.
bool shared_with(CloudView& view, const std::string& network, const std::string& project_id) {
  auto nets = CloudView::named(view.networks(), names::exact(network));
  if (nets.empty()) return false;
  if (nets.front().value("shared", false)) return true;
  for (const auto& p : view.rbac_policies())
    if (str(p, "object_id") == str(nets.front(), "id") && str(p, "action") == "access_as_shared" &&
        (str(p, "target_tenant") == "*" || str(p, "target_tenant") == project_id))
      return true;
  return false;
}

Verdict activity_02(CloudView& view) {
  Verdict v;
  v.require(shared_with(view, "NW_openstackbootcamp_01", view.project_id(kDemoProject)),
            "NW_openstackbootcamp_01 is not shared with project demo");
  if (!v.done()) return v;
  return check_server(view, {names::exact("VM_activity_02"), kDemoProject, "FR_bootcamp_01", "cirros-0.3.4-x86_64-uec",
                             "", "NW_openstackbootcamp_01", "192.12.10.0/24"});
}

Verdict activity_03(CloudView& view) {
  Verdict v =
      check_volume(view, {names::exact("VL_activity_03"), kDemoProject, 1, "in-use", "", "VM_activity_02", "/dev/vdb"});
  return v.require(audited(view, {"demo", "volume:os-volume-transfer:accept:create"}),
                   "VL_activity_03 did not reach demo by an accepted volume transfer");
}

}  // namespace

std::vector<Exercise> day7_extended_exercises() {
  std::vector<Exercise> out;
  out.push_back(
      {"EX-59",
       "day7",
       "Extended activity 1: VM_activity_01 on network private",
       "L4872-L4874",
       {{"EX-59",
         "In openstack_bootcamp, run VM_activity_01 (1 VCPU, 256 MB, 3 GB root disk, cirros) on network "
         "private",
         "admin, then neo / openstack_bootcamp",
         {"openstack flavor create --vcpus 1 --ram 256 --disk 3 FR_activity_01",
          "openstack server create --flavor FR_activity_01 --image cirros-0.3.4-x86_64-uec --network private "
          "--security-group default VM_activity_01"},
         "",
         "No existing flavor is 1 VCPU / 256 MB / 3 GB: the admin makes one. private belongs to demo: it must be "
         "shared (EX-38).",
         "",
         activity_01}},
       [](Replayer& r) {
         Status st = r.ensure_flavor("FR_activity_01", 1, 256, 3);
         if (st.ok()) st = r.share_network("private");
         if (!st.ok()) return st;
         return r.ensure_server(kNeo, "VM_activity_01", "FR_activity_01", "cirros-0.3.4-x86_64-uec", "private", "");
       }});
  out.push_back(
      {"EX-60",
       "day7",
       "Extended activity 2: VM_activity_02 in demo on NW_openstackbootcamp_01",
       "L4876-L4878",
       {{"EX-60",
         "In project demo, run cirros VM_activity_02 with flavor FR_bootcamp_01 on NW_openstackbootcamp_01",
         "neo, then demo",
         {"openstack network rbac create --type network --action access_as_shared --target-project demo "
          "NW_openstackbootcamp_01",
          "openstack server create --flavor FR_bootcamp_01 --image cirros-0.3.4-x86_64-uec --network "
          "NW_openstackbootcamp_01 VM_activity_02"},
         "",
         "The network belongs to openstack_bootcamp: share it with demo first (RBAC, or the admin's --share).",
         "",
         activity_02}},
       [](Replayer& r) {
         auto demo = r.project_id("demo");
         if (!demo.ok()) return demo.status();
         auto net = r.find_id(kNeo, "/networking/v2.0/networks?name=NW_openstackbootcamp_01", "networks",
                              "NW_openstackbootcamp_01");
         if (!net.ok()) return net.status();
         auto rules = r.call(kNeo, "GET", "/networking/v2.0/rbac-policies?object_id=" + *net);
         bool exists = false;
         if (rules.ok())
           for (const auto& p : (*rules)["rbac_policies"]) exists = exists || p["target_tenant"] == *demo;
         if (!exists) {
           auto made = r.call(kNeo, "POST", "/networking/v2.0/rbac-policies",
                              {{"rbac_policy",
                                {{"object_type", "network"},
                                 {"object_id", *net},
                                 {"action", "access_as_shared"},
                                 {"target_tenant", *demo}}}});
           if (!made.ok()) return made.status();
         }
         Status st = r.ensure_flavor("FR_bootcamp_01", 1, 256, 1);  // EX-39's
         if (!st.ok()) return st;
         return r.ensure_server(kDemo, "VM_activity_02", "FR_bootcamp_01", "cirros-0.3.4-x86_64-uec",
                                "NW_openstackbootcamp_01", "");
       }});
  out.push_back(
      {"EX-61",
       "day7",
       "Extended activity 3: VL_activity_03 from openstack_bootcamp on VM_activity_02",
       "L4880-L4882",
       {{"EX-61",
         "Create VL_activity_03 (1 GB) as neo, transfer it to demo, attach it to VM_activity_02",
         "neo, then demo",
         {"openstack volume create --size 1 VL_activity_03", "openstack volume transfer request create VL_activity_03",
          "openstack volume transfer request accept --auth-key <KEY> <ID>   (as demo)",
          "openstack server add volume VM_activity_02 VL_activity_03   (as demo)"},
         "Project > Compute > Volumes > Create Transfer / Accept Transfer",
         "A server attaches only volumes of its own project: move the volume with a transfer first.",
         "",
         activity_03}},
       [](Replayer& r) {
         Status st = r.ensure_volume(kNeo, "VL_activity_03", 1, "");
         if (st.ok()) st = r.transfer_volume(kNeo, kDemo, "VL_activity_03");
         return st.ok() ? r.attach_volume(kDemo, "VM_activity_02", "VL_activity_03") : st;
       }});
  return out;
}

}  // namespace stacklab::lab
