// Nova's flavors and keypairs over real HTTP: version documents,
// microversion negotiation, the shapes of each microversion, policy 403s,
// bad input and paging.
#include <gtest/gtest.h>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using Json = nlohmann::json;

namespace {

// An ed25519 key and its `ssh-keygen -l -E md5` fingerprint.
const char* kEd25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIjfIeZWTBHWXJ9BKLj0evcpdJYBsNXIKc+/4IzD+mfp test@stacklab";
const char* kEd25519Md5 = "5f:23:75:c3:be:b0:95:5d:02:ca:e7:11:52:c7:bf:2d";

class ComputeApiTest : public ComputeCloudTest {};

}  // namespace

TEST_F(ComputeApiTest, VersionDocumentsAdvertiseTheMicroversionRange) {
  auto root = client.request("GET", "/compute/");
  ASSERT_EQ(root.status, 200) << root.body;
  auto v = root.json()["versions"][0];
  EXPECT_EQ(v["id"], "v2.1");
  EXPECT_EQ(v["min_version"], "2.1");
  EXPECT_EQ(v["version"], "2.90");
  auto doc = client.request("GET", "/compute/v2.1");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.json()["version"]["version"], "2.90");
  EXPECT_EQ(doc.json()["version"]["links"][0]["href"], cloud_->host_url() + "/compute/v2.1/");
}

TEST_F(ComputeApiTest, MicroversionIsNegotiatedAndAnnounced) {
  auto none = call(demo_, "GET", "/flavors");
  EXPECT_EQ(none.header("openstack-api-version"), "compute 2.1");
  EXPECT_EQ(none.header("x-openstack-nova-api-version"), "2.1");
  EXPECT_EQ(none.header("vary"), "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
  EXPECT_EQ(call(demo_, "GET", "/flavors", nullptr, "latest").header("openstack-api-version"), "compute 2.90");
  auto legacy = client.request("GET", "/compute/v2.1/flavors", "",
                               {{"X-Auth-Token", demo_}, {"X-OpenStack-Nova-API-Version", "2.55"}});
  EXPECT_EQ(legacy.header("openstack-api-version"), "compute 2.55");
  auto high = call(demo_, "GET", "/flavors", nullptr, "2.91");
  EXPECT_EQ(high.status, 406);
  EXPECT_EQ(high.json()["notAcceptable"]["message"],
            "Version 2.91 is not supported by the API. Minimum is 2.1 and maximum is 2.90.");
  EXPECT_EQ(call(demo_, "GET", "/flavors", nullptr, "2.0").status, 406);
  EXPECT_EQ(call(demo_, "GET", "/flavors", nullptr, "two").status, 400);
}

TEST_F(ComputeApiTest, FlavorDetailShapeFollowsTheMicroversion) {
  auto old = call(demo_, "GET", "/flavors/1");
  ASSERT_EQ(old.status, 200) << old.body;
  Json f = old.json()["flavor"];
  EXPECT_EQ(f["name"], "m1.tiny");
  EXPECT_EQ(f["ram"], 512);
  EXPECT_EQ(f["disk"], 1);
  EXPECT_EQ(f["vcpus"], 1);
  EXPECT_EQ(f["swap"], "");
  EXPECT_EQ(f["OS-FLV-EXT-DATA:ephemeral"], 0);
  EXPECT_EQ(f["OS-FLV-DISABLED:disabled"], false);
  EXPECT_EQ(f["os-flavor-access:is_public"], true);
  EXPECT_EQ(f["rxtx_factor"], 1.0);
  EXPECT_FALSE(f.contains("description"));
  EXPECT_FALSE(f.contains("extra_specs"));
  EXPECT_EQ(f["links"][0]["href"], cloud_->host_url() + "/compute/v2.1/flavors/1");
  EXPECT_EQ(f["links"][1]["rel"], "bookmark");
  Json at55 = call(demo_, "GET", "/flavors/1", nullptr, "2.55").json()["flavor"];
  EXPECT_TRUE(at55.contains("description") && !at55.contains("extra_specs"));
  Json at61 = call(demo_, "GET", "/flavors/1", nullptr, "2.61").json()["flavor"];
  EXPECT_EQ(at61["extra_specs"], Json::object());
  EXPECT_EQ(at61["swap"], "");
  Json at75 = call(demo_, "GET", "/flavors/1", nullptr, "2.75").json()["flavor"];
  EXPECT_EQ(at75["swap"], 0);
  Json basic = call(demo_, "GET", "/flavors", nullptr, "2.1").json()["flavors"][0];
  EXPECT_EQ(basic.size(), 3u) << basic.dump();  // id, name, links
}

TEST_F(ComputeApiTest, UnknownFlavorIsNovasItemNotFound) {
  auto r = call(demo_, "GET", "/flavors/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["itemNotFound"]["message"], "Flavor nope could not be found.");
  EXPECT_EQ(r.json()["itemNotFound"]["code"], 404);
}

TEST_F(ComputeApiTest, FlavorListFiltersSortsAndPages) {
  Json big = call(demo_, "GET", "/flavors/detail?minRam=4096&minDisk=40").json();
  std::set<std::string> ids;
  for (const auto& f : big["flavors"]) ids.insert(f["id"]);
  EXPECT_EQ(ids, (std::set<std::string>{"3", "4", "5"}));
  auto by_ram = call(demo_, "GET", "/flavors/detail?sort_key=memory_mb&sort_dir=desc").json()["flavors"];
  EXPECT_EQ(by_ram[0]["id"], "5");
  auto page1 = call(demo_, "GET", "/flavors?limit=5");
  ASSERT_EQ(page1.json()["flavors"].size(), 5u);
  std::string next = page1.json()["flavors_links"][0]["href"];
  EXPECT_NE(next.find("/compute/v2.1/flavors?limit=5&marker=42"), std::string::npos) << next;
  auto page2 = call(demo_, "GET", "/flavors?limit=5&marker=42");
  EXPECT_EQ(page2.json()["flavors"][0]["id"], "5");
  EXPECT_EQ(call(demo_, "GET", "/flavors?marker=zz").status, 400);
  EXPECT_EQ(call(demo_, "GET", "/flavors?minRam=lots").json()["badRequest"]["message"], "Invalid minRam filter [lots]");
  EXPECT_EQ(call(demo_, "GET", "/flavors?sort_key=color").status, 400);
  EXPECT_EQ(call(admin_, "GET", "/flavors?is_public=maybe").status, 400);
  EXPECT_EQ(call(demo_, "GET", "/flavors?color=red", nullptr, "2.75").status, 400);
  EXPECT_EQ(call(demo_, "GET", "/flavors?color=red", nullptr, "2.74").status, 200);
}

TEST_F(ComputeApiTest, FlavorManagementIsAdminOnly) {
  Json body = {{"flavor", {{"name", "api.member"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}}}};
  auto r = call(demo_, "POST", "/flavors", body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["forbidden"]["message"],
            "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.");
  EXPECT_EQ(call(demo_, "DELETE", "/flavors/1").status, 403);
  EXPECT_EQ(call(demo_, "POST", "/flavors/1/os-extra_specs", {{"extra_specs", {{"a", "b"}}}}).status, 403);
  EXPECT_EQ(call(demo_, "PUT", "/flavors/1", {{"flavor", {{"description", "x"}}}}, "2.55").status, 403);
}

TEST_F(ComputeApiTest, AdminCreatesUpdatesAndDeletesAFlavor) {
  Json body = {{"flavor",
                {{"name", "api.f1"},
                 {"id", "api-f1"},
                 {"ram", "128"},
                 {"vcpus", 2},
                 {"disk", 1},
                 {"swap", 16},
                 {"rxtx_factor", 2.0},
                 {"OS-FLV-EXT-DATA:ephemeral", 3}}}};
  auto c = call(admin_, "POST", "/flavors", body);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["flavor"]["ram"], 128);
  EXPECT_EQ(c.json()["flavor"]["swap"], 16);
  EXPECT_EQ(c.json()["flavor"]["OS-FLV-EXT-DATA:ephemeral"], 3);
  auto dup = call(admin_, "POST", "/flavors", body);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json()["conflictingRequest"]["message"], "Flavor with name api.f1 already exists.");
  // description only from 2.55, and PUT only from 2.55
  Json with_desc = {{"flavor", {{"name", "api.f2"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}, {"description", "d"}}}};
  EXPECT_EQ(call(admin_, "POST", "/flavors", with_desc, "2.54").status, 400);
  auto d = call(admin_, "POST", "/flavors", with_desc, "2.55");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["flavor"]["description"], "d");
  EXPECT_EQ(call(admin_, "PUT", "/flavors/api-f1", {{"flavor", {{"description", "x"}}}}, "2.54").status, 404);
  auto u = call(admin_, "PUT", "/flavors/api-f1", {{"flavor", {{"description", "now described"}}}}, "2.55");
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json()["flavor"]["description"], "now described");
  EXPECT_EQ(call(admin_, "PUT", "/flavors/api-f1", {{"flavor", {{"name", "renamed"}}}}, "2.55").status, 400);
  EXPECT_EQ(call(admin_, "DELETE", "/flavors/api-f1").status, 202);
  EXPECT_EQ(call(admin_, "GET", "/flavors/api-f1").status, 404);
  EXPECT_EQ(call(admin_, "DELETE", "/flavors/api-f1").status, 404);
}

TEST_F(ComputeApiTest, BadFlavorBodiesAre400) {
  for (const Json& f :
       {Json{{"name", "b"}, {"ram", -1}, {"vcpus", 1}, {"disk", 0}},
        Json{{"name", "b"}, {"ram", 64}, {"vcpus", 0}, {"disk", 0}}, Json{{"name", "b"}, {"ram", 64}, {"vcpus", 1}},
        Json{{"name", ""}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}},
        Json{{"name", "b"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}, {"rxtx_factor", 0}},
        Json{{"name", "b"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}, {"color", "red"}}}) {
    auto r = call(admin_, "POST", "/flavors", {{"flavor", f}});
    EXPECT_EQ(r.status, 400) << f.dump() << " -> " << r.body;
    EXPECT_TRUE(r.json().contains("badRequest")) << r.body;
  }
  EXPECT_EQ(client.request("POST", "/compute/v2.1/flavors", "{not json", {{"X-Auth-Token", admin_}}).status, 400);
}

TEST_F(ComputeApiTest, ExtraSpecsCrud) {
  ASSERT_EQ(call(admin_, "POST", "/flavors",
                 {{"flavor", {{"name", "api.es"}, {"id", "es"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}}}})
                .status,
            200);
  auto set = call(admin_, "POST", "/flavors/es/os-extra_specs",
                  {{"extra_specs", {{"hw:cpu_policy", "dedicated"}, {"k2", "v2"}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(call(demo_, "GET", "/flavors/es/os-extra_specs").json()["extra_specs"]["k2"], "v2");
  EXPECT_EQ(call(demo_, "GET", "/flavors/es/os-extra_specs/k2").json(), (Json{{"k2", "v2"}}));
  EXPECT_EQ(call(admin_, "PUT", "/flavors/es/os-extra_specs/k2", {{"k2", "v3"}}).json(), (Json{{"k2", "v3"}}));
  EXPECT_EQ(call(admin_, "PUT", "/flavors/es/os-extra_specs/k2", {{"other", "v3"}}).status, 400);
  EXPECT_EQ(call(admin_, "DELETE", "/flavors/es/os-extra_specs/k2").status, 200);
  auto gone = call(demo_, "GET", "/flavors/es/os-extra_specs/k2");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json()["itemNotFound"]["message"], "Flavor es has no extra specs with key k2.");
  EXPECT_EQ(call(demo_, "GET", "/flavors/es", nullptr, "2.61").json()["flavor"]["extra_specs"],
            (Json{{"hw:cpu_policy", "dedicated"}}));
}

TEST_F(ComputeApiTest, PrivateFlavorAccessThroughActions) {
  Json body = {{"flavor",
                {{"name", "api.private"},
                 {"id", "priv"},
                 {"ram", 64},
                 {"vcpus", 1},
                 {"disk", 0},
                 {"os-flavor-access:is_public", false}}}};
  ASSERT_EQ(call(admin_, "POST", "/flavors", body).status, 200);
  EXPECT_EQ(call(demo_, "GET", "/flavors/priv").status, 404);
  std::string demo_project = project_id("demo");
  EXPECT_EQ(call(demo_, "POST", "/flavors/priv/action", {{"addTenantAccess", {{"tenant", demo_project}}}}).status, 403);
  auto add = call(admin_, "POST", "/flavors/priv/action", {{"addTenantAccess", {{"tenant", demo_project}}}});
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(add.json()["flavor_access"][0], (Json{{"flavor_id", "priv"}, {"tenant_id", demo_project}}));
  EXPECT_EQ(call(admin_, "POST", "/flavors/priv/action", {{"addTenantAccess", {{"tenant", demo_project}}}}).status,
            409);
  EXPECT_EQ(call(demo_, "GET", "/flavors/priv").status, 200);
  EXPECT_EQ(call(alt_, "GET", "/flavors/priv").status, 404);
  EXPECT_EQ(call(admin_, "GET", "/flavors/priv/os-flavor-access").json()["flavor_access"].size(), 1u);
  EXPECT_EQ(call(admin_, "GET", "/flavors/1/os-flavor-access").status, 404);
  // admins list private flavors with is_public=false or None
  bool listed = false;
  Json all = call(admin_, "GET", "/flavors?is_public=None").json();
  for (const auto& f : all["flavors"]) listed |= f["id"] == "priv";
  EXPECT_TRUE(listed);
  EXPECT_EQ(call(admin_, "GET", "/flavors?is_public=false").json()["flavors"].size(), 1u);
  EXPECT_EQ(call(admin_, "POST", "/flavors/priv/action", {{"removeTenantAccess", {{"tenant", demo_project}}}}).status,
            200);
  EXPECT_EQ(call(admin_, "POST", "/flavors/priv/action", {{"removeTenantAccess", {{"tenant", demo_project}}}}).status,
            404);
  EXPECT_EQ(call(admin_, "POST", "/flavors/priv/action", {{"addTenantAccess", Json::object()}}).status, 400);
}

TEST_F(ComputeApiTest, KeypairShapesPerMicroversion) {
  auto v21 = call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "imported"}, {"public_key", kEd25519}}}});
  ASSERT_EQ(v21.status, 200) << v21.body;
  Json kp = v21.json()["keypair"];
  EXPECT_EQ(kp["fingerprint"], kEd25519Md5);
  EXPECT_FALSE(kp.contains("type"));
  EXPECT_FALSE(kp.contains("private_key"));
  EXPECT_TRUE(kp.contains("user_id"));
  auto v22 = call(alt_, "POST", "/os-keypairs",
                  {{"keypair", {{"name", "typed"}, {"public_key", kEd25519}, {"type", "ssh"}}}}, "2.2");
  ASSERT_EQ(v22.status, 201) << v22.body;
  EXPECT_EQ(v22.json()["keypair"]["type"], "ssh");
  EXPECT_EQ(
      call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "t"}, {"public_key", kEd25519}, {"type", "ssh"}}}})
          .status,
      400)
      << "type is unknown to 2.1";
  auto list = call(alt_, "GET", "/os-keypairs", nullptr, "2.2").json()["keypairs"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["keypair"].size(), 4u) << list.dump();  // name, public_key, fingerprint, type
  auto show = call(alt_, "GET", "/os-keypairs/imported", nullptr, "2.2").json()["keypair"];
  for (const char* k : {"name", "public_key", "fingerprint", "user_id", "created_at", "deleted", "deleted_at", "id",
                        "updated_at", "type"})
    EXPECT_TRUE(show.contains(k)) << k;
  EXPECT_TRUE(show["id"].is_number_integer());
  EXPECT_EQ(call(alt_, "DELETE", "/os-keypairs/imported").status, 202);
  EXPECT_EQ(call(alt_, "DELETE", "/os-keypairs/typed", nullptr, "2.2").status, 204);
  auto missing = call(alt_, "GET", "/os-keypairs/typed");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["itemNotFound"]["message"].get<std::string>().rfind("Keypair typed not found for user ", 0),
            0u);
}

TEST_F(ComputeApiTest, GeneratedKeypairReturnsItsPrivateKeyOnce) {
  auto r = call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "generated"}}}}, "2.10");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("openstack-api-version"), "compute 2.10");
  Json kp = r.json()["keypair"];
  EXPECT_EQ(kp["private_key"].get<std::string>().rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(kp["public_key"].get<std::string>().rfind("ssh-rsa ", 0), 0u);
  EXPECT_EQ(kp["fingerprint"].get<std::string>().size(), 47u);
  EXPECT_FALSE(call(alt_, "GET", "/os-keypairs/generated").json()["keypair"].contains("private_key"));
  auto dup = call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "generated"}}}}, "2.10");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json()["conflictingRequest"]["message"], "Key pair 'generated' already exists.");
  EXPECT_EQ(call(alt_, "DELETE", "/os-keypairs/generated").status, 202);
}

TEST_F(ComputeApiTest, GeneratedX509KeypairIsACertificate) {
  auto r = call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "cert"}, {"type", "x509"}}}}, "2.2");
  ASSERT_EQ(r.status, 201) << r.body;
  Json kp = r.json()["keypair"];
  EXPECT_EQ(kp["type"], "x509");
  EXPECT_EQ(kp["private_key"].get<std::string>().rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(kp["public_key"].get<std::string>().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(kp["fingerprint"].get<std::string>().size(), 59u);
  auto shown = call(alt_, "GET", "/os-keypairs/cert", nullptr, "2.2");
  EXPECT_EQ(shown.json()["keypair"]["type"], "x509");
  EXPECT_EQ(shown.json()["keypair"]["fingerprint"], kp["fingerprint"]);
  EXPECT_EQ(call(alt_, "DELETE", "/os-keypairs/cert", nullptr, "2.2").status, 204);
}

TEST_F(ComputeApiTest, BadKeypairsAre400) {
  auto garbage = call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "g"}, {"public_key", "ssh-rsa AAAA"}}}});
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json()["badRequest"]["message"], "Keypair data is invalid: failed to generate fingerprint");
  EXPECT_EQ(call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", "a/b"}, {"public_key", kEd25519}}}}).status, 400);
  EXPECT_EQ(call(alt_, "POST", "/os-keypairs", {{"keypair", {{"public_key", kEd25519}}}}).status, 400);
  EXPECT_EQ(call(alt_, "POST", "/os-keypairs", {{"name", "x"}}).status, 400);
  EXPECT_EQ(call(alt_, "POST", "/os-keypairs",
                 {{"keypair", {{"name", "u"}, {"public_key", kEd25519}, {"user_id", "x"}}}}, "2.9")
                .status,
            400);
}

TEST_F(ComputeApiTest, KeypairsAreTheirUsersAndAdminsMayActForOthers) {
  auto demo_user = client.request("GET", "/identity/v3/users?name=demo", "", {{"X-Auth-Token", admin_}})
                       .json()["users"][0]["id"]
                       .get<std::string>();
  ASSERT_EQ(call(demo_, "POST", "/os-keypairs", {{"keypair", {{"name", "demokey"}, {"public_key", kEd25519}}}}).status,
            200);
  EXPECT_TRUE(call(alt_, "GET", "/os-keypairs").json()["keypairs"].empty());
  EXPECT_EQ(call(alt_, "GET", "/os-keypairs/demokey").status, 404);
  auto other = call(alt_, "GET", "/os-keypairs?user_id=" + demo_user, nullptr, "2.10");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.json()["forbidden"]["message"],
            "Policy doesn't allow os_compute_api:os-keypairs:index to be performed.");
  EXPECT_EQ(call(admin_, "GET", "/os-keypairs?user_id=" + demo_user, nullptr, "2.10").json()["keypairs"].size(), 1u);
  EXPECT_EQ(call(admin_, "GET", "/os-keypairs/demokey?user_id=" + demo_user, nullptr, "2.10").status, 200);
  EXPECT_EQ(call(admin_, "GET", "/os-keypairs/demokey?user_id=" + demo_user, nullptr, "2.9").status, 404)
      << "user_id means nothing before 2.10";
  auto made = call(admin_, "POST", "/os-keypairs",
                   {{"keypair", {{"name", "forDemo"}, {"public_key", kEd25519}, {"user_id", demo_user}}}}, "2.10");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()["keypair"]["user_id"], demo_user);
  EXPECT_EQ(call(demo_, "GET", "/os-keypairs/forDemo").status, 200);
  EXPECT_EQ(call(admin_, "DELETE", "/os-keypairs/forDemo?user_id=" + demo_user, nullptr, "2.10").status, 204);
  EXPECT_EQ(call(demo_, "DELETE", "/os-keypairs/demokey").status, 202);
}

TEST_F(ComputeApiTest, KeypairsPageFrom235) {
  for (const char* n : {"pa", "pb", "pc"})
    ASSERT_EQ(call(alt_, "POST", "/os-keypairs", {{"keypair", {{"name", n}, {"public_key", kEd25519}}}}).status, 200);
  auto page = call(alt_, "GET", "/os-keypairs?limit=2", nullptr, "2.35").json();
  ASSERT_EQ(page["keypairs"].size(), 2u);
  EXPECT_NE(page["keypairs_links"][0]["href"].get<std::string>().find("marker=pb"), std::string::npos);
  auto rest = call(alt_, "GET", "/os-keypairs?limit=2&marker=pb", nullptr, "2.35").json();
  ASSERT_EQ(rest["keypairs"].size(), 1u);
  EXPECT_EQ(rest["keypairs"][0]["keypair"]["name"], "pc");
  EXPECT_EQ(call(alt_, "GET", "/os-keypairs?limit=2", nullptr, "2.34").json()["keypairs"].size(), 3u);
  EXPECT_EQ(call(alt_, "GET", "/os-keypairs?marker=zz", nullptr, "2.35").status, 400);
  for (const char* n : {"pa", "pb", "pc"}) call(alt_, "DELETE", std::string("/os-keypairs/") + n);
}
