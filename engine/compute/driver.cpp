#include "engine/compute/driver.h"

#include <algorithm>
#include <cctype>

namespace stacklab::compute {

const char* power_state_name(PowerState state) {
  switch (state) {
    case PowerState::kNoState:
      return "NOSTATE";
    case PowerState::kRunning:
      return "Running";
    case PowerState::kPaused:
      return "Paused";
    case PowerState::kShutdown:
      return "Shutdown";
    case PowerState::kCrashed:
      return "Crashed";
    case PowerState::kSuspended:
      return "Suspended";
  }
  return "NOSTATE";
}

std::set<std::string> capability_traits(const DriverCapabilities& caps) {
  std::set<std::string> traits;
  for (std::string type : caps.image_types) {
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    traits.insert("COMPUTE_IMAGE_TYPE_" + type);
  }
  if (caps.supports_attach_volume) traits.insert("COMPUTE_VOLUME_ATTACH");
  if (caps.supports_attach_interface) traits.insert("COMPUTE_NET_ATTACH_INTERFACE");
  return traits;
}

}  // namespace stacklab::compute
