#include <gtest/gtest.h>

#include "engine/core/config.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/filters/extra_specs_ops.h"
#include "engine/scheduler/placement_host_states.h"

using namespace stacklab;
using namespace stacklab::scheduler;

namespace {

HostState host(const std::string& name, std::int64_t free_ram_mb = 8192, std::int64_t free_disk_gb = 100,
               std::int64_t vcpus = 8, std::int64_t vcpus_used = 0) {
  HostState h;
  h.uuid = "uuid-" + name;
  h.host = h.nodename = h.hypervisor_hostname = name;
  h.total_usable_ram_mb = h.free_ram_mb = free_ram_mb;
  h.total_usable_disk_gb = free_disk_gb;
  h.free_disk_mb = free_disk_gb * 1024;
  h.vcpus_total = vcpus;
  h.vcpus_used = vcpus_used;
  h.hypervisor_type = "QEMU";
  h.hypervisor_version = 7002000;
  h.cpu_info = {{"arch", "x86_64"}, {"vendor", "AMD"}, {"features", {"avx", "sse4.2"}}};
  h.supported_instances = {{"x86_64", "qemu", "hvm"}, {"i686", "qemu", "hvm"}};
  return h;
}

std::shared_ptr<const Aggregate> aggregate(std::map<std::string, std::string> metadata) {
  return std::make_shared<const Aggregate>(Aggregate{"agg", "agg", std::move(metadata)});
}

RequestSpec spec(int vcpus = 1, std::int64_t ram = 512, std::int64_t disk = 1) {
  RequestSpec s;
  s.flavor.vcpus = vcpus;
  s.flavor.memory_mb = ram;
  s.flavor.root_gb = disk;
  s.project_id = "p1";
  s.user_id = "u1";
  return s;
}

bool passes(const std::string& filter, const HostState& h, const RequestSpec& s, const SchedulerOptions& o = {}) {
  auto f = make_filter(filter, o);
  EXPECT_TRUE(f.ok()) << filter;
  return (*f)->host_passes(h, s);
}

std::unique_ptr<FilterScheduler> make_scheduler(const SchedulerOptions& o, Random& r) {
  auto s = FilterScheduler::create(o, r);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

SchedulerOptions only_weighers(std::vector<std::string> weighers) {
  SchedulerOptions o;
  o.weight_classes = std::move(weighers);
  return o;
}

}  // namespace

// ---- filters ---------------------------------------------------------------

TEST(SchedulerFilters, ComputeFilterRefusesDisabledAndDownServices) {
  HostState h = host("a");
  EXPECT_TRUE(passes("ComputeFilter", h, spec()));
  h.service.disabled = true;
  EXPECT_FALSE(passes("ComputeFilter", h, spec()));
  h.service.disabled = false;
  h.service.up = false;
  EXPECT_FALSE(passes("ComputeFilter", h, spec()));
}

TEST(SchedulerFilters, AllHostsFilterPassesEverything) {
  HostState h = host("a");
  h.service.disabled = true;
  EXPECT_TRUE(passes("AllHostsFilter", h, spec()));
}

TEST(SchedulerFilters, AvailabilityZoneFilterUsesAggregatesAndDefaultZone) {
  HostState plain = host("a"), zoned = host("b");
  zoned.aggregates = {aggregate({{"availability_zone", "az1"}})};
  RequestSpec s = spec();
  EXPECT_TRUE(passes("AvailabilityZoneFilter", plain, s));  // no zone asked
  s.availability_zone = "nova";
  EXPECT_TRUE(passes("AvailabilityZoneFilter", plain, s));
  EXPECT_FALSE(passes("AvailabilityZoneFilter", zoned, s));
  s.availability_zone = "az1";
  EXPECT_FALSE(passes("AvailabilityZoneFilter", plain, s));
  EXPECT_TRUE(passes("AvailabilityZoneFilter", zoned, s));
  SchedulerOptions o;
  o.default_availability_zone = "az1";
  EXPECT_TRUE(passes("AvailabilityZoneFilter", plain, s, o));
  // An aggregate without the zone key leaves the host in the default zone.
  HostState other = host("c");
  other.aggregates = {aggregate({{"ssd", "true"}})};
  s.availability_zone = "nova";
  EXPECT_TRUE(passes("AvailabilityZoneFilter", other, s));
}

TEST(SchedulerFilters, ExtraSpecOperatorsFollowNova) {
  EXPECT_TRUE(extra_spec_matches("5", "= 4"));  // "=" means at least
  EXPECT_TRUE(extra_spec_matches("4", "= 4"));
  EXPECT_FALSE(extra_spec_matches("3", "= 4"));
  EXPECT_TRUE(extra_spec_matches("4.0", "== 4"));
  EXPECT_TRUE(extra_spec_matches("3", "!= 4"));
  EXPECT_TRUE(extra_spec_matches("3", "<= 4"));
  EXPECT_FALSE(extra_spec_matches("5", "<= 4"));
  EXPECT_TRUE(extra_spec_matches("abc", "s== abc"));
  EXPECT_TRUE(extra_spec_matches("abc", "s< abd"));
  EXPECT_TRUE(extra_spec_matches("abc", "s>= abc"));
  EXPECT_TRUE(extra_spec_matches("avx sse", "<in> sse"));
  EXPECT_TRUE(extra_spec_matches("avx sse aes", "<all-in> aes avx"));
  EXPECT_FALSE(extra_spec_matches("avx sse", "<all-in> aes avx"));
  EXPECT_TRUE(extra_spec_matches("b", "<or> a <or> b"));
  EXPECT_FALSE(extra_spec_matches("c", "<or> a <or> b"));
  EXPECT_TRUE(extra_spec_matches("true", "true"));
  EXPECT_FALSE(extra_spec_matches("True", "true"));
  EXPECT_FALSE(extra_spec_matches("x", ">= 4"));  // Nova's float() would raise
  EXPECT_FALSE(extra_spec_matches("4", ">="));    // operator without operand
}

TEST(SchedulerFilters, ComputeCapabilitiesFilterMatchesHostAttributesAndCpuInfo) {
  HostState h = host("a");
  h.stats["custom_stat"] = "gold";
  RequestSpec s = spec();
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:hypervisor_type", "QEMU"}};
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:hypervisor_type", "s== xen"}};
  EXPECT_FALSE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:cpu_info:arch", "x86_64"}};
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:cpu_info:features", "<in> avx"}};
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:free_ram_mb", ">= 8192"}};
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:free_ram_mb", ">= 8193"}};
  EXPECT_FALSE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:cpu_allocation_ratio", "16.0"}};  // Python's str(16.0)
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:custom_stat", "gold"}};  // falls back to stats
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  s.flavor.extra_specs = {{"capabilities:no_such_thing", "1"}};
  EXPECT_FALSE(passes("ComputeCapabilitiesFilter", h, s));
  // Other scopes and unknown unscoped keys are not this filter's business...
  s.flavor.extra_specs = {{"hw:cpu_policy", "dedicated"}, {"no_such_thing", "1"}};
  EXPECT_TRUE(passes("ComputeCapabilitiesFilter", h, s));
  // ...but an unscoped key naming a host attribute is checked.
  s.flavor.extra_specs = {{"hypervisor_type", "xen"}};
  EXPECT_FALSE(passes("ComputeCapabilitiesFilter", h, s));
}

TEST(SchedulerFilters, ImagePropertiesFilterMatchesSupportedInstances) {
  HostState h = host("a");
  RequestSpec s = spec();
  EXPECT_TRUE(passes("ImagePropertiesFilter", h, s));
  s.image.properties = {{"hw_architecture", "x86_64"}, {"img_hv_type", "qemu"}, {"hw_vm_mode", "hvm"}};
  EXPECT_TRUE(passes("ImagePropertiesFilter", h, s));
  s.image.properties = {{"hw_architecture", "amd64"}};  // canonicalized to x86_64
  EXPECT_TRUE(passes("ImagePropertiesFilter", h, s));
  s.image.properties = {{"hw_architecture", "aarch64"}};
  EXPECT_FALSE(passes("ImagePropertiesFilter", h, s));
  s.image.properties = {{"img_hv_type", "xen"}};
  EXPECT_FALSE(passes("ImagePropertiesFilter", h, s));
  s.image.properties = {{"img_hv_type", "qemu"}, {"img_hv_requested_version", ">=7.0"}};
  EXPECT_TRUE(passes("ImagePropertiesFilter", h, s));  // 7002000 = 7.2.0
  s.image.properties = {{"img_hv_type", "qemu"}, {"img_hv_requested_version", ">=7.3, <9"}};
  EXPECT_FALSE(passes("ImagePropertiesFilter", h, s));
  HostState silent = host("b");
  silent.supported_instances.clear();
  s.image.properties = {{"hw_architecture", "x86_64"}};
  EXPECT_FALSE(passes("ImagePropertiesFilter", silent, s));
  // The configured default architecture applies to images without one.
  SchedulerOptions o;
  o.image_properties_default_architecture = "aarch64";
  s.image.properties.clear();
  EXPECT_FALSE(passes("ImagePropertiesFilter", h, s, o));
}

TEST(SchedulerFilters, SameAndDifferentHostFiltersReadHints) {
  HostState h = host("a");
  h.instances = {"i-1"};
  RequestSpec s = spec();
  EXPECT_TRUE(passes("SameHostFilter", h, s));
  EXPECT_TRUE(passes("DifferentHostFilter", h, s));
  s.scheduler_hints["same_host"] = {"i-9", "i-1"};
  EXPECT_TRUE(passes("SameHostFilter", h, s));
  s.scheduler_hints["same_host"] = {"i-9"};
  EXPECT_FALSE(passes("SameHostFilter", h, s));
  s.scheduler_hints["different_host"] = {"i-1"};
  EXPECT_FALSE(passes("DifferentHostFilter", h, s));
  s.scheduler_hints["different_host"] = {"i-9"};
  EXPECT_TRUE(passes("DifferentHostFilter", h, s));
}

TEST(SchedulerFilters, ServerGroupAffinityFilterKeepsTheGroupsHosts) {
  HostState a = host("a"), b = host("b");
  RequestSpec s = spec();
  s.instance_group = InstanceGroup{"g", "g", "affinity", {}, {}, {}};
  EXPECT_TRUE(passes("ServerGroupAffinityFilter", b, s));  // group not placed yet
  s.instance_group->hosts = {"a"};
  EXPECT_TRUE(passes("ServerGroupAffinityFilter", a, s));
  EXPECT_FALSE(passes("ServerGroupAffinityFilter", b, s));
  s.instance_group->policy = "soft-affinity";
  EXPECT_TRUE(passes("ServerGroupAffinityFilter", b, s));
}

TEST(SchedulerFilters, ServerGroupAntiAffinityFilterCountsMembersPerHost) {
  HostState h = host("a");
  h.instances = {"m1", "stranger"};
  RequestSpec s = spec();
  s.instance_group = InstanceGroup{"g", "g", "anti-affinity", {}, {"m1", "m2"}, {"a"}};
  s.instance_uuid = "m2";
  EXPECT_FALSE(passes("ServerGroupAntiAffinityFilter", h, s));
  s.instance_group->rules["max_server_per_host"] = 2;
  EXPECT_TRUE(passes("ServerGroupAntiAffinityFilter", h, s));
  s.instance_group->rules.clear();
  s.instance_uuid = "m1";  // a move: the instance's own host is not refused
  EXPECT_TRUE(passes("ServerGroupAntiAffinityFilter", h, s));
  HostState other = host("b");
  other.instances = {"stranger"};
  s.instance_uuid = "m2";
  EXPECT_TRUE(passes("ServerGroupAntiAffinityFilter", other, s));
  s.instance_group->policy = "affinity";
  EXPECT_TRUE(passes("ServerGroupAntiAffinityFilter", h, s));
}

TEST(SchedulerFilters, AggregateInstanceExtraSpecsFilterNeedsMatchingMetadata) {
  HostState ssd = host("a"), plain = host("b");
  ssd.aggregates = {aggregate({{"ssd", "true"}, {"tier", "gold, silver"}})};
  RequestSpec s = spec();
  EXPECT_TRUE(passes("AggregateInstanceExtraSpecsFilter", plain, s));
  s.flavor.extra_specs = {{"aggregate_instance_extra_specs:ssd", "true"}};
  EXPECT_TRUE(passes("AggregateInstanceExtraSpecsFilter", ssd, s));
  EXPECT_FALSE(passes("AggregateInstanceExtraSpecsFilter", plain, s));
  s.flavor.extra_specs = {{"aggregate_instance_extra_specs:tier", "silver"}};  // comma lists split
  EXPECT_TRUE(passes("AggregateInstanceExtraSpecsFilter", ssd, s));
  s.flavor.extra_specs = {{"hw:cpu_policy", "dedicated"}};  // other scopes ignored
  EXPECT_TRUE(passes("AggregateInstanceExtraSpecsFilter", plain, s));
  s.flavor.extra_specs = {{"ssd", "true"}};  // unscoped keys must be in an aggregate
  EXPECT_TRUE(passes("AggregateInstanceExtraSpecsFilter", ssd, s));
  EXPECT_FALSE(passes("AggregateInstanceExtraSpecsFilter", plain, s));
}

TEST(SchedulerFilters, AggregateMultiTenancyIsolationKeepsOtherProjectsOut) {
  HostState open = host("a"), tagged = host("b"), other_keys = host("c");
  tagged.aggregates = {aggregate({{"filter_tenant_id", "p1,p2"}}), aggregate({{"filter_tenant_id_2", "p5"}})};
  other_keys.aggregates = {aggregate({{"ssd", "true"}})};
  RequestSpec s = spec();
  for (const char* project : {"p1", "p2", "p5"}) {
    s.project_id = project;
    EXPECT_TRUE(passes("AggregateMultiTenancyIsolation", tagged, s)) << project;
  }
  s.project_id = "p3";
  EXPECT_FALSE(passes("AggregateMultiTenancyIsolation", tagged, s));
  EXPECT_TRUE(passes("AggregateMultiTenancyIsolation", open, s));
  EXPECT_TRUE(passes("AggregateMultiTenancyIsolation", other_keys, s));
}

TEST(SchedulerFilters, NumInstancesAndIoOpsFiltersUseNovasDefaults) {
  HostState h = host("a");
  h.num_instances = 49;
  h.num_io_ops = 7;
  EXPECT_TRUE(passes("NumInstancesFilter", h, spec()));
  EXPECT_TRUE(passes("IoOpsFilter", h, spec()));
  h.num_instances = 50;
  h.num_io_ops = 8;
  EXPECT_FALSE(passes("NumInstancesFilter", h, spec()));
  EXPECT_FALSE(passes("IoOpsFilter", h, spec()));
  SchedulerOptions o;
  o.max_instances_per_host = 51;
  o.max_io_ops_per_host = 9;
  EXPECT_TRUE(passes("NumInstancesFilter", h, spec(), o));
  EXPECT_TRUE(passes("IoOpsFilter", h, spec(), o));
}

TEST(SchedulerFilters, UnknownFilterIsRefusedAndQualifiedNamesWork) {
  EXPECT_FALSE(make_filter("RamFilter", {}).ok());
  EXPECT_TRUE(make_filter("nova.scheduler.filters.compute_filter.ComputeFilter", {}).ok());
  SchedulerOptions o;
  o.enabled_filters = {"ComputeFilter", "NoSuchFilter"};
  SeededRandom r(1);
  EXPECT_FALSE(FilterScheduler::create(o, r).ok());
}

// ---- weighers ---------------------------------------------------------------

TEST(SchedulerWeighers, NormalizeMapsMinToZeroAndMaxToOne) {
  std::vector<double> v = {1, 2, 3};
  normalize(v);
  EXPECT_EQ(v, (std::vector<double>{0, 0.5, 1}));
  std::vector<double> same = {7, 7};
  normalize(same);
  EXPECT_EQ(same, (std::vector<double>{0, 0}));
}

TEST(SchedulerWeighers, WeightsAreNormalizedMultipliedAndSummed) {
  SchedulerOptions o = only_weighers({"RAMWeigher", "CPUWeigher"});
  o.cpu_weight_multiplier = 2.0;
  auto weighers = make_weighers(o);
  ASSERT_TRUE(weighers.ok());
  // RAM free 1024 / 2048 / 3072 -> 0, .5, 1; free vCPUs 8*16-0, 8*16-64, 8*16-128 -> 1, .5, 0.
  HostState a = host("a", 1024, 10, 8, 0), b = host("b", 2048, 10, 8, 64), c = host("c", 3072, 10, 8, 128);
  auto w = weigh_hosts(*weighers, {&a, &b, &c}, spec());
  EXPECT_DOUBLE_EQ(w[0].weight, 0 + 2.0 * 1);
  EXPECT_DOUBLE_EQ(w[1].weight, 0.5 + 2.0 * 0.5);
  EXPECT_DOUBLE_EQ(w[2].weight, 1 + 0);
  // A single host is not weighed.
  auto single = weigh_hosts(*weighers, {&a}, spec());
  EXPECT_DOUBLE_EQ(single[0].weight, 0);
}

TEST(SchedulerWeighers, PositiveRamMultiplierSpreadsNegativeStacks) {
  for (double multiplier : {1.0, -1.0}) {
    SchedulerOptions o = only_weighers({"RAMWeigher"});
    o.ram_weight_multiplier = multiplier;
    SeededRandom r(1);
    auto s = make_scheduler(o, r);
    std::vector<HostState> hosts = {host("small", 1024), host("big", 4096), host("mid", 2048)};
    auto d = s->select_destinations(spec(), hosts);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)[0].selected.host, multiplier > 0 ? "big" : "small");
  }
}

TEST(SchedulerWeighers, IoOpsAndNumInstancesWeighersFollowTheirSigns) {
  std::vector<HostState> hosts = {host("busy"), host("idle")};
  hosts[0].num_io_ops = 5;
  hosts[0].num_instances = 10;
  SeededRandom r(1);
  auto io = make_scheduler(only_weighers({"IoOpsWeigher"}), r);  // default -1: prefer idle
  EXPECT_EQ((*io->select_destinations(spec(), hosts))[0].selected.host, "idle");
  SchedulerOptions pack = only_weighers({"NumInstancesWeigher"});
  pack.num_instances_weight_multiplier = 1.0;
  std::vector<HostState> fresh = {host("idle"), host("busy")};
  fresh[1].num_instances = 10;
  EXPECT_EQ((*make_scheduler(pack, r)->select_destinations(spec(), fresh))[0].selected.host, "busy");
}

TEST(SchedulerWeighers, AggregateMetadataOverridesTheMultiplier) {
  SchedulerOptions o = only_weighers({"RAMWeigher"});
  auto weighers = make_weighers(o);
  HostState h = host("a");
  EXPECT_DOUBLE_EQ((*weighers)[0]->multiplier(h), 1.0);
  h.aggregates = {aggregate({{"ram_weight_multiplier", "-2.5"}}), aggregate({{"ram_weight_multiplier", "3"}})};
  EXPECT_DOUBLE_EQ((*weighers)[0]->multiplier(h), -2.5);  // the smallest
  h.aggregates = {aggregate({{"ram_weight_multiplier", "lots"}})};
  EXPECT_DOUBLE_EQ((*weighers)[0]->multiplier(h), 1.0);  // not a number: the option
}

TEST(SchedulerWeighers, SoftAffinityPrefersGroupHostsSoftAntiAffinityAvoidsThem) {
  std::vector<HostState> hosts = {host("a"), host("b")};
  hosts[1].instances = {"m1"};
  RequestSpec s = spec();
  s.instance_group = InstanceGroup{"g", "g", "soft-affinity", {}, {"m1", "m2"}, {"b"}};
  SeededRandom r(1);
  auto sched = make_scheduler(only_weighers({"ServerGroupSoftAffinityWeigher", "ServerGroupSoftAntiAffinityWeigher"}), r);
  EXPECT_EQ((*sched->select_destinations(s, hosts, {"m2"}))[0].selected.host, "b");
  hosts[1].instances = {"m1"};
  s.instance_group->policy = "soft-anti-affinity";
  EXPECT_EQ((*sched->select_destinations(s, hosts, {"m3"}))[0].selected.host, "a");
}

// ---- the scheduler --------------------------------------------------------------

TEST(FilterSchedulerTest, HostSubsetSizeChoosesAmongTheBestWithTheSeededGenerator) {
  SchedulerOptions o = only_weighers({"RAMWeigher"});
  o.host_subset_size = 3;
  auto run = [&](std::uint64_t seed) {
    SeededRandom r(seed);
    auto s = make_scheduler(o, r);
    std::vector<HostState> hosts = {host("h1", 1000), host("h2", 5000), host("h3", 4000), host("h4", 3000),
                                    host("h5", 2000)};
    return (*s->select_destinations(spec(), hosts))[0].selected.host;
  };
  std::set<std::string> chosen;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    EXPECT_EQ(run(seed), run(seed));  // same seed, same choice
    chosen.insert(run(seed));
  }
  EXPECT_EQ(chosen, (std::set<std::string>{"h2", "h3", "h4"}));
}

TEST(FilterSchedulerTest, HostSubsetSizeOneAlwaysTakesTheBestAndTiesKeepInputOrder) {
  SeededRandom r(3);
  auto s = make_scheduler(only_weighers({"RAMWeigher"}), r);
  std::vector<HostState> hosts = {host("x", 2048), host("y", 4096), host("z", 4096)};
  auto d = s->select_destinations(spec(), hosts);
  EXPECT_EQ((*d)[0].selected.host, "y");
  ASSERT_EQ((*d)[0].alternates.size(), 2u);
  EXPECT_EQ((*d)[0].alternates[0].host, "z");
  EXPECT_EQ((*d)[0].alternates[1].host, "x");
}

TEST(FilterSchedulerTest, MultiInstanceRequestConsumesResourcesBetweenInstances) {
  SeededRandom r(1);
  auto s = make_scheduler(only_weighers({"RAMWeigher"}), r);
  std::vector<HostState> hosts = {host("a", 4096), host("b", 3072)};
  RequestSpec req = spec(2, 2048);
  req.num_instances = 2;
  auto d = s->select_destinations(req, hosts, {"i1", "i2"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)[0].selected.host, "a");  // 4096 > 3072
  EXPECT_EQ((*d)[1].selected.host, "b");  // a has 2048 left now
  EXPECT_EQ(hosts[0].free_ram_mb, 2048);
  EXPECT_EQ(hosts[0].vcpus_used, 2);
  EXPECT_EQ(hosts[0].free_disk_mb, 100 * 1024 - 1024);
  EXPECT_EQ(hosts[0].num_instances, 1);
  EXPECT_EQ(hosts[0].num_io_ops, 1);
  EXPECT_TRUE(hosts[0].instances.count("i1"));
  EXPECT_TRUE(hosts[1].instances.count("i2"));
}

TEST(FilterSchedulerTest, AntiAffinityHoldsAcrossAMultiInstanceRequest) {
  SeededRandom r(1);
  auto s = make_scheduler(SchedulerOptions{}, r);
  RequestSpec req = spec();
  req.instance_group = InstanceGroup{"g", "g", "anti-affinity", {}, {"i1", "i2", "i3"}, {}};
  std::vector<HostState> hosts = {host("a", 9000), host("b", 8000), host("c", 7000)};
  auto d = s->select_destinations(req, hosts, {"i1", "i2", "i3"});
  ASSERT_TRUE(d.ok()) << d.status().message();
  std::set<std::string> used;
  for (const auto& dest : *d) used.insert(dest.selected.host);
  EXPECT_EQ(used.size(), 3u);
  for (const auto& dest : *d) EXPECT_TRUE(dest.alternates.empty());  // every host is taken

  std::vector<HostState> two = {host("a"), host("b")};
  req.instance_group->members = {"j1", "j2", "j3"};
  auto none = s->select_destinations(req, two, {"j1", "j2", "j3"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "No valid host was found. There are not enough hosts available.");
}

TEST(FilterSchedulerTest, AffinityPutsAMultiInstanceRequestOnOneHost) {
  SeededRandom r(1);
  auto s = make_scheduler(SchedulerOptions{}, r);
  RequestSpec req = spec();
  req.instance_group = InstanceGroup{"g", "g", "affinity", {}, {"i1", "i2", "i3"}, {}};
  std::vector<HostState> hosts = {host("a", 4096), host("b", 4000), host("c", 3000)};
  auto d = s->select_destinations(req, hosts, {"i1", "i2", "i3"});
  ASSERT_TRUE(d.ok());
  for (const auto& dest : *d) {
    EXPECT_EQ(dest.selected.host, "a");
    EXPECT_TRUE(dest.alternates.empty());  // only group hosts pass, and they are selected
  }
}

TEST(FilterSchedulerTest, AlternatesAreTheNextBestUnselectedHosts) {
  SeededRandom r(1);
  SchedulerOptions o = only_weighers({"RAMWeigher"});
  auto s = make_scheduler(o, r);
  std::vector<HostState> hosts = {host("a", 1000), host("b", 5000), host("c", 4000), host("d", 3000)};
  auto d = s->select_destinations(spec(1, 100), hosts);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)[0].selected.host, "b");
  ASSERT_EQ((*d)[0].alternates.size(), 2u);  // max_attempts 3
  EXPECT_EQ((*d)[0].alternates[0].host, "c");
  EXPECT_EQ((*d)[0].alternates[1].host, "d");

  // Two instances: b, then c (b has 3000 left); weighed again, d (3000)
  // and a (1000) are the alternates of both.
  std::vector<HostState> fresh = {host("a", 1000), host("b", 5000), host("c", 4000), host("d", 3000)};
  RequestSpec two = spec(1, 2000);
  two.num_instances = 2;
  auto d2 = s->select_destinations(two, fresh, {"i1", "i2"});
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ((*d2)[0].selected.host, "b");
  EXPECT_EQ((*d2)[1].selected.host, "c");
  for (const auto& dest : *d2) {
    ASSERT_EQ(dest.alternates.size(), 2u);
    EXPECT_EQ(dest.alternates[0].host, "d");
    EXPECT_EQ(dest.alternates[1].host, "a");
  }

  o.max_attempts = 1;
  std::vector<HostState> again = {host("a"), host("b")};
  EXPECT_TRUE((*make_scheduler(o, r)->select_destinations(spec(), again))[0].alternates.empty());
}

TEST(FilterSchedulerTest, AlternatesStayInTheSelectedHostsCell) {
  SeededRandom r(1);
  auto s = make_scheduler(only_weighers({"RAMWeigher"}), r);
  std::vector<HostState> hosts = {host("a", 5000), host("b", 4000), host("c", 3000)};
  hosts[1].cell_uuid = "cell2";
  auto d = s->select_destinations(spec(), hosts);
  ASSERT_EQ((*d)[0].alternates.size(), 1u);
  EXPECT_EQ((*d)[0].alternates[0].host, "c");
}

TEST(FilterSchedulerTest, NoValidHostCarriesNovasMessage) {
  SeededRandom r(1);
  auto s = make_scheduler(SchedulerOptions{}, r);
  std::vector<HostState> none;
  auto empty = s->select_destinations(spec(), none);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), Code::kConflict);
  EXPECT_EQ(empty.status().message(), "No valid host was found. ");

  std::vector<HostState> hosts = {host("a")};
  hosts[0].service.disabled = true;
  auto filtered = s->select_destinations(spec(), hosts);
  ASSERT_FALSE(filtered.ok());
  EXPECT_EQ(filtered.status().message(), "No valid host was found. There are not enough hosts available.");
}

TEST(FilterSchedulerTest, ForcedHostsSkipFiltersAndIgnoredHostsAreLeftOut) {
  SeededRandom r(1);
  auto s = make_scheduler(SchedulerOptions{}, r);
  std::vector<HostState> hosts = {host("a", 9000), host("b", 1000)};
  hosts[1].service.disabled = true;
  RequestSpec forced = spec();
  forced.force_hosts = {"B"};  // host names compare case-insensitively
  EXPECT_EQ((*s->select_destinations(forced, hosts))[0].selected.host, "b");
  forced.scheduler_hints["_nova_check_type"] = {"rebuild"};  // asks for the filters to run anyway
  EXPECT_FALSE(s->select_destinations(forced, hosts).ok());
  RequestSpec ignoring = spec();
  ignoring.ignore_hosts = {"a"};
  EXPECT_FALSE(s->select_destinations(ignoring, hosts).ok());  // b is disabled
}

TEST(FilterSchedulerTest, FailedClaimFallsToTheNextHostAndFailureReleasesClaims) {
  struct Claimer : ResourceClaimer {
    std::set<std::string> refuse;
    bool single_use = false;  // a host takes one claim
    std::vector<std::string> claimed, released;
    bool claim(const HostState& h, const RequestSpec&, const std::string& uuid) override {
      if (refuse.count(h.host)) return false;
      if (single_use) refuse.insert(h.host);
      claimed.push_back(uuid + "@" + h.host);
      return true;
    }
    void release(const std::vector<std::string>& uuids) override { released = uuids; }
  } claimer;
  claimer.refuse = {"a"};
  SeededRandom r(1);
  auto s = make_scheduler(only_weighers({"RAMWeigher"}), r);
  std::vector<HostState> hosts = {host("a", 9000), host("b", 5000)};
  auto d = s->select_destinations(spec(), hosts, {"i1"}, &claimer);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)[0].selected.host, "b");
  EXPECT_EQ(claimer.claimed, (std::vector<std::string>{"i1@b"}));

  claimer.refuse = {"a", "b"};
  claimer.claimed.clear();
  std::vector<HostState> fresh = {host("a", 9000), host("b", 5000), host("c", 1000)};
  RequestSpec two = spec();
  two.num_instances = 2;
  claimer.single_use = true;
  auto fail = s->select_destinations(two, fresh, {"i1", "i2"}, &claimer);
  // i1 lands on c; i2 finds every claim refused.
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(claimer.released, (std::vector<std::string>{"i1"}));
}

TEST(FilterSchedulerTest, OptionsComeFromNovaConfSections) {
  Config c;
  c.set("filter_scheduler", "enabled_filters", "ComputeFilter, NumInstancesFilter");
  c.set("filter_scheduler", "weight_classes", "nova.scheduler.weights.ram.RAMWeigher");
  c.set("filter_scheduler", "ram_weight_multiplier", "-1.0");
  c.set("filter_scheduler", "host_subset_size", "0");
  c.set("filter_scheduler", "max_instances_per_host", "10");
  c.set("scheduler", "max_attempts", "5");
  SchedulerOptions o = SchedulerOptions::from_config(c);
  EXPECT_EQ(o.enabled_filters, (std::vector<std::string>{"ComputeFilter", "NumInstancesFilter"}));
  EXPECT_DOUBLE_EQ(o.ram_weight_multiplier, -1.0);
  EXPECT_EQ(o.host_subset_size, 1);
  EXPECT_EQ(o.max_instances_per_host, 10);
  EXPECT_EQ(o.max_io_ops_per_host, 8);
  EXPECT_EQ(o.max_attempts, 5);
  SeededRandom r(1);
  auto s = make_scheduler(o, r);
  EXPECT_EQ(s->filters().size(), 2u);
  ASSERT_EQ(s->weighers().size(), 1u);
  EXPECT_EQ(s->weighers()[0]->name(), "RAMWeigher");

  SchedulerOptions defaults = SchedulerOptions::from_config(Config{});
  EXPECT_EQ(defaults.enabled_filters.size(), 6u);
  EXPECT_EQ(make_scheduler(defaults, r)->weighers().size(), 7u);
}

TEST(FilterSchedulerTest, PlacementProvidersBecomeHostStatesAndClaimsLandInPlacement) {
  auto store = std::move(*Store::open({}));
  SeededRandom r(9);
  placement::PlacementService p(*store, r);
  auto make_node = [&](const std::string& name, std::int64_t ram) {
    std::string uuid = (*p.create_provider(name))->uuid;
    EXPECT_TRUE(p.set_inventories(uuid, 0,
                                  {{"VCPU", {4, 0, 1, 4, 1, 16.0}},
                                   {"MEMORY_MB", {ram, 512, 1, ram, 1, 1.5}},
                                   {"DISK_GB", {40, 0, 1, 40, 1, 1.0}}})
                    .ok());
    return uuid;
  };
  std::string small = make_node("small", 2048), big = make_node("big", 8192);
  RequestSpec req = spec(1, 1024, 10);
  req.flavor.swap = 512;
  EXPECT_EQ(resources_from_spec(req), (placement::ResourceAmounts{{"VCPU", 1}, {"MEMORY_MB", 1024}, {"DISK_GB", 11}}));
  auto hosts = candidate_host_states(p, req);
  ASSERT_EQ(hosts.size(), 2u);
  for (const auto& h : hosts) {
    if (h.uuid == big) {
      EXPECT_EQ(h.free_ram_mb, 8192 - 512);
      EXPECT_EQ(h.free_disk_mb, 40 * 1024);
      EXPECT_EQ(h.vcpus_total, 4);
      EXPECT_DOUBLE_EQ(h.cpu_allocation_ratio, 16.0);
      EXPECT_DOUBLE_EQ(h.ram_allocation_ratio, 1.5);
    }
  }
  PlacementClaimer claimer(p);
  auto s = make_scheduler(SchedulerOptions{}, r);
  auto d = s->select_destinations(req, hosts, {"inst-1"}, &claimer);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)[0].selected.compute_node_uuid, big);
  EXPECT_EQ((*d)[0].alternates.size(), 1u);
  ASSERT_NE(p.consumer("inst-1"), nullptr);
  EXPECT_EQ(p.provider(big)->usage.at("MEMORY_MB"), 1024);
  HostStateSources sources;
  sources.instances_from_allocations = true;
  EXPECT_EQ(host_state_from_provider(p, *p.provider(big), sources).num_instances, 1);
  (void)small;
}
