#include "engine/compute/aggregates.h"

#include <algorithm>
#include <cctype>

#include "engine/compute/compute_policy.h"
#include "engine/compute/compute_services.h"

namespace stacklab::compute {

namespace {

const char* kKind = "compute_aggregate";
const char* kMeta = "stacklab_meta";
const char* kZoneKey = "availability_zone";

std::string zone_of(const Json& a) {
  auto it = a["metadata"].find(kZoneKey);
  return it == a["metadata"].end() || !it->is_string() ? "" : it->get<std::string>();
}

bool has_host(const Json& a, const std::string& host) {
  for (const auto& h : a["hosts"])
    if (h == host) return true;
  return false;
}

// Python's repr of a list of strings: ['az1', 'az2'].
std::string py_list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += "'";
    s += items[i];
    s += "'";
  }
  return s + "]";
}

Status admin(const Policy& policy, const char* action, const Credentials& caller) {
  std::string rule = "os_compute_api:os-aggregates:";
  rule += action;
  return authorize(policy, rule, caller);
}

}  // namespace

AggregateService::AggregateService(Store& store, Clock& clock, Random& random, const Policy& policy,
                                   placement::PlacementService& placement,
                                   std::function<bool(const std::string&)> host_exists)
    : store_(store),
      clock_(clock),
      random_(random),
      policy_(policy),
      placement_(placement),
      host_exists_(std::move(host_exists)) {
  store_.define(kKind, {"name", "seq"});
  store_.define(kMeta);
}

Status AggregateService::save(Json doc) {
  doc["updated_at"] = nova_timestamp(clock_.now());
  std::string id = doc["id"];
  return store_.put(kKind, id, std::move(doc));
}

Result<Json> AggregateService::create_doc(const std::string& uuid, const std::string& name,
                                          const std::map<std::string, std::string>& metadata) {
  if (!store_.find(kKind, "name", name).empty()) return Conflict("Aggregate " + name + " already exists.");
  const Json* seq = store_.get(kMeta, "aggregate_seq");
  long long next = seq ? (*seq)["value"].get<long long>() + 1 : 1;
  Json doc = {{"id", uuid.empty() ? random_.uuid4() : uuid},
              {"seq", next},
              {"name", name},
              {"metadata", metadata},
              {"hosts", Json::array()},
              {"created_at", nova_timestamp(clock_.now())},
              {"updated_at", nullptr}};
  Status st = store_.transaction([&]() -> Status {
    if (Status s = store_.put(kMeta, "aggregate_seq", Json{{"id", "aggregate_seq"}, {"value", next}}); !s.ok())
      return s;
    std::string id = doc["id"];
    return store_.put(kKind, id, doc);
  });
  if (!st.ok()) return st;
  return doc;
}

Status AggregateService::seed(const std::vector<AggregateSeed>& seeds) {
  if (store_.get(kMeta, "aggregates_seeded")) return {};
  for (const auto& s : seeds) {
    auto doc = create_doc(s.uuid, s.name, s.metadata);
    if (!doc.ok()) return doc.status();
    for (const auto& h : s.hosts) {
      (*doc)["hosts"].push_back(h);
      if (Status st = mirror(h, (*doc)["id"], true); !st.ok()) return st;
    }
    if (Status st = save(*doc); !st.ok()) return st;
  }
  return store_.put(kMeta, "aggregates_seeded", Json{{"id", "aggregates_seeded"}, {"value", true}});
}

Result<const Json*> AggregateService::find(const std::string& id) const {
  // An integer (negative ones too: simply not found, as Nova) or 400.
  std::string digits_part = !id.empty() && id[0] == '-' ? id.substr(1) : id;
  bool digits = !digits_part.empty() && digits_part.size() < 19 &&
                std::all_of(digits_part.begin(), digits_part.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits) return BadRequest("Invalid input received: id must be an integer");
  auto found = store_.find(kKind, "seq", std::stoll(id));
  if (found.empty()) return NotFound("Aggregate " + id + " could not be found.");
  return found.front();
}

std::vector<Json> AggregateService::all() const {
  std::vector<Json> out;
  for (const Json* a : store_.list(kKind)) out.push_back(*a);
  std::sort(out.begin(), out.end(),
            [](const Json& a, const Json& b) { return a["seq"].get<long long>() < b["seq"].get<long long>(); });
  return out;
}

Result<std::vector<Json>> AggregateService::list(const Credentials& caller) const {
  if (Status st = admin(policy_, "index", caller); !st.ok()) return st;
  return all();
}

Result<Json> AggregateService::get(const Credentials& caller, const std::string& id) const {
  if (Status st = admin(policy_, "show", caller); !st.ok()) return st;
  auto a = find(id);
  if (!a.ok()) return a.status();
  return **a;
}

Result<Json> AggregateService::create(const Credentials& caller, const std::string& name,
                                      const std::optional<std::string>& zone) {
  if (Status st = admin(policy_, "create", caller); !st.ok()) return st;
  std::map<std::string, std::string> md;
  if (zone && !zone->empty()) md[kZoneKey] = *zone;
  auto doc = create_doc("", name, md);
  if (doc.ok()) cached_version_ = ~0ull;
  return doc;
}

// Nova's is_safe_to_update_az: the hosts must not be in an aggregate of another zone.
Status AggregateService::check_zone_conflict(const Json& aggregate, const std::vector<std::string>& hosts,
                                             const std::string& zone) const {
  std::vector<std::string> conflicting;
  for (const Json* other : store_.list(kKind)) {
    if ((*other)["id"] == aggregate["id"]) continue;
    std::string other_zone = zone_of(*other);
    if (other_zone.empty() || other_zone == zone) continue;
    for (const auto& h : hosts)
      if (has_host(*other, h)) {
        conflicting.push_back(other_zone);
        break;
      }
  }
  if (conflicting.empty()) return {};
  return BadRequest("One or more hosts already in availability zone(s) " + py_list(conflicting));
}

Result<Json> AggregateService::update(const Credentials& caller, const std::string& id,
                                      const std::optional<std::string>& name,
                                      const std::optional<std::optional<std::string>>& zone) {
  if (Status st = admin(policy_, "update", caller); !st.ok()) return st;
  auto found = find(id);
  if (!found.ok()) return found.status();
  Json doc = **found;
  auto invalid = [&](const std::string& reason) {
    return BadRequest("Cannot update aggregate " + id + ". Reason: " + reason);
  };
  if (zone) {
    if (!*zone || (*zone)->empty())
      return invalid("Aggregate " + doc["name"].get<std::string>() + " does not support empty named availability zone");
    Status st = check_zone_conflict(doc, doc["hosts"].get<std::vector<std::string>>(), **zone);
    if (!st.ok()) return invalid(st.message());
  }
  if (name && *name != doc["name"]) {
    if (!store_.find(kKind, "name", *name).empty()) return Conflict("Aggregate " + *name + " already exists.");
    doc["name"] = *name;
  }
  if (zone) doc["metadata"][kZoneKey] = **zone;
  if (Status st = save(doc); !st.ok()) return st;
  cached_version_ = ~0ull;
  return *store_.get(kKind, doc["id"].get<std::string>());
}

Status AggregateService::remove(const Credentials& caller, const std::string& id) {
  if (Status st = admin(policy_, "delete", caller); !st.ok()) return st;
  auto found = find(id);
  if (!found.ok()) return found.status();
  if (!(**found)["hosts"].empty())
    return BadRequest("Cannot remove aggregate " + id + ". Reason: Host aggregate is not empty");
  cached_version_ = ~0ull;
  return store_.erase(kKind, (**found)["id"].get<std::string>());
}

Status AggregateService::mirror(const std::string& host, const std::string& aggregate_uuid, bool add) {
  const placement::ResourceProvider* rp = placement_.provider_by_name(host);
  if (!rp) return {};  // not reported yet (Nova logs a warning and goes on)
  std::set<std::string> aggs = rp->aggregates;
  if (add ? !aggs.insert(aggregate_uuid).second : aggs.erase(aggregate_uuid) == 0) return {};
  auto r = placement_.set_aggregates(rp->uuid, std::nullopt, aggs);
  return r.ok() ? Status{} : r.status();
}

Result<Json> AggregateService::add_host(const Credentials& caller, const std::string& id, const std::string& host) {
  if (Status st = admin(policy_, "add_host", caller); !st.ok()) return st;
  auto found = find(id);
  if (!found.ok()) return found.status();
  if (!host_exists_ || !host_exists_(host)) return NotFound("Compute host " + host + " could not be found.");
  Json doc = **found;
  if (has_host(doc, host)) return Conflict("Aggregate " + id + " already has host " + host + ".");
  if (std::string zone = zone_of(doc); !zone.empty()) {
    Status st = check_zone_conflict(doc, {host}, zone);
    if (!st.ok()) return Conflict("Cannot add host to aggregate " + id + ". Reason: " + st.message());
  }
  doc["hosts"].push_back(host);
  Status st = store_.transaction([&]() -> Status {
    if (Status s = save(doc); !s.ok()) return s;
    return mirror(host, doc["id"], true);
  });
  if (!st.ok()) return st;
  cached_version_ = ~0ull;
  return *store_.get(kKind, doc["id"].get<std::string>());
}

Result<Json> AggregateService::remove_host(const Credentials& caller, const std::string& id, const std::string& host) {
  if (Status st = admin(policy_, "remove_host", caller); !st.ok()) return st;
  auto found = find(id);
  if (!found.ok() && found.status().code() == Code::kBadRequest) return found.status();
  if (!found.ok() || !has_host(**found, host)) return NotFound("Cannot remove host " + host + " in aggregate " + id);
  Json doc = **found;
  Json hosts = Json::array();
  for (const auto& h : doc["hosts"])
    if (h != host) hosts.push_back(h);
  doc["hosts"] = hosts;
  Status st = store_.transaction([&]() -> Status {
    if (Status s = save(doc); !s.ok()) return s;
    return mirror(host, doc["id"], false);
  });
  if (!st.ok()) return st;
  cached_version_ = ~0ull;
  return *store_.get(kKind, doc["id"].get<std::string>());
}

Result<Json> AggregateService::set_metadata(const Credentials& caller, const std::string& id, const Json& metadata) {
  if (Status st = admin(policy_, "set_metadata", caller); !st.ok()) return st;
  auto found = find(id);
  if (!found.ok()) return found.status();
  Json doc = **found;
  auto invalid = [&](const std::string& reason) {
    return BadRequest("Cannot update metadata of aggregate " + id + ". Reason: " + reason);
  };
  if (metadata.contains(kZoneKey)) {
    const Json& z = metadata[kZoneKey];
    if (!z.is_string() || z.get<std::string>().empty())
      return invalid("Aggregate " + doc["name"].get<std::string>() + " does not support empty named availability zone");
    Status st = check_zone_conflict(doc, doc["hosts"].get<std::vector<std::string>>(), z.get<std::string>());
    if (!st.ok()) return invalid(st.message());
  }
  for (const auto& [k, v] : metadata.items()) {
    if (v.is_null())
      doc["metadata"].erase(k);
    else
      doc["metadata"][k] = v;
  }
  if (Status st = save(doc); !st.ok()) return st;
  cached_version_ = ~0ull;
  return *store_.get(kKind, doc["id"].get<std::string>());
}

std::vector<Json> AggregateService::of_host(const std::string& host) const {
  std::vector<Json> out;
  for (Json& a : all())
    if (has_host(a, host)) out.push_back(std::move(a));
  return out;
}

std::string AggregateService::zone_of_host(const std::string& host) const {
  std::string zones;
  for (const Json& a : of_host(host)) {
    std::string z = zone_of(a);
    if (z.empty() || ("," + zones + ",").find("," + z + ",") != std::string::npos) continue;
    if (!zones.empty()) zones += ",";
    zones += z;
  }
  return zones;
}

const std::map<std::string, std::shared_ptr<const scheduler::Aggregate>>& AggregateService::scheduler_aggregates()
    const {
  if (cached_version_ == store_.version(kKind)) return cached_;
  cached_.clear();
  for (const Json* a : store_.list(kKind)) {
    scheduler::Aggregate agg;
    agg.uuid = (*a)["id"].get<std::string>();
    agg.name = (*a)["name"].get<std::string>();
    for (const auto& [k, v] : (*a)["metadata"].items())
      if (v.is_string()) agg.metadata[k] = v.get<std::string>();
    std::string uuid = agg.uuid;
    cached_[uuid] = std::make_shared<const scheduler::Aggregate>(std::move(agg));
  }
  cached_version_ = store_.version(kKind);
  return cached_;
}

Status AggregateService::forget_host(const std::string& host) {
  for (Json a : of_host(host)) {
    Json hosts = Json::array();
    for (const auto& h : a["hosts"])
      if (h != host) hosts.push_back(h);
    a["hosts"] = hosts;
    if (Status st = save(a); !st.ok()) return st;
  }
  cached_version_ = ~0ull;
  return {};
}

}  // namespace stacklab::compute
