#include "engine/ops/daemons.h"

#include <algorithm>

#include "engine/core/log.h"

namespace stacklab {

namespace {

const char* const kDaemonKind = "daemon";

// The book's all-in-one controller (architecture.md §0.1, §0.4 and §5.2),
// its message queue and database first: what `service <name> status` can be
// asked about on the lab host.
struct ControllerDaemon {
  const char* binary;
  const char* service;
  DaemonKind kind;
};
const ControllerDaemon kController[] = {
    {"rabbitmq-server", "rabbitmq", DaemonKind::kWorker},
    {"mysql", "mysql", DaemonKind::kWorker},
    {"keystone", "keystone", DaemonKind::kApi},
    {"glance-api", "glance", DaemonKind::kApi},
    {"nova-api", "nova", DaemonKind::kApi},
    {"nova-scheduler", "nova", DaemonKind::kWorker},
    {"nova-conductor", "nova", DaemonKind::kWorker},
    {"nova-novncproxy", "nova", DaemonKind::kWorker},
    {"placement-api", "placement", DaemonKind::kApi},
    {"neutron-server", "neutron", DaemonKind::kApi},
    {"neutron-dhcp-agent", "neutron", DaemonKind::kAgent},
    {"neutron-l3-agent", "neutron", DaemonKind::kAgent},
    {"neutron-linuxbridge-agent", "neutron", DaemonKind::kAgent},
    {"neutron-metadata-agent", "neutron", DaemonKind::kAgent},
    {"cinder-api", "cinder", DaemonKind::kApi},
    {"cinder-scheduler", "cinder", DaemonKind::kWorker},
    {"cinder-volume", "cinder", DaemonKind::kWorker},
    {"cinder-backup", "cinder", DaemonKind::kWorker},
};

}  // namespace

const char* daemon_kind_name(DaemonKind kind) {
  switch (kind) {
    case DaemonKind::kApi:
      return "api";
    case DaemonKind::kAgent:
      return "agent";
    case DaemonKind::kWorker:
      break;
  }
  return "worker";
}

DaemonRegistry::DaemonRegistry(Store& store, Clock& clock, std::string controller_host)
    : store_(store), clock_(clock), controller_host_(std::move(controller_host)), started_at_(clock.now()) {
  store_.define(kDaemonKind);
}

void DaemonRegistry::add(const std::string& binary, const std::string& host, const std::string& service,
                         DaemonKind kind) {
  for (const auto& e : entries_)
    if (e.binary == binary && e.host == host) return;
  entries_.push_back({binary, host, service, kind});
}

void DaemonRegistry::add_lab_controller() {
  for (const auto& d : kController) add(d.binary, controller_host_, d.service, d.kind);
}

std::string DaemonRegistry::name_of(const std::string& binary, const std::string& host) const {
  return host == controller_host_ ? binary : binary + "@" + host;
}

Daemon DaemonRegistry::view(const Entry& e) const {
  Daemon d{name_of(e.binary, e.host), e.binary, e.host, e.service, e.kind, true, started_at_};
  if (const Json* row = store_.get(kDaemonKind, d.name)) {
    d.running = (*row).value("state", "running") != "stopped";
    d.since = TimePoint(Duration((*row).value("since_us", std::int64_t{0})));
  }
  return d;
}

std::vector<Daemon> DaemonRegistry::list() const {
  std::vector<Daemon> out;
  for (const auto& e : entries_) out.push_back(view(e));
  return out;
}

Result<Daemon> DaemonRegistry::find(const std::string& name) const {
  std::vector<const Entry*> by_binary;
  for (const auto& e : entries_) {
    if (name_of(e.binary, e.host) == name) return view(e);
    if (e.binary == name) by_binary.push_back(&e);
  }
  if (by_binary.size() == 1) return view(*by_binary.front());
  if (by_binary.empty()) return NotFound("No daemon named " + name + " (see `stacklab service list`).");
  std::string names;
  for (const auto* e : by_binary) names += (names.empty() ? "" : ", ") + name_of(e->binary, e->host);
  return Conflict(name + " runs on several hosts; name one of: " + names + ".");
}

bool DaemonRegistry::running(const std::string& binary, const std::string& host) const {
  const Json* row = store_.get(kDaemonKind, name_of(binary, host));
  return !row || (*row).value("state", "running") != "stopped";
}

DaemonCheck DaemonRegistry::check() const {
  return [this](const std::string& binary, const std::string& host) { return running(binary, host); };
}

Result<Daemon> DaemonRegistry::stop(const std::string& name) { return set_running(name, false); }
Result<Daemon> DaemonRegistry::start(const std::string& name) { return set_running(name, true); }

Status DaemonRegistry::start_all() {
  for (const auto& d : list())
    if (!d.running)
      if (auto r = start(d.name); !r.ok()) return r.status();
  return {};
}

Result<Daemon> DaemonRegistry::set_running(const std::string& name, bool running) {
  auto found = find(name);
  if (!found.ok()) return found.status();
  Daemon d = *found;
  if (d.running == running) return d;
  d.running = running;
  d.since = clock_.now();
  Status st = store_.put(kDaemonKind, d.name,
                         {{"binary", d.binary},
                          {"host", d.host},
                          {"state", running ? "running" : "stopped"},
                          {"since_us", d.since.time_since_epoch().count()}});
  if (!st.ok()) return st;
  Log& log = Log::get(d.binary);
  if (running)
    log.info("Starting " + d.binary + " on host " + d.host + " (simulated daemon started by the operator)");
  else
    log.info("Caught SIGTERM, stopping " + d.binary + " on host " + d.host);
  for (const auto& hook : hooks_) hook(d);
  return d;
}

}  // namespace stacklab
