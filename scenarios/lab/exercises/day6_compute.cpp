// Day 6, the lab and compute through the dashboard (exercises.md
// EX-03..EX-11): explore, launch helloworld from a new volume, look at it,
// its console and usage, the Actions menu, delete it.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kDemoProject = names::exact("demo");

Verdict by_demo(CloudView& v, const std::string& action, const std::string& missing) {
  Verdict verdict;
  return verdict.require(audited(v, {"demo", action}), missing);
}

// A bootable 1 GB volume made from an image in project demo, the root disk of helloworld.
std::vector<Json> boot_volumes(CloudView& v) {
  std::vector<Json> out;
  for (const auto& vol : CloudView::owned_by(v.volumes().get<std::vector<Json>>(), v.project_id(kDemoProject)))
    if (vol["size"] == 1 && str(vol, "bootable") == "true") out.push_back(vol);
  return out;
}

Verdict helloworld_launched(CloudView& v) {
  Verdict now = check_server(v, {names::kHelloworldServer, kDemoProject, "m1.nano", "-", "", "private", "10.0.0.0/26"});
  Json s = find_server(v, names::kHelloworldServer, v.project_id(kDemoProject));
  if (now.done()) {
    auto attached = s.value("os-extended-volumes:volumes_attached", Json::array());
    now.require(attached.size() == 1, "helloworld does not boot from exactly one volume");
    now.require(s["key_name"].is_null() || str(s, "key_name").empty(), "helloworld has a key pair; the book has none");
  }
  return done_or_undone(now, s.is_null(), !boot_volumes(v).empty() && audited(v, {"demo", "compute:servers:create"}));
}

Verdict helloworld_deleted(CloudView& v) {
  Verdict verdict;
  verdict.require(find_server(v, names::kHelloworldServer, v.project_id(kDemoProject)).is_null(),
                  "helloworld still exists");
  auto volumes = boot_volumes(v);
  verdict.require(!volumes.empty(), "helloworld's boot volume is gone; \"Delete Volume on Instance Delete\" was No");
  bool available = false;
  for (const auto& vol : volumes) available = available || str(vol, "status") == "available";
  return verdict.require(available, "helloworld's boot volume is not available");
}

// EX-10's actions: letter, Horizon name, CLI, audit action.
struct ServerAction {
  const char* letter;
  const char* title;
  const char* command;
  const char* action;
};
const ServerAction kActions[] = {
    {"a", "Create Snapshot", "openstack server image create --name SNAP helloworld",
     "compute:servers:action:createImage"},
    {"b", "Associate Floating IP", "openstack server add floating ip helloworld <IP>", "network:floatingips:update"},
    {"c", "Attach Interface", "openstack server add network helloworld <net>", "compute:servers:os-interface:create"},
    {"d", "Detach Interface", "openstack server remove port helloworld <port>", "compute:servers:os-interface:delete"},
    {"e", "Edit Instance", "openstack server set --name NEW helloworld", "compute:servers:update"},
    {"f", "Attach Volume", "openstack server add volume helloworld VOL",
     "compute:servers:os-volume_attachments:create"},
    {"g", "Detach Volume", "openstack server remove volume helloworld VOL",
     "compute:servers:os-volume_attachments:delete"},
    {"h", "Update Metadata", "openstack server set --property k=v helloworld", "compute:servers:metadata"},
    {"i", "Edit Security Groups", "openstack server add security group helloworld SG", "SecurityGroup"},
    {"j", "Console", "openstack console url show --novnc helloworld", "Console"},
    {"k", "View Log", "openstack console log show helloworld", "compute:servers:action:os-getConsoleOutput"},
    {"l", "Pause Instance", "openstack server pause helloworld", "compute:servers:action:pause"},
    {"m", "Suspend Instance", "openstack server suspend helloworld", "compute:servers:action:suspend"},
    {"n", "Shelve Instance", "openstack server shelve helloworld", "compute:servers:action:shelve"},
    {"o", "Unshelve Instance", "openstack server unshelve helloworld", "compute:servers:action:unshelve"},
    {"p", "Resize Instance", "openstack server resize --flavor m1.micro helloworld", "compute:servers:action:resize"},
    {"q", "Lock Instance", "openstack server lock helloworld", "compute:servers:action:lock"},
    {"r", "Unlock Instance", "openstack server unlock helloworld", "compute:servers:action:unlock"},
    {"s", "Soft Reboot Instance", "openstack server reboot helloworld", "compute:servers:action:reboot"},
    {"t", "Hard Reboot Instance", "openstack server reboot --hard helloworld", "compute:servers:action:reboot"},
    {"u", "Shut Off Instance", "openstack server stop helloworld", "compute:servers:action:os-stop"},
    {"v", "Rebuild Instance", "openstack server rebuild --image cirros-0.3.4-x86_64-uec helloworld",
     "compute:servers:action:rebuild"},
    {"w", "Delete Instance", "openstack server delete helloworld", "compute:servers:delete"},
};

std::vector<Task> action_tasks() {
  std::vector<Task> out;
  for (const auto& a : kActions) {
    Task t{std::string("EX-10") + a.letter,
           a.title,
           "demo",
           {a.command},
           std::string("Project > Compute > Instances > helloworld > ") + a.title,
           "The book explains this action; doing it is optional.",
           "",
           [action = std::string(a.action), title = std::string(a.title)](CloudView& v) {
             return by_demo(v, action, "demo has not used " + title + " yet");
           }};
    t.optional = true;
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::string> helloworld_id(Replayer& r) {
  auto id = r.find_id(kDemo, "/compute/v2.1/servers?name=helloworld", "servers", "helloworld");
  if (id.ok() && id->empty()) return NotFound("no server helloworld (replay EX-06 first)");
  return id;
}

}  // namespace

std::vector<Exercise> day6_compute_exercises() {
  std::vector<Exercise> out;
  out.push_back({"EX-03",
                 "day6",
                 "Explore the lab from the command line",
                 "L2217-L2316",
                 {{"EX-03",
                   "As admin (source userrc_early), list the services: 9 rows",
                   "admin",
                   {"cd /opt/stack/devstack", "source userrc_early", "export | grep OS_", "openstack service list"},
                   "",
                   "userrc_early holds the admin's credentials.",
                   "",
                   [](CloudView& v) {
                     Verdict verdict;
                     return verdict.require(audited(v, {"admin", "identity:services:list"}),
                                            "admin has not listed the services yet");
                   }}},
                 [](Replayer& r) { return r.call(kAdmin, "GET", "/identity/v3/services").status(); }});
  out.push_back({"EX-04",
                 "day6",
                 "Explore the lab through the dashboard",
                 "L2320-L2435",
                 {{"EX-04",
                   "Sign in as admin, then demo, and open every panel",
                   "admin, then demo",
                   {},
                   "Project, Admin > System, Identity",
                   "Compare the tabs admin and demo see.",
                   "",
                   nullptr}},
                 nullptr});
  out.push_back({"EX-05",
                 "day6",
                 "The images available to project demo",
                 "L2456-L2474",
                 {{"EX-05",
                   "List demo's images: the three cirros uec images, public",
                   "demo",
                   {"openstack image list"},
                   "Project > Compute > Images",
                   "",
                   "",
                   [](CloudView& v) { return by_demo(v, "image:images:list", "demo has not listed images yet"); }}},
                 [](Replayer& r) { return r.call(kDemo, "GET", "/image/v2/images").status(); }});
  out.push_back(
      {"EX-06",
       "day6",
       "Launch helloworld from the dashboard",
       "L2476-L2594",
       {{"EX-06",
         "Launch helloworld: m1.nano, cirros-0.3.4-x86_64-uec on a new 1 GB volume (kept on delete), "
         "network private",
         "demo",
         {"openstack server create --flavor m1.nano --image cirros-0.3.4-x86_64-uec --boot-from-volume 1 --network "
          "private --security-group default helloworld"},
         "Project > Compute > Instances > Launch Instance (Source: Image, Create New Volume: Yes, 1 GB)",
         "\"Delete Volume on Instance Delete\" stays No. EX-11 deletes helloworld again.",
         "",
         helloworld_launched}},
       [](Replayer& r) {
         return r.ensure_server_from_volume(kDemo, "helloworld", "m1.nano", "cirros-0.3.4-x86_64-uec", "private", 1);
       }});
  out.push_back({"EX-07",
                 "day6",
                 "View the instance's details",
                 "L2600-L2644",
                 {{"EX-07",
                   "Open helloworld's Overview (or server show)",
                   "demo",
                   {"openstack server show helloworld"},
                   "Project > Compute > Instances > helloworld",
                   "Any of demo's servers will do.",
                   "",
                   [](CloudView& v) { return by_demo(v, "compute:servers:show", "demo has not shown a server yet"); }}},
                 [](Replayer& r) {
                   auto id = helloworld_id(r);
                   return id.ok() ? r.call(kDemo, "GET", "/compute/v2.1/servers/" + *id).status() : id.status();
                 }});
  out.push_back(
      {"EX-08",
       "day6",
       "Connect with the VNC console",
       "L2596-L2656",
       {{"EX-08",
         "Open helloworld's console; log in as cirros / cubswin:)",
         "demo",
         {"openstack console url show --novnc helloworld"},
         "Project > Compute > Instances > helloworld > Console",
         "Click the grey area if the keyboard does not answer.",
         "",
         [](CloudView& v) {
           Verdict verdict;
           bool opened = audited(v, {"demo", "os-getVNCConsole"}) || audited(v, {"demo", "remote-consoles:create"});
           return verdict.require(opened, "demo has not opened a VNC console yet");
         }}},
       [](Replayer& r) {
         auto id = helloworld_id(r);
         if (!id.ok()) return id.status();
         return r
             .call(kDemo, "POST", "/compute/v2.1/servers/" + *id + "/action",
                   {{"os-getVNCConsole", {{"type", "novnc"}}}})
             .status();
       }});
  out.push_back({"EX-09",
                 "day6",
                 "Track usage for instances",
                 "L2659-L2700",
                 {{"EX-09",
                   "Look at demo's usage summary for a period",
                   "demo",
                   {"openstack usage show", "openstack limits show --absolute"},
                   "Project > Compute > Overview",
                   "Without --start/--end it is the last four weeks. The book's 2017 dates hold no usage here, "
                   "and for an empty period OSC 6.0's table fails with \"must be real number, not str\".",
                   "",
                   [](CloudView& v) {
                     return by_demo(v, "compute:os-simple-tenant-usage", "demo has not looked at its usage yet");
                   }}},
                 [](Replayer& r) {
                   auto pid = r.project_id("demo");
                   return pid.ok() ? r.call(kDemo, "GET", "/compute/v2.1/os-simple-tenant-usage/" + *pid).status()
                                   : pid.status();
                 }});
  out.push_back({"EX-10", "day6", "The instance's Actions menu", "L2702-L2746", action_tasks(), nullptr});
  out.push_back({"EX-11",
                 "day6",
                 "Delete helloworld",
                 "L2748-L2756",
                 {{"EX-11",
                   "Delete helloworld; its boot volume stays, available",
                   "demo",
                   {"openstack server delete helloworld"},
                   "Project > Compute > Instances > Delete Instance",
                   "",
                   "",
                   helloworld_deleted}},
                 [](Replayer& r) { return r.delete_server(kDemo, "helloworld"); }});
  return out;
}

}  // namespace stacklab::lab
