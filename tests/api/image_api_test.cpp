// Images over real HTTP: streamed upload, download with ranges, JSON-patch,
// sharing between projects, bad input.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::HttpClient;
using stacklab::testing::HttpResult;
using stacklab::testing::LabCloudTest;
using Json = nlohmann::json;

namespace {

std::string md5_hex(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
  char buf[3];
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    snprintf(buf, sizeof buf, "%02x", out[i]);
    s += buf;
  }
  return s;
}

class ImageApiTest : public LabCloudTest {
 protected:
  HttpResult call(const std::string& tok, const std::string& method, const std::string& path,
                  const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    headers["X-Auth-Token"] = tok;
    return client.request(method, path, body, headers);
  }
  std::string create(const std::string& tok, const Json& body) {
    auto r = call(tok, "POST", "/image/v2/images", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
};

}  // namespace

TEST_F(ImageApiTest, UploadLargerThanTheJsonBodyLimitAndDownloadItBack) {
  std::string id = create(demo_, {{"name", "big"}, {"disk_format", "raw"}, {"container_format", "bare"}});
  std::string data(3 << 20, '\0');  // 3 MiB, far above the 64 KiB JSON limit: it must be streamed
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7919) >> 3);
  auto put =
      call(demo_, "PUT", "/image/v2/images/" + id + "/file", data, {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(put.status, 204) << put.body;
  Json img = call(demo_, "GET", "/image/v2/images/" + id).json();
  EXPECT_EQ(img["status"], "active");
  EXPECT_EQ(img["size"], data.size());
  EXPECT_EQ(img["checksum"], md5_hex(data));
  auto get = call(demo_, "GET", "/image/v2/images/" + id + "/file");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.header("content-md5"), md5_hex(data));
  EXPECT_TRUE(get.body == data);
  auto range = call(demo_, "GET", "/image/v2/images/" + id + "/file", "", {{"Range", "bytes=10-19"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, data.substr(10, 10));
  EXPECT_EQ(range.header("content-range"), "bytes 10-19/" + std::to_string(data.size()));
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id + "/file", "", {{"Range", "bytes=99999999-"}}).status, 416);
  // A second upload of an active image is a conflict and changes nothing.
  EXPECT_EQ(call(demo_, "PUT", "/image/v2/images/" + id + "/file", "x", {{"Content-Type", "application/octet-stream"}})
                .status,
            409);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id).json()["size"], data.size());
}

TEST_F(ImageApiTest, QueuedImageHasNoDataAndWrongUploadTypeIs415) {
  std::string id = create(demo_, {{"name", "empty"}, {"disk_format", "qcow2"}, {"container_format", "bare"}});
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id + "/file").status, 204);
  EXPECT_EQ(call(demo_, "PUT", "/image/v2/images/" + id + "/file", "{}", {{"Content-Type", "application/json"}}).status,
            415);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id).json()["status"], "queued");
}

TEST_F(ImageApiTest, StageThenImportWithGlanceDirect) {
  // The create answer advertises the import methods (openstacksdk's `image create --import` needs it).
  auto created = call(demo_, "POST", "/image/v2/images",
                      Json({{"name", "imported"}, {"disk_format", "raw"}, {"container_format", "bare"}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("openstack-image-import-methods"), "glance-direct");
  std::string id = created.json()["id"];
  ASSERT_EQ(call(demo_, "PUT", "/image/v2/images/" + id + "/stage", "staged bytes",
                 {{"Content-Type", "application/octet-stream"}})
                .status,
            204);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id).json()["status"], "uploading");
  auto web = call(demo_, "POST", "/image/v2/images/" + id + "/import",
                  R"({"method": {"name": "web-download", "uri": "http://x"}})");
  EXPECT_EQ(web.status, 400);
  EXPECT_NE(web.body.find("internet"), std::string::npos);
  ASSERT_EQ(
      call(demo_, "POST", "/image/v2/images/" + id + "/import", R"({"method": {"name": "glance-direct"}})").status,
      202);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id).json()["status"], "active");
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id + "/file").body, "staged bytes");
  Json methods = call(demo_, "GET", "/image/v2/info/import").json();
  EXPECT_EQ(methods["import-methods"]["value"], Json({"glance-direct"}));
}

TEST_F(ImageApiTest, PatchNeedsTheJsonPatchMediaType) {
  std::string id = create(demo_, {{"name", "p"}});
  std::string ops = R"([{"op": "replace", "path": "/name", "value": "q"}])";
  EXPECT_EQ(call(demo_, "PATCH", "/image/v2/images/" + id, ops, {{"Content-Type", "application/json"}}).status, 415);
  auto ok = call(demo_, "PATCH", "/image/v2/images/" + id, ops,
                 {{"Content-Type", "application/openstack-images-v2.1-json-patch"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["name"], "q");
  EXPECT_EQ(call(demo_, "PATCH", "/image/v2/images/" + id, "[{",
                 {{"Content-Type", "application/openstack-images-v2.1-json-patch"}})
                .status,
            400);
}

TEST_F(ImageApiTest, SharedImageReachesAnotherProjectOnlyAfterItAccepts) {
  std::string id = create(demo_, {{"name", "to-share"}, {"visibility", "shared"}});
  // alt_demo's project id, from its token.
  HttpClient c(cloud_->port());
  Json tok =
      c.request("GET", "/identity/v3/auth/tokens", "", {{"X-Auth-Token", alt_}, {"X-Subject-Token", alt_}}).json();
  std::string alt_project = tok["token"]["project"]["id"];
  auto added = call(demo_, "POST", "/image/v2/images/" + id + "/members", Json{{"member", alt_project}}.dump());
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.json()["status"], "pending");
  auto in_list = [&] {
    Json listed = call(alt_, "GET", "/image/v2/images").json();
    for (const auto& img : listed["images"])
      if (img["id"] == id) return true;
    return false;
  };
  EXPECT_FALSE(in_list());
  EXPECT_EQ(call(alt_, "PUT", "/image/v2/images/" + id + "/members/" + alt_project, R"({"status": "accepted"})").status,
            200);
  EXPECT_TRUE(in_list());
  // alt_demo may use it but not change it.
  EXPECT_EQ(call(alt_, "DELETE", "/image/v2/images/" + id).status, 403);
}

TEST_F(ImageApiTest, ListFiltersSortsAndPages) {
  for (int i = 0; i < 3; ++i)
    create(admin_, {{"name", "page-" + std::to_string(i)}, {"disk_format", "iso"}, {"container_format", "bare"}});
  auto first = call(admin_, "GET", "/image/v2/images?disk_format=iso&limit=2&sort_key=name&sort_dir=asc");
  ASSERT_EQ(first.status, 200);
  Json body = first.json();
  ASSERT_EQ(body["images"].size(), 2u);
  EXPECT_EQ(body["images"][0]["name"], "page-0");
  ASSERT_TRUE(body.contains("next"));
  auto second = call(admin_, "GET", "/image" + body["next"].get<std::string>());
  EXPECT_EQ(second.json()["images"].size(), 1u);
  EXPECT_EQ(second.json()["images"][0]["name"], "page-2");
  EXPECT_EQ(call(admin_, "GET", "/image/v2/images?name=in:page-0,page-1").json()["images"].size(), 2u);
  EXPECT_EQ(call(admin_, "GET", "/image/v2/images?sort_key=password").status, 400);
  EXPECT_EQ(call(admin_, "GET", "/image/v2/images?marker=nope").status, 400);
}

TEST_F(ImageApiTest, ImagesMadeWithinOneSecondSortInCreationOrder) {
  // created_at shows whole seconds; the service's hidden creation order breaks the ties.
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i)
    made.push_back(create(demo_, {{"name", "tie-" + std::to_string(i)},
                                  {"disk_format", "raw"},
                                  {"container_format", "bare"},
                                  {"tie_group", "t"}}));
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    const Json listed = call(demo_, "GET", "/image/v2/images?tie_group=t" + query).json();
    for (const Json& img : listed["images"]) {
      EXPECT_FALSE(img.contains("created_seq")) << "the creation order is not Glance's field";
      out.push_back(img["id"]);
    }
    return out;
  };
  EXPECT_EQ(ids("&sort_key=created_at&sort_dir=asc"), made);
  std::vector<std::string> newest_first(made.rbegin(), made.rend());
  EXPECT_EQ(ids("&sort_key=created_at&sort_dir=desc"), newest_first);
  EXPECT_EQ(ids(""), newest_first);  // the default order
  EXPECT_EQ(ids("&sort=created_at:asc"), made);
  for (const auto& id : made) EXPECT_EQ(call(demo_, "DELETE", "/image/v2/images/" + id).status, 204);
}

TEST_F(ImageApiTest, LabImagesArePublicAndProtectedFromMembers) {
  auto r = call(demo_, "GET", "/image/v2/images/1958379b-6a78-41cc-9cc7-d823bf617989");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["kernel_id"], "8f090b77-f97e-481b-bfc2-d7350ac7c3a4");
  EXPECT_EQ(r.json()["self"], "/v2/images/1958379b-6a78-41cc-9cc7-d823bf617989");
  EXPECT_EQ(call(demo_, "DELETE", "/image/v2/images/1958379b-6a78-41cc-9cc7-d823bf617989").status, 403);
  EXPECT_EQ(call(demo_, "POST", "/image/v2/images/1958379b-6a78-41cc-9cc7-d823bf617989/actions/deactivate").status,
            403);
  EXPECT_EQ(client.request("GET", "/image/v2/images").status, 401);
  EXPECT_EQ(client.request("GET", "/image").status, 300);
}

TEST_F(ImageApiTest, PatchV20SpellsTheOperationAsTheKey) {
  // application/openstack-images-v2.0-json-patch, as tempest and older clients send it.
  std::string id = create(demo_, {{"name", "p"}});
  std::map<std::string, std::string> v20 = {{"Content-Type", "application/openstack-images-v2.0-json-patch"}};
  auto ok = call(demo_, "PATCH", "/image/v2/images/" + id,
                 R"([{"replace": "/name", "value": "q"}, {"add": "/color", "value": "blue"}])", v20);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["name"], "q");
  EXPECT_EQ(ok.json()["color"], "blue");
  EXPECT_EQ(call(demo_, "PATCH", "/image/v2/images/" + id, R"([{"remove": "/color"}])", v20).status, 200);
  EXPECT_EQ(call(demo_, "PATCH", "/image/v2/images/" + id, R"([{"op": "remove", "path": "/name"}])", v20).status, 400);
  EXPECT_EQ(
      call(demo_, "PATCH", "/image/v2/images/" + id, R"([{"add": "/a", "replace": "/b", "value": "x"}])", v20).status,
      400);
  auto bad_type = call(demo_, "PATCH", "/image/v2/images/" + id, "[]", {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad_type.status, 415);
  EXPECT_NE(bad_type.header("accept-patch").find("application/openstack-images-v2.1-json-patch"), std::string::npos);
}

TEST_F(ImageApiTest, AnEmptyImageIdIsNotFound) {
  // Glance routes /v2/images/ nowhere, unlike /v2/images.
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/").status, 404);
  EXPECT_EQ(call(demo_, "DELETE", "/image/v2/images/").status, 404);
  auto del = call(demo_, "DELETE", "/image/v2/images");
  EXPECT_EQ(del.status, 405);
  EXPECT_EQ(del.header("allow"), "GET, POST");
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images").status, 200);
}

TEST_F(ImageApiTest, TheOwnerMayDeactivateItsImage) {
  std::string id = create(demo_, {{"name", "d"}, {"disk_format", "raw"}, {"container_format", "bare"}});
  auto put =
      call(demo_, "PUT", "/image/v2/images/" + id + "/file", "bits", {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(put.status, 204) << put.body;
  auto shared = call(demo_, "PATCH", "/image/v2/images/" + id, R"([{"replace": "/visibility", "value": "community"}])",
                     {{"Content-Type", "application/openstack-images-v2.0-json-patch"}});
  ASSERT_EQ(shared.status, 200) << shared.body;  // so that alt_demo sees it
  EXPECT_EQ(call(alt_, "POST", "/image/v2/images/" + id + "/actions/deactivate").status, 403);
  EXPECT_EQ(call(demo_, "POST", "/image/v2/images/" + id + "/actions/deactivate").status, 204);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id + "/file").status, 403);  // non-admins, the owner too
  EXPECT_EQ(call(alt_, "POST", "/image/v2/images/" + id + "/actions/reactivate").status, 403);
  EXPECT_EQ(call(demo_, "POST", "/image/v2/images/" + id + "/actions/reactivate").status, 204);
  EXPECT_EQ(call(demo_, "GET", "/image/v2/images/" + id + "/file").body, "bits");
}

// Horizon's Metadata Definitions panel and "Update Metadata" dialogs list the
// namespaces (by resource type): none here, and a named one is not found.
TEST_F(ImageApiTest, MetadataDefinitionNamespacesAreAnEmptyCatalog) {
  auto list = call(demo_, "GET", "/image/v2/metadefs/namespaces?resource_types=OS%3A%3ANova%3A%3AServer&limit=1000");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["namespaces"], Json::array());
  EXPECT_EQ(list.json()["schema"], "/v2/schemas/metadefs/namespaces");
  auto one = call(demo_, "GET", "/image/v2/metadefs/namespaces/OS::Compute::Hypervisor");
  EXPECT_EQ(one.status, 404);
  EXPECT_NE(one.body.find("Metadata definition namespace=OS::Compute::Hypervisor was not found."), std::string::npos)
      << one.body;
  EXPECT_EQ(call(demo_, "GET", "/image/v2/metadefs/resource_types").json()["resource_types"], Json::array());
  EXPECT_EQ(call("", "GET", "/image/v2/metadefs/namespaces").status, 401);
  // python-glanceclient builds its model from this schema before it lists.
  auto schema = call(demo_, "GET", "/image/v2/schemas/metadefs/namespace");
  ASSERT_EQ(schema.status, 200) << schema.body;
  EXPECT_EQ(schema.json()["name"], "namespace");
  EXPECT_TRUE(schema.json()["properties"].contains("resource_type_associations"));
}
