#include "scenarios/lab/lab_images.h"

#include "engine/image/qcow2.h"

namespace stacklab::scenarios {

namespace {

constexpr const char* kAdminProject = "fe50f731283540769c4481c80612e053";
constexpr const char* kAmi = "1958379b-6a78-41cc-9cc7-d823bf617989";
constexpr const char* kAki = "8f090b77-f97e-481b-bfc2-d7350ac7c3a4";
constexpr const char* kAri = "6bd286fe-994e-4eea-9d21-ff12667e3f52";

// Deterministic filler that still hashes like real data.
std::string synthetic(const std::string& label, std::size_t size) {
  std::string data = "stacklab synthetic " + label + "\n";
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (char c : label) x = (x ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  data.reserve(size);
  while (data.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data.push_back(static_cast<char>(x & 0xff));
  }
  data.resize(size);
  return data;
}

}  // namespace

Status seed_lab_images(image::ImageService& images, Store& store) {
  store.define("stacklab_meta");
  if (store.get("stacklab_meta", "lab_images")) return {};
  struct Seed {
    const char* id;
    const char* name;
    const char* format;
    std::size_t size;
  };
  // One hundredth of the book's sizes (4.75 MB, 3.57 MB, 24 MB).
  const Seed seeds[] = {{kAki, "cirros-0.3.4-x86_64-uec-kernel", "aki", 49808},
                        {kAri, "cirros-0.3.4-x86_64-uec-ramdisk", "ari", 37434},
                        {kAmi, "cirros-0.3.4-x86_64-uec", "ami", 251658}};
  for (const auto& s : seeds) {
    if (store.get("image", s.id)) continue;
    Json doc = {{"id", s.id},
                {"name", s.name},
                {"disk_format", s.format},
                {"container_format", s.format},
                {"visibility", "public"},
                {"owner", kAdminProject}};
    if (std::string(s.format) == "ami") {
      doc["kernel_id"] = kAki;
      doc["ramdisk_id"] = kAri;
    }
    auto img = images.create_with_data(doc, synthetic(s.name, s.size));
    if (!img.ok()) return img.status();
  }
  return store.put("stacklab_meta", "lab_images", Json{{"id", "lab_images"}, {"seeded", true}});
}

Result<CloudImageFile> make_cloud_image(const std::string& name) {
  if (name == "ubuntu-14.04")
    return CloudImageFile{"ubuntu-14.04-server-cloudimg-amd64-disk1.img", image::make_empty_qcow2(2361393152ull)};
  if (name == "ubuntu-16.04")
    return CloudImageFile{"ubuntu-16.04-server-cloudimg-amd64-disk1.img", image::make_empty_qcow2(2361393152ull)};
  if (name == "centos-7")
    return CloudImageFile{"CentOS-7-x86_64-GenericCloud.qcow2", image::make_empty_qcow2(8589934592ull)};
  return NotFound("unknown image '" + name + "'; known: ubuntu-14.04, ubuntu-16.04, centos-7");
}

}  // namespace stacklab::scenarios
