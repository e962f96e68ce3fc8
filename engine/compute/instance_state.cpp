#include "engine/compute/instance_state.h"

#include <algorithm>

namespace stacklab::compute {

std::string task_state_of(const Json& s) {
  return s.contains("task_state") && s["task_state"].is_string() ? s["task_state"].get<std::string>() : "";
}

Status check_state(const Json& s, const std::string& action, const std::vector<std::string>& vm_states,
                   const std::vector<std::string>& task_states) {
  const std::string uuid = s.value("id", "");
  const std::string vm = s.value("vm_state", "");
  if (std::find(vm_states.begin(), vm_states.end(), vm) == vm_states.end())
    return Conflict("Cannot '" + action + "' instance " + uuid + " while it is in vm_state " + vm);
  const std::string task = task_state_of(s);
  if (std::find(task_states.begin(), task_states.end(), task) == task_states.end())
    return Conflict("Cannot '" + action + "' instance " + uuid + " while it is in task_state " +
                    (task.empty() ? std::string("None") : task));
  return {};
}

Status check_lock(const Json& s, const Credentials& caller) {
  if (s.value("locked", false) && !caller.is_admin())
    return Conflict("Instance " + s.value("id", std::string()) + " is locked");
  return {};
}

bool is_volume_backed(const Json& server) {
  if (server.value("volume_backed", false)) return true;
  auto image = server.find("image_ref");
  return image == server.end() || !image->is_string() || image->get<std::string>().empty();
}

}  // namespace stacklab::compute
