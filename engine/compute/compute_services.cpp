#include "engine/compute/compute_services.h"

#include <algorithm>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

const char* kKind = "compute_service";
const char* kMeta = "stacklab_meta";

Duration seconds_option(const Config& c, const char* section, const char* key, Duration fallback) {
  auto s = c.get_int(section, key, std::chrono::duration_cast<std::chrono::seconds>(fallback).count());
  return std::chrono::seconds(s);
}

}  // namespace

std::string nova_timestamp(TimePoint t) {
  std::string s = format_iso_micro(t);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

ServiceGroupOptions ServiceGroupOptions::from_config(const Config& c) {
  ServiceGroupOptions o;
  o.report_interval = seconds_option(c, "DEFAULT", "report_interval", o.report_interval);
  o.service_down_time = seconds_option(c, "DEFAULT", "service_down_time", o.service_down_time);
  o.update_resources_interval = seconds_option(c, "DEFAULT", "update_resources_interval", o.update_resources_interval);
  o.controller_host = c.get("DEFAULT", "host", o.controller_host);
  o.default_availability_zone = c.get("DEFAULT", "default_availability_zone", o.default_availability_zone);
  o.internal_service_availability_zone =
      c.get("DEFAULT", "internal_service_availability_zone", o.internal_service_availability_zone);
  return o;
}

ServiceRegistry::ServiceRegistry(Store& store, Clock& clock, Random& random, const Policy& policy,
                                 ResourceTracker& tracker, std::vector<ManagedNode> nodes, ServiceGroupOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      policy_(policy),
      tracker_(tracker),
      nodes_(std::move(nodes)),
      options_(std::move(options)) {
  store_.define(kKind, {"host", "binary", "seq"});
  store_.define(kMeta);
}

ServiceRegistry::~ServiceRegistry() { stop(); }

Status ServiceRegistry::ensure(const std::string& binary, const std::string& host, const std::string& zone_kind) {
  if (find(host, binary)) return {};
  auto next = [&](const char* key) {
    const Json* seq = store_.get(kMeta, key);
    long long n = seq ? (*seq)["value"].get<long long>() + 1 : 1;
    return std::pair<long long, Status>{n, store_.put(kMeta, key, Json{{"id", key}, {"value", n}})};
  };
  return store_.transaction([&]() -> Status {
    auto [seq, st] = next("compute_service_seq");
    if (!st.ok()) return st;
    std::string now = nova_timestamp(clock_.now());
    Json doc = {{"id", random_.uuid4()},  {"seq", seq},           {"binary", binary},           {"host", host},
                {"zone_kind", zone_kind}, {"disabled", false},    {"disabled_reason", nullptr}, {"forced_down", false},
                {"created_at", now},      {"updated_at", nullptr}};
    if (binary == "nova-compute") {
      auto [node_seq, st2] = next("compute_node_seq");
      if (!st2.ok()) return st2;
      doc["node_seq"] = node_seq;
    }
    return store_.put(kKind, doc["id"].get<std::string>(), doc);
  });
}

Status ServiceRegistry::start() {
  for (const char* binary : {"nova-conductor", "nova-scheduler"})
    if (Status st = ensure(binary, options_.controller_host, "internal"); !st.ok()) return st;
  for (const auto& n : nodes_)
    if (Status st = ensure("nova-compute", n.host, "compute"); !st.ok()) return st;
  update_resources();
  compute_was_up_.clear();  // a (re)start: every nova-compute that reports is coming up
  report_states();
  schedule_report();
  schedule_resources();
  return {};
}

void ServiceRegistry::notice_compute_states() {
  std::vector<std::string> came_up;
  for (const Json* s : store_.list(kKind)) {
    if ((*s)["binary"] != "nova-compute") continue;
    const std::string host = (*s)["host"];
    bool up = is_up(*s);
    bool was = compute_was_up_[host];
    compute_was_up_[host] = up;
    if (up && !was) came_up.push_back(host);
  }
  if (compute_up_)
    for (const auto& host : came_up) compute_up_(host);
}

void ServiceRegistry::stop() {
  if (report_timer_) clock_.cancel(*report_timer_);
  if (resources_timer_) clock_.cancel(*resources_timer_);
  report_timer_.reset();
  resources_timer_.reset();
}

void ServiceRegistry::schedule_report() {
  report_timer_ = clock_.schedule(options_.report_interval, [this] {
    report_timer_.reset();
    report_states();
    schedule_report();
  });
}

void ServiceRegistry::schedule_resources() {
  resources_timer_ = clock_.schedule(options_.update_resources_interval, [this] {
    resources_timer_.reset();
    update_resources();
    schedule_resources();
  });
}

const ManagedNode* ServiceRegistry::node(const std::string& host) const {
  for (const auto& n : nodes_)
    if (n.host == host) return &n;
  return nullptr;
}

bool ServiceRegistry::daemon_running(const Json& s) const {
  return !daemons_ || daemons_(s["binary"].get<std::string>(), s["host"].get<std::string>());
}

void ServiceRegistry::report_states() {
  TimePoint now = clock_.now();
  for (const Json* s : store_.list(kKind)) {
    if (!daemon_running(*s)) continue;  // a stopped daemon reports nothing
    if ((*s)["binary"] == "nova-compute") {
      const ManagedNode* n = node((*s)["host"].get<std::string>());
      if (!n || !n->driver || !n->driver->get_available_resource().ok()) continue;  // no heartbeat
    }
    heartbeat_[(*s)["id"].get<std::string>()] = now;
  }
  notice_compute_states();
}

void ServiceRegistry::update_resources() {
  for (const auto& n : nodes_) {
    if (!n.driver || !compute_service(n.host)) continue;
    NodeReport report;
    report.traits = n.traits;
    (void)tracker_.update_available_resource(*n.driver, report);  // a host down reports nothing
  }
}

bool ServiceRegistry::is_up(const Json& s) const {
  if (s.value("forced_down", false) || !daemon_running(s)) return false;
  auto it = heartbeat_.find(s["id"].get<std::string>());
  if (it == heartbeat_.end()) return false;
  Duration elapsed = clock_.now() - it->second;
  if (elapsed < Duration::zero()) elapsed = -elapsed;
  return elapsed <= options_.service_down_time;
}

Json ServiceRegistry::view(const Json& s) const {
  Json v = s;
  v["state"] = is_up(s) ? "up" : "down";
  auto it = heartbeat_.find(s["id"].get<std::string>());
  if (it != heartbeat_.end()) v["updated_at"] = nova_timestamp(it->second);
  return v;
}

std::vector<Json> ServiceRegistry::all() const {
  std::vector<Json> out;
  for (const Json* s : store_.list(kKind)) out.push_back(view(*s));
  std::sort(out.begin(), out.end(),
            [](const Json& a, const Json& b) { return a["seq"].get<long long>() < b["seq"].get<long long>(); });
  return out;
}

Result<std::vector<Json>> ServiceRegistry::list(const Credentials& caller, const std::string& host,
                                                const std::string& binary) const {
  if (Status st = authorize(policy_, "os_compute_api:os-services:list", caller); !st.ok()) return st;
  std::vector<Json> out;
  for (Json& s : all())
    if ((host.empty() || s["host"] == host) && (binary.empty() || s["binary"] == binary)) out.push_back(std::move(s));
  return out;
}

const Json* ServiceRegistry::find(const std::string& host, const std::string& binary) const {
  for (const Json* s : store_.find(kKind, "host", host))
    if ((*s)["binary"] == binary) return s;
  return nullptr;
}

const Json* ServiceRegistry::compute_service(const std::string& host) const { return find(host, "nova-compute"); }

Result<Json> ServiceRegistry::apply(const Credentials& caller, Json s, const ServiceUpdate& u) {
  if (s["binary"] != "nova-compute")
    return BadRequest("Updating a " + s["binary"].get<std::string>() +
                      " service is not supported. Only nova-compute services can be updated.");
  if (u.disabled) {
    s["disabled"] = *u.disabled;
    if (!*u.disabled) s["disabled_reason"] = nullptr;
  }
  if (u.disabled_reason) s["disabled_reason"] = *u.disabled_reason ? Json(**u.disabled_reason) : Json(nullptr);
  if (u.forced_down) s["forced_down"] = *u.forced_down;
  (void)caller;
  std::string id = s["id"];
  if (Status st = store_.put(kKind, id, s); !st.ok()) return st;
  notice_compute_states();
  return view(s);
}

Result<Json> ServiceRegistry::update(const Credentials& caller, const std::string& uuid, const ServiceUpdate& u) {
  if (Status st = authorize(policy_, "os_compute_api:os-services:update", caller); !st.ok()) return st;
  const Json* s = store_.get(kKind, uuid);
  if (!s) return NotFound("Service " + uuid + " could not be found.");
  return apply(caller, *s, u);
}

Result<Json> ServiceRegistry::update_by_host(const Credentials& caller, const std::string& host,
                                             const std::string& binary, const ServiceUpdate& u) {
  if (Status st = authorize(policy_, "os_compute_api:os-services:update", caller); !st.ok()) return st;
  const Json* s = find(host, binary);
  if (!s) return NotFound("Host '" + host + "' with binary '" + binary + "' could not be found.");
  return apply(caller, *s, u);
}

Status ServiceRegistry::remove(const Credentials& caller, const std::string& id, bool by_uuid) {
  if (Status st = authorize(policy_, "os_compute_api:os-services:delete", caller); !st.ok()) return st;
  const Json* s = nullptr;
  if (by_uuid) {
    s = store_.get(kKind, id);
  } else {
    for (const Json* c : store_.list(kKind))
      if (std::to_string((*c)["seq"].get<long long>()) == id) s = c;
  }
  if (!s) return NotFound("Service " + id + " not found.");
  if ((*s)["binary"] == "nova-compute") {
    const ManagedNode* n = node((*s)["host"].get<std::string>());
    if (n && n->driver) {
      auto uuids = n->driver->list_instance_uuids();
      if (uuids.ok() && !uuids->empty())
        return Conflict(
            "Unable to delete compute service that is hosting instances. Migrate or delete the instances first.");
    }
  }
  std::string uuid = (*s)["id"], host = (*s)["host"];
  bool compute = (*s)["binary"] == "nova-compute";
  heartbeat_.erase(uuid);
  if (Status st = store_.erase(kKind, uuid); !st.ok()) return st;
  if (compute && compute_deleted_) compute_deleted_(host);
  return {};
}

void ServiceRegistry::apply_to(scheduler::HostStateSources& sources) const {
  for (auto& [rp, info] : sources.nodes) {
    const Json* s = compute_service(info.host);
    if (!s) {
      info.service.up = false;  // deleted service: nothing to schedule to
      continue;
    }
    info.service.disabled = (*s)["disabled"].get<bool>();
    info.service.disabled_reason =
        (*s)["disabled_reason"].is_string() ? (*s)["disabled_reason"].get<std::string>() : "";
    info.service.up = is_up(*s);
  }
}

}  // namespace stacklab::compute
