#include "engine/ops/fault_lab.h"

#include "engine/core/log.h"

namespace stacklab {

namespace {

const char* const kFaultKind = "lab_fault";
const char* const kCurrent = "current";

const FaultScenario* find_scenario(const std::string& name) {
  for (const auto& s : FaultLab::scenarios())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

const std::vector<FaultScenario>& FaultLab::scenarios() {
  static const std::vector<FaultScenario> all = {
      {"keystone-down",
       "every openstack command fails (503 from the identity endpoint); other services take only tokens they "
       "validated in the last 5 minutes",
       {"keystone"},
       false},
      {"glance-api-down", "\"Unable to retrieve image list\": image calls answer 503", {"glance-api"}, false},
      {"nova-api-down", "server and flavor calls answer 503", {"nova-api"}, false},
      {"nova-scheduler-down", "new servers stay in BUILD", {"nova-scheduler"}, true},
      {"nova-conductor-down", "new servers stay in BUILD", {"nova-conductor"}, true},
      {"nova-compute-down",
       "the compute service is down; new servers go to ERROR (No valid host was found)",
       {"nova-compute"},
       true},
      {"neutron-server-down", "network calls answer 503; servers cannot get ports", {"neutron-server"}, false},
      {"dhcp-agent-down",
       "the DHCP agent is dead (XXX in `network agent list`); guests booted now get no IPv4 address",
       {"neutron-dhcp-agent"},
       false,
       false,
       true},
      {"cinder-volume-down", "the volume service is down; new volumes go to error", {"cinder-volume"}, false},
      {"nova-service-password",
       "server and flavor calls answer 503 \"The Keystone service is temporarily unavailable.\"",
       {},
       false,
       false,
       false,
       "nova"},
      {"glance-service-password",
       "image calls answer 503 \"The Keystone service is temporarily unavailable.\"",
       {},
       false,
       false,
       false,
       "glance"},
      {"neutron-service-password",
       "network calls answer 503 \"The Keystone service is temporarily unavailable.\"",
       {},
       false,
       false,
       false,
       "neutron"},
      {"cinder-service-password",
       "volume calls answer 503 \"The Keystone service is temporarily unavailable.\"",
       {},
       false,
       false,
       false,
       "cinder"},
      {"rabbitmq-down",
       "new servers stay in BUILD (their casts wait in the queue); agents and compute services report nothing",
       {"rabbitmq-server"},
       true},
      {"mysql-down",
       "keystone issues no token (500); other APIs answer 503 for new tokens and 500 for the rest",
       {"mysql"},
       false},
      {"volume-backend-full",
       "the volume service is up but new volumes go to error (no free space on lvmdriver-1)",
       {},
       false,
       true},
  };
  return all;
}

FaultLab::FaultLab(Store& store, Clock& clock, DaemonRegistry& daemons, FaultHooks hooks)
    : store_(store), clock_(clock), daemons_(daemons), hooks_(std::move(hooks)) {
  store_.define(kFaultKind);
}

Result<InjectedFault> FaultLab::inject(const std::string& name) {
  const FaultScenario* scenario = find_scenario(name);
  if (!scenario) {
    std::string known;
    for (const auto& s : scenarios()) known += (known.empty() ? "" : ", ") + s.name;
    return NotFound("No fault scenario " + name + "; known: " + known + ".");
  }
  InjectedFault fault{scenario->name, clock_.now()};
  Status st = store_.transaction([&]() -> Status {
    for (const auto& d : daemons_.list()) {
      for (const auto& binary : scenario->stopped)
        if (d.binary == binary)
          if (auto r = daemons_.stop(d.name); !r.ok()) return r.status();
    }
    Json doc = {{"scenario", fault.scenario}, {"injected_at_us", fault.injected_at.time_since_epoch().count()}};
    if (scenario->fills_volume_backend) {
      if (!hooks_.fill_volume_backend) return Status(Code::kNotImplemented, "this cloud has no volume backend to fill");
      auto filler = hooks_.fill_volume_backend();
      if (!filler.ok()) return filler.status();
      doc["filler_volume_id"] = *filler;
    }
    if (!scenario->wrong_password_of.empty()) {
      if (!hooks_.break_service_password)
        return Status(Code::kNotImplemented, "this cloud has no service config files to break");
      if (Status broke = hooks_.break_service_password(scenario->wrong_password_of); !broke.ok()) return broke;
    }
    return store_.put(kFaultKind, kCurrent, doc);
  });
  if (!st.ok()) return st;
  Log::get("stacklab").info("lab fault injected: " + fault.scenario);
  return fault;
}

std::optional<InjectedFault> FaultLab::current() const {
  const Json* doc = store_.get(kFaultKind, kCurrent);
  if (!doc) return std::nullopt;
  return InjectedFault{(*doc)["scenario"], TimePoint(Duration((*doc)["injected_at_us"].get<std::int64_t>()))};
}

std::vector<FaultCheck> FaultLab::grade() const {
  auto fault = current();
  if (!fault) return {{"a fault was injected", false, "no fault injected yet: run `stacklab lab break SCENARIO`"}};
  const FaultScenario* scenario = find_scenario(fault->scenario);
  if (!scenario) return {{"a known fault was injected", false, "unknown fault " + fault->scenario}};
  std::vector<FaultCheck> checks;
  for (const auto& binary : scenario->stopped) {
    std::vector<std::string> stopped;
    for (const auto& d : daemons_.list())
      if (d.binary == binary && !d.running) stopped.push_back(d.name);
    FaultCheck c{binary + " runs again", stopped.empty(), ""};
    for (const auto& name : stopped) c.missing += (c.missing.empty() ? "" : "; ") + name + " is stopped";
    checks.push_back(std::move(c));
  }
  if (scenario->fills_volume_backend) {
    const Json* doc = store_.get(kFaultKind, kCurrent);
    std::string filler = doc ? doc->value("filler_volume_id", std::string()) : "";
    bool created = hooks_.available_volume_since && hooks_.available_volume_since(fault->injected_at, filler);
    checks.push_back({"a volume created after the fault is available", created,
                      created ? "" : "no volume created since the fault was injected is available"});
  }
  if (const std::string& service = scenario->wrong_password_of; !service.empty()) {
    bool accepted = hooks_.service_credentials_accepted && hooks_.service_credentials_accepted(service);
    checks.push_back({service + "'s API authenticates to keystone with its config's credentials", accepted,
                      accepted ? ""
                               : "keystone refuses the [keystone_authtoken] credentials " + service +
                                     "'s API daemon read when it last started"});
  }
  if (scenario->needs_leased_boot) {
    bool leased = hooks_.leased_boot_since && hooks_.leased_boot_since(fault->injected_at);
    checks.push_back({"a server booted or rebooted after the fault has its DHCP lease", leased,
                      leased ? "" : "no guest has booted with a DHCP lease since the fault was injected"});
  }
  if (scenario->needs_new_boot) {
    bool booted = hooks_.active_server_since && hooks_.active_server_since(fault->injected_at);
    checks.push_back({"a server booted after the fault is ACTIVE", booted,
                      booted ? "" : "no server created since the fault was injected is ACTIVE"});
  }
  return checks;
}

}  // namespace stacklab
