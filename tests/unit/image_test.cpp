#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/image/image_service.h"
#include "engine/image/qcow2.h"
#include "real_drivers/file_image_store.h"
#include "scenarios/lab/lab_images.h"
#include "tests/unit/test_credentials.h"

using namespace stacklab;
using namespace stacklab::image;
namespace fs = std::filesystem;

namespace {

using stacklab::testing::project;

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("stacklab-image-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "images");
    store_ = std::move(*Store::open({}));
    files_ = std::make_unique<drivers::FileImageStore>((dir_ / "images").string());
    images_ = std::make_unique<ImageService>(*store_, clock_, random_, *files_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // An upload as the API does it: begin, adopt a file, finish.
  Result<Json> upload(const Credentials& who, const std::string& id, const std::string& data) {
    std::string path = (dir_ / "upload").string();
    std::ofstream(path, std::ios::binary) << data;
    Status st = images_->begin_upload(who, id, data.size());
    if (!st.ok()) return st;
    auto stored = files_->write("tmp-" + id, data);  // hashes computed the same way as on arrival
    fs::remove(path);
    return images_->finish_upload(id, files_->adopt(id, fs::path(stored->location.substr(7)).string(), stored->size,
                                                    stored->md5, stored->sha512));
  }

  fs::path dir_;
  ManualClock clock_;
  SeededRandom random_{3};
  std::unique_ptr<Store> store_;
  std::unique_ptr<drivers::FileImageStore> files_;
  std::unique_ptr<ImageService> images_;
  Credentials alice_ = project("alice"), bob_ = project("bob"), admin_ = project("admin", true);
};

}  // namespace

TEST_F(ImageTest, UploadMovesQueuedToActiveWithSizeAndHashes) {
  auto img = images_->create(alice_, {{"name", "x"}, {"disk_format", "raw"}, {"container_format", "bare"}});
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ((*img)["status"], "queued");
  EXPECT_EQ((*img)["visibility"], "shared");
  EXPECT_EQ((*img)["owner"], "alice");
  auto done = upload(alice_, (*img)["id"], "hello");
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ((*done)["status"], "active");
  EXPECT_EQ((*done)["size"], 5);
  EXPECT_EQ((*done)["checksum"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ((*done)["os_hash_algo"], "sha512");
  EXPECT_EQ((*done)["os_hash_value"].get<std::string>().size(), 128u);
  // Once active, data cannot be uploaded again.
  EXPECT_EQ(images_->begin_upload(alice_, (*img)["id"], 1).code(), Code::kConflict);
}

TEST_F(ImageTest, UploadNeedsFormatsAndOwnership) {
  auto img = images_->create(alice_, {{"name", "x"}});
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(images_->begin_upload(alice_, (*img)["id"], 1).code(), Code::kBadRequest);
  auto shared = images_->create(alice_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  EXPECT_EQ(images_->begin_upload(bob_, (*shared)["id"], 1).code(), Code::kNotFound);  // bob cannot even see it
}

TEST_F(ImageTest, FailedStoreReturnsImageToQueued) {
  auto img = images_->create(alice_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  ASSERT_TRUE(images_->begin_upload(alice_, (*img)["id"], 3).ok());
  auto r = images_->finish_upload((*img)["id"], Status(Code::kInternal, "disk full"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ((*images_->get(alice_, (*img)["id"]))["status"], "queued");
}

TEST_F(ImageTest, InterruptedUploadIsQueuedAgainAfterRestart) {
  auto img = images_->create(alice_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  ASSERT_TRUE(images_->begin_upload(alice_, (*img)["id"], 3).ok());
  ImageService restarted(*store_, clock_, random_, *files_);
  EXPECT_EQ((*restarted.get(alice_, (*img)["id"]))["status"], "queued");
}

TEST_F(ImageTest, OnlyAdminPublicizesAndReadOnlyFieldsAreRefused) {
  auto pub = images_->create(alice_, {{"visibility", "public"}});
  EXPECT_EQ(pub.status().code(), Code::kForbidden);
  EXPECT_EQ(pub.status().message(), "You are not authorized to complete publicize_image action.");
  EXPECT_TRUE(images_->create(admin_, {{"visibility", "public"}}).ok());
  EXPECT_TRUE(images_->create(alice_, {{"visibility", "community"}}).ok());
  EXPECT_EQ(images_->create(alice_, {{"size", 5}}).status().code(), Code::kForbidden);
  EXPECT_EQ(images_->create(alice_, {{"min_ram", "lots"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(images_->create(alice_, {{"disk_format", "floppy"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(images_->create(alice_, {{"hw_prop", 5}}).status().code(), Code::kBadRequest);  // properties are strings
  auto img = images_->create(alice_, Json::object());
  auto p = images_->patch(alice_, (*img)["id"],
                          Json::array({{{"op", "replace"}, {"path", "/visibility"}, {"value", "public"}}}));
  EXPECT_EQ(p.status().code(), Code::kForbidden);
}

TEST_F(ImageTest, PrivateImagesAreInvisibleToOtherProjects) {
  auto img = images_->create(alice_, {{"name", "secret"}, {"visibility", "private"}});
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(images_->get(bob_, (*img)["id"]).status().code(), Code::kNotFound);
  EXPECT_TRUE(images_->list(bob_, {}).empty());
  EXPECT_EQ(images_->list(alice_, {}).size(), 1u);
  EXPECT_EQ(images_->list(admin_, {}).size(), 1u);
  EXPECT_EQ(images_->remove(bob_, (*img)["id"]).code(), Code::kNotFound);
}

TEST_F(ImageTest, CommunityImagesAreListedByDefaultOnlyToTheirOwner) {
  auto img = images_->create(alice_, {{"name", "for-all"}, {"visibility", "community"}});
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(images_->list(alice_, {}).size(), 1u);  // the owner's default list has it
  EXPECT_TRUE(images_->list(bob_, {}).empty());
  EXPECT_TRUE(images_->list(admin_, {}).empty());  // as in Glance, admins too ask for visibility=community
  EXPECT_EQ(images_->list(bob_, {"community", ""}).size(), 1u);
  EXPECT_EQ(images_->list(admin_, {"community", ""}).size(), 1u);
  EXPECT_EQ(images_->list(admin_, {"all", ""}).size(), 1u);
  EXPECT_TRUE(images_->get(bob_, (*img)["id"]).ok());
}

TEST_F(ImageTest, PublicImageCannotBeChangedByOtherProjects) {
  auto img = images_->create(admin_, {{"name", "cirros"}, {"visibility", "public"}});
  auto p =
      images_->patch(alice_, (*img)["id"], Json::array({{{"op", "replace"}, {"path", "/name"}, {"value", "mine"}}}));
  EXPECT_EQ(p.status().code(), Code::kForbidden);
  EXPECT_EQ(images_->remove(alice_, (*img)["id"]).code(), Code::kForbidden);
}

TEST_F(ImageTest, SharingNeedsTheMemberToAccept) {
  auto img = images_->create(alice_, {{"name", "shared-one"}});
  std::string id = (*img)["id"];
  ASSERT_TRUE(images_->add_member(alice_, id, "bob").ok());
  EXPECT_EQ(images_->add_member(alice_, id, "bob").status().code(), Code::kConflict);
  EXPECT_TRUE(images_->get(bob_, id).ok());      // a pending member may look it up by id
  EXPECT_TRUE(images_->list(bob_, {}).empty());  // but it is not in bob's list yet
  EXPECT_EQ(images_->list(bob_, {"", "pending"}).size(), 1u);
  EXPECT_EQ(images_->update_member(alice_, id, "bob", "accepted").status().code(), Code::kForbidden);
  ASSERT_TRUE(images_->update_member(bob_, id, "bob", "accepted").ok());
  EXPECT_EQ(images_->list(bob_, {}).size(), 1u);
  EXPECT_EQ(images_->update_member(bob_, id, "bob", "maybe").status().code(), Code::kBadRequest);
  auto priv = images_->create(alice_, {{"visibility", "private"}});
  EXPECT_EQ(images_->add_member(alice_, (*priv)["id"], "bob").status().code(), Code::kForbidden);
}

TEST_F(ImageTest, ProtectedImageCannotBeDeletedUntilUnprotected) {
  auto img = images_->create(alice_, {{"protected", true}, {"disk_format", "raw"}, {"container_format", "bare"}});
  std::string id = (*img)["id"];
  ASSERT_TRUE(upload(alice_, id, "data").ok());
  std::string location = (*store_->get("image", id))["location"];
  EXPECT_EQ(images_->remove(alice_, id).code(), Code::kForbidden);
  ASSERT_TRUE(
      images_->patch(alice_, id, Json::array({{{"op", "replace"}, {"path", "/protected"}, {"value", false}}})).ok());
  ASSERT_TRUE(images_->remove(alice_, id).ok());
  EXPECT_FALSE(files_->path_of(location).ok());  // its data went with it
}

TEST_F(ImageTest, JsonPatchOnPropertiesAndTags) {
  auto img = images_->create(alice_, {{"os_distro", "cirros"}});
  std::string id = (*img)["id"];
  auto p = images_->patch(alice_, id,
                          Json::array({{{"op", "add"}, {"path", "/hw_disk_bus"}, {"value", "scsi"}},
                                       {{"op", "replace"}, {"path", "/os_distro"}, {"value", "ubuntu"}},
                                       {{"op", "replace"}, {"path", "/tags"}, {"value", {"a", "b", "a"}}},
                                       {{"op", "replace"}, {"path", "/min_ram"}, {"value", 512}}}));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ((*p)["properties"]["hw_disk_bus"], "scsi");
  EXPECT_EQ((*p)["properties"]["os_distro"], "ubuntu");
  EXPECT_EQ((*p)["tags"], Json({"a", "b"}));
  EXPECT_EQ((*p)["min_ram"], 512);
  auto bad = images_->patch(alice_, id, Json::array({{{"op", "remove"}, {"path", "/nothing"}}}));
  EXPECT_EQ(bad.status().code(), Code::kConflict);
  EXPECT_EQ(images_->patch(alice_, id, Json::array({{{"op", "replace"}, {"path", "/status"}, {"value", "active"}}}))
                .status()
                .code(),
            Code::kForbidden);
  // A failed patch changes nothing, not even the operations before the bad one.
  auto mixed = images_->patch(
      alice_, id,
      Json::array({{{"op", "replace"}, {"path", "/name"}, {"value", "changed"}}, {{"op", "move"}, {"path", "/name"}}}));
  EXPECT_EQ(mixed.status().code(), Code::kBadRequest);
  EXPECT_TRUE((*images_->get(alice_, id))["name"].is_null());
}

TEST_F(ImageTest, CountQuotaIs413) {
  ImageOptions o;
  o.image_count_total = 2;
  ImageService limited(*store_, clock_, random_, *files_, o);
  EXPECT_TRUE(limited.create(alice_, Json::object()).ok());
  EXPECT_TRUE(limited.create(alice_, Json::object()).ok());
  auto third = limited.create(alice_, Json::object());
  EXPECT_EQ(third.status().code(), Code::kPayloadTooLarge);
  EXPECT_TRUE(limited.create(bob_, Json::object()).ok());  // per project
}

TEST_F(ImageTest, DeactivatedImageRefusesDownloadToMembersNotAdmins) {
  auto img = images_->create(admin_, {{"visibility", "public"}, {"disk_format", "raw"}, {"container_format", "bare"}});
  std::string id = (*img)["id"];
  ASSERT_TRUE(upload(admin_, id, "bits").ok());
  EXPECT_EQ(images_->deactivate(alice_, id).code(), Code::kForbidden);
  ASSERT_TRUE(images_->deactivate(admin_, id).ok());
  EXPECT_EQ(images_->download(alice_, id).status().code(), Code::kForbidden);
  EXPECT_TRUE(images_->download(admin_, id).ok());
  ASSERT_TRUE(images_->reactivate(admin_, id).ok());
  EXPECT_TRUE(images_->download(alice_, id).ok());
}

TEST_F(ImageTest, LabSeedsTheCirrosTrioOnce) {
  ASSERT_TRUE(scenarios::seed_lab_images(*images_, *store_).ok());
  auto ami = images_->get(alice_, "1958379b-6a78-41cc-9cc7-d823bf617989");
  ASSERT_TRUE(ami.ok());
  EXPECT_EQ((*ami)["name"], "cirros-0.3.4-x86_64-uec");
  EXPECT_EQ((*ami)["disk_format"], "ami");
  EXPECT_EQ((*ami)["visibility"], "public");
  EXPECT_EQ((*ami)["status"], "active");
  EXPECT_EQ((*ami)["properties"]["kernel_id"], "8f090b77-f97e-481b-bfc2-d7350ac7c3a4");
  ASSERT_TRUE(images_->remove(admin_, "8f090b77-f97e-481b-bfc2-d7350ac7c3a4").ok());
  ASSERT_TRUE(scenarios::seed_lab_images(*images_, *store_).ok());
  EXPECT_FALSE(images_->get(admin_, "8f090b77-f97e-481b-bfc2-d7350ac7c3a4").ok());
}

TEST(Qcow2, HeaderRoundTripsAndQemuImgAcceptsIt) {
  std::string img = make_empty_qcow2(2361393152ull);
  EXPECT_EQ(qcow2_virtual_size(img.substr(0, 32)), 2361393152ull);
  EXPECT_FALSE(qcow2_virtual_size(std::string(32, 'x')));
  auto path = fs::temp_directory_path() / ("stacklab-qcow2-" + std::to_string(getpid()) + ".img");
  std::ofstream(path, std::ios::binary) << img;
  // The real tool is the judge: qemu-img must find no error and the same virtual size.
  std::string cmd = "qemu-img check -f qcow2 " + path.string() + " >/dev/null 2>&1 && qemu-img info --output=json " +
                    path.string() + " | grep -q '\"virtual-size\": 2361393152'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "qemu-img (Debian qemu-utils) rejected the image";
  fs::remove(path);
}
