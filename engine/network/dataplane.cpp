#include "engine/network/dataplane.h"

#include "engine/network/document_fields.h"
#include "engine/network/l3_ports.h"

namespace stacklab::network {

Json Hop::to_json() const {
  return {{"type", type}, {"id", id}, {"name", name}, {"address", address}, {"detail", detail}};
}

Json ProbeVerdict::to_json() const {
  Json path = Json::array();
  for (const Hop& h : hops) path.push_back(h.to_json());
  return {{"reachable", reachable}, {"hops", path}, {"reason", reachable ? Json(nullptr) : Json(reason)}};
}

void NetworkModel::index() {
  port_ids_by_network.clear();
  port_ids_by_router.clear();
  for (const auto& [id, port] : ports) {
    port_ids_by_network[field_text(port, "network_id")].push_back(id);
    const std::string& owner = field_text(port, "device_owner");
    if (owner == kInterfaceOwner || owner == kGatewayOwner)
      port_ids_by_router[field_text(port, "device_id")].push_back(id);
  }
  indexed = true;
}

}  // namespace stacklab::network
