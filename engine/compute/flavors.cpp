#include "engine/compute/flavors.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

constexpr long long kMaxInt = 2147483647;

Status not_found(const std::string& id) { return NotFound("Flavor " + id + " could not be found."); }

Status invalid(const std::string& field, const Json& value, const std::string& why) {
  return BadRequest("Invalid input for field/attribute " + field +
                    ". Value: " + (value.is_string() ? value.get<std::string>() : value.dump()) + ". " + why);
}

// Nova's flavor_param_positive / _non_negative: an integer, or a string of digits.
Result<long long> integer_field(const std::string& field, const Json& v, long long min) {
  long long n;
  if (v.is_number_integer()) {
    n = v.get<long long>();
  } else if (const std::string* s = v.get_ptr<const std::string*>();
             s && !s->empty() && s->size() < 19 && std::all_of(s->begin(), s->end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0;
             })) {
    n = std::stoll(*s);
  } else if (v.is_string()) {
    return invalid(field, v, v.dump() + " does not match '^[0-9]+$'");
  } else {
    return invalid(field, v, v.dump() + " is not of type 'integer', 'string'");
  }
  if (n < min) return invalid(field, v, v.dump() + " is less than the minimum of " + std::to_string(min));
  if (n > kMaxInt) return invalid(field, v, v.dump() + " is greater than the maximum of " + std::to_string(kMaxInt));
  return n;
}

Result<bool> boolean_field(const std::string& field, const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = v;
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true" || s == "1" || s == "on" || s == "yes") return true;
    if (s == "false" || s == "0" || s == "off" || s == "no") return false;
  }
  return invalid(field, v, v.dump() + " is not of type 'boolean', 'string'");
}

bool printable_name(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool valid_flavor_id(const std::string& s) {
  if (s.empty() || s.size() > 255 || s.front() == ' ' || s.back() == ' ') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ' ' || c == '_' || c == '-';
  });
}

// POST /flavors' "flavor" object as a stored document (no id yet when absent).
Result<Json> parse_flavor(const Json& body) {
  if (!body.is_object())
    return BadRequest("Invalid input for field/attribute flavor. Value: " + body.dump() + ". " + body.dump() +
                      " is not of type 'object'");
  static const char* kKnown[] = {"name",       "id",          "ram",
                                 "vcpus",      "disk",        "OS-FLV-EXT-DATA:ephemeral",
                                 "swap",       "rxtx_factor", "os-flavor-access:is_public",
                                 "description"};
  for (const auto& [k, v] : body.items())
    if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown))
      return BadRequest("Additional properties are not allowed ('" + k + "' was unexpected)");
  for (const char* k : {"name", "ram", "vcpus", "disk"})
    if (!body.contains(k)) return BadRequest(std::string("'") + k + "' is a required property");
  Json doc = {{"ephemeral", 0},
              {"swap", 0},
              {"rxtx_factor", 1.0},
              {"is_public", true},
              {"disabled", false},
              {"description", nullptr},
              {"extra_specs", Json::object()}};
  const Json& name = body["name"];
  if (!name.is_string()) return invalid("name", name, name.dump() + " is not of type 'string'");
  if (name.get<std::string>().size() > 255) return invalid("name", name, name.dump() + " is too long");
  if (!printable_name(name)) return invalid("name", name, name.dump() + " does not match the name pattern");
  doc["name"] = name;
  if (body.contains("id") && !body["id"].is_null()) {
    Json id = body["id"];
    if (id.is_number()) id = id.is_number_integer() ? std::to_string(id.get<long long>()) : id.dump();
    if (!id.is_string()) return invalid("id", id, id.dump() + " is not of type 'string', 'number', 'null'");
    if (id != "auto") {
      if (!valid_flavor_id(id)) return invalid("id", id, id.dump() + " does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'");
      doc["id"] = id;
    }
  }
  struct Int {
    const char* key;
    const char* field;
    long long min;
  };
  for (const Int& f : {Int{"ram", "ram", 1}, Int{"vcpus", "vcpus", 1}, Int{"disk", "disk", 0},
                       Int{"OS-FLV-EXT-DATA:ephemeral", "ephemeral", 0}, Int{"swap", "swap", 0}}) {
    if (!body.contains(f.key)) continue;
    auto n = integer_field(f.key, body[f.key], f.min);
    if (!n.ok()) return n.status();
    doc[f.field] = *n;
  }
  if (body.contains("rxtx_factor")) {
    const Json& v = body["rxtx_factor"];
    double x = 0;
    if (v.is_number()) {
      x = v.get<double>();
    } else {
      try {
        std::size_t used = 0;
        x = std::stod(v.is_string() ? v.get<std::string>() : std::string("x"), &used);
        if (used != v.get<std::string>().size()) throw std::invalid_argument("rxtx");
      } catch (...) {
        return invalid("rxtx_factor", v, v.dump() + " is not of type 'number', 'string'");
      }
    }
    if (!(x > 0)) return invalid("rxtx_factor", v, v.dump() + " is less than or equal to the minimum of 0");
    if (x > 3.40282e38) return invalid("rxtx_factor", v, v.dump() + " is greater than the maximum of 3.40282e+38");
    doc["rxtx_factor"] = x;
  }
  if (body.contains("os-flavor-access:is_public")) {
    auto b = boolean_field("os-flavor-access:is_public", body["os-flavor-access:is_public"]);
    if (!b.ok()) return b.status();
    doc["is_public"] = *b;
  }
  if (body.contains("description")) {
    const Json& d = body["description"];
    if (!d.is_null() && !d.is_string()) return invalid("description", d, d.dump() + " is not of type 'string', 'null'");
    if (d.is_string() && d.get<std::string>().size() > 65535)
      return invalid("description", d, d.dump() + " is too long");
    doc["description"] = d;
  }
  return doc;
}

}  // namespace

Status validate_extra_spec(const std::string& key, const Json& value) {
  bool key_ok = !key.empty() && key.size() <= 255 && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
  });
  if (!key_ok)
    return BadRequest("Invalid input for field/attribute extra_specs. Value: " + key + ". '" + key +
                      "' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'");
  if (!value.is_string() && !value.is_number() && !value.is_boolean())
    return BadRequest("Invalid input for field/attribute " + key + ". Value: " + value.dump() + ". " + value.dump() +
                      " is not of type 'string', 'number', 'boolean'");
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 255)
    return BadRequest("Invalid input for field/attribute " + key + ". Value: " + text + ". '" + text + "' is too long");
  return {};
}

FlavorService::FlavorService(Store& store, Clock& clock, Random& random, const Policy& policy)
    : store_(store), clock_(clock), random_(random), policy_(policy) {
  store_.define("flavor", {"name"});
  store_.define("flavor_access", {"flavor_id", "project_id"});
  store_.define("stacklab_meta");
}

bool FlavorService::has_access(const std::string& flavor_id, const std::string& project_id) const {
  return !project_id.empty() && store_.get("flavor_access", flavor_id + ":" + project_id) != nullptr;
}

bool FlavorService::visible(const Credentials& caller, const Json& f) const {
  return caller.is_admin() || f["is_public"] == true || has_access(f["id"], caller.project_id);
}

Result<Json> FlavorService::find(const Credentials& caller, const std::string& id) const {
  const Json* f = store_.get("flavor", id);
  if (!f || !visible(caller, *f)) return not_found(id);
  return *f;
}

std::vector<std::string> FlavorService::projects_of(const std::string& flavor_id) const {
  std::vector<std::string> out;
  for (const Json* a : store_.find("flavor_access", "flavor_id", flavor_id)) out.push_back((*a)["project_id"]);
  return out;
}

Status FlavorService::touch_and_put(Json doc) {
  doc["updated_at"] = format_iso_seconds(clock_.now());
  std::string id = doc["id"];
  return store_.put("flavor", id, std::move(doc));
}

Result<Json> FlavorService::create(const Credentials& caller, const Json& body) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-manage:create", caller);
  if (!st.ok()) return st;
  return create_unchecked(body);
}

Result<Json> FlavorService::create_unchecked(const Json& body) {
  auto doc = parse_flavor(body);
  if (!doc.ok()) return doc;
  if (!doc->contains("id")) (*doc)["id"] = random_.uuid4();
  std::string id = (*doc)["id"];
  if (!store_.find("flavor", "name", (*doc)["name"]).empty())
    return Conflict("Flavor with name " + (*doc)["name"].get<std::string>() + " already exists.");
  if (store_.get("flavor", id)) return Conflict("Flavor with ID " + id + " already exists.");
  // Nova's internal id: creation order, kept across restarts and deletes.
  const Json* seq = store_.get("stacklab_meta", "flavor_seq");
  long long next = seq ? (*seq)["value"].get<long long>() + 1 : 1;
  (*doc)["seq"] = next;
  (*doc)["created_at"] = format_iso_seconds(clock_.now());
  (*doc)["updated_at"] = nullptr;

  Status st = store_.transaction([&]() -> Status {
    Status s = store_.put("stacklab_meta", "flavor_seq", Json{{"id", "flavor_seq"}, {"value", next}});
    return s.ok() ? store_.put("flavor", id, *doc) : s;
  });
  if (!st.ok()) return st;
  return *doc;
}

Result<Json> FlavorService::get(const Credentials& caller, const std::string& id) const { return find(caller, id); }

std::vector<Json> FlavorService::list(const Credentials& caller, const FlavorFilter& filter) const {
  std::vector<Json> out;
  for (const Json* f : store_.list("flavor")) {
    if (!visible(caller, *f)) continue;
    // Nova: non-admins always list as is_public=True, which also brings the
    // private flavors their project may use; admins choose.
    std::optional<bool> want = caller.is_admin() ? filter.is_public : std::optional<bool>(true);
    if (want) {
      bool pub = (*f)["is_public"] == true;
      bool keep = *want ? (pub || has_access((*f)["id"], caller.project_id)) : !pub;
      if (!keep) continue;
    }
    if (filter.min_ram && (*f)["ram"].get<long long>() < *filter.min_ram) continue;
    if (filter.min_disk && (*f)["disk"].get<long long>() < *filter.min_disk) continue;
    out.push_back(*f);
  }
  return out;
}

Result<Json> FlavorService::set_description(const Credentials& caller, const std::string& id,
                                            const std::optional<std::string>& description) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-manage:update", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f;
  if (description && description->size() > 65535)
    return BadRequest("Invalid input for field/attribute description. Value: " + *description + ". too long");
  (*f)["description"] = description ? Json(*description) : Json();
  st = touch_and_put(*f);
  if (!st.ok()) return st;
  return *store_.get("flavor", id);
}

Status FlavorService::remove(const Credentials& caller, const std::string& id) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-manage:delete", caller);
  if (!st.ok()) return st;
  if (!store_.get("flavor", id)) return not_found(id);
  return store_.transaction([&]() -> Status {
    for (const std::string& p : projects_of(id)) {
      Status s = store_.erase("flavor_access", id + ":" + p);
      if (!s.ok()) return s;
    }
    return store_.erase("flavor", id);
  });
}

Result<Json> FlavorService::extra_specs(const Credentials& caller, const std::string& id) const {
  Status st = authorize(policy_, "os_compute_api:os-flavor-extra-specs:index", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f;
  return (*f)["extra_specs"];
}

Result<Json> FlavorService::set_extra_specs(const Credentials& caller, const std::string& id, const Json& specs,
                                            bool update) {
  Status st = authorize(
      policy_, update ? "os_compute_api:os-flavor-extra-specs:update" : "os_compute_api:os-flavor-extra-specs:create",
      caller);
  if (!st.ok()) return st;
  if (!specs.is_object())
    return BadRequest("Invalid input for field/attribute extra_specs. Value: " + specs.dump() + ". " + specs.dump() +
                      " is not of type 'object'");
  Json stored = Json::object();
  for (const auto& [k, v] : specs.items()) {
    st = validate_extra_spec(k, v);
    if (!st.ok()) return st;
    stored[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  auto f = find(caller, id);
  if (!f.ok()) return f;
  for (const auto& [k, v] : stored.items()) (*f)["extra_specs"][k] = v;
  st = touch_and_put(*f);
  if (!st.ok()) return st;
  return specs;
}

Result<std::string> FlavorService::extra_spec(const Credentials& caller, const std::string& id,
                                              const std::string& key) const {
  Status st = authorize(policy_, "os_compute_api:os-flavor-extra-specs:show", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f.status();
  const Json& specs = (*f)["extra_specs"];
  if (!specs.contains(key)) return NotFound("Flavor " + id + " has no extra specs with key " + key + ".");
  return specs[key].get<std::string>();
}

Status FlavorService::remove_extra_spec(const Credentials& caller, const std::string& id, const std::string& key) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-extra-specs:delete", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f.status();
  if (!(*f)["extra_specs"].contains(key)) return NotFound("Flavor " + id + " has no extra specs with key " + key + ".");
  (*f)["extra_specs"].erase(key);
  return touch_and_put(*f);
}

Result<std::vector<std::string>> FlavorService::access(const Credentials& caller, const std::string& id) const {
  Status st = authorize(policy_, "os_compute_api:os-flavor-access", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f.status();
  if ((*f)["is_public"] == true) return NotFound("Access list not available for public flavors.");
  return projects_of(id);
}

Result<std::vector<std::string>> FlavorService::add_access(const Credentials& caller, const std::string& id,
                                                           const std::string& project) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-access:add_tenant_access", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f.status();
  if ((*f)["is_public"] == true) return Conflict("Can not add access to a public flavor.");
  if (has_access(id, project))
    return Conflict("Flavor access already exists for flavor " + id + " and project " + project + " combination.");
  st = store_.put("flavor_access", id + ":" + project,
                  Json{{"id", id + ":" + project}, {"flavor_id", id}, {"project_id", project}});
  if (!st.ok()) return st;
  return projects_of(id);
}

Result<std::vector<std::string>> FlavorService::remove_access(const Credentials& caller, const std::string& id,
                                                              const std::string& project) {
  Status st = authorize(policy_, "os_compute_api:os-flavor-access:remove_tenant_access", caller);
  if (!st.ok()) return st;
  auto f = find(caller, id);
  if (!f.ok()) return f.status();
  if (!has_access(id, project))
    return NotFound("Flavor access not found for " + id + " / " + project + " combination.");
  st = store_.erase("flavor_access", id + ":" + project);
  if (!st.ok()) return st;
  return projects_of(id);
}

}  // namespace stacklab::compute
