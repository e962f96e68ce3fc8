// Neutron's quota resources and their defaults ([quotas] quota_<resource> in
// neutron.conf), in the order Neutron lists them. -1 means unlimited.
#pragma once

#include <string>
#include <vector>

namespace stacklab::network {

struct QuotaResource {
  const char* name;   // the key of GET /v2.0/quotas/{project_id}
  const char* table;  // the store table whose rows of a project count as used
  long long default_limit;
};

// floatingip 50, network 100, port 500, rbac_policy 10, router 10,
// security_group 10, security_group_rule 100, subnet 100, subnetpool -1.
const std::vector<QuotaResource>& quota_resources();

}  // namespace stacklab::network
