#include "engine/compute/availability_zones.h"

#include <map>
#include <set>

#include "engine/compute/compute_policy.h"

namespace stacklab::compute {

AvailabilityZones::AvailabilityZones(const ServiceRegistry& services, const AggregateService& aggregates,
                                     const Policy& policy)
    : services_(services), aggregates_(aggregates), policy_(policy) {}

std::string AvailabilityZones::zone_of(const Json& service) const {
  const ServiceGroupOptions& o = services_.options();
  if (service.value("zone_kind", "") == "internal") return o.internal_service_availability_zone;
  std::string zone = aggregates_.zone_of_host(service["host"].get<std::string>());
  return zone.empty() ? o.default_availability_zone : zone;
}

Json AvailabilityZones::zones(bool detailed) const {
  const std::string internal = services_.options().internal_service_availability_zone;
  std::set<std::string> available, unavailable;
  // zone -> host -> binary -> state
  std::map<std::string, std::map<std::string, Json>> hosts;
  for (const Json& s : services_.all()) {
    std::string zone = zone_of(s);
    if (s["disabled"].get<bool>()) {
      unavailable.insert(zone);
      continue;
    }
    available.insert(zone);
    hosts[zone][s["host"].get<std::string>()][s["binary"].get<std::string>()] = {
        {"available", s["state"] == "up"}, {"active", true}, {"updated_at", s["updated_at"]}};
  }
  Json out = Json::array();
  for (const auto& z : available) {
    if (!detailed && z == internal) continue;
    Json h = nullptr;
    if (detailed) {
      h = Json::object();
      for (const auto& [host, binaries] : hosts[z]) h[host] = binaries;
    }
    out.push_back({{"zoneName", z}, {"zoneState", {{"available", true}}}, {"hosts", h}});
  }
  for (const auto& z : unavailable) {
    if (available.count(z) || (!detailed && z == internal)) continue;
    out.push_back({{"zoneName", z}, {"zoneState", {{"available", false}}}, {"hosts", nullptr}});
  }
  return out;
}

Result<Json> AvailabilityZones::list(const Credentials& caller) const {
  if (Status st = authorize(policy_, "os_compute_api:os-availability-zone:list", caller); !st.ok()) return st;
  return zones(false);
}

Result<Json> AvailabilityZones::detail(const Credentials& caller) const {
  if (Status st = authorize(policy_, "os_compute_api:os-availability-zone:detail", caller); !st.ok()) return st;
  return zones(true);
}

}  // namespace stacklab::compute
