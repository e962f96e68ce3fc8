#include "engine/volume/volume_backends.h"

#include <algorithm>

#include "engine/volume/model.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {
const char* const kServiceKind = "volume_service";
std::string service_id(const std::string& binary, const std::string& host) { return binary + "/" + host; }
}  // namespace

VolumeBackends::VolumeBackends(Store& store, Clock& clock, const Policy& policy, std::string scheduler_host,
                               std::string availability_zone)
    : store_(store),
      clock_(clock),
      policy_(policy),
      scheduler_host_(std::move(scheduler_host)),
      zone_(std::move(availability_zone)) {
  store_.define(kServiceKind);
}

void VolumeBackends::add(VolumeDriver& driver) { drivers_.push_back(&driver); }

VolumeDriver* VolumeBackends::driver(const std::string& host) const {
  std::string backend = host.substr(0, host.find('#'));
  for (auto* d : drivers_)
    if (d->backend_host() == backend) return d;
  return nullptr;
}

bool VolumeBackends::disabled(const std::string& binary, const std::string& host) const {
  const Json* s = store_.get(kServiceKind, service_id(binary, host));
  return s && s->value("disabled", false);
}

bool VolumeBackends::backend_up(const VolumeDriver& d) const {
  if (!d.up()) return false;
  const std::string host = d.backend_host().substr(0, d.backend_host().find('@'));
  return !daemons_ || daemons_("cinder-volume", host);
}

std::vector<BackendState> VolumeBackends::candidates() const {
  std::vector<BackendState> out;
  for (auto* d : drivers_) {
    if (!backend_up(*d) || disabled("cinder-volume", d->backend_host())) continue;
    for (auto& pool : d->get_volume_stats().pools) out.push_back({d->backend_host(), d->availability_zone(), pool});
  }
  return out;
}

std::vector<std::string> VolumeBackends::availability_zones() const {
  std::vector<std::string> out;
  for (auto* d : drivers_)
    if (d->up() && std::find(out.begin(), out.end(), d->availability_zone()) == out.end())
      out.push_back(d->availability_zone());
  return out;
}

Result<std::vector<Json>> VolumeBackends::services(const Credentials& caller, const std::string& host,
                                                   const std::string& binary) const {
  if (Status st = authorize(policy_, "volume_extension:services:index", caller); !st.ok()) return st;
  std::string now = cinder_time(clock_.now());
  auto row = [&](const std::string& b, const std::string& h, const std::string& zone, bool up) {
    const Json* s = store_.get(kServiceKind, service_id(b, h));
    bool off = s && s->value("disabled", false);
    return Json{{"binary", b},
                {"host", h},
                {"zone", zone},
                {"status", off ? "disabled" : "enabled"},
                {"state", up ? "up" : "down"},
                {"updated_at", now},
                {"disabled_reason", s ? s->value("disabled_reason", Json(nullptr)) : Json(nullptr)}};
  };
  std::vector<Json> all = {
      row("cinder-scheduler", scheduler_host_, zone_, !daemons_ || daemons_("cinder-scheduler", scheduler_host_))};
  for (auto* d : drivers_)
    all.push_back(row("cinder-volume", d->backend_host(), d->availability_zone(), backend_up(*d)));
  std::vector<Json> out;
  for (auto& s : all)
    if ((host.empty() || s["host"] == host) && (binary.empty() || s["binary"] == binary)) out.push_back(std::move(s));
  return out;
}

Result<Json> VolumeBackends::set_enabled(const Credentials& caller, const std::string& host, const std::string& binary,
                                         bool enabled, const std::string& reason) {
  if (Status st = authorize(policy_, "volume_extension:services:update", caller); !st.ok()) return st;
  bool known = binary == "cinder-scheduler" ? host == scheduler_host_ : binary == "cinder-volume" && driver(host);
  if (!known) return NotFound("Service " + binary + " at " + host + " could not be found.");
  Json doc = {{"id", service_id(binary, host)},
              {"binary", binary},
              {"host", host},
              {"disabled", !enabled},
              {"disabled_reason", enabled || reason.empty() ? Json(nullptr) : Json(reason)},
              {"updated_at", cinder_time(clock_.now())}};
  if (Status st = store_.put(kServiceKind, doc["id"], doc); !st.ok()) return st;
  return doc;
}

std::vector<Json> VolumeBackends::pools() const {
  std::vector<Json> out;
  for (auto* d : drivers_) {
    BackendStats s = d->get_volume_stats();
    for (const auto& p : s.pools) {
      Json caps = p.capabilities;
      caps["total_capacity_gb"] = p.total_capacity_gb;
      caps["free_capacity_gb"] = p.free_capacity_gb;
      caps["allocated_capacity_gb"] = p.allocated_capacity_gb;
      caps["provisioned_capacity_gb"] = p.provisioned_capacity_gb;
      caps["reserved_percentage"] = p.reserved_percentage;
      caps["max_over_subscription_ratio"] = p.max_over_subscription_ratio;
      out.push_back({{"name", d->backend_host() + "#" + p.pool_name}, {"capabilities", caps}});
    }
  }
  return out;
}

}  // namespace stacklab::volume
