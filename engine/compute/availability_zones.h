// AvailabilityZones: Nova's zones, derived (never stored) from the service
// records and the aggregates' availability_zone metadata.
//
// A nova-compute is in the zone(s) of its aggregates, else in [DEFAULT]
// default_availability_zone ("nova"); the controller's services are in
// internal_service_availability_zone ("internal"). A zone is available when
// one of its services is enabled; zones whose services are all disabled are
// listed as not available. Members see the available zones without
// "internal" (os_compute_api:os-availability-zone:list); admins get the
// detail, with each zone's hosts and their services' liveness.
#pragma once

#include <string>

#include "engine/compute/aggregates.h"
#include "engine/compute/compute_services.h"
#include "engine/core/policy.h"

namespace stacklab::compute {

class AvailabilityZones {
 public:
  AvailabilityZones(const ServiceRegistry& services, const AggregateService& aggregates, const Policy& policy);

  // The zone of a service record.
  std::string zone_of(const Json& service) const;
  // [{zoneName, zoneState {available}, hosts: null}], available zones first, by name.
  Result<Json> list(const Credentials& caller) const;
  // The same with "internal", and hosts {host: {binary: {available, active, updated_at}}}.
  Result<Json> detail(const Credentials& caller) const;

 private:
  Json zones(bool detailed) const;

  const ServiceRegistry& services_;
  const AggregateService& aggregates_;
  const Policy& policy_;
};

}  // namespace stacklab::compute
