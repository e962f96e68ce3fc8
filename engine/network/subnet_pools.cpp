// Subnet pools: prefixes (compacted, only ever growing), prefix-length
// bounds, one default pool per IP version, and the allocation of a subnet's
// cidr from a pool (the requested cidr, or the first free block of the
// requested length, smallest free blocks first, as Neutron's allocator).
// A pool's allocations are the cidrs of the subnets naming it, so deleting a
// subnet gives its prefix back. default_quota caps what one project draws.
#include <algorithm>
#include <cmath>

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kSubnetPoolFilters = {"id",
                                                     "name",
                                                     "project_id",
                                                     "tenant_id",
                                                     "ip_version",
                                                     "default_prefixlen",
                                                     "min_prefixlen",
                                                     "max_prefixlen",
                                                     "shared",
                                                     "is_default",
                                                     "address_scope_id",
                                                     "default_quota",
                                                     "description",
                                                     "revision_number",
                                                     "created_at",
                                                     "updated_at"};

namespace {

const std::set<std::string> kSubnetPoolFields = attribute_set(kSubnetPoolFilters, {"prefixes", "tags"});

Status pool_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "SubnetPoolNotFound", "Subnet pool " + id + " could not be found.");
}

Status bad_subnets_request(const std::string& why) { return bad_request("subnets", why); }

Json pool_target(const Json& pool) { return {{"project_id", pool["project_id"]}, {"shared", pool["shared"]}}; }

int address_bits(int version) { return version == 4 ? 32 : 128; }

std::vector<Cidr> pool_prefixes(const Json& pool) {
  std::vector<Cidr> out;
  for (const Json& p : pool["prefixes"]) out.push_back(parse_cidr(p)->cidr);
  return out;
}

// A prefix length given as an integer or its decimal text.
Result<int> to_prefixlen(const std::string& field, const Json& value) {
  if (value.is_number_integer()) return value.get<int>();
  if (value.is_string() && !value.get<std::string>().empty() && value.get<std::string>().size() < 4 &&
      std::all_of(value.get_ref<const std::string&>().begin(), value.get_ref<const std::string&>().end(), ::isdigit))
    return std::stoi(value.get<std::string>());
  return invalid_attribute(field, in_quotes(text_of(value)) + " is not an integer");
}

// Parses `prefixes` (a non-empty list of cidrs of one version) into the
// compacted list Neutron stores.
Result<std::vector<Cidr>> parse_prefixes(const Json& prefixes, int& version) {
  if (!prefixes.is_array()) return invalid_attribute("prefixes", in_quotes(prefixes.dump()) + " is not a list");
  if (prefixes.empty())
    return neutron_error(Code::kBadRequest, "EmptySubnetPoolPrefixList", "Empty subnet pool prefix list.");
  std::vector<IpRange> ranges;
  for (const Json& p : prefixes) {
    auto c = parse_cidr(text_of(p));
    if (!c) return invalid_attribute("prefixes", in_quotes(text_of(p)) + " is not a valid IP subnet");
    if (version && c->cidr.version != version)
      return neutron_error(Code::kBadRequest, "PrefixVersionMismatch",
                           "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.");
    version = c->cidr.version;
    ranges.push_back({c->cidr.first(), c->cidr.last()});
  }
  return cidrs_of(version, ranges);
}

Json prefix_texts(const std::vector<Cidr>& cidrs) {
  Json out = Json::array();
  for (const Cidr& c : cidrs) out.push_back(c.str());
  return out;
}

Status illegal_bounds(const char* type, int len, const char* base_type, int base_len) {
  return neutron_error(Code::kBadRequest, "IllegalSubnetPoolPrefixBounds",
                       std::string("Illegal prefix bounds: ") + type + "=" + std::to_string(len) + ", " + base_type +
                           "=" + std::to_string(base_len) + ".");
}

// Reads min/max/default_prefixlen from `body` over what `pool` has (or the
// version's defaults) and checks min <= default <= max <= address bits.
Status apply_prefix_bounds(const Json& body, Json& pool) {
  int version = pool["ip_version"];
  int bits = address_bits(version);
  for (const char* f : {"min_prefixlen", "max_prefixlen", "default_prefixlen"}) {
    if (!body.contains(f) || body[f].is_null()) continue;
    auto len = to_prefixlen(f, body[f]);
    if (!len.ok()) return len.status();
    pool[f] = *len;
  }
  if (pool["min_prefixlen"].is_null()) pool["min_prefixlen"] = version == 4 ? 8 : 64;
  if (pool["max_prefixlen"].is_null()) pool["max_prefixlen"] = bits;
  if (pool["default_prefixlen"].is_null()) pool["default_prefixlen"] = pool["min_prefixlen"];
  int lo = pool["min_prefixlen"], hi = pool["max_prefixlen"], def = pool["default_prefixlen"];
  if (lo < 0 || lo > hi) return illegal_bounds("min_prefixlen", lo, "max_prefixlen", hi);
  if (hi > bits) return illegal_bounds("max_prefixlen", hi, "ip_version_max", bits);
  if (def < lo) return illegal_bounds("default_prefixlen", def, "min_prefixlen", lo);
  if (def > hi) return illegal_bounds("default_prefixlen", def, "max_prefixlen", hi);
  return {};
}

Status copy_default_quota(const Json& body, Json& pool) {
  if (!body.contains("default_quota")) return {};
  const Json& q = body["default_quota"];
  if (q.is_null()) {
    pool["default_quota"] = nullptr;
    return {};
  }
  if (!q.is_number_integer() || q.get<long long>() < 0)
    return invalid_attribute("default_quota", in_quotes(text_of(q)) + " is not a non-negative integer");
  pool["default_quota"] = q;
  return {};
}

}  // namespace

Result<const Json*> NetworkService::visible_subnet_pool(const Credentials& caller, const std::string& id) const {
  const Json* p = store_.get("subnetpool", id);
  if (!p || !policy_.allowed("get_subnetpool", caller, pool_target(*p))) return pool_not_found(id);
  return p;
}

Result<Json> NetworkService::create_subnet_pool(const Credentials& caller, const Json& body, const std::string& id) {
  Status st =
      check_attributes(body,
                       {"name", "prefixes", "default_prefixlen", "min_prefixlen", "max_prefixlen", "default_quota",
                        "shared", "is_default", "address_scope_id", "description", "tags", "project_id", "tenant_id"},
                       kSubnetPoolFields, "POST");
  if (!st.ok()) return st;
  for (const char* required : {"name", "prefixes"})
    if (!body.contains(required))
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           std::string("Failed to parse request. Required attribute '") + required + "' not specified");
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();
  int version = 0;
  auto prefixes = parse_prefixes(body["prefixes"], version);
  if (!prefixes.ok()) return prefixes.status();
  Json pool = {{"id", id.empty() ? new_id() : id},
               {"name", ""},
               {"ip_version", version},
               {"prefixes", prefix_texts(*prefixes)},
               {"min_prefixlen", nullptr},
               {"max_prefixlen", nullptr},
               {"default_prefixlen", nullptr},
               {"default_quota", nullptr},
               {"shared", false},
               {"is_default", false},
               {"address_scope_id", nullptr}};
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, pool); !c.ok()) return c;
  for (const char* f : {"shared", "is_default"})
    if (Status c = copy_boolean(body, f, pool); !c.ok()) return c;
  if (Status c = copy_tags(body, pool); !c.ok()) return c;
  if (Status c = copy_default_quota(body, pool); !c.ok()) return c;
  if (body.contains("address_scope_id") && !body["address_scope_id"].is_null())
    return neutron_error(Code::kNotFound, "AddressScopeNotFound",
                         "Address scope " + text_of(body["address_scope_id"]) + " could not be found.");
  if (st = apply_prefix_bounds(body, pool); !st.ok()) return st;
  pool = stamp_new(std::move(pool), *owner);
  if (st = authorize(policy_, "create_subnetpool", caller, pool_target(pool)); !st.ok()) return st;
  for (const char* f : {"shared", "is_default"})
    if (pool[f] == true)
      if (st = authorize(policy_, std::string("create_subnetpool:") + f, caller, pool_target(pool)); !st.ok())
        return st;
  if (pool["is_default"] == true)
    for (const Json* other : store_.list("subnetpool"))
      if ((*other)["is_default"] == true && (*other)["ip_version"] == version)
        return invalid_input(
            "A default subnetpool for this IP family has already been set. Only one default may "
            "exist per IP family");
  if (st = check_quota(*owner, "subnetpool"); !st.ok()) return st;
  if (st = store_.put("subnetpool", pool["id"], pool); !st.ok()) return st;
  return pool;
}

Result<Json> NetworkService::get_subnet_pool(const Credentials& caller, const std::string& id) const {
  auto p = visible_subnet_pool(caller, id);
  if (!p.ok()) return p.status();
  return **p;
}

std::vector<Json> NetworkService::list_subnet_pools(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* p : store_.list("subnetpool"))
    if (policy_.allowed("get_subnetpool", caller, pool_target(*p))) out.push_back(*p);
  return out;
}

Result<Json> NetworkService::update_subnet_pool(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_subnet_pool(caller, id);
  if (!found.ok()) return found.status();
  Json pool = **found;
  Status st = check_attributes(body,
                               {"name", "prefixes", "default_prefixlen", "min_prefixlen", "max_prefixlen",
                                "default_quota", "is_default", "address_scope_id", "description"},
                               kSubnetPoolFields, "PUT");
  if (!st.ok()) return st;
  if (st = authorize(policy_, "update_subnetpool", caller, pool_target(pool)); !st.ok()) return st;
  bool was_default = pool["is_default"] == true;
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, pool); !c.ok()) return c;
  if (Status c = copy_boolean(body, "is_default", pool); !c.ok()) return c;
  if (Status c = copy_default_quota(body, pool); !c.ok()) return c;
  if (body.contains("address_scope_id") && !body["address_scope_id"].is_null())
    return neutron_error(Code::kNotFound, "AddressScopeNotFound",
                         "Address scope " + text_of(body["address_scope_id"]) + " could not be found.");
  if (body.contains("prefixes")) {
    int version = pool["ip_version"];
    auto wanted = parse_prefixes(body["prefixes"], version);
    if (!wanted.ok()) return wanted.status();
    // Every address the pool had must still be in it: prefixes only grow.
    if (!cidr_difference(version, pool_prefixes(pool), *wanted).empty())
      return neutron_error(Code::kBadRequest, "IllegalSubnetPoolPrefixUpdate",
                           "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.");
    pool["prefixes"] = prefix_texts(*wanted);
  }
  if (st = apply_prefix_bounds(body, pool); !st.ok()) return st;
  if (pool["is_default"] != was_default) {
    if (st = authorize(policy_, "update_subnetpool:is_default", caller, pool_target(pool)); !st.ok()) return st;
    if (pool["is_default"] == true)
      for (const Json* other : store_.list("subnetpool"))
        if ((*other)["id"] != pool["id"] && (*other)["is_default"] == true &&
            (*other)["ip_version"] == pool["ip_version"])
          return invalid_input(
              "A default subnetpool for this IP family has already been set. Only one default may "
              "exist per IP family");
  }
  if (st = touch_and_put("subnetpool", pool); !st.ok()) return st;
  return *store_.get("subnetpool", id);
}

Status NetworkService::delete_subnet_pool(const Credentials& caller, const std::string& id) {
  auto found = visible_subnet_pool(caller, id);
  if (!found.ok()) return found.status();
  if (Status st = authorize(policy_, "delete_subnetpool", caller, pool_target(**found)); !st.ok()) return st;
  if (!store_.find("subnet", "subnetpool_id", id).empty())
    return neutron_error(
        Code::kConflict, "SubnetPoolInUse",
        "Unable to complete operation on subnet pool " + id + ". Subnet pool has existing allocations.");
  return store_.erase("subnetpool", id);
}

Result<NetworkService::SubnetCidr> NetworkService::subnet_cidr_from_pool(const Credentials& caller, const Json& body,
                                                                         int version) {
  bool has_cidr = body.contains("cidr") && !body["cidr"].is_null();
  bool has_prefixlen = body.contains("prefixlen") && !body["prefixlen"].is_null();
  std::string pool_id;
  if (body.contains("subnetpool_id") && !body["subnetpool_id"].is_null()) {
    pool_id = text_of(body["subnetpool_id"]);
  } else if (body.contains("use_default_subnetpool")) {
    auto use_default = to_boolean("use_default_subnetpool", body["use_default_subnetpool"]);
    if (!use_default.ok()) return use_default.status();
    if (*use_default) {
      for (const Json* p : store_.list("subnetpool"))
        if ((*p)["is_default"] == true && (*p)["ip_version"] == version) pool_id = (*p)["id"];
      if (pool_id.empty()) return bad_subnets_request("No default subnetpool found for IPv" + std::to_string(version));
    }
  }
  if (pool_id.empty()) {
    if (!has_cidr) return bad_subnets_request("a subnetpool must be specified in the absence of a cidr");
    return SubnetCidr{text_of(body["cidr"]), nullptr};
  }
  if (has_cidr && has_prefixlen) return bad_subnets_request("cidr and prefixlen must not be supplied together");
  auto found = visible_subnet_pool(caller, pool_id);
  if (!found.ok()) return found.status();
  const Json& pool = **found;
  if (pool["ip_version"] != version)
    return bad_subnets_request("Cannot allocate IPv" + std::to_string(version) + " subnet from IPv" +
                               std::to_string(pool["ip_version"].get<int>()) + " subnet pool");
  std::vector<Cidr> taken;
  for (const Json* s : store_.find("subnet", "subnetpool_id", pool_id)) taken.push_back(parse_cidr((*s)["cidr"])->cidr);
  std::vector<Cidr> free = cidr_difference(version, pool_prefixes(pool), taken);

  int prefixlen = pool["default_prefixlen"];
  std::optional<Cidr> wanted;
  if (has_cidr) {
    auto parsed = parse_cidr(text_of(body["cidr"]));
    if (!parsed || parsed->had_host_bits || parsed->cidr.version != version)
      return SubnetCidr{text_of(body["cidr"]), pool_id};  // the caller's cidr checks word the refusal
    wanted = parsed->cidr;
    prefixlen = wanted->prefix;
  } else if (has_prefixlen) {
    auto len = to_prefixlen("prefixlen", body["prefixlen"]);
    if (!len.ok()) return len.status();
    prefixlen = *len;
  }
  if (prefixlen > pool["max_prefixlen"].get<int>())
    return neutron_error(Code::kBadRequest, "MaxPrefixSubnetAllocationError",
                         "Unable to allocate subnet with prefix length " + std::to_string(prefixlen) +
                             ", maximum allowed prefix is " + std::to_string(pool["max_prefixlen"].get<int>()) + ".");
  if (prefixlen < pool["min_prefixlen"].get<int>())
    return neutron_error(Code::kBadRequest, "MinPrefixSubnetAllocationError",
                         "Unable to allocate subnet with prefix length " + std::to_string(prefixlen) +
                             ", minimum allowed prefix is " + std::to_string(pool["min_prefixlen"].get<int>()) + ".");
  if (!pool["default_quota"].is_null()) {
    // Neutron counts a project's share of a pool in addresses (IPv4) or /64s (IPv6).
    auto owner = owner_for_create(caller, body);
    if (!owner.ok()) return owner.status();
    const int unit = version == 4 ? 32 : 64;
    double used = 0;
    for (const Json* s : store_.find("subnet", "subnetpool_id", pool_id))
      if ((*s)["project_id"] == *owner) used += std::pow(2.0, unit - parse_cidr((*s)["cidr"])->cidr.prefix);
    if (used + std::pow(2.0, unit - prefixlen) > pool["default_quota"].get<double>())
      return neutron_error(Code::kConflict, "SubnetPoolQuotaExceeded", "Per-tenant subnet pool prefix quota exceeded.");
  }
  if (wanted) {
    for (const Cidr& block : free)
      if (block.prefix <= wanted->prefix && block.contains(IpAddress{version, wanted->first()}))
        return SubnetCidr{wanted->str(), pool_id};
    return neutron_error(Code::kInternal, "SubnetAllocationError",
                         "Failed to allocate subnet: Cannot allocate requested subnet from the available set of "
                         "prefixes.");
  }
  // Neutron fills the smallest free blocks first (ties in address order).
  std::stable_sort(free.begin(), free.end(), [](const Cidr& a, const Cidr& b) { return a.prefix > b.prefix; });
  for (const Cidr& block : free)
    if (block.prefix <= prefixlen) return SubnetCidr{Cidr{version, block.first(), prefixlen}.str(), pool_id};
  return neutron_error(Code::kInternal, "SubnetAllocationError",
                       "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /" +
                           std::to_string(prefixlen) + ".");
}

}  // namespace stacklab::network
