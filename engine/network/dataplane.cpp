#include "engine/network/dataplane.h"

namespace stacklab::network {

Json Hop::to_json() const {
  return {{"type", type}, {"id", id}, {"name", name}, {"address", address}, {"detail", detail}};
}

Json ProbeVerdict::to_json() const {
  Json path = Json::array();
  for (const Hop& h : hops) path.push_back(h.to_json());
  return {{"reachable", reachable}, {"hops", path}, {"reason", reachable ? Json(nullptr) : Json(reason)}};
}

}  // namespace stacklab::network
