// /v2/schemas/*: the JSON schemas Glance publishes for its documents.
#include "api/image/image_routes.h"

namespace stacklab::api::image_api {

namespace {

Json str(const char* description, bool nullable = false, int max_length = 255) {
  Json t = nullable ? Json::array({"null", "string"}) : Json("string");
  return {{"type", t}, {"description", description}, {"maxLength", max_length}};
}

Json image_schema() {
  Json p;
  p["id"] = {{"type", "string"},
             {"description", "An identifier for the image"},
             {"pattern", "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"}};
  p["name"] = str("Descriptive name for the image", true);
  p["status"] = {
      {"type", "string"},
      {"readOnly", true},
      {"description", "Status of the image"},
      {"enum",
       {"queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"}}};
  p["visibility"] = {{"type", "string"},
                     {"description", "Scope of image accessibility"},
                     {"enum", {"community", "public", "private", "shared"}}};
  p["protected"] = {{"type", "boolean"}, {"description", "If true, image will not be deletable."}};
  p["os_hidden"] = {{"type", "boolean"},
                    {"description", "If true, image will not appear in default image list response."}};
  p["checksum"] = {{"type", {"null", "string"}},
                   {"readOnly", true},
                   {"maxLength", 32},
                   {"description", "md5 hash of image contents."}};
  p["os_hash_algo"] = {{"type", {"null", "string"}},
                       {"readOnly", true},
                       {"maxLength", 64},
                       {"description", "Algorithm to calculate the os_hash_value"}};
  p["os_hash_value"] = {
      {"type", {"null", "string"}},
      {"readOnly", true},
      {"maxLength", 128},
      {"description", "Hexdigest of the image contents using the algorithm specified by the os_hash_algo"}};
  p["owner"] = str("Owner of the image", true);
  p["size"] = {{"type", {"null", "integer"}}, {"readOnly", true}, {"description", "Size of image file in bytes"}};
  p["virtual_size"] = {
      {"type", {"null", "integer"}}, {"readOnly", true}, {"description", "Virtual size of image in bytes"}};
  p["container_format"] = {{"type", {"null", "string"}},
                           {"description", "Format of the container"},
                           {"enum", {nullptr, "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}}};
  p["disk_format"] = {
      {"type", {"null", "string"}},
      {"description", "Format of the disk"},
      {"enum", {nullptr, "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}}};
  p["created_at"] = {{"type", "string"}, {"readOnly", true}, {"description", "Date and time of image registration"}};
  p["updated_at"] = {
      {"type", "string"}, {"readOnly", true}, {"description", "Date and time of the last image modification"}};
  p["tags"] = {{"type", "array"},
               {"description", "List of strings related to the image"},
               {"items", {{"type", "string"}, {"maxLength", 255}}}};
  p["min_ram"] = {{"type", "integer"}, {"description", "Amount of ram (in MB) required to boot image."}};
  p["min_disk"] = {{"type", "integer"}, {"description", "Amount of disk space (in GB) required to boot image."}};
  p["self"] = {{"type", "string"}, {"readOnly", true}, {"description", "An image self url"}};
  p["file"] = {{"type", "string"}, {"readOnly", true}, {"description", "An image file url"}};
  p["stores"] = {{"type", "string"}, {"readOnly", true}, {"description", "Store in which image data resides."}};
  p["schema"] = {{"type", "string"}, {"readOnly", true}, {"description", "An image schema url"}};
  p["direct_url"] = {
      {"type", "string"}, {"readOnly", true}, {"description", "URL to access the image file kept in external store"}};
  p["locations"] = {{"type", "array"},
                    {"description", "A set of URLs to access the image file kept in external store"}};
  for (const char* k : {"kernel_id", "ramdisk_id"})
    p[k] = {{"type", {"null", "string"}},
            {"description",
             "ID of image stored in Glance that should be used as the kernel/ramdisk when booting an AMI-style image."},
            {"pattern", "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"}};
  p["os_distro"] =
      str("Common name of operating system distribution as specified in "
          "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html");
  p["os_version"] = str("Operating system version as specified by the distributor.");
  p["architecture"] =
      str("Operating system architecture as specified in "
          "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html");
  p["instance_uuid"] =
      str("Metadata which can be used to record which instance this image is associated with. (Informational only, "
          "does not create an instance snapshot.)");
  return {{"name", "image"},
          {"properties", p},
          {"additionalProperties", {{"type", "string"}}},
          {"links", Json::array({{{"href", "{self}"}, {"rel", "self"}},
                                 {{"href", "{file}"}, {"rel", "enclosure"}},
                                 {{"href", "{schema}"}, {"rel", "describedby"}}})}};
}

Json member_schema() {
  return {
      {"name", "member"},
      {"properties",
       {{"created_at", {{"type", "string"}, {"description", "Date and time of image member creation"}}},
        {"image_id", {{"type", "string"}, {"description", "An identifier for the image"}}},
        {"member_id", {{"type", "string"}, {"description", "An identifier for the image member (tenantId)"}}},
        {"schema", {{"type", "string"}, {"readOnly", true}}},
        {"status",
         {{"type", "string"},
          {"description", "The status of this image member"},
          {"enum", {"pending", "accepted", "rejected"}}}},
        {"updated_at", {{"type", "string"}, {"description", "Date and time of last modification of image member"}}}}}};
}

}  // namespace

void add_schema_routes(Router& r) {
  r.add_sync("GET", "/v2/schemas/image", [](Request&) { return json_response(200, image_schema()); });
  r.add_sync("GET", "/v2/schemas/images", [](Request&) {
    return json_response(200, {{"name", "images"},
                               {"properties",
                                {{"images", {{"type", "array"}, {"items", image_schema()}}},
                                 {"schema", {{"type", "string"}}},
                                 {"first", {{"type", "string"}}},
                                 {"next", {{"type", "string"}}}}},
                               {"links", Json::array({{{"href", "{first}"}, {"rel", "first"}},
                                                      {{"href", "{next}"}, {"rel", "next"}},
                                                      {{"href", "{schema}"}, {"rel", "describedby"}}})}});
  });
  r.add_sync("GET", "/v2/schemas/member", [](Request&) { return json_response(200, member_schema()); });
  r.add_sync("GET", "/v2/schemas/members", [](Request&) {
    return json_response(
        200, {{"name", "members"},
              {"properties",
               {{"members", {{"type", "array"}, {"items", member_schema()}}}, {"schema", {{"type", "string"}}}}},
              {"links", Json::array({{{"href", "{schema}"}, {"rel", "describedby"}}})}});
  });
}

}  // namespace stacklab::api::image_api
