#include "engine/image/model.h"

#include <algorithm>
#include <array>

namespace stacklab::image {

namespace {

constexpr std::array kReadOnly = {"status",        "size",       "virtual_size", "checksum", "os_hash_algo",
                                  "os_hash_value", "created_at", "updated_at",   "file",     "schema",
                                  "self",          "direct_url", "locations",    "stores"};
constexpr std::array kCore = {
    "id",           "name",        "status",           "visibility",    "protected",  "os_hidden",
    "owner",        "disk_format", "container_format", "min_disk",      "min_ram",    "size",
    "virtual_size", "checksum",    "os_hash_algo",     "os_hash_value", "tags",       "created_at",
    "updated_at",   "file",        "schema",           "self",          "direct_url", "locations",
    "stores"};
constexpr std::array kDiskFormats = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"};
constexpr std::array kContainerFormats = {"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"};
constexpr std::array kVisibilities = {"public", "private", "shared", "community"};

template <std::size_t N>
bool one_of(const std::array<const char*, N>& set, const std::string& v) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

Status schema_error(const std::string& msg) {
  return BadRequest("Provided object does not match schema 'image': " + msg);
}

}  // namespace

bool is_read_only(const std::string& field) { return one_of(kReadOnly, field); }
bool is_core_field(const std::string& field) { return one_of(kCore, field); }

Status validate_field(const std::string& f, const Json& v) {
  auto quoted = [&] { return v.dump(); };
  if (f == "name") {
    if (!(v.is_null() || v.is_string())) return schema_error(quoted() + " is not of type 'null', 'string'");
    if (v.is_string() && v.get<std::string>().size() > 255) return schema_error(quoted() + " is too long");
  } else if (f == "id") {
    if (!v.is_string() || v.get<std::string>().size() != 36)
      return schema_error(
          quoted() +
          " does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'");
  } else if (f == "visibility") {
    if (!v.is_string() || !one_of(kVisibilities, v.get<std::string>()))
      return schema_error(quoted() + " is not one of ['community', 'public', 'private', 'shared']");
  } else if (f == "protected" || f == "os_hidden") {
    if (!v.is_boolean()) return schema_error(quoted() + " is not of type 'boolean'");
  } else if (f == "min_disk" || f == "min_ram") {
    if (!v.is_number_integer()) return schema_error(quoted() + " is not of type 'integer'");
    if (v.get<long long>() < 0) return schema_error(quoted() + " is less than the minimum of 0");
    if (v.get<long long>() > 2147483647) return schema_error(quoted() + " is greater than the maximum of 2147483647");
  } else if (f == "disk_format") {
    if (!(v.is_null() || (v.is_string() && one_of(kDiskFormats, v.get<std::string>()))))
      return schema_error(
          quoted() +
          " is not one of ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']");
  } else if (f == "container_format") {
    if (!(v.is_null() || (v.is_string() && one_of(kContainerFormats, v.get<std::string>()))))
      return schema_error(quoted() +
                          " is not one of ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']");
  } else if (f == "owner") {
    if (!(v.is_null() || v.is_string())) return schema_error(quoted() + " is not of type 'null', 'string'");
  } else if (f == "tags") {
    if (!v.is_array()) return schema_error(quoted() + " is not of type 'array'");
    for (const auto& t : v)
      if (!t.is_string() || t.get<std::string>().size() > 255 || t.get<std::string>().empty())
        return schema_error(t.dump() + " is not a valid tag");
  } else if (!is_core_field(f)) {
    if (f.size() > 255) return schema_error("property name '" + f + "' is too long");
    if (!v.is_string()) return schema_error(quoted() + " is not of type 'string'");
    if (v.get<std::string>().size() > 65535) return schema_error("the value of property '" + f + "' is too long");
  }
  return {};
}

}  // namespace stacklab::image
