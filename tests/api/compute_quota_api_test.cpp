// Nova's quotas, limits, tenant usage, server groups and server
// metadata/tags/update over real HTTP on the lab cloud (fast hypervisor
// times): shapes by microversion, 403 quota messages, policy.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using stacklab::testing::HttpClient;
using stacklab::testing::HttpResult;
using Json = nlohmann::json;

namespace {

class ComputeQuotaApiTest : public ComputeCloudTest {
 protected:
  HttpResult boot(const std::string& name, const Json& hints = nullptr) {
    return create_server(name, "42", demo_, hints);
  }
  void remove_all() {
    auto list = call(demo_, "GET", "/servers").json()["servers"];
    for (const auto& s : list) call(demo_, "DELETE", "/servers/" + s["id"].get<std::string>());
    for (int i = 0; i < 300 && !call(demo_, "GET", "/servers").json()["servers"].empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

};

}  // namespace

TEST_F(ComputeQuotaApiTest, QuotaSetsShowUpdateDetailDefaultsDeleteByMicroversion) {
  auto shown = call(demo_, "GET", "/os-quota-sets/" + demo_project_);
  ASSERT_EQ(shown.status, 200) << shown.body;
  Json q = shown.json()["quota_set"];
  EXPECT_EQ(q["id"], demo_project_);
  EXPECT_EQ(q["instances"], 10);
  EXPECT_EQ(q["cores"], 20);
  EXPECT_EQ(q["ram"], 51200);
  EXPECT_EQ(q["floating_ips"], 10);
  EXPECT_EQ(q["injected_files"], 5);
  Json latest = call(demo_, "GET", "/os-quota-sets/" + demo_project_, nullptr, "2.57").json()["quota_set"];
  EXPECT_FALSE(latest.contains("floating_ips"));
  EXPECT_FALSE(latest.contains("injected_files"));
  EXPECT_EQ(latest["server_group_members"], 10);
  // Members may read but not set; admins set (no id in the answer) and delete (202).
  EXPECT_EQ(call(demo_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"instances", 50}}}}).status, 403);
  auto bad = call(admin_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"instances", -5}}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto net = call(admin_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"floating_ips", 3}}}}, "2.36");
  EXPECT_EQ(net.status, 400) << net.body;
  auto set = call(admin_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"cores", "30"}, {"ram", 1000}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_FALSE(set.json()["quota_set"].contains("id"));
  EXPECT_EQ(set.json()["quota_set"]["cores"], 30);
  Json detail = call(demo_, "GET", "/os-quota-sets/" + demo_project_ + "/detail").json()["quota_set"];
  EXPECT_EQ(detail["ram"], Json({{"limit", 1000}, {"in_use", 0}, {"reserved", 0}}));
  Json defaults = call(demo_, "GET", "/os-quota-sets/" + demo_project_ + "/defaults").json()["quota_set"];
  EXPECT_EQ(defaults["cores"], 20);
  EXPECT_EQ(call(admin_, "DELETE", "/os-quota-sets/" + demo_project_).status, 202);
  EXPECT_EQ(call(demo_, "GET", "/os-quota-sets/" + demo_project_).json()["quota_set"]["cores"], 20);
  // Quota classes (admin): server_groups from 2.50.
  EXPECT_EQ(call(demo_, "GET", "/os-quota-class-sets/default").status, 403);
  Json cls = call(admin_, "GET", "/os-quota-class-sets/default").json()["quota_class_set"];
  EXPECT_EQ(cls["id"], "default");
  EXPECT_FALSE(cls.contains("server_groups"));
  EXPECT_EQ(
      call(admin_, "GET", "/os-quota-class-sets/default", nullptr, "2.50").json()["quota_class_set"]["server_groups"],
      10);
}

TEST_F(ComputeQuotaApiTest, InstancesQuotaRefusesTheSecondServerAndLimitsShowTheUsage) {
  ASSERT_EQ(call(admin_, "PUT", "/os-quota-sets/" + demo_project_, {{"quota_set", {{"instances", 1}}}}).status, 200);
  auto first = boot("q1");
  ASSERT_EQ(first.status, 202) << first.body;
  settle(first.json()["server"]["id"]);
  auto second = boot("q2");
  EXPECT_EQ(second.status, 403);
  EXPECT_EQ(second.json()["forbidden"]["message"],
            "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances");
  auto limits = call(demo_, "GET", "/limits");
  ASSERT_EQ(limits.status, 200) << limits.body;
  Json a = limits.json()["limits"]["absolute"];
  EXPECT_EQ(limits.json()["limits"]["rate"], Json::array());
  EXPECT_EQ(a["maxTotalInstances"], 1);
  EXPECT_EQ(a["totalInstancesUsed"], 1);
  EXPECT_EQ(a["totalCoresUsed"], 1);
  EXPECT_EQ(a["totalRAMUsed"], 64);
  EXPECT_EQ(a["maxTotalKeypairs"], 100);
  EXPECT_EQ(a["maxSecurityGroups"], 10);
  Json a257 = call(demo_, "GET", "/limits", nullptr, "2.57").json()["limits"]["absolute"];
  EXPECT_FALSE(a257.contains("maxSecurityGroups"));
  EXPECT_FALSE(a257.contains("maxPersonality"));
  // Another project's limits: admins only.
  EXPECT_EQ(call(alt_, "GET", "/limits?tenant_id=" + demo_project_).status, 403);
  EXPECT_EQ(
      call(admin_, "GET", "/limits?tenant_id=" + demo_project_).json()["limits"]["absolute"]["totalInstancesUsed"], 1);
  // Usage: the admin's overview and the project's own.
  auto usage =
      call(admin_, "GET", "/os-simple-tenant-usage?start=2020-01-01T00:00:00&end=2100-01-01T00:00:00&detailed=1");
  ASSERT_EQ(usage.status, 200) << usage.body;
  Json tu = usage.json()["tenant_usages"];
  ASSERT_EQ(tu.size(), 1u);
  EXPECT_EQ(tu[0]["tenant_id"], demo_project_);
  EXPECT_EQ(tu[0]["server_usages"][0]["name"], "q1");
  EXPECT_EQ(tu[0]["start"], "2020-01-01T00:00:00");
  EXPECT_EQ(call(demo_, "GET", "/os-simple-tenant-usage?start=2020-01-01T00:00:00").status, 403);
  auto own =
      call(demo_, "GET", "/os-simple-tenant-usage/" + demo_project_ + "?start=2020-01-01T00:00:00&end=2100-01-01");
  EXPECT_EQ(own.status, 400);  // Nova's formats only
  own = call(demo_, "GET",
             "/os-simple-tenant-usage/" + demo_project_ + "?start=2020-01-01T00:00:00&end=2100-01-01T00:00:00");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json()["tenant_usage"]["server_usages"][0]["flavor"], "m1.nano");
  remove_all();
  ASSERT_EQ(call(admin_, "DELETE", "/os-quota-sets/" + demo_project_).status, 202);
}

TEST_F(ComputeQuotaApiTest, ServerGroupsAntiAffinityOnOneHostSendsTheSecondToError) {
  auto g =
      call(demo_, "POST", "/os-server-groups", {{"server_group", {{"name", "g1"}, {"policies", {"anti-affinity"}}}}});
  ASSERT_EQ(g.status, 200) << g.body;
  Json group = g.json()["server_group"];
  EXPECT_EQ(group["policies"], Json::array({"anti-affinity"}));
  EXPECT_EQ(group["metadata"], Json::object());
  std::string gid = group["id"];
  auto v264 =
      call(demo_, "POST", "/os-server-groups",
           {{"server_group", {{"name", "g2"}, {"policy", "anti-affinity"}, {"rules", {{"max_server_per_host", 2}}}}}},
           "2.64");
  ASSERT_EQ(v264.status, 200) << v264.body;
  EXPECT_EQ(v264.json()["server_group"]["rules"]["max_server_per_host"], 2);
  EXPECT_EQ(v264.json()["server_group"]["policy"], "anti-affinity");
  EXPECT_EQ(call(demo_, "POST", "/os-server-groups",
                 {{"server_group", {{"name", "g3"}, {"policy", "affinity"}, {"rules", {{"max_server_per_host", 2}}}}}},
                 "2.64")
                .status,
            400);
  auto a = boot("aa1", {{"group", gid}});
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(settle(a.json()["server"]["id"])["status"], "ACTIVE");
  auto b = boot("aa2", {{"group", gid}});
  ASSERT_EQ(b.status, 202) << b.body;
  Json sb = settle(b.json()["server"]["id"]);
  EXPECT_EQ(sb["status"], "ERROR");
  EXPECT_NE(sb["fault"]["message"].get<std::string>().find("No valid host"), std::string::npos);
  Json shown = call(demo_, "GET", "/os-server-groups/" + gid, nullptr, "2.13").json()["server_group"];
  EXPECT_EQ(shown["members"].size(), 2u);
  EXPECT_TRUE(shown.contains("project_id"));
  EXPECT_EQ(call(demo_, "GET", "/os-server-groups").json()["server_groups"].size(), 2u);
  EXPECT_EQ(call(alt_, "GET", "/os-server-groups").json()["server_groups"].size(), 0u);
  EXPECT_EQ(call(admin_, "GET", "/os-server-groups?all_projects=True").json()["server_groups"].size(), 2u);
  EXPECT_EQ(call(alt_, "GET", "/os-server-groups/" + gid).status, 404);
  remove_all();
  EXPECT_EQ(call(demo_, "GET", "/os-server-groups/" + gid).json()["server_group"]["members"].size(), 0u);
  EXPECT_EQ(call(demo_, "DELETE", "/os-server-groups/" + gid).status, 204);
  EXPECT_EQ(call(demo_, "GET", "/os-server-groups/" + gid).status, 404);
}

TEST_F(ComputeQuotaApiTest, MetadataTagsUpdateAndListFilters) {
  // A deleted server first: changes-since must list it (DELETED) too.
  auto gone = boot("meta0");
  ASSERT_EQ(gone.status, 202);
  settle(gone.json()["server"]["id"]);
  remove_all();
  auto created = boot("meta1");
  ASSERT_EQ(created.status, 202);
  std::string id = created.json()["server"]["id"];
  settle(id);
  std::string base = "/servers/" + id;
  auto post = call(demo_, "POST", base + "/metadata", {{"metadata", {{"k1", "v1"}, {"k2", "v2"}}}});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.json()["metadata"].size(), 2u);
  EXPECT_EQ(call(demo_, "GET", base + "/metadata/k1").json()["meta"]["k1"], "v1");
  EXPECT_EQ(call(demo_, "PUT", base + "/metadata/k3", {{"meta", {{"k4", "x"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "PUT", base + "/metadata/k3", {{"meta", {{"k3", "x"}}}}).json()["meta"]["k3"], "x");
  EXPECT_EQ(call(demo_, "DELETE", base + "/metadata/k1").status, 204);
  EXPECT_EQ(call(demo_, "DELETE", base + "/metadata/k1").status, 404);
  EXPECT_EQ(call(demo_, "POST", base + "/metadata", {{"metadata", {{std::string(256, 'a'), "v"}}}}).status, 400);
  EXPECT_EQ(call(demo_, "GET", base + "/metadata").json()["metadata"], Json({{"k2", "v2"}, {"k3", "x"}}));
  auto put = call(demo_, "PUT", base + "/metadata", {{"metadata", {{"only", "1"}}}});
  EXPECT_EQ(put.json()["metadata"], Json({{"only", "1"}}));

  // Tags from 2.26.
  EXPECT_EQ(call(demo_, "GET", base + "/tags", nullptr, "2.25").status, 404);
  EXPECT_EQ(call(demo_, "PUT", base + "/tags/blue", nullptr, "2.26").status, 201);
  EXPECT_EQ(call(demo_, "PUT", base + "/tags/blue", nullptr, "2.26").status, 204);
  EXPECT_EQ(call(demo_, "GET", base + "/tags/blue", nullptr, "2.26").status, 204);
  EXPECT_EQ(call(demo_, "GET", base + "/tags/red", nullptr, "2.26").status, 404);
  auto tags = call(demo_, "PUT", base + "/tags", {{"tags", {"blue", "green"}}}, "2.26");
  EXPECT_EQ(tags.json()["tags"], Json({"blue", "green"}));
  EXPECT_EQ(call(demo_, "GET", "/servers?tags=blue,green", nullptr, "2.26").json()["servers"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/servers?tags=blue,red", nullptr, "2.26").json()["servers"].size(), 0u);
  EXPECT_EQ(call(demo_, "GET", "/servers?tags-any=red,green", nullptr, "2.26").json()["servers"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/servers?not-tags-any=green", nullptr, "2.26").json()["servers"].size(), 0u);
  EXPECT_EQ(call(demo_, "GET", "/servers?not-tags=green,red", nullptr, "2.26").json()["servers"].size(), 1u);
  EXPECT_EQ(call(demo_, "GET", "/servers?changes-since=yesterday").status, 400);
  // changes-since lists deleted servers too, as Nova does.
  Json changed = call(demo_, "GET", "/servers/detail?changes-since=2000-01-01T00:00:00Z").json()["servers"];
  EXPECT_GT(changed.size(), 1u);
  EXPECT_EQ(std::count_if(changed.begin(), changed.end(), [&](const Json& s) { return s["id"] == id; }), 1);
  EXPECT_EQ(std::count_if(changed.begin(), changed.end(), [](const Json& s) { return s["status"] == "DELETED"; }),
            static_cast<long>(changed.size()) - 1);
  EXPECT_EQ(
      call(demo_, "GET", "/servers?changes-before=2000-01-01T00:00:00Z", nullptr, "2.66").json()["servers"].size(), 0u);
  EXPECT_EQ(call(demo_, "DELETE", base + "/tags", nullptr, "2.26").status, 204);

  // PUT /servers/{id}: the detail view.
  auto upd = call(demo_, "PUT", base, {{"server", {{"name", "renamed"}, {"description", "hello"}}}}, "2.19");
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()["server"]["name"], "renamed");
  EXPECT_EQ(upd.json()["server"]["description"], "hello");
  EXPECT_EQ(upd.json()["server"]["status"], "ACTIVE");
  EXPECT_EQ(call(demo_, "PUT", base, {{"server", {{"description", "x"}}}}, "2.18").status, 400);
  EXPECT_EQ(call(demo_, "PUT", base, {{"server", {{"name", ""}}}}).status, 400);
  EXPECT_EQ(call(alt_, "PUT", base, {{"server", {{"name", "mine"}}}}).status, 404);
  remove_all();
}
