#include <gtest/gtest.h>

#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/placement/placement_service.h"

using namespace stacklab;
using namespace stacklab::placement;

namespace {

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    p_ = std::make_unique<PlacementService>(*store_, random_);
  }
  // A compute node as the book's all-in-one host reports it (Ocata ratios).
  std::string node(const std::string& name, std::int64_t vcpus = 2, std::int64_t ram = 6144, std::int64_t disk = 40) {
    auto rp = p_->create_provider(name);
    EXPECT_TRUE(rp.ok());
    std::string uuid = (*rp)->uuid;
    auto inv = p_->set_inventories(uuid, 0,
                                   {{"VCPU", {vcpus, 0, 1, vcpus, 1, 16.0}},
                                    {"MEMORY_MB", {ram, 512, 1, ram, 1, 1.5}},
                                    {"DISK_GB", {disk, 0, 1, disk, 1, 1.0}}});
    EXPECT_TRUE(inv.ok()) << inv.status().message();
    return uuid;
  }
  AllocationRequest claim(const std::string& rp, std::int64_t vcpu, std::int64_t ram, std::int64_t disk = 1) {
    AllocationRequest r;
    r.allocations[rp] = {{"VCPU", vcpu}, {"MEMORY_MB", ram}, {"DISK_GB", disk}};
    r.project_id = "p";
    r.user_id = "u";
    r.check_generation = false;
    return r;
  }

  SeededRandom random_{5};
  std::unique_ptr<Store> store_;
  std::unique_ptr<PlacementService> p_;
};

}  // namespace

TEST_F(PlacementTest, CapacityRuleUsesReservedAndAllocationRatio) {
  std::string n = node("n1");  // RAM: (6144 - 512) * 1.5 = 8448, at most 6144 per claim (max_unit)
  EXPECT_TRUE(p_->put_allocations("a", claim(n, 1, 6000)).ok());
  EXPECT_TRUE(p_->put_allocations("b", claim(n, 1, 2448)).ok());
  auto over = p_->put_allocations("c", claim(n, 1, 1));
  EXPECT_EQ(over.code(), Code::kConflict);
  EXPECT_EQ(p_->consumer("c"), nullptr);
  // One claim may not exceed max_unit (the host's 2 vcpus), even with 32 vcpus of capacity.
  EXPECT_EQ(p_->put_allocations("d", claim(n, 3, 1)).code(), Code::kConflict);
}

TEST_F(PlacementTest, ReplacingAClaimReleasesTheOldOneFirst) {
  std::string n = node("n1");
  ASSERT_TRUE(p_->put_allocations("other", claim(n, 1, 2348)).ok());
  ASSERT_TRUE(p_->put_allocations("vm", claim(n, 2, 6000)).ok());
  EXPECT_TRUE(p_->put_allocations("vm", claim(n, 2, 6100)).ok());  // 6000 released first, so 6100 fits
  EXPECT_EQ(p_->provider(n)->usage.at("MEMORY_MB"), 8448);
  ASSERT_TRUE(p_->delete_allocations("other").ok());
  ASSERT_TRUE(p_->delete_allocations("vm").ok());
  EXPECT_FALSE(p_->provider(n)->usage.count("MEMORY_MB"));  // nothing left
  EXPECT_EQ(p_->delete_allocations("vm").code(), Code::kNotFound);
}

TEST_F(PlacementTest, ManyConsumersAreAllOrNothing) {
  std::string a = node("a"), b = node("b");
  ASSERT_TRUE(p_->put_allocations("vm", claim(a, 1, 4000)).ok());
  // A migration moves the claim from the instance to the migration record and
  // claims the destination; if the destination does not fit, nothing moves.
  std::map<std::string, AllocationRequest> move = {{"migration", claim(a, 1, 4000)}, {"vm", claim(b, 1, 99999)}};
  EXPECT_EQ(p_->put_allocations_many(move).code(), Code::kConflict);
  EXPECT_EQ(p_->consumer("vm")->allocations.count(a), 1u);
  EXPECT_EQ(p_->consumer("migration"), nullptr);
  move["vm"] = claim(b, 1, 4000);
  ASSERT_TRUE(p_->put_allocations_many(move).ok());
  EXPECT_EQ(p_->provider(a)->usage.at("MEMORY_MB"), 4000);
  EXPECT_EQ(p_->provider(b)->usage.at("MEMORY_MB"), 4000);
}

TEST_F(PlacementTest, GenerationsDetectConcurrentWriters) {
  std::string n = node("n1");
  std::int64_t gen = p_->provider(n)->generation;
  ASSERT_TRUE(p_->set_traits(n, gen, {"HW_CPU_X86_AVX2"}).ok());
  EXPECT_EQ(p_->set_traits(n, gen, {"CUSTOM_NOPE"}).status().code(), Code::kConflict);  // stale
  AllocationRequest first = claim(n, 1, 100);
  first.check_generation = true;
  ASSERT_TRUE(p_->put_allocations("vm", first).ok());  // new consumer: generation null
  AllocationRequest again = claim(n, 1, 200);
  again.check_generation = true;
  EXPECT_EQ(p_->put_allocations("vm", again).code(), Code::kConflict);  // must say generation 1
  again.consumer_generation = 1;
  EXPECT_TRUE(p_->put_allocations("vm", again).ok());
}

TEST_F(PlacementTest, InventoryInUseCannotShrinkBelowUsageOrVanish) {
  std::string n = node("n1");
  ASSERT_TRUE(p_->put_allocations("vm", claim(n, 2, 6000, 30)).ok());
  auto gen = p_->provider(n)->generation;
  EXPECT_EQ(p_->delete_inventory(n, gen, "DISK_GB").status().code(), Code::kConflict);
  EXPECT_EQ(p_->set_inventory(n, gen, "DISK_GB", {20, 0, 1, 20, 1, 1.0}).status().code(), Code::kConflict);
  EXPECT_TRUE(p_->set_inventory(n, gen, "DISK_GB", {30, 0, 1, 30, 1, 1.0}).ok());
  EXPECT_EQ(p_->delete_provider(n).code(), Code::kConflict);
}

TEST_F(PlacementTest, CandidatesHonourCapacityTraitsAndAggregates) {
  std::string small = node("small", 1, 2048), big = node("big", 8, 32768);
  ASSERT_TRUE(p_->set_traits(big, p_->provider(big)->generation, {"HW_CPU_X86_AVX2"}).ok());
  ASSERT_TRUE(p_->set_aggregates(small, std::nullopt, {"agg-a"}).ok());
  CandidateQuery q;
  q.resources = {{"VCPU", 1}, {"MEMORY_MB", 2000}};
  EXPECT_EQ(p_->allocation_candidates(q).size(), 2u);
  q.resources["MEMORY_MB"] = 3000;  // small: (2048 - 512) * 1.5 = 2304
  ASSERT_EQ(p_->allocation_candidates(q).size(), 1u);
  EXPECT_EQ(p_->allocation_candidates(q)[0].provider->uuid, big);
  q.resources["MEMORY_MB"] = 100;
  q.required = {"HW_CPU_X86_AVX2"};
  EXPECT_EQ(p_->allocation_candidates(q).size(), 1u);
  q.required.clear();
  q.forbidden = {"HW_CPU_X86_AVX2"};
  ASSERT_EQ(p_->allocation_candidates(q).size(), 1u);
  EXPECT_EQ(p_->allocation_candidates(q)[0].provider->uuid, small);
  q.forbidden.clear();
  q.member_of = {{"agg-a", "agg-b"}};
  EXPECT_EQ(p_->allocation_candidates(q).size(), 1u);
  q.member_of.clear();
  q.limit = 1;
  EXPECT_EQ(p_->allocation_candidates(q).size(), 1u);
}

TEST_F(PlacementTest, StateAndUsageSurviveAReload) {
  std::string n = node("n1");
  ASSERT_TRUE(p_->create_trait("CUSTOM_GOLD").ok());
  ASSERT_TRUE(p_->set_traits(n, p_->provider(n)->generation, {"CUSTOM_GOLD"}).ok());
  ASSERT_TRUE(p_->put_allocations("vm", claim(n, 1, 1000)).ok());
  PlacementService reloaded(*store_, random_);
  const ResourceProvider* rp = reloaded.provider(n);
  ASSERT_NE(rp, nullptr);
  EXPECT_EQ(rp->usage.at("MEMORY_MB"), 1000);
  EXPECT_EQ(rp->generation, p_->provider(n)->generation);
  EXPECT_TRUE(rp->traits.count("CUSTOM_GOLD"));
  EXPECT_TRUE(reloaded.trait_exists("CUSTOM_GOLD"));
  EXPECT_EQ(reloaded.project_usages("p").at("VCPU"), 1);
}

TEST_F(PlacementTest, CustomClassesAndTraitsFollowTheNamingRules) {
  EXPECT_EQ(p_->create_resource_class("GPU").code(), Code::kBadRequest);
  EXPECT_TRUE(p_->create_resource_class("CUSTOM_FPGA_X").ok());
  EXPECT_EQ(p_->create_resource_class("CUSTOM_FPGA_X").code(), Code::kConflict);
  EXPECT_EQ(p_->delete_resource_class("VCPU").code(), Code::kBadRequest);
  EXPECT_EQ(p_->create_trait("custom_lower").code(), Code::kBadRequest);
  std::string n = node("n1");
  ASSERT_TRUE(p_->create_trait("CUSTOM_SSD").ok());
  ASSERT_TRUE(p_->set_traits(n, p_->provider(n)->generation, {"CUSTOM_SSD"}).ok());
  EXPECT_EQ(p_->delete_trait("CUSTOM_SSD").code(), Code::kConflict);
}
