// Day 6's add-on exercises (exercises.md EX-37..EX-40): the admin
// publicizes an image, shares a network, creates a flavor; a volume moves
// between projects by a transfer.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

Verdict ubuntu_public(CloudView& v) {
  Verdict verdict;
  auto found = CloudView::named(v.images(), names::exact("Ubuntu14_04"));
  verdict.require(!found.empty(), "no image Ubuntu14_04 (EX-23)");
  if (!verdict.done()) return verdict;
  return verdict.require(str(found.front(), "visibility") == "public", "Ubuntu14_04 is not public");
}

Verdict private_shared(CloudView& v) {
  Verdict verdict;
  auto nets = CloudView::named(v.networks(), names::exact("private"));
  verdict.require(!nets.empty(), "no network private");
  if (!verdict.done()) return verdict;
  bool shared = nets.front().value("shared", false);
  for (const auto& p : v.rbac_policies())
    shared = shared || (str(p, "object_id") == str(nets.front(), "id") && str(p, "action") == "access_as_shared");
  return verdict.require(shared, "network private is not shared");
}

Verdict volume_transferred(CloudView& v) {
  Verdict verdict;
  verdict.require(audited(v, {"", "volume:os-volume-transfer:create"}), "no volume transfer was created yet");
  return verdict.require(audited(v, {"demo", "volume:os-volume-transfer:accept:create"}),
                         "demo has not accepted a volume transfer yet");
}

}  // namespace

std::vector<Exercise> day6_addon_exercises() {
  std::vector<Exercise> out;
  out.push_back({"EX-37",
                 "day6",
                 "Make image Ubuntu14_04 public",
                 "L4289-L4343",
                 {{"EX-37",
                   "As admin, set Ubuntu14_04's visibility to public",
                   "admin",
                   {"openstack image set --public Ubuntu14_04"},
                   "Admin > System > Images > Edit Image",
                   "Only the admin may publicize an image; demo gets 403.",
                   "",
                   ubuntu_public}},
                 [](Replayer& r) { return r.set_image_public("Ubuntu14_04"); }});
  out.push_back({"EX-38",
                 "day6",
                 "Share network private between projects",
                 "L4345-L4379",
                 {{"EX-38",
                   "As admin, share demo's network private; bootcamp then sees it",
                   "admin",
                   {"openstack network set --share private"},
                   "Admin > System > Networks > Edit Network > Shared",
                   "",
                   "",
                   private_shared}},
                 [](Replayer& r) { return r.share_network("private"); }});
  out.push_back({"EX-39",
                 "day6",
                 "Create flavor FR_bootcamp_01",
                 "L4381-L4450",
                 {{"EX-39",
                   "Flavor FR_bootcamp_01: 1 VCPU, 256 MB RAM, 1 GB root disk, public, ID auto",
                   "admin",
                   {"openstack flavor create --id auto --vcpus 1 --ram 256 --disk 1 --ephemeral 0 --swap 0 "
                    "--rxtx-factor 1 --public FR_bootcamp_01"},
                   "Admin > System > Flavors > Create Flavor",
                   "",
                   "",
                   [](CloudView& v) {
                     return check_flavor(v, {"FR_bootcamp_01", 1, 256, 1});
                   }}},
                 [](Replayer& r) { return r.ensure_flavor("FR_bootcamp_01", 1, 256, 1); }});
  out.push_back({"EX-40",
                 "day6",
                 "Transfer a volume from helloworld.com to demo",
                 "L4452-L4504",
                 {{"EX-40",
                   "As bootcamp, create a transfer of a 1 GB volume; as demo, accept it with its ID and key",
                   "bootcamp, then demo",
                   {"openstack volume create --size 1 VL_helloworldvinoth_1GB   (as bootcamp, if there is none)",
                    "openstack volume transfer request create --name T1 VL_helloworldvinoth_1GB   (as bootcamp)",
                    "openstack volume transfer request accept --auth-key <KEY> <TRANSFER_ID>   (as demo)"},
                   "Project > Compute > Volumes > Create Transfer, then (as demo) Accept Transfer",
                   "Note the transfer ID and the authorization key: the key is shown once.",
                   "",
                   volume_transferred}},
                 [](Replayer& r) {
                   Status st = r.ensure_volume(kBootcamp, "VL_helloworldvinoth_1GB", 1, "");
                   return st.ok() ? r.transfer_volume(kBootcamp, kDemo, "VL_helloworldvinoth_1GB") : st;
                 }});
  return out;
}

}  // namespace stacklab::lab
