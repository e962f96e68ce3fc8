// RBAC policies on networks: access_as_shared lets the target project (or
// every project, "*") see the network and put ports on it; access_as_external
// lets it see the network as an external one. A network's `shared` flag and
// its wildcard access_as_shared policy are one fact, kept together from both
// sides. A policy other projects' ports depend on cannot be removed.
#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kRbacPolicyFilters = {
    "id", "object_type", "object_id", "action", "target_tenant", "project_id", "tenant_id"};

namespace {

const std::set<std::string> kRbacFields = attribute_set(kRbacPolicyFilters, {});

Status policy_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "RbacPolicyNotFound",
                       "RBAC policy of type network with ID " + id + " not found");
}

Json rbac_target(const Json& policy) { return {{"project_id", policy["project_id"]}}; }

bool covers(const Json& policy, const std::string& project) {
  return policy["target_tenant"] == "*" || policy["target_tenant"] == project;
}

}  // namespace

bool NetworkService::rbac_grants(const Json& network, const std::string& action, const std::string& project) const {
  for (const Json* p : store_.find("rbac_policy", "object_id", network["id"]))
    if ((*p)["action"] == action && covers(*p, project)) return true;
  return false;
}

Json NetworkService::network_target(const Json& network, const std::string& viewer) const {
  Json target = network_target(network);
  if (target["shared"] != true && rbac_grants(network, "access_as_shared", viewer)) target["shared"] = true;
  if (target["router:external"] != true && rbac_grants(network, "access_as_external", viewer))
    target["router:external"] = true;
  return target;
}

// Adds (or removes) the network's wildcard access_as_shared policy to match
// `shared`; the caller saves the network itself.
Status NetworkService::set_wildcard_share(const Json& network, bool shared) {
  std::vector<std::string> wildcards;
  for (const Json* p : store_.find("rbac_policy", "object_id", network["id"]))
    if ((*p)["action"] == "access_as_shared" && (*p)["target_tenant"] == "*") wildcards.push_back((*p)["id"]);
  if (!shared) {
    for (const std::string& id : wildcards)
      if (Status st = store_.erase("rbac_policy", id); !st.ok()) return st;
    return {};
  }
  if (!wildcards.empty()) return {};
  Json policy = {{"id", new_id()},
                 {"object_type", "network"},
                 {"object_id", network["id"]},
                 {"action", "access_as_shared"},
                 {"target_tenant", "*"},
                 {"project_id", network["project_id"]},
                 {"tenant_id", network["project_id"]}};
  return store_.put("rbac_policy", policy["id"], policy);
}

namespace {

// 409 RbacPolicyInUse when, without `removed`, a project's ports on the
// network would lose the access that put them there.
Status check_still_covered(const Store& store, const Json& network, const Json& removed) {
  if (removed["action"] != "access_as_shared") return {};
  for (const Json* port : store.find("port", "network_id", network["id"])) {
    std::string project = (*port)["project_id"];
    if (project == network["project_id"] || !covers(removed, project)) continue;
    bool other = false;
    for (const Json* p : store.find("rbac_policy", "object_id", network["id"]))
      if ((*p)["id"] != removed["id"] && (*p)["action"] == "access_as_shared" && covers(*p, project)) other = true;
    if (!other)
      return neutron_error(Code::kConflict, "RbacPolicyInUse",
                           "RBAC policy on object " + network["id"].get<std::string>() +
                               " cannot be removed because other objects depend on it.\nDetails: project " + project +
                               " has ports on the network.");
  }
  return {};
}

}  // namespace

Result<Json> NetworkService::create_rbac_policy(const Credentials& caller, const Json& body) {
  Status st = check_attributes(body, {"object_type", "object_id", "action", "target_tenant", "project_id", "tenant_id"},
                               kRbacFields, "POST");
  if (!st.ok()) return st;
  for (const char* required : {"object_type", "object_id", "action", "target_tenant"})
    if (!body.contains(required))
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           std::string("Failed to parse request. Required attribute '") + required + "' not specified");
  if (body["object_type"] != "network")
    return invalid_attribute("object_type", in_quotes(text_of(body["object_type"])) + " is not in ['network']");
  std::string action = text_of(body["action"]);
  if (action != "access_as_shared" && action != "access_as_external")
    return invalid_attribute("action", in_quotes(action) + " is not in ['access_as_external', 'access_as_shared']");
  auto target = to_string_attr("target_tenant", body["target_tenant"]);
  if (!target.ok()) return target.status();
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();
  auto found = visible_network(caller, text_of(body["object_id"]));
  if (!found.ok()) return found.status();
  Json network = **found;
  // Only the network's owner (or an admin) shares it; only an admin shares with everyone.
  if (!caller.is_admin() && network["project_id"] != caller.project_id)
    return neutron_error(Code::kForbidden, "PolicyNotAuthorized", "(rule:create_rbac_policy) is disallowed by policy");
  if (*target == "*" && !caller.is_admin())
    return neutron_error(Code::kForbidden, "PolicyNotAuthorized",
                         "(rule:create_rbac_policy:target_tenant) is disallowed by policy");
  for (const Json* p : store_.find("rbac_policy", "object_id", network["id"]))
    if ((*p)["action"] == action && (*p)["target_tenant"] == *target)
      return neutron_error(Code::kConflict, "DuplicateRbacPolicy", "An RBAC policy already exists with those values.");
  if (st = check_quota(*owner, "rbac_policy"); !st.ok()) return st;
  Json policy = {{"id", new_id()},     {"object_type", "network"}, {"object_id", network["id"]},
                 {"action", action},   {"target_tenant", *target}, {"project_id", *owner},
                 {"tenant_id", *owner}};
  st = store_.transaction([&]() -> Status {
    if (Status put = store_.put("rbac_policy", policy["id"], policy); !put.ok()) return put;
    if (action == "access_as_shared" && *target == "*" && network["shared"] != true) {
      network["shared"] = true;
      return touch_and_put("network", network);
    }
    return {};
  });
  if (!st.ok()) return st;
  return policy;
}

Result<Json> NetworkService::get_rbac_policy(const Credentials& caller, const std::string& id) const {
  const Json* p = store_.get("rbac_policy", id);
  if (!p || !policy_.allowed("get_rbac_policy", caller, rbac_target(*p))) return policy_not_found(id);
  return *p;
}

std::vector<Json> NetworkService::list_rbac_policies(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* p : store_.list("rbac_policy"))
    if (policy_.allowed("get_rbac_policy", caller, rbac_target(*p))) out.push_back(*p);
  return out;
}

Result<Json> NetworkService::update_rbac_policy(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = get_rbac_policy(caller, id);
  if (!found.ok()) return found.status();
  Json policy = *found;
  Status st = check_attributes(body, {"target_tenant"}, kRbacFields, "PUT");
  if (!st.ok()) return st;
  if (st = authorize(policy_, "update_rbac_policy", caller, rbac_target(policy)); !st.ok()) return st;
  if (!body.contains("target_tenant")) return policy;
  auto target = to_string_attr("target_tenant", body["target_tenant"]);
  if (!target.ok()) return target.status();
  if (*target == "*" && !caller.is_admin())
    return neutron_error(Code::kForbidden, "PolicyNotAuthorized",
                         "(rule:update_rbac_policy:target_tenant) is disallowed by policy");
  const Json* network = store_.get("network", policy["object_id"]);
  if (network)
    if (st = check_still_covered(store_, *network, policy); !st.ok()) return st;
  policy["target_tenant"] = *target;
  if (st = store_.put("rbac_policy", id, policy); !st.ok()) return st;
  return policy;
}

Status NetworkService::delete_rbac_policy(const Credentials& caller, const std::string& id) {
  auto found = get_rbac_policy(caller, id);
  if (!found.ok()) return found.status();
  const Json policy = *found;
  if (Status st = authorize(policy_, "delete_rbac_policy", caller, rbac_target(policy)); !st.ok()) return st;
  const Json* stored = store_.get("network", policy["object_id"]);
  if (!stored) return store_.erase("rbac_policy", id);
  Json network = *stored;
  if (Status st = check_still_covered(store_, network, policy); !st.ok()) return st;
  return store_.transaction([&]() -> Status {
    if (Status st = store_.erase("rbac_policy", id); !st.ok()) return st;
    if (policy["action"] == "access_as_shared" && policy["target_tenant"] == "*" && network["shared"] == true) {
      network["shared"] = false;
      return touch_and_put("network", network);
    }
    return {};
  });
}

}  // namespace stacklab::network
