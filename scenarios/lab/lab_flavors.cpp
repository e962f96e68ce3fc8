#include "scenarios/lab/lab_flavors.h"

namespace stacklab::scenarios {

Status seed_lab_flavors(compute::FlavorService& flavors, Store& store) {
  store.define("stacklab_meta");
  if (store.get("stacklab_meta", "lab_flavors")) return {};
  struct Seed {
    const char* id;
    const char* name;
    int ram, disk, vcpus;
  };
  // lib/nova create_flavors (m1.*, cirros256, ds*) and lib/tempest (m1.nano, m1.micro).
  const Seed seeds[] = {
      {"1", "m1.tiny", 512, 1, 1},    {"2", "m1.small", 2048, 20, 1},    {"3", "m1.medium", 4096, 40, 2},
      {"4", "m1.large", 8192, 80, 4}, {"5", "m1.xlarge", 16384, 160, 8}, {"42", "m1.nano", 64, 0, 1},
      {"84", "m1.micro", 128, 0, 1},  {"c1", "cirros256", 256, 0, 1},    {"d1", "ds512M", 512, 5, 1},
      {"d2", "ds1G", 1024, 10, 1},    {"d3", "ds2G", 2048, 10, 2},       {"d4", "ds4G", 4096, 20, 4}};
  for (const auto& s : seeds) {
    if (store.get("flavor", s.id)) continue;
    auto f = flavors.create_unchecked({{"id", s.id},
                                       {"name", s.name},
                                       {"ram", s.ram},
                                       {"disk", s.disk},
                                       {"vcpus", s.vcpus},
                                       {"os-flavor-access:is_public", true}});
    if (!f.ok()) return f.status();
  }
  return store.put("stacklab_meta", "lab_flavors", Json{{"id", "lab_flavors"}, {"seeded", true}});
}

}  // namespace stacklab::scenarios
