// Day 7, tasks 1-4 (exercises.md EX-41..EX-44): the admin prepares the
// collective training: a project, its user neo, a flavor, a public image.
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kProject = names::exact("openstack_bootcamp");

Verdict project_created(CloudView& view) {
  Json p = view.project(kProject);
  Verdict v;
  v.require(!p.is_null(), "no project openstack_bootcamp");
  if (!v.done()) return v;
  v.require(p.value("enabled", false), "openstack_bootcamp is disabled");
  v.require(str(p, "domain_id") == "default", "openstack_bootcamp is not in domain default");
  v.require(str(p, "description") == "Project for Collective training",
            "the description is \"" + str(p, "description") + "\", not \"Project for Collective training\"");
  return v;
}

Verdict user_neo(CloudView& view) {
  Json u = view.user(names::exact("neo"));
  Verdict v;
  v.require(!u.is_null(), "no user neo");
  if (!v.done()) return v;
  const std::string pid = view.project_id(kProject);
  v.require(u.value("enabled", false), "neo is disabled");
  v.require(str(u, "email") == "neo@helloworld.com", "neo's email is not neo@helloworld.com");
  v.require(str(u, "description") == "User for Collective training",
            "neo's description is not \"User for Collective training\"");
  v.require(!pid.empty() && str(u, "default_project_id") == pid, "neo's primary project is not openstack_bootcamp");
  bool member = false;
  for (const auto& a : view.role_assignments()) {
    if (!a.contains("user") || !a.contains("scope") || !a["scope"].contains("project")) continue;
    member = member || (str(a["user"], "id") == str(u, "id") && str(a["scope"]["project"], "id") == pid &&
                        name_matches(str(a["role"], "name"), names::kMemberRole));
  }
  v.require(member, "neo has no Member role on openstack_bootcamp");
  v.require(view.cloud().sign_in(kNeo).ok(), "neo cannot sign in to openstack_bootcamp with password nomoresecret");
  return v;
}

Verdict image_ubuntu16(CloudView& view) {
  auto found = CloudView::named(view.images(), names::exact("Ubuntu_16"));
  Verdict v;
  v.require(!found.empty(), "no image Ubuntu_16");
  if (!v.done()) return v;
  const Json& i = found.front();
  v.require(str(i, "status") == "active", "Ubuntu_16 is " + str(i, "status") + ", not active (upload its file)");
  v.require(str(i, "visibility") == "public", "Ubuntu_16 is not public");
  v.require(i.value("protected", false), "Ubuntu_16 is not protected");
  v.require(i.value("min_disk", 0) == 1, "Ubuntu_16's minimum disk is not 1 GB");
  v.require(i.value("min_ram", 0) == 128, "Ubuntu_16's minimum RAM is not 128 MB");
  v.require(str(i, "disk_format") == "qcow2", "Ubuntu_16 is not qcow2");
  return v;
}

}  // namespace

std::vector<Exercise> day7_admin_exercises() {
  std::vector<Exercise> out;
  out.push_back(
      {"EX-41",
       "day7",
       "Task 1: create project openstack_bootcamp",
       "L4529-L4533",
       {{"EX-41",
         "Create project openstack_bootcamp, description \"Project for Collective training\"",
         "admin",
         {"openstack project create --domain default --description \"Project for Collective training\" "
          "openstack_bootcamp"},
         "Identity > Projects > Create Project",
         "As admin (source userrc_early); the description must match exactly.",
         "",
         project_created}},
       [](Replayer& r) { return r.ensure_project("openstack_bootcamp", "Project for Collective training"); }});
  out.push_back(
      {"EX-42",
       "day7",
       "Task 2: create user neo",
       "L4535-L4545",
       {{"EX-42",
         "Create user neo (neo@helloworld.com, password nomoresecret) with role Member on openstack_bootcamp",
         "admin",
         {"openstack user create --domain default --project openstack_bootcamp --description \"User for Collective "
          "training\" --email neo@helloworld.com --password nomoresecret neo",
          "openstack role add --project openstack_bootcamp --user neo Member"},
         "Identity > Users > Create User",
         "--project only sets the primary project; the role needs its own `openstack role add`.",
         "",
         user_neo}},
       [](Replayer& r) {
         Status st = r.ensure_user("neo", "openstack_bootcamp", "neo@helloworld.com", "User for Collective training");
         return st.ok() ? r.grant_role("openstack_bootcamp", "neo", "Member") : st;
       }});
  out.push_back(
      {"EX-43",
       "day7",
       "Task 3: create flavor FR_openstackbootcamp_01",
       "L4549-L4570",
       {{"EX-43",
         "Create flavor FR_openstackbootcamp_01: 1 VCPU, 256 MB RAM, 5 GB root disk, public",
         "admin",
         {"openstack flavor create --id auto --vcpus 1 --ram 256 --disk 5 --ephemeral 0 --swap 0 --rxtx-factor 1 "
          "FR_openstackbootcamp_01"},
         "Admin > System > Flavors > Create Flavor",
         "Only the admin can create flavors; members get 403.",
         "",
         [](CloudView& v) {
           return check_flavor(v, {"FR_openstackbootcamp_01", 1, 256, 5});
         }}},
       [](Replayer& r) { return r.ensure_flavor("FR_openstackbootcamp_01", 1, 256, 5); }});
  out.push_back({"EX-44",
                 "day7",
                 "Task 4: create public image Ubuntu_16",
                 "L4572-L4595",
                 {{"EX-44",
                   "Upload Ubuntu_16 (qcow2), public, protected, min disk 1 GB, min RAM 128 MB",
                   "admin",
                   {"stacklab lab fetch-image ubuntu-16.04",
                    "openstack image create --file ubuntu-16.04-server-cloudimg-amd64-disk1.img --disk-format qcow2 "
                    "--container-format bare --public --min-disk 1 --min-ram 128 --protected Ubuntu_16"},
                   "Admin > System > Images > Create Image",
                   "Protected images cannot be deleted; unset --protected first if you must start over.",
                   "",
                   image_ubuntu16}},
                 [](Replayer& r) {
                   return r.ensure_image(
                       kAdmin, "Ubuntu_16", "ubuntu-16.04",
                       {{"visibility", "public"}, {"protected", true}, {"min_disk", 1}, {"min_ram", 128}});
                 }});
  return out;
}

}  // namespace stacklab::lab
