#include <gtest/gtest.h>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "engine/identity/password.h"
#include "engine/identity/token_codec.h"
#include "scenarios/lab/lab_profile.h"

using namespace stacklab;
using namespace stacklab::identity;
using namespace std::chrono_literals;

namespace {

constexpr const char* kDemoProject = "a103a240c5b643f085af45390dde02f1";
constexpr const char* kDemoUser = "3095b090bfb749e589bea6cccf3d2176";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    IdentityOptions o;
    o.password_hash_rounds = 1000;  // fast tests; the format and the checks are the same
    id_ = std::make_unique<IdentityService>(*store_, clock_, random_, o);
    ASSERT_TRUE(scenarios::seed_lab_identity(*id_, *store_, {}).ok());
  }

  static Json password_auth(const std::string& user, const std::string& password, const Json& scope = nullptr) {
    Json auth = {
        {"identity",
         {{"methods", {"password"}},
          {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}}};
    if (!scope.is_null()) auth["scope"] = scope;
    return auth;
  }
  static Json project_scope(const std::string& name) {
    return {{"project", {{"name", name}, {"domain", {{"name", "Default"}}}}}};
  }

  ManualClock clock_;
  SeededRandom random_{1};
  std::unique_ptr<Store> store_;
  std::unique_ptr<IdentityService> id_;
};

std::vector<std::string> role_names(const AuthContext& ctx) {
  std::vector<std::string> out;
  for (const auto& r : ctx.roles) out.push_back(r["name"]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_F(IdentityTest, PasswordAuthGivesProjectTokenWithImpliedRolesAndCatalog) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo")));
  ASSERT_TRUE(ctx.ok()) << ctx.status().message();
  EXPECT_EQ(ctx->project_id, kDemoProject);
  EXPECT_EQ(role_names(*ctx), (std::vector<std::string>{"anotherrole", "member", "reader"}));
  Json body = id_->token_body(*ctx, true);
  EXPECT_EQ(body["token"]["project"]["domain"]["name"], "Default");
  EXPECT_EQ(body["token"]["catalog"].size(), scenarios::kLabCatalogSize);
  // Project-bound URLs carry the project id.
  bool substituted = false;
  for (const auto& svc : body["token"]["catalog"])
    if (svc["type"] == "volumev3")
      substituted = svc["endpoints"][0]["url"].get<std::string>().ends_with(std::string("/volume/v3/") + kDemoProject);
  EXPECT_TRUE(substituted);
}

TEST_F(IdentityTest, WrongPasswordAndUnknownUserAreTheSame401) {
  auto wrong = id_->authenticate(password_auth("demo", "guess"));
  auto unknown = id_->authenticate(password_auth("nobody", "nomoresecret"));
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().code(), Code::kUnauthorized);
  EXPECT_EQ(unknown.status().code(), Code::kUnauthorized);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(IdentityTest, TokenExpiresAfterOneHourOfVirtualTime) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo")));
  ASSERT_TRUE(ctx.ok());
  clock_.advance(59min);
  EXPECT_TRUE(id_->validate_token(ctx->token).ok());
  clock_.advance(2min);
  EXPECT_EQ(id_->validate_token(ctx->token).status().code(), Code::kUnauthorized);
  EXPECT_EQ(id_->validate_token(ctx->token, true).status().code(), Code::kNotFound);
}

TEST_F(IdentityTest, AlteredTokenIsRejected) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret"));
  ASSERT_TRUE(ctx.ok());
  std::string t = ctx->token;
  t[t.size() / 2] = t[t.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(id_->validate_token(t).ok());
  EXPECT_FALSE(id_->validate_token("").ok());
  EXPECT_FALSE(id_->validate_token("not-a-token!").ok());
}

TEST_F(IdentityTest, RevokingATokenAlsoRevokesTokensRescopedFromIt) {
  auto unscoped = id_->authenticate(password_auth("demo", "nomoresecret", "unscoped"));
  ASSERT_TRUE(unscoped.ok());
  EXPECT_FALSE(unscoped->scoped());
  auto rescoped = id_->authenticate(
      {{"identity", {{"methods", {"token"}}, {"token", {{"id", unscoped->token}}}}}, {"scope", project_scope("demo")}});
  ASSERT_TRUE(rescoped.ok()) << rescoped.status().message();
  EXPECT_EQ(rescoped->expires_at, unscoped->expires_at);
  ASSERT_TRUE(id_->revoke_token(*unscoped).ok());
  EXPECT_FALSE(id_->validate_token(unscoped->token).ok());
  EXPECT_FALSE(id_->validate_token(rescoped->token).ok());
}

TEST_F(IdentityTest, PasswordChangeRevokesEarlierTokensAndOnlyTheNewPasswordWorks) {
  auto before = id_->authenticate(password_auth("demo", "nomoresecret"));
  ASSERT_TRUE(before.ok());
  clock_.advance(1s);
  EXPECT_EQ(id_->change_password(kDemoUser, "wrong", "n3w").code(), Code::kUnauthorized);
  ASSERT_TRUE(id_->change_password(kDemoUser, "nomoresecret", "n3w").ok());
  clock_.advance(1s);
  EXPECT_FALSE(id_->validate_token(before->token).ok());
  EXPECT_FALSE(id_->authenticate(password_auth("demo", "nomoresecret")).ok());
  auto after = id_->authenticate(password_auth("demo", "n3w"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(id_->validate_token(after->token).ok());
}

TEST_F(IdentityTest, PasswordsAreStoredOnlyAsSaltedHashes) {
  auto a = id_->create_user({{"name", "u1"}, {"password", "same"}});
  auto b = id_->create_user({{"name", "u2"}, {"password", "same"}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->contains("password"));
  std::string ha = (*store_->get("password", (*a)["id"]))["hash"];
  std::string hb = (*store_->get("password", (*b)["id"]))["hash"];
  EXPECT_NE(ha, hb);  // salted
  EXPECT_EQ(ha.find("same"), std::string::npos);
  EXPECT_TRUE(ha.starts_with("$pbkdf2-sha512$1000$"));
  EXPECT_TRUE(verify_password("same", ha));
  EXPECT_FALSE(verify_password("Same", ha));
}

TEST_F(IdentityTest, DisablingAProjectInvalidatesItsTokens) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo")));
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE(id_->update_project(kDemoProject, {{"enabled", false}}).ok());
  EXPECT_FALSE(id_->validate_token(ctx->token).ok());
  EXPECT_FALSE(id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo"))).ok());
}

TEST_F(IdentityTest, NoRoleOnProjectMeansNoTokenForIt) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("admin")));
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.status().code(), Code::kUnauthorized);
}

TEST_F(IdentityTest, ProjectNamesAreUniquePerDomain) {
  ASSERT_TRUE(id_->create_domain({{"id", "d2"}, {"name", "Other"}}).ok());
  EXPECT_TRUE(id_->create_project({{"name", "p"}, {"domain_id", "default"}}).ok());
  auto dup = id_->create_project({{"name", "p"}, {"domain_id", "default"}});
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_TRUE(id_->create_project({{"name", "p"}, {"domain_id", "d2"}}).ok());
}

TEST_F(IdentityTest, BadFieldTypesAreRejectedWithTheFieldNamed) {
  auto r = id_->create_project({{"name", "x"}, {"enabled", "yes"}});
  ASSERT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find("'enabled'"), std::string::npos);
  EXPECT_EQ(id_->create_project({{"description", "no name"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(id_->create_project({{"name", "   "}}).status().code(), Code::kBadRequest);
}

TEST_F(IdentityTest, DeletingAProjectRemovesItsAssignmentsAndTokens) {
  auto p = id_->create_project({{"name", "temp"}});
  ASSERT_TRUE(p.ok());
  IdentityService::Grant g;
  g.actor_id = kDemoUser;
  g.target_id = (*p)["id"];
  g.role_id = id_->find_role("member").value()["id"];
  ASSERT_TRUE(id_->grant(g).ok());
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("temp")));
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE(id_->delete_project((*p)["id"]).ok());
  EXPECT_FALSE(id_->validate_token(ctx->token).ok());
  AssignmentQuery q;
  q.project_id = (*p)["id"];
  EXPECT_TRUE(id_->list_role_assignments(q).empty());
}

TEST_F(IdentityTest, GroupMembershipGivesEffectiveRoles) {
  auto u = id_->create_user({{"name", "student"}, {"password", "pw"}});
  ASSERT_TRUE(u.ok());
  auto nonadmins = id_->list_groups();
  std::string gid;
  for (const auto& g : nonadmins)
    if (g["name"] == "nonadmins") gid = g["id"];
  ASSERT_FALSE(gid.empty());
  EXPECT_FALSE(id_->authenticate(password_auth("student", "pw", project_scope("demo"))).ok());
  ASSERT_TRUE(id_->add_user_to_group(gid, (*u)["id"]).ok());
  auto ctx = id_->authenticate(password_auth("student", "pw", project_scope("demo")));
  ASSERT_TRUE(ctx.ok());
  AssignmentQuery q;
  q.user_id = (*u)["id"];
  q.effective = true;
  EXPECT_EQ(id_->list_role_assignments(q).size(), 6u);  // member+reader+anotherrole on demo and alt_demo
}

TEST_F(IdentityTest, ApplicationCredentialCarriesOnlyItsRoles) {
  auto ctx = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo")));
  ASSERT_TRUE(ctx.ok());
  auto cred = id_->create_application_credential(*ctx, kDemoUser, {{"name", "ci"}, {"roles", {{{"name", "reader"}}}}});
  ASSERT_TRUE(cred.ok()) << cred.status().message();
  std::string secret = (*cred)["secret"];
  EXPECT_FALSE(id_->get_application_credential(kDemoUser, (*cred)["id"])->contains("secret"));
  auto app = id_->authenticate({{"identity",
                                 {{"methods", {"application_credential"}},
                                  {"application_credential", {{"id", (*cred)["id"]}, {"secret", secret}}}}}});
  ASSERT_TRUE(app.ok()) << app.status().message();
  EXPECT_EQ(app->project_id, kDemoProject);
  EXPECT_EQ(role_names(*app), (std::vector<std::string>{"reader"}));
  auto bad = id_->authenticate({{"identity",
                                 {{"methods", {"application_credential"}},
                                  {"application_credential", {{"id", (*cred)["id"]}, {"secret", "nope"}}}}}});
  EXPECT_EQ(bad.status().code(), Code::kUnauthorized);
}

TEST_F(IdentityTest, MemberMayNotListServicesButAdminMay) {
  auto demo = id_->authenticate(password_auth("demo", "nomoresecret", project_scope("demo")));
  auto admin = id_->authenticate(password_auth("admin", "nomoresecret", project_scope("admin")));
  ASSERT_TRUE(demo.ok() && admin.ok());
  EXPECT_EQ(id_->policy().enforce("identity:list_services", demo->credentials()).message(),
            "You are not authorized to perform the requested action: identity:list_services.");
  EXPECT_TRUE(id_->policy().enforce("identity:list_services", admin->credentials()).ok());
}

TEST_F(IdentityTest, LabRoleNamesMatchCaseInsensitivelyOnlyWhenNoExactMatch) {
  EXPECT_EQ(id_->find_role("Member").value()["name"], "Member");
  EXPECT_EQ(id_->find_role("member").value()["name"], "member");
  EXPECT_EQ(id_->find_role("ANOTHERROLE").value()["name"], "anotherrole");
}

TEST_F(IdentityTest, DomainNamesMatchCaseInsensitivelyAsUnderMySql) {
  // The book's neo file: OS_USER_DOMAIN_NAME=default, OS_PROJECT_DOMAIN_NAME=default.
  Json auth =
      password_auth("demo", "nomoresecret", {{"project", {{"name", "demo"}, {"domain", {{"name", "default"}}}}}});
  auth["identity"]["password"]["user"]["domain"] = {{"name", "DEFAULT"}};
  auto ctx = id_->authenticate(auth);
  ASSERT_TRUE(ctx.ok()) << ctx.status().message();
  EXPECT_EQ(ctx->project_id, kDemoProject);
  auth["identity"]["password"]["user"]["domain"] = {{"name", "nodomain"}};
  EXPECT_EQ(id_->authenticate(auth).status().code(), Code::kUnauthorized);
}

TEST_F(IdentityTest, ReseedingKeepsWhatUsersChanged) {
  ASSERT_TRUE(id_->delete_user("a069cf681b804438b47dab617f52925b").ok());  // alt_demo
  ASSERT_TRUE(scenarios::seed_lab_identity(*id_, *store_, {"http://10.0.0.5"}).ok());
  EXPECT_FALSE(id_->get_user("a069cf681b804438b47dab617f52925b").ok());
  for (const auto& e : id_->list_endpoints()) EXPECT_TRUE(e["url"].get<std::string>().starts_with("http://10.0.0.5/"));
}

// A token is typed on command lines (`openstack token revoke <token>`): it must
// never start with '-' (argparse would read an option), and it opens only whole.
TEST(TokenCodecTest, TokensStartWithTheVersionByteAndOpenOnlyUnaltered) {
  SeededRandom random(7);
  const std::string key(32, 'k');
  for (int i = 0; i < 300; ++i) {
    std::string token = identity::seal_token(key, "{\"n\":" + std::to_string(i) + "}", random);
    ASSERT_EQ(token[0], 'g') << token;
    ASSERT_EQ(identity::open_token(key, token), "{\"n\":" + std::to_string(i) + "}");
  }
  std::string token = identity::seal_token(key, "payload", random);
  EXPECT_FALSE(identity::open_token(key, token.substr(1)).has_value());
  EXPECT_FALSE(identity::open_token(std::string(32, 'x'), token).has_value());
}
