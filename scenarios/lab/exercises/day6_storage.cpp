// Day 6, images and block storage (exercises.md EX-21..EX-27b): two
// uploads, an instance from one of them, a volume attached and detached.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {

namespace {

const NamePattern kDemoProject = names::exact("demo");

// An image of demo's, active, of `format`, bare, with data. Visibility is not checked: EX-37 makes
// Ubuntu14_04 public later, and "shared" and "private" both count before (exercises.md §1.5).
Verdict demo_image(CloudView& v, const NamePattern& name, const std::string& format) {
  Verdict verdict;
  auto found = v.named_in(v.images(), name, v.project_id(kDemoProject));
  verdict.require(!found.empty(), "project demo has no image " + name.canonical);
  if (!verdict.done()) return verdict;
  const Json& i = found.front();
  verdict.require(str(i, "status") == "active", name.canonical + " is " + str(i, "status") + ", not active");
  verdict.require(str(i, "disk_format") == format, name.canonical + " is not " + format);
  verdict.require(str(i, "container_format") == "bare", name.canonical + "'s container format is not bare");
  return verdict.require(i.value("size", 0) > 0, name.canonical + " has no data");
}

const VolumeSpec kVolume{names::kVolumeHelloworld, kDemoProject, 1};

}  // namespace

std::vector<Exercise> day6_storage_exercises() {
  std::vector<Exercise> out;
  out.push_back(
      {"EX-21",
       "day6",
       "Add a CentOS 7 image with the dashboard",
       "L3202-L3307",
       {{"EX-21",
         "Upload CentOS7 (qcow2) as demo",
         "demo",
         {"stacklab lab fetch-image centos-7",
          "openstack image create --file CentOS-7-x86_64-GenericCloud.qcow2 --disk-format qcow2 --container-format "
          "bare CentOS7"},
         "Project > Compute > Images > Create Image",
         "Format: QCOW2 - QEMU Emulator.",
         "",
         [](CloudView& v) { return demo_image(v, names::kImageCentos, "qcow2"); }}},
       [](Replayer& r) { return r.ensure_image(kDemo, "CentOS7", "centos-7", Json::object()); }});
  out.push_back(
      {"EX-22",
       "day6",
       "Download and inspect the Ubuntu image on the host",
       "L3309-L3352",
       {{"EX-22",
         "Fetch ubuntu-14.04-server-cloudimg-amd64-disk1.img and run qemu-img info on it",
         "stack",
         {"stacklab lab fetch-image ubuntu-14.04", "qemu-img info ubuntu-14.04-server-cloudimg-amd64-disk1.img"},
         "",
         "The lab has no internet: fetch-image makes the file offline.",
         "",
         nullptr}},
       nullptr});
  out.push_back(
      {"EX-23",
       "day6",
       "Upload Ubuntu14_04 with the CLI",
       "L3354-L3423",
       {{"EX-23",
         "Upload Ubuntu14_04 (qcow2) as demo",
         "demo",
         {"openstack image create \"Ubuntu14_04\" --file ubuntu-14.04-server-cloudimg-amd64-disk1.img --disk-format "
          "qcow2 --container-format bare"},
         "",
         "",
         "",
         [](CloudView& v) { return demo_image(v, names::exact("Ubuntu14_04"), "qcow2"); }}},
       [](Replayer& r) { return r.ensure_image(kDemo, "Ubuntu14_04", "ubuntu-14.04", Json::object()); }});
  out.push_back(
      {"EX-24",
       "day6",
       "Launch VM_Ubuntu_OSC from the new image",
       "L3431-L3537",
       {{"EX-24",
         "Launch VM_Ubuntu_OSC: ds512M, Ubuntu14_04, private, key KP_hellovinoth",
         "demo",
         {"openstack server create --flavor ds512M --image Ubuntu14_04 --nic net-id=<private id> --security-group "
          "default --key-name KP_hellovinoth VM_Ubuntu_OSC"},
         "",
         "The book's command says ds12M: that flavor does not exist, use ds512M.",
         "",
         [](CloudView& v) {
           return check_server(v, {names::exact("VM_Ubuntu_OSC"), kDemoProject, "ds512M", "Ubuntu14_04",
                                   names::kKeypairHellovinoth.canonical, "private", "10.0.0.0/26"});
         }}},
       [](Replayer& r) {
         return r.ensure_server(kDemo, "VM_Ubuntu_OSC", "ds512M", "Ubuntu14_04", "private", "KP_hellovinoth");
       }});
  out.push_back({"EX-25",
                 "day6",
                 "Create volume VL_helloworld_1GB",
                 "L3557-L3650",
                 {{"EX-25",
                   "Create an empty 1 GB volume VL_helloworld_1GB (lvmdriver-1, zone nova)",
                   "demo",
                   {"openstack volume create --size 1 --type lvmdriver-1 --availability-zone nova VL_helloworld_1GB"},
                   "Project > Compute > Volumes > Create Volume",
                   "",
                   "",
                   [](CloudView& v) { return check_volume(v, kVolume); }}},
                 [](Replayer& r) { return r.ensure_volume(kDemo, "VL_helloworld_1GB", 1, ""); }});
  out.push_back({"EX-26",
                 "day6",
                 "Attach the volume to VM_Ubuntu_OSC",
                 "L3652-L3747",
                 {{"EX-26",
                   "Attach VL_helloworld_1GB to VM_Ubuntu_OSC (/dev/vdb); fdisk -l in the guest shows it",
                   "demo",
                   {"openstack server add volume VM_Ubuntu_OSC VL_helloworld_1GB"},
                   "Project > Compute > Volumes > Manage Attachments",
                   "EX-27 detaches it again.",
                   "",
                   [](CloudView& v) {
                     VolumeSpec attached = kVolume;
                     attached.status = "in-use";
                     attached.attached_to = "VM_Ubuntu_OSC";
                     attached.device = "/dev/vdb";
                     return done_or_undone(check_volume(v, attached),
                                           audited(v, {"demo", "compute:servers:os-volume_attachments:delete"}),
                                           audited(v, {"demo", "compute:servers:os-volume_attachments:create"}));
                   }}},
                 [](Replayer& r) { return r.attach_volume(kDemo, "VM_Ubuntu_OSC", "VL_helloworld_1GB"); }});
  out.push_back({"EX-27",
                 "day6",
                 "Detach the volume",
                 "L3749-L3811",
                 {{"EX-27",
                   "Detach VL_helloworld_1GB: available, no attachments",
                   "demo",
                   {"openstack server remove volume VM_Ubuntu_OSC VL_helloworld_1GB"},
                   "Project > Compute > Volumes > Manage Attachments > Detach Volume",
                   "",
                   "",
                   [](CloudView& v) {
                     VolumeSpec detached = kVolume;
                     detached.status = "available";
                     Verdict verdict = check_volume(v, detached);
                     return verdict.require(audited(v, {"demo", "compute:servers:os-volume_attachments:delete"}),
                                            "demo has not detached a volume yet");
                   }}},
                 [](Replayer& r) { return r.detach_volume(kDemo, "VM_Ubuntu_OSC", "VL_helloworld_1GB"); }});
  out.push_back({"EX-27b",
                 "day6",
                 "Upload the volume to an image (implied)",
                 "L4320",
                 {{"EX-27b",
                   "Upload VL_helloworld_1GB to image IMG_VL_helloworld_1GB (raw)",
                   "demo",
                   {"openstack image create --volume VL_helloworld_1GB IMG_VL_helloworld_1GB"},
                   "Project > Compute > Volumes > Upload to Image",
                   "The book never narrates it; the admin's image list shows it.",
                   "",
                   [](CloudView& v) { return demo_image(v, names::exact("IMG_VL_helloworld_1GB"), "raw"); },
                   true}},
                 nullptr});
  return out;
}

}  // namespace stacklab::lab
