// Nova's operator APIs for hosts, served under /compute/v2.1 next to the
// routes of compute_routes.h: os-services, os-hypervisors, os-aggregates and
// os-availability-zone. The logic is in engine/compute (compute_services.h,
// hypervisors.h, aggregates.h, availability_zones.h); these files map it to
// Nova's shapes per microversion.
#pragma once

#include <string>

#include "api/router.h"
#include "engine/compute/aggregates.h"
#include "engine/compute/availability_zones.h"
#include "engine/compute/compute_services.h"
#include "engine/compute/hypervisors.h"

namespace stacklab::api::compute_api {

struct HostCtx {
  compute::ServiceRegistry& services;
  compute::Hypervisors& hypervisors;
  compute::AggregateService& aggregates;
  compute::AvailabilityZones& zones;
};

// All four below.
void add_host_routes(Router& r, HostCtx ctx);
void add_service_routes(Router& r, HostCtx ctx);
void add_hypervisor_routes(Router& r, HostCtx ctx);
void add_aggregate_routes(Router& r, HostCtx ctx);
void add_availability_zone_routes(Router& r, HostCtx ctx);

// Nova's uuidutils.is_uuid_like: 32 hex digits, dashes allowed.
bool is_uuid_like(const std::string& s);

}  // namespace stacklab::api::compute_api
