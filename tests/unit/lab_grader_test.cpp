// The exercise catalogue's grading logic against canned API answers: tolerant
// names, CIDR membership, server/rule/router checks, the audit log, task
// statuses and scopes. No cloud runs here; tests/e2e/suite_lab_grader.py
// grades a live one.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/grader.h"
#include "scenarios/lab/exercises/state_checks.h"

namespace stacklab::lab {
namespace {

using nlohmann::json;

// Answers GETs from a table of "user path" -> body; everything else is 404.
class CannedCloud : public LabCloud {
 public:
  std::map<std::string, json> answers;  // key: "admin /compute/v2.1/..."
  std::set<std::string> can_sign_in = {"admin", "demo", "neo"};
  int calls = 0;

  void set(const std::string& path, json body, const std::string& user = "admin") {
    answers[user + " " + path] = std::move(body);
  }
  Result<ApiReply> call(const Actor& who, const std::string& method, const std::string& path,
                        const json& body) override {
    ++calls;
    auto it = answers.find(who.user + " " + path);
    if (method != "GET" || it == answers.end()) return ApiReply{404, nullptr};
    return ApiReply{200, it->second};
  }
  Status sign_in(const Actor& who) override { return can_sign_in.count(who.user) ? Status::Ok() : Unauthorized("no"); }
  Result<ApiReply> upload(const Actor&, const std::string&, const std::string&) override {
    return ApiReply{204, nullptr};
  }
};

const std::string kDemoId = "d0000000000000000000000000000001";
const std::string kNeoProject = "b0000000000000000000000000000002";

void seed_projects(CannedCloud& c) {
  c.set("/identity/v3/projects", {{"projects",
                                   {{{"id", kDemoId}, {"name", "demo"}, {"domain_id", "default"}, {"enabled", true}},
                                    {{"id", "a1"}, {"name", "admin"}, {"domain_id", "default"}, {"enabled", true}}}}});
}

json server(const std::string& name, const std::string& status, const std::string& addr) {
  return {{"id", name + "-id"},
          {"name", name},
          {"status", status},
          {"tenant_id", kDemoId},
          {"flavor", {{"id", "42"}}},
          {"image", {{"id", "img-cirros"}}},
          {"key_name", "KP_hellovinoth"},
          {"addresses", {{"private", {{{"addr", addr}, {"version", 4}}}}}}};
}

void seed_compute(CannedCloud& c, json servers) {
  c.set("/compute/v2.1/servers/detail?all_tenants=1", {{"servers", std::move(servers)}});
  c.set("/compute/v2.1/flavors/detail?is_public=None", {{"flavors", {{{"id", "42"}, {"name", "m1.nano"}}}}});
  c.set("/image/v2/images?limit=1000", {{"images", {{{"id", "img-cirros"}, {"name", "cirros-0.3.4-x86_64-uec"}}}}});
}

const ServerSpec kOscSpec{names::kHelloworldOscServer,
                          names::exact("demo"),
                          "m1.nano",
                          "cirros-0.3.4-x86_64-uec",
                          "KP_hellovinoth",
                          "private",
                          "10.0.0.0/26"};

TEST(LabNames, FoldIgnoresCaseAndSeparators) {
  EXPECT_EQ(fold_name("VM_helloworld_OSC"), "vmhelloworldosc");
  EXPECT_EQ(fold_name("KP-hellovinoth"), fold_name("kp_HELLOVINOTH"));
  EXPECT_EQ(fold_name("CentOS 7"), "centos7");
}

TEST(LabNames, BookVariantsMatchTheCanonicalName) {
  EXPECT_TRUE(name_matches("VM_helloworld_0SC", names::kHelloworldOscServer));  // a zero, L3072
  EXPECT_TRUE(name_matches("vm-heliovinoth-osc", names::kHelloworldOscServer));
  EXPECT_TRUE(name_matches("KP-hellovinoth", names::kKeypairHellovinoth));
  EXPECT_TRUE(name_matches("hellovinoth.com", names::kProjectHelloworld));
  EXPECT_TRUE(name_matches("Cent057", names::kImageCentos));
  EXPECT_TRUE(name_matches("Member", names::kMemberRole));
  EXPECT_TRUE(name_matches("_member_", names::kMemberRole));
}

TEST(LabNames, OtherNamesDoNotMatch) {
  EXPECT_FALSE(name_matches("VM_Ubuntu_OSC", names::kHelloworldOscServer));
  EXPECT_FALSE(name_matches("", names::exact("")));
  EXPECT_FALSE(name_matches("helloworld.org", names::kProjectHelloworld));
  EXPECT_FALSE(name_matches("anotherrole", names::kMemberRole));
}

TEST(LabChecks, Ipv4InCidr) {
  EXPECT_TRUE(ipv4_in_cidr("10.0.0.3", "10.0.0.0/26"));
  EXPECT_TRUE(ipv4_in_cidr("10.0.0.62", "10.0.0.0/26"));
  EXPECT_FALSE(ipv4_in_cidr("10.0.0.64", "10.0.0.0/26"));
  EXPECT_TRUE(ipv4_in_cidr("192.12.10.8", "192.12.10.0/24"));
  EXPECT_FALSE(ipv4_in_cidr("fd45::1", "10.0.0.0/26"));
  EXPECT_FALSE(ipv4_in_cidr("10.0.0.3", "10.0.0.0"));
}

TEST(LabChecks, ServerFoundByVariantNameIsDone) {
  CannedCloud c;
  seed_projects(c);
  seed_compute(c, {server("VM_helloworld_0SC", "ACTIVE", "10.0.0.3")});
  CloudView view(c);
  Verdict v = check_server(view, kOscSpec);
  EXPECT_TRUE(v.done()) << v.missing();
}

TEST(LabChecks, ServerNotActiveOrOutsideTheSubnetIsNotDone) {
  CannedCloud c;
  seed_projects(c);
  seed_compute(c, {server("VM_helloworld_OSC", "BUILD", "10.0.0.3")});
  CloudView view(c);
  Verdict building = check_server(view, kOscSpec);
  EXPECT_FALSE(building.done());
  EXPECT_NE(building.missing().find("not ACTIVE"), std::string::npos) << building.missing();

  CannedCloud c2;
  seed_projects(c2);
  seed_compute(c2, {server("VM_helloworld_OSC", "ACTIVE", "10.0.0.99")});
  CloudView view2(c2);
  Verdict outside = check_server(view2, kOscSpec);
  EXPECT_FALSE(outside.done());
  EXPECT_NE(outside.missing().find("not in 10.0.0.0/26"), std::string::npos) << outside.missing();
}

TEST(LabChecks, ExactCountIsEnforcedWhereTheBookImpliesIt) {
  CannedCloud c;
  seed_projects(c);
  seed_compute(c, {server("bootcampVM-1", "ACTIVE", "10.0.0.3"), server("bootcampVM-2", "ACTIVE", "10.0.0.4"),
                   server("bootcampVM-2", "ACTIVE", "10.0.0.5")});
  CloudView view(c);
  ServerSpec spec{{"bootcampVM-1", {"bootcampVM-2"}}, names::exact("demo"), "m1.nano", "", "", "private", "", 2};
  Verdict v = check_server(view, spec);
  EXPECT_FALSE(v.done());
  EXPECT_NE(v.missing().find("exactly 2"), std::string::npos) << v.missing();
}

TEST(LabChecks, ServerOfAnotherProjectDoesNotCount) {
  CannedCloud c;
  seed_projects(c);
  json s = server("VM_helloworld_OSC", "ACTIVE", "10.0.0.3");
  s["tenant_id"] = "someone-else";
  seed_compute(c, {s});
  CloudView view(c);
  EXPECT_FALSE(check_server(view, kOscSpec).done());
}

json group(const std::string& project, json rules) {
  return {{"id", "sg"}, {"name", "default"}, {"project_id", project}, {"security_group_rules", std::move(rules)}};
}
json rule(const std::string& proto, json min, json max, const std::string& prefix = "0.0.0.0/0") {
  return {{"direction", "ingress"}, {"ethertype", "IPv4"},   {"protocol", proto},
          {"port_range_min", min},  {"port_range_max", max}, {"remote_ip_prefix", prefix}};
}

TEST(LabChecks, DefaultGroupRulesAndTheirExactCount) {
  CannedCloud c;
  seed_projects(c);
  json defaults = json::array();
  for (int i = 0; i < 4; ++i) defaults.push_back({{"direction", "egress"}, {"ethertype", "IPv4"}});
  json six = defaults;
  six.push_back(rule("tcp", 22, 22));
  six.push_back(rule("icmp", nullptr, nullptr));
  c.set("/networking/v2.0/security-groups", {{"security_groups", {group(kDemoId, six)}}});
  CloudView view(c);
  EXPECT_TRUE(check_default_rules(view, names::exact("demo"), {{"tcp", 22}, {"icmp", 0}}, 6).done());
  Verdict seven = check_default_rules(view, names::exact("demo"), {{"tcp", 22}}, 7);
  EXPECT_FALSE(seven.done());
  EXPECT_FALSE(check_default_rules(view, names::exact("demo"), {{"tcp", 80}}).done());
}

TEST(LabChecks, RuleOnAPortRangeIsNotTheSshRule) {
  EXPECT_FALSE(has_ingress_rule(group("p", {rule("tcp", 1, 65535)}), {"tcp", 22}));
  EXPECT_FALSE(has_ingress_rule(group("p", {rule("tcp", 22, 22, "10.0.0.0/8")}), {"tcp", 22}));
  EXPECT_TRUE(has_ingress_rule(group("p", {rule("tcp", 22, 22)}), {"tcp", 22}));
}

TEST(LabAudit, MatchesUserActionStatusAndPath) {
  CannedCloud c;
  c.set("/_stacklab/audit?limit=10000", {{"audit",
                                          {{{"user_name", "demo"},
                                            {"action", "identity:services:list"},
                                            {"status", 403},
                                            {"path", "/identity/v3/services"}},
                                           {{"user_name", nullptr},
                                            {"action", "identity:auth:tokens:create"},
                                            {"status", 201},
                                            {"path", "/identity_admin/v3/auth/tokens"}}}}});
  CloudView view(c);
  EXPECT_TRUE(audited(view, {"demo", "identity:services:list", "", 403}));
  EXPECT_FALSE(audited(view, {"demo", "identity:services:list"}));  // refused, not a success
  EXPECT_FALSE(audited(view, {"admin", "identity:services:list", "", 403}));
  EXPECT_TRUE(audited(view, {"", "identity:auth:tokens:create", "/identity_admin/", 201}));
  EXPECT_FALSE(audited(view, {"", "identity:auth:tokens:create", "/identity/", 201}));
}

TEST(LabAudit, UndoneTaskNeedsEvidence) {
  Verdict missing;
  missing.require(false, "no server");
  EXPECT_TRUE(done_or_undone(missing, true, true).done());
  EXPECT_FALSE(done_or_undone(missing, true, false).done());
  EXPECT_FALSE(done_or_undone(missing, false, true).done());
  EXPECT_EQ(done_or_undone(missing, false, true).missing(), "no server");
}

TEST(LabCatalogue, IdsAreUniqueAndScopesSelect) {
  std::set<std::string> ids;
  for (const auto& e : catalogue())
    for (const auto& t : e.tasks) EXPECT_TRUE(ids.insert(t.id).second) << t.id;
  EXPECT_TRUE(ids.count("EX-01") && ids.count("EX-41") && ids.count("EX-61") && ids.count("EX-10w"));
  auto day7 = select_exercises("day7");
  ASSERT_TRUE(day7.ok());
  EXPECT_EQ(day7->size(), 21u);  // tasks 1-18 and the 3 extended activities
  auto one = select_exercises("ex17");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front()->id, "EX-17");
  EXPECT_FALSE(select_exercises("day9").ok());
}

TEST(LabGrader, StatusesAndTheNextTask) {
  CannedCloud c;
  seed_projects(c);
  c.set("/identity/v3/projects", {{"projects",
                                   {{{"id", kNeoProject},
                                     {"name", "openstack_bootcamp"},
                                     {"domain_id", "default"},
                                     {"enabled", true},
                                     {"description", "Project for Collective training"}}}}});
  CloudView view(c);
  auto day7 = select_exercises("day7");
  ASSERT_TRUE(day7.ok());
  auto results = grade(*day7, view);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.front().task->id, "EX-41");
  EXPECT_EQ(results.front().status, TaskStatus::kDone) << results.front().missing;
  const TaskResult* next = next_task(results);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->task->id, "EX-42");
  EXPECT_EQ(next->missing, "no user neo");
  EXPECT_FALSE(all_done(results));
  for (const auto& r : results) {
    if (r.task->id == "EX-51") EXPECT_EQ(r.status, TaskStatus::kNotYet) << "volume attach is graded";
    if (r.task->id == "EX-57") {
      EXPECT_EQ(r.status, TaskStatus::kNotYet) << "the SSH login is graded from the guest events";
      EXPECT_EQ(r.missing, "no SSH login into VM_OSC_01 yet (stacklab ssh cirros@<floating IP>)");
    }
  }
  json j = results_json(results);
  EXPECT_EQ(j["tasks"][0]["status"], "done");
  EXPECT_EQ(j["all_done"], false);
}

TEST(LabGrader, OptionalAndUngradedTasksNeverFailTheCheck) {
  CannedCloud c;
  CloudView view(c);
  auto ex10 = select_exercises("EX-10");
  auto ex04 = select_exercises("EX-04");
  ASSERT_TRUE(ex10.ok() && ex04.ok());
  auto r10 = grade(*ex10, view);
  EXPECT_EQ(r10.size(), 23u);
  for (const auto& r : r10) EXPECT_NE(r.status, TaskStatus::kNotYet) << r.task->id;
  EXPECT_TRUE(all_done(r10));
  auto r04 = grade(*ex04, view);
  ASSERT_EQ(r04.size(), 1u);
  EXPECT_EQ(r04.front().status, TaskStatus::kNotGraded);
}

// EX-53: neo's own sign-in to openstack_bootcamp through /identity_admin, not anybody's.
TEST(LabGrader, CredentialFileTaskNeedsNeosSignInThroughIdentityAdmin) {
  auto grade_ex53 = [](const json& sign_in) {
    CannedCloud c;
    c.set("/identity/v3/projects",
          {{"projects", {{{"id", kNeoProject}, {"name", "openstack_bootcamp"}, {"domain_id", "default"}}}}});
    json servers_listed = {
        {"user_name", "neo"}, {"action", "compute:servers:detail:list"}, {"status", 200}, {"path", "/compute/v2.1"}};
    c.set("/_stacklab/audit?limit=10000", {{"audit", {sign_in, servers_listed}}});
    CloudView view(c);
    auto ex53 = select_exercises("EX-53");
    return grade(*ex53, view).front();
  };
  json by_neo = {{"user_name", "neo"},
                 {"project_id", kNeoProject},
                 {"action", "identity:auth:tokens:create"},
                 {"status", 201},
                 {"path", "/identity_admin/v3/auth/tokens"}};
  EXPECT_EQ(grade_ex53(by_neo).status, TaskStatus::kDone) << grade_ex53(by_neo).missing;
  json by_admin = by_neo;
  by_admin["user_name"] = "admin";
  EXPECT_EQ(grade_ex53(by_admin).missing, "neo has not signed in to openstack_bootcamp through /identity_admin yet");
  json through_identity = by_neo;
  through_identity["path"] = "/identity/v3/auth/tokens";
  EXPECT_EQ(grade_ex53(through_identity).status, TaskStatus::kNotYet);
}

TEST(LabView, ListsAreReadOncePerRun) {
  CannedCloud c;
  seed_projects(c);
  CloudView view(c);
  view.project_id("demo");
  view.project_id("admin");
  view.project(names::exact("demo"));
  EXPECT_EQ(c.calls, 1);
}

}  // namespace
}  // namespace stacklab::lab
