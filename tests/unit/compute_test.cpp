// Flavors and keypairs in the engine: Nova's rules without HTTP, and key
// fingerprints compared with OpenSSH's own `ssh-keygen -l -E md5`.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "engine/compute/compute_policy.h"
#include "engine/compute/flavors.h"
#include "engine/compute/keypairs.h"
#include "engine/compute/ssh_keys.h"
#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "scenarios/lab/lab_flavors.h"

using namespace stacklab;
using namespace stacklab::compute;

namespace {

Credentials user(const std::string& user_id, const std::string& project_id, bool admin = false) {
  Credentials c;
  c.user_id = user_id;
  c.project_id = project_id;
  c.roles = {"member", "reader"};
  if (admin) c.roles.insert("admin");
  return c;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A key made by ssh-keygen and the MD5 fingerprint it reports for it.
struct OpenSshKey {
  std::string public_key, fingerprint;
};
OpenSshKey ssh_keygen(const std::string& type, const std::string& bits = "") {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-keys-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / ("key-" + type + bits)).string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".pub");
  run("ssh-keygen -q -t " + type + (bits.empty() ? "" : " -b " + bits) + " -N '' -C test@stacklab -f " + path);
  std::string listed = run("ssh-keygen -l -E md5 -f " + path + ".pub");  // "256 MD5:aa:bb:... comment (ED25519)"
  std::istringstream words(listed);
  std::string size, fp;
  words >> size >> fp;
  OpenSshKey k{slurp(path + ".pub"), fp.rfind("MD5:", 0) == 0 ? fp.substr(4) : fp};
  std::filesystem::remove_all(dir);
  return k;
}

class ComputeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_compute_policy(policy_);
    store_ = std::move(*Store::open({}));
    flavors_ = std::make_unique<FlavorService>(*store_, clock_, random_, policy_);
    keypairs_ = std::make_unique<KeypairService>(*store_, clock_, policy_, KeypairOptions{3});
  }
  Json flavor(const std::string& name, const std::string& id = "") {
    Json body = {{"name", name}, {"ram", 512}, {"vcpus", 1}, {"disk", 1}};
    if (!id.empty()) body["id"] = id;
    return body;
  }

  ManualClock clock_;
  SeededRandom random_{7};
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FlavorService> flavors_;
  std::unique_ptr<KeypairService> keypairs_;
  Credentials admin_ = user("u-admin", "p-admin", true);
  Credentials demo_ = user("u-demo", "p-demo");
  Credentials alt_ = user("u-alt", "p-alt");
};

}  // namespace

TEST(SshKeys, FingerprintsEqualSshKeygenMd5ForEveryKeyType) {
  if (run("command -v ssh-keygen").empty()) GTEST_SKIP() << "ssh-keygen (openssh-client) is not installed";
  for (auto [type, bits] : {std::pair{"rsa", "2048"}, std::pair{"ed25519", ""}, std::pair{"ecdsa", "256"},
                            std::pair{"ecdsa", "384"}, std::pair{"ecdsa", "521"}}) {
    OpenSshKey k = ssh_keygen(type, bits);
    ASSERT_FALSE(k.public_key.empty()) << type;
    auto fp = ssh_fingerprint(k.public_key);
    ASSERT_TRUE(fp.ok()) << type << ": " << fp.status().message();
    EXPECT_EQ(*fp, k.fingerprint) << type << bits;
  }
}

TEST(SshKeys, KnownEd25519KeyHasItsKnownFingerprint) {
  // ssh-keygen -l -E md5 of this key prints MD5:5f:23:75:c3:be:b0:95:5d:02:ca:e7:11:52:c7:bf:2d.
  const std::string key =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIjfIeZWTBHWXJ9BKLj0evcpdJYBsNXIKc+/4IzD+mfp test@stacklab";
  auto fp = ssh_fingerprint(key);
  ASSERT_TRUE(fp.ok()) << fp.status().message();
  EXPECT_EQ(*fp, "5f:23:75:c3:be:b0:95:5d:02:ca:e7:11:52:c7:bf:2d");
}

TEST(SshKeys, GarbageIsNotAKey) {
  for (const char* bad : {"", "ssh-rsa", "ssh-rsa notbase64!!", "ssh-foo AAAAB3NzaC1yc2E=",
                          // a valid blob of another type than announced
                          "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIjfIeZWTBHWXJ9BKLj0evcpdJYBsNXIKc+/4IzD+mfp"}) {
    auto fp = ssh_fingerprint(bad);
    ASSERT_FALSE(fp.ok()) << bad;
    EXPECT_EQ(fp.status().message(), "Keypair data is invalid: failed to generate fingerprint");
  }
}

TEST(SshKeys, GeneratedPairIsAnRsaKeyWhosePublicHalfFingerprints) {
  auto pair = generate_rsa_keypair();
  ASSERT_TRUE(pair.ok()) << pair.status().message();
  EXPECT_EQ(pair->private_key.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(pair->public_key.rfind("ssh-rsa AAAAB3NzaC1yc2E", 0), 0u);
  EXPECT_NE(pair->public_key.find(" Generated-by-Nova"), std::string::npos);
  EXPECT_TRUE(ssh_fingerprint(pair->public_key).ok());
}

TEST(SshKeys, GeneratedX509PairIsASelfSignedCertificateForTheUser) {
  auto pair = generate_x509_keypair("u1");
  ASSERT_TRUE(pair.ok()) << pair.status().message();
  EXPECT_EQ(pair->private_key.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(pair->public_key.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  auto fp = x509_fingerprint(pair->public_key);
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(fp->size(), 59u);  // SHA-1, 20 bytes as aa:bb:...
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pair->public_key.data(), static_cast<int>(pair->public_key.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  ASSERT_TRUE(cert);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "u1");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
  EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_subject_alt_name, -1), 0);
  EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_ext_key_usage, -1), 0);
}

TEST_F(ComputeTest, LabFlavorsAreDevStacksTwelveSeededOnce) {
  ASSERT_TRUE(scenarios::seed_lab_flavors(*flavors_, *store_).ok());
  auto all = flavors_->list(demo_, {});
  ASSERT_EQ(all.size(), 12u);
  std::vector<std::string> ids;
  for (const auto& f : all) ids.push_back(f["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3", "4", "42", "5", "84", "c1", "d1", "d2", "d3", "d4"}));
  auto nano = flavors_->get(demo_, "42");
  ASSERT_TRUE(nano.ok());
  EXPECT_EQ((*nano)["name"], "m1.nano");
  EXPECT_EQ((*nano)["ram"], 64);
  EXPECT_EQ((*nano)["disk"], 0);
  ASSERT_TRUE(flavors_->remove(admin_, "42").ok());
  ASSERT_TRUE(scenarios::seed_lab_flavors(*flavors_, *store_).ok());
  EXPECT_FALSE(flavors_->get(demo_, "42").ok()) << "a deleted lab flavor stays deleted";
}

TEST_F(ComputeTest, OnlyAdminsManageFlavors) {
  auto refused = flavors_->create(demo_, flavor("mine"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kForbidden);
  EXPECT_EQ(refused.status().message(), "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.");
  ASSERT_TRUE(flavors_->create(admin_, flavor("m1.x", "x1")).ok());
  EXPECT_EQ(flavors_->remove(demo_, "x1").code(), Code::kForbidden);
  EXPECT_EQ(flavors_->set_extra_specs(demo_, "x1", {{"k", "v"}}).status().code(), Code::kForbidden);
  EXPECT_TRUE(flavors_->extra_specs(demo_, "x1").ok());
}

TEST_F(ComputeTest, DuplicateFlavorNameOrIdConflicts) {
  ASSERT_TRUE(flavors_->create(admin_, flavor("m1.x", "x1")).ok());
  auto by_name = flavors_->create(admin_, flavor("m1.x", "x2"));
  EXPECT_EQ(by_name.status().code(), Code::kConflict);
  EXPECT_EQ(by_name.status().message(), "Flavor with name m1.x already exists.");
  auto by_id = flavors_->create(admin_, flavor("m1.y", "x1"));
  EXPECT_EQ(by_id.status().message(), "Flavor with ID x1 already exists.");
}

TEST_F(ComputeTest, FlavorIdAutoOrAbsentIsAUuid) {
  auto a = flavors_->create(admin_, flavor("a", "auto"));
  auto b = flavors_->create(admin_, flavor("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)["id"].get<std::string>().size(), 36u);
  EXPECT_EQ((*b)["id"].get<std::string>().size(), 36u);
}

TEST_F(ComputeTest, BadFlavorFieldsAreRefusedWithTheField) {
  Json bad = flavor("bad");
  bad["ram"] = 0;
  auto r = flavors_->create(admin_, bad);
  ASSERT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find("ram"), std::string::npos);
  bad = flavor("bad");
  bad["vcpus"] = "two";
  EXPECT_EQ(flavors_->create(admin_, bad).status().code(), Code::kBadRequest);
  bad = flavor("bad");
  bad.erase("disk");
  EXPECT_EQ(flavors_->create(admin_, bad).status().message(), "'disk' is a required property");
  bad = flavor("bad", "with/slash");
  EXPECT_EQ(flavors_->create(admin_, bad).status().code(), Code::kBadRequest);
  EXPECT_EQ(store_->count("flavor"), 0u) << "nothing half-created";
}

TEST_F(ComputeTest, PrivateFlavorIsSeenOnlyByAdminsAndProjectsGivenAccess) {
  Json body = flavor("secret", "s1");
  body["os-flavor-access:is_public"] = false;
  ASSERT_TRUE(flavors_->create(admin_, body).ok());
  EXPECT_EQ(flavors_->get(demo_, "s1").status().message(), "Flavor s1 could not be found.");
  EXPECT_TRUE(flavors_->list(demo_, {}).empty());
  auto granted = flavors_->add_access(admin_, "s1", "p-demo");
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(*granted, std::vector<std::string>{"p-demo"});
  EXPECT_TRUE(flavors_->get(demo_, "s1").ok());
  EXPECT_EQ(flavors_->list(demo_, {}).size(), 1u);
  EXPECT_FALSE(flavors_->get(alt_, "s1").ok());
  EXPECT_EQ(flavors_->add_access(admin_, "s1", "p-demo").status().code(), Code::kConflict);
  ASSERT_TRUE(flavors_->remove_access(admin_, "s1", "p-demo").ok());
  EXPECT_EQ(flavors_->remove_access(admin_, "s1", "p-demo").status().code(), Code::kNotFound);
  EXPECT_FALSE(flavors_->get(demo_, "s1").ok());
}

TEST_F(ComputeTest, PublicFlavorHasNoAccessList) {
  ASSERT_TRUE(flavors_->create(admin_, flavor("pub", "p1")).ok());
  EXPECT_EQ(flavors_->access(admin_, "p1").status().message(), "Access list not available for public flavors.");
  EXPECT_EQ(flavors_->add_access(admin_, "p1", "x").status().message(), "Can not add access to a public flavor.");
}

TEST_F(ComputeTest, ExtraSpecsAreStoredAsStringsAndRemovedByKey) {
  ASSERT_TRUE(flavors_->create(admin_, flavor("m", "m")).ok());
  ASSERT_TRUE(
      flavors_->set_extra_specs(admin_, "m", {{"hw:cpu_policy", "dedicated"}, {"quota:cpu_shares", 1024}}).ok());
  EXPECT_EQ(*flavors_->extra_spec(demo_, "m", "quota:cpu_shares"), "1024");
  ASSERT_TRUE(flavors_->remove_extra_spec(admin_, "m", "hw:cpu_policy").ok());
  EXPECT_EQ(flavors_->extra_spec(demo_, "m", "hw:cpu_policy").status().message(),
            "Flavor m has no extra specs with key hw:cpu_policy.");
  EXPECT_EQ(flavors_->set_extra_specs(admin_, "m", {{"bad/key", "v"}}).status().code(), Code::kBadRequest);
}

TEST_F(ComputeTest, KeypairsBelongToTheirUser) {
  auto pair = generate_rsa_keypair();
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(keypairs_->create(demo_, {.name = "k", .public_key = pair->public_key}).ok());
  EXPECT_EQ(keypairs_->list(demo_)->size(), 1u);
  EXPECT_TRUE(keypairs_->list(alt_)->empty());
  EXPECT_EQ(keypairs_->get(alt_, "k").status().message(), "Keypair k not found for user u-alt");
  EXPECT_EQ(keypairs_->get(alt_, "k", "u-demo").status().code(), Code::kForbidden);
  EXPECT_TRUE(keypairs_->get(admin_, "k", "u-demo").ok());
  auto dup = keypairs_->create(demo_, {.name = "k", .public_key = pair->public_key});
  EXPECT_EQ(dup.status().message(), "Key pair 'k' already exists.");
  EXPECT_TRUE(keypairs_->create(alt_, {.name = "k", .public_key = pair->public_key}).ok()) << "names are per user";
  EXPECT_TRUE(keypairs_->remove(demo_, "k").ok());
  EXPECT_EQ(keypairs_->remove(demo_, "k").code(), Code::kNotFound);
}

TEST_F(ComputeTest, KeypairNamesQuotaAndTypesFollowNova) {
  auto pair = generate_rsa_keypair();
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(keypairs_->create(demo_, {"a.b", pair->public_key}).status().message(),
            "Keypair data is invalid: Keypair name contains unsafe characters");
  EXPECT_EQ(keypairs_->create(demo_, {.name = "k", .public_key = pair->public_key, .type = "pgp"}).status().code(),
            Code::kBadRequest);
  for (const char* n : {"k1", "k2", "k3"}) ASSERT_TRUE(keypairs_->create(demo_, {n, pair->public_key}).ok());
  auto over = keypairs_->create(demo_, {"k4", pair->public_key});
  EXPECT_EQ(over.status().code(), Code::kOverQuota);
  EXPECT_EQ(over.status().message(), "Quota exceeded, too many key pairs.");
}
