#include "engine/guest/guest_leases.h"

#include <set>

namespace stacklab::guest {

namespace {

const char* const kLeaseKind = "guest_lease";
constexpr int kRunning = 1;  // Nova's power_state RUNNING

// The task states whose end, with the server running, means its guest has just booted.
bool boot_task(const std::string& task) {
  static const std::set<std::string> kBootTasks = {"spawning",
                                                   "rebooting",
                                                   "reboot_pending",
                                                   "reboot_started",
                                                   "rebooting_hard",
                                                   "reboot_pending_hard",
                                                   "reboot_started_hard",
                                                   "powering-on",
                                                   "rebuilding",
                                                   "rebuild_spawning",
                                                   "unshelving",
                                                   "resize_finish",
                                                   "resize_reverting",
                                                   "migrating",
                                                   "rescuing",
                                                   "unrescuing"};
  return kBootTasks.count(task) > 0;
}

bool running_idle(const Json& s) {
  return s.is_object() && s.value("power_state", 0) == kRunning && s.contains("task_state") &&
         s["task_state"].is_null();
}

}  // namespace

GuestLeases::GuestLeases(Store& store, Clock& clock, PortsOf ports_of, DhcpAnswers dhcp_answers)
    : store_(store), clock_(clock), ports_of_(std::move(ports_of)), dhcp_answers_(std::move(dhcp_answers)) {
  store_.define(kLeaseKind);
}

Status GuestLeases::booted(const std::string& server_id) {
  Json without = Json::array();
  int nics = 0;
  for (const Nic& nic : ports_of_(server_id)) {
    ++nics;
    if (!dhcp_answers_(nic.network_id)) without.push_back(nic.port_id);
  }
  return store_.put(
      kLeaseKind, server_id,
      {{"without_lease", without}, {"interfaces", nics}, {"booted_at_us", clock_.now().time_since_epoch().count()}});
}

void GuestLeases::server_saved(const Json& before, const Json& after) {
  if (!after.is_object() || !after.contains("id")) return;
  const std::string id = after["id"];
  if (after.value("vm_state", "") == "deleted") {
    (void)store_.erase(kLeaseKind, id);
    return;
  }
  if (!running_idle(after) || !before.is_object() || !before.contains("task_state") ||
      !before["task_state"].is_string() || !boot_task(before["task_state"].get<std::string>()))
    return;
  (void)booted(id);
}

std::set<std::string> GuestLeases::without_lease(const std::string& server_id) const {
  std::set<std::string> out;
  if (const Json* row = store_.get(kLeaseKind, server_id))
    for (const Json& port : (*row).value("without_lease", Json::array())) out.insert(port.get<std::string>());
  return out;
}

bool GuestLeases::leased_boot_since(TimePoint since) const {
  const auto floor = since.time_since_epoch().count();
  for (const Json* row : store_.list(kLeaseKind))
    if ((*row).value("booted_at_us", std::int64_t{0}) >= floor && (*row).value("interfaces", 0) > 0 &&
        (*row).value("without_lease", Json::array()).empty())
      return true;
  return false;
}

}  // namespace stacklab::guest
