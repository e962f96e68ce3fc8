#include "api/compute/block_device_params.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "api/compute/host_routes.h"

namespace stacklab::api::compute_api {

namespace {

Status invalid(const std::string& field, const Json& value, const std::string& why) {
  return BadRequest("Invalid input for field/attribute " + field + ". Value: " + value.dump() + ". " + value.dump() +
                    " " + why);
}

// An integer given as a number or a string of digits (Nova's schema allows both).
std::optional<long long> integer_of(const Json& value) {
  if (value.is_number_integer()) return value.get<long long>();
  if (!value.is_string()) return std::nullopt;
  static const std::regex re("^ *-?[0-9]+ *$");
  const std::string s = value;
  if (!std::regex_match(s, re)) return std::nullopt;
  try {
    return std::stoll(s);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<bool> nova_boolean(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (!value.is_string()) return std::nullopt;
  std::string s = value;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* t : {"true", "1", "t", "on", "y", "yes"})
    if (s == t) return true;
  for (const char* f : {"false", "0", "f", "off", "n", "no"})
    if (s == f) return false;
  return std::nullopt;
}

Result<std::vector<compute::RequestedBlockDevice>> parse_block_devices(const Json& list, const Microversion& v) {
  const std::string field = "block_device_mapping_v2";
  if (!list.is_array()) return invalid(field, list, "is not of type 'array'");
  std::vector<compute::RequestedBlockDevice> out;
  for (const Json& d : list) {
    if (!d.is_object()) return invalid(field, d, "is not of type 'object'");
    compute::RequestedBlockDevice r;
    if (d.contains("source_type")) {
      const Json& t = d["source_type"];
      if (!t.is_string() || (t != "volume" && t != "image" && t != "snapshot" && t != "blank"))
        return invalid("source_type", t, "is not one of ['volume', 'image', 'snapshot', 'blank']");
      r.source_type = t;
    }
    if (d.contains("destination_type") && !d["destination_type"].is_null()) {
      const Json& t = d["destination_type"];
      if (!t.is_string() || (t != "local" && t != "volume"))
        return invalid("destination_type", t, "is not one of ['local', 'volume']");
      r.destination_type = t;
    }
    if (r.destination_type.empty()) r.destination_type = r.source_type == "blank" ? "local" : "volume";
    if (d.contains("uuid") && !d["uuid"].is_null()) {
      if (!d["uuid"].is_string() || !is_uuid_like(d["uuid"])) return invalid("uuid", d["uuid"], "is not a 'uuid'");
      r.uuid = d["uuid"];
    }
    if (r.source_type != "blank" && r.uuid.empty())
      return BadRequest("Block Device Mapping is Invalid: Missing device UUID.");
    if (d.contains("boot_index") && !d["boot_index"].is_null()) {
      auto n = integer_of(d["boot_index"]);
      if (!n) return invalid("boot_index", d["boot_index"], "is not of type 'integer', 'string', 'null'");
      r.boot_index = static_cast<int>(*n);
    }
    if (d.contains("volume_size") && !d["volume_size"].is_null()) {
      auto n = integer_of(d["volume_size"]);
      if (!n || *n < 0) return invalid("volume_size", d["volume_size"], "is not a valid size");
      r.volume_size = *n;
    }
    if (d.contains("delete_on_termination")) {
      auto b = nova_boolean(d["delete_on_termination"]);
      if (!b) return invalid("delete_on_termination", d["delete_on_termination"], "is not a valid boolean");
      r.delete_on_termination = *b;
    }
    if (d.contains("tag")) {
      if (v < Microversion{2, 42}) return BadRequest("Additional properties are not allowed ('tag' was unexpected)");
      if (!d["tag"].is_string()) return invalid("tag", d["tag"], "is not of type 'string'");
      r.tag = d["tag"];
    }
    out.push_back(std::move(r));
  }
  return out;
}

Status check_volume_attachment_ids(const Json& a) {
  if (!a.contains("volumeId")) return BadRequest("'volumeId' is a required property");
  const Json& id = a["volumeId"];
  if (!id.is_string()) return invalid("volumeId", id, "is not of type 'string'");
  if (!is_uuid_like(id)) return invalid("volumeId", id, "is not a 'uuid'");
  if (a.contains("device") && !a["device"].is_null()) {
    static const std::regex device("(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$");
    if (!a["device"].is_string() || !std::regex_search(a["device"].get<std::string>(), device))
      return invalid("device", a["device"], "does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'");
  }
  return {};
}

}  // namespace stacklab::api::compute_api
