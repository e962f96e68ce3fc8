// Nova's quotas, server groups, tenant usage and server metadata/tags in the
// engine, in virtual time on the lab's single simulated host: limits from
// defaults/classes/projects/users, counted usage, TooManyInstances with
// min/max counts, anti-affinity -> NoValidHost, usage hours over a period.
#include <gtest/gtest.h>

#include "engine/compute/keypairs.h"
#include "engine/compute/quotas.h"
#include "engine/compute/server_groups.h"
#include "engine/compute/server_metadata.h"
#include "engine/compute/usage.h"
#include "engine/core/timeutil.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

class ComputeQuotasTest : public ::testing::Test, public stacklab::testing::ComputeEngine {
 protected:
  ComputeQuotasTest() : ComputeEngine(7) {}
  void SetUp() override {
    start_engine(Json::object(), stacklab::testing::fixed_times(30s));
    ASSERT_EQ(reported_, 1u);
    quotas_ = std::make_unique<compute::QuotaService>(*store_, policy_);
    groups_ = std::make_unique<compute::ServerGroupService>(*store_, clock_, random_, policy_, *quotas_);
    usage_ = std::make_unique<compute::UsageService>(*store_, clock_, policy_);
    metadata_ = std::make_unique<compute::ServerMetadataService>(*store_, clock_, policy_, quotas_.get());
    start_servers(quotas_.get(), groups_.get());
  }

  void set(const std::string& project, const compute::QuotaLimits& l, const std::string& user = "") {
    ASSERT_TRUE(quotas_->update(admin(), project, user, l, false).ok());
  }

  std::unique_ptr<compute::QuotaService> quotas_;
  std::unique_ptr<compute::ServerGroupService> groups_;
  std::unique_ptr<compute::UsageService> usage_;
  std::unique_ptr<compute::ServerMetadataService> metadata_;
};

TEST_F(ComputeQuotasTest, LimitsComeFromDefaultsThenClassThenProjectThenUser) {
  compute::QuotaLimits l = quotas_->limits("demo");
  EXPECT_EQ(l["instances"], 10);
  EXPECT_EQ(l["cores"], 20);
  EXPECT_EQ(l["ram"], 51200);
  EXPECT_EQ(l["metadata_items"], 128);
  EXPECT_EQ(l["key_pairs"], 100);
  EXPECT_EQ(l["server_groups"], 10);
  EXPECT_EQ(l["server_group_members"], 10);
  EXPECT_EQ(l["injected_file_path_bytes"], 255);
  ASSERT_TRUE(quotas_->update_class(admin(), "default", {{"instances", 7}}).ok());
  EXPECT_EQ(quotas_->limits("demo")["instances"], 7);
  set("demo", {{"instances", 5}, {"cores", -1}});
  EXPECT_EQ(quotas_->limits("demo")["instances"], 5);
  EXPECT_EQ(quotas_->limits("demo")["cores"], -1);
  EXPECT_EQ(quotas_->limits("alt_demo")["instances"], 7);
  set("demo", {{"instances", 3}}, "u-demo");
  EXPECT_EQ(quotas_->limits("demo", "u-demo")["instances"], 3);
  EXPECT_EQ(quotas_->limits("demo")["instances"], 5);
  // A user's limit may not exceed the project's; -2 is never valid; members may not set quotas.
  EXPECT_EQ(quotas_->update(admin(), "demo", "u-demo", {{"instances", 6}}, false).status().code(), Code::kBadRequest);
  EXPECT_EQ(quotas_->update(admin(), "demo", "", {{"instances", -2}}, true).status().message(),
            "Quota limit -2 for instances must be -1 or greater.");
  EXPECT_EQ(quotas_->update(member("demo"), "demo", "", {{"instances", 50}}, false).status().code(), Code::kForbidden);
  ASSERT_TRUE(quotas_->remove(admin(), "demo", "").ok());
  EXPECT_EQ(quotas_->limits("demo", "u-demo")["instances"], 7);
}

TEST_F(ComputeQuotasTest, ServerCreateBeyondInstancesIsRefusedWithNovasMessage) {
  set("demo", {{"instances", 2}});
  boot(request("a", "42"));
  boot(request("b", "42"));
  EXPECT_EQ(quotas_->usage("demo").instances, 2);
  EXPECT_EQ(quotas_->usage("demo").cores, 2);
  EXPECT_EQ(quotas_->usage("demo").ram, 128);
  auto refused = servers_->create(member("demo"), request("c", "42"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kOverQuota);
  EXPECT_EQ(refused.status().message(), "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances");
  // Another project is not affected; a deleted server frees its place.
  boot(request("other", "42"), member("alt_demo"));
  clock_.advance(30s);
  std::string id = (*servers_->list(member("demo"), {})).front()["id"];
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(60s);
  EXPECT_EQ(quotas_->usage("demo").instances, 1);
  boot(request("c", "42"));
  // Lowering below the usage needs force.
  EXPECT_EQ(quotas_->update(admin(), "demo", "", {{"instances", 1}}, false).status().message(),
            "Quota limit 1 for instances must be greater than or equal to already used and reserved 2.");
  EXPECT_TRUE(quotas_->update(admin(), "demo", "", {{"instances", 1}}, true).ok());
}

TEST_F(ComputeQuotasTest, MinMaxCountCreatesAsManyAsFitOrNone) {
  set("demo", {{"instances", 3}});
  auto created = servers_->create(member("demo"), request("multi", "42", 1, 5));
  ASSERT_TRUE(created.ok()) << created.status().message();
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[2]["name"], "multi-3");
  auto none = servers_->create(member("demo"), request("more", "42", 2, 4));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "Quota exceeded for instances: Requested 2-4, but already used 3 of 3 instances");
  // Cores and RAM count too: m1.small (1 vCPU, 2048 MB) against ram 5000.
  set("alt_demo", {{"ram", 5000}, {"cores", 1}});
  auto over = servers_->create(member("alt_demo"), request("big", "2", 3, 3));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(),
            "Quota exceeded for cores, ram: Requested 3, 6144, but already used 0, 0 of 1, 5000 cores, ram");
  auto fit = servers_->create(member("alt_demo"), request("big", "2", 1, 3));
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->size(), 1u);
  EXPECT_EQ(fit->front()["name"], "big");
}

TEST_F(ComputeQuotasTest, KeypairAndServerGroupAndMetadataQuotas) {
  set("demo", {{"key_pairs", 1}, {"server_groups", 1}, {"metadata_items", 2}});
  EXPECT_TRUE(quotas_->check_key_pairs("demo", "u-demo").ok());
  compute::KeypairOptions kp;
  kp.key_pairs_per_user = -1;
  kp.quota_check = [this](const std::string& p, const std::string& u) { return quotas_->check_key_pairs(p, u); };
  compute::KeypairService keypairs(*store_, clock_, policy_, kp);
  const std::string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl k";
  ASSERT_TRUE(keypairs.create(member("demo"), {"k1", key}).ok());
  auto second = keypairs.create(member("demo"), {"k2", key});
  EXPECT_EQ(second.status().code(), Code::kOverQuota);
  EXPECT_EQ(second.status().message(), "Quota exceeded, too many key pairs.");
  EXPECT_EQ(quotas_->usage("demo", "", "u-demo").key_pairs, 1);

  ASSERT_TRUE(groups_->create(member("demo"), {"g1", "affinity"}).ok());
  auto g2 = groups_->create(member("demo"), {"g2", "affinity"});
  EXPECT_EQ(g2.status().message(), "Quota exceeded, too many server groups.");
  EXPECT_EQ(quotas_->usage("demo").server_groups, 1);

  auto r = request("meta", "42");
  r.metadata = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  auto refused = servers_->create(member("demo"), r);
  EXPECT_EQ(refused.status().code(), Code::kOverQuota);
  EXPECT_EQ(refused.status().message(), "Maximum number of metadata items exceeds 2");
}

TEST_F(ComputeQuotasTest, AntiAffinityGroupSendsTheSecondServerToNoValidHost) {
  auto g = groups_->create(member("demo"), {"g1", "anti-affinity"});
  ASSERT_TRUE(g.ok()) << g.status().message();
  std::string gid = (*g)["id"];
  auto r = request("vm", "42");
  r.scheduler_hints["group"] = {gid};
  std::string first = boot(r);
  clock_.advance(30s);
  EXPECT_EQ(compute::server_status(server(first)), "ACTIVE");
  std::string second = boot(r);
  clock_.advance(30s);
  Json s2 = server(second);
  EXPECT_EQ(compute::server_status(s2), "ERROR");
  EXPECT_EQ(s2["fault"]["message"].get<std::string>().rfind("No valid host was found.", 0), 0u);
  Json shown = *groups_->get(member("demo"), gid);
  EXPECT_EQ(shown["members"].size(), 2u);
  auto spec = groups_->instance_group(gid);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->hosts, std::vector<std::string>{"openstackbootcamp"});
  // Deleted servers leave the group; an affinity group places both together.
  ASSERT_TRUE(servers_->remove(member("demo"), second).ok());
  clock_.advance(60s);
  EXPECT_EQ((*groups_->get(member("demo"), gid))["members"], Json::array({first}));
  auto aff = groups_->create(member("demo"), {"g2", "affinity"});
  auto ra = request("aff", "42", 2, 2);
  ra.scheduler_hints["group"] = {(*aff)["id"].get<std::string>()};
  auto both = servers_->create(member("demo"), ra);
  ASSERT_TRUE(both.ok());
  clock_.advance(30s);
  for (const Json& s : *both) EXPECT_EQ(compute::server_status(server(s["id"])), "ACTIVE");
  // Not visible to another project; members quota.
  EXPECT_EQ(groups_->get(member("alt_demo"), gid).status().code(), Code::kNotFound);
  set("demo", {{"server_group_members", 2}});
  auto rm = request("third", "42");
  rm.scheduler_hints["group"] = {(*aff)["id"].get<std::string>()};
  EXPECT_EQ(servers_->create(member("demo"), rm).status().message(), "Quota exceeded, too many servers in group");
  // Bad policies and rules.
  EXPECT_EQ(groups_->create(member("demo"), {"x", "spread"}).status().code(), Code::kBadRequest);
  EXPECT_EQ(groups_->create(member("demo"), {"x", "affinity", {{"max_server_per_host", 2}}}).status().code(),
            Code::kBadRequest);
}

TEST_F(ComputeQuotasTest, UsageHoursAreTheOverlapOfRunningTimeAndPeriod) {
  const TimePoint t0 = clock_.now();
  EXPECT_DOUBLE_EQ(compute::usage_hours(std::nullopt, std::nullopt, t0, t0 + 1h), 0.0);
  EXPECT_DOUBLE_EQ(compute::usage_hours(t0 + 30min, std::nullopt, t0, t0 + 2h), 1.5);
  EXPECT_DOUBLE_EQ(compute::usage_hours(t0 - 1h, t0 + 15min, t0, t0 + 2h), 0.25);
  EXPECT_DOUBLE_EQ(compute::usage_hours(t0 - 2h, t0 - 1h, t0, t0 + 2h), 0.0);
  EXPECT_DOUBLE_EQ(compute::usage_hours(t0 + 3h, std::nullopt, t0, t0 + 2h), 0.0);

  std::string id = boot(request("tiny", "1"));  // m1.tiny: 1 vCPU, 512 MB, 1 GB
  clock_.advance(30s);                          // launched at t0+30s
  clock_.advance(1h);
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(30s);  // terminated at t0+1h+60s
  boot(request("nano", "42"));
  clock_.advance(30s);  // launched at t0+1h+90s, still running
  clock_.advance(2h);   // now t0+3h+90s

  compute::UsageQuery q;
  q.start = t0;
  q.stop = t0 + 2h;
  q.detailed = true;
  auto rep = usage_->report(admin(), q);
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  ASSERT_EQ(rep->tenant_usages.size(), 1u);
  const Json& u = rep->tenant_usages[0];
  double tiny = (3600.0 + 30) / 3600, nano = (2 * 3600.0 - 3600 - 90) / 3600;
  EXPECT_NEAR(u["total_hours"].get<double>(), tiny + nano, 1e-9);
  EXPECT_NEAR(u["total_vcpus_usage"].get<double>(), tiny + nano, 1e-9);
  EXPECT_NEAR(u["total_memory_mb_usage"].get<double>(), 512 * tiny + 64 * nano, 1e-6);
  EXPECT_NEAR(u["total_local_gb_usage"].get<double>(), 1 * tiny, 1e-9);
  EXPECT_EQ(u["start"], "2026-01-01T00:00:00");
  EXPECT_EQ(u["stop"], "2026-01-01T02:00:00");
  ASSERT_EQ(u["server_usages"].size(), 2u);
  const Json& s0 = u["server_usages"][0];
  EXPECT_EQ(s0["name"], "tiny");
  EXPECT_EQ(s0["state"], "terminated");
  EXPECT_EQ(s0["started_at"], "2026-01-01T00:00:30");
  EXPECT_EQ(s0["ended_at"], "2026-01-01T01:01:00");
  EXPECT_EQ(s0["uptime"], 3630);
  const Json& s1 = u["server_usages"][1];
  EXPECT_EQ(s1["state"], "active");
  EXPECT_TRUE(s1["ended_at"].is_null());
  EXPECT_EQ(s1["uptime"], 2 * 3600);
  // Paging over servers; a member reads its own project only; start must precede end.
  q.limit = 1;
  auto page = usage_->report(admin(), q);
  EXPECT_EQ(page->server_usages.size(), 1u);
  EXPECT_TRUE(page->more);
  q.marker = page->server_usages[0]["instance_id"];
  EXPECT_EQ(usage_->report(admin(), q)->server_usages[0]["name"], "nano");
  q = {};
  q.start = t0;
  q.stop = t0 + 1h;
  EXPECT_EQ(usage_->report(member("demo"), q).status().code(), Code::kForbidden);
  q.project_id = "demo";
  EXPECT_TRUE(usage_->report(member("demo"), q).ok());
  q.start = q.stop;
  EXPECT_EQ(usage_->report(member("demo"), q).status().message(),
            "Invalid start time. The start time cannot occur after the end time.");
}

TEST_F(ComputeQuotasTest, MetadataTagsAndUpdateOnAServer) {
  set("demo", {{"metadata_items", 3}});
  std::string id = boot(request("vm", "42"));
  // Metadata writes wait for the build to end (409 in BUILD), tags do too.
  EXPECT_EQ(metadata_->set_metadata(member("demo"), id, {{"a", "1"}}, false).status().code(), Code::kConflict);
  clock_.advance(30s);
  auto md = metadata_->set_metadata(member("demo"), id, {{"a", "1"}, {"b", "2"}}, false);
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_EQ(*metadata_->set_metadata(member("demo"), id, {{"c", "3"}}, false),
            Json({{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(metadata_->set_metadata(member("demo"), id, {{"d", "4"}}, false).status().code(), Code::kOverQuota);
  EXPECT_EQ(*metadata_->set_metadata(member("demo"), id, {{"z", "9"}}, true), Json({{"z", "9"}}));
  EXPECT_EQ(*metadata_->item(member("demo"), id, "z"), "9");
  EXPECT_EQ(metadata_->item(member("demo"), id, "a").status().message(), "Metadata item was not found");
  EXPECT_TRUE(metadata_->delete_item(member("demo"), id, "z").ok());
  EXPECT_EQ(metadata_->set_metadata(member("demo"), id, {{"", "x"}}, false).status().code(), Code::kBadRequest);
  EXPECT_EQ(metadata_->metadata(member("alt_demo"), id).status().code(), Code::kNotFound);

  EXPECT_TRUE(*metadata_->add_tag(member("demo"), id, "t1"));
  EXPECT_FALSE(*metadata_->add_tag(member("demo"), id, "t1"));
  EXPECT_TRUE(metadata_->check_tag(member("demo"), id, "t1").ok());
  EXPECT_EQ(metadata_->check_tag(member("demo"), id, "t2").code(), Code::kNotFound);
  EXPECT_EQ(metadata_->add_tag(member("demo"), id, "a/b").status().code(), Code::kBadRequest);
  std::vector<std::string> many;
  for (int i = 0; i < 51; ++i) {
    std::string t = "t";
    t += std::to_string(i);
    many.push_back(t);
  }
  EXPECT_EQ(metadata_->replace_tags(member("demo"), id, many).status().message(),
            "The number of tags exceeded the per-server limit 50");
  many.pop_back();
  EXPECT_EQ(metadata_->replace_tags(member("demo"), id, many)->size(), 50u);
  EXPECT_EQ(metadata_->add_tag(member("demo"), id, "one-more").status().code(), Code::kBadRequest);
  EXPECT_TRUE(metadata_->delete_tags(member("demo"), id).ok());
  EXPECT_TRUE(metadata_->tags(member("demo"), id)->empty());

  compute::ServerUpdate u;
  u.name = "renamed";
  u.description = std::optional<std::string>{"d"};
  u.access_ipv4 = "10.0.0.1";
  auto updated = metadata_->update(member("demo"), id, u);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*updated)["name"], "renamed");
  EXPECT_EQ((*updated)["description"], "d");
  EXPECT_EQ(server(id)["access_ipv4"], "10.0.0.1");
}

}  // namespace
