#include "engine/core/policy.h"

#include <gtest/gtest.h>

using namespace stacklab;

namespace {

Credentials member_of(const std::string& project, std::set<std::string> roles) {
  Credentials c;
  c.user_id = "u1";
  c.project_id = project;
  c.roles = std::move(roles);
  return c;
}

}  // namespace

TEST(Policy, AdminOnlyActionIsRefusedToMembersWithUpstreamMessage) {
  Policy p;
  p.register_default("admin_required", "role:admin");
  p.register_default("identity:list_services", "rule:admin_required");
  EXPECT_TRUE(p.enforce("identity:list_services", member_of("p", {"admin"})).ok());
  Status st = p.enforce("identity:list_services", member_of("p", {"member", "reader"}));
  EXPECT_EQ(st.code(), Code::kForbidden);
  EXPECT_EQ(st.message(), "You are not authorized to perform the requested action: identity:list_services.");
}

TEST(Policy, TargetSubstitutionComparesWithTheCaller) {
  Policy p;
  p.register_default("get", "role:admin or project_id:%(target.project.id)s");
  Json mine = {{"target", {{"project", {{"id", "p1"}}}}}};
  Json theirs = {{"target", {{"project", {{"id", "p2"}}}}}};
  EXPECT_TRUE(p.allowed("get", member_of("p1", {"member"}), mine));
  EXPECT_FALSE(p.allowed("get", member_of("p1", {"member"}), theirs));
  EXPECT_FALSE(p.allowed("get", member_of("p1", {"member"}), Json::object()));  // absent target never matches
}

TEST(Policy, AndOrNotAndParenthesesFollowOsloPrecedence) {
  Policy p;
  p.register_default("x", "role:a or role:b and role:c");
  p.register_default("y", "(role:a or role:b) and not role:c");
  p.register_default("always", "@");
  p.register_default("never", "!");
  p.register_default("anyone", "");
  EXPECT_TRUE(p.allowed("x", member_of("p", {"a"})));
  EXPECT_FALSE(p.allowed("x", member_of("p", {"b"})));
  EXPECT_TRUE(p.allowed("x", member_of("p", {"b", "c"})));
  EXPECT_TRUE(p.allowed("y", member_of("p", {"b"})));
  EXPECT_FALSE(p.allowed("y", member_of("p", {"b", "c"})));
  EXPECT_TRUE(p.allowed("always", member_of("p", {})));
  EXPECT_FALSE(p.allowed("never", member_of("p", {"admin"})));
  EXPECT_TRUE(p.allowed("anyone", member_of("p", {})));
}

TEST(Policy, OverridesAreValidatedBeforeAnyIsApplied) {
  Policy p;
  p.register_default("a", "role:admin");
  EXPECT_FALSE(p.load_overrides({{"a", "@"}, {"b", "role:x and"}}).ok());
  EXPECT_FALSE(p.allowed("a", member_of("p", {})));  // unchanged
  EXPECT_TRUE(p.load_overrides({{"a", "@"}}).ok());
  EXPECT_TRUE(p.allowed("a", member_of("p", {})));
}

TEST(Policy, UnregisteredActionIsAdminOnly) {
  Policy p;
  EXPECT_FALSE(p.allowed("compute:unknown", member_of("p", {"member"})));
  EXPECT_TRUE(p.allowed("compute:unknown", member_of("p", {"admin"})));
}
