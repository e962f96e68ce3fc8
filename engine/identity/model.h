// Identity's model: the documents identity keeps in the store, and the field
// rules used to validate what clients send.
//
// Documents have the fields of Keystone's API bodies:
//   domain       {id, name, description, enabled, tags, options}
//   project      {id, name, domain_id, parent_id, is_domain, description, enabled, tags, options, <extra>}
//   user         {id, name, domain_id, enabled, default_project_id?, options, password_expires_at, <extra: email...>}
//   group        {id, name, domain_id, description}
//   role         {id, name, domain_id, description, options}
//   region       {id, description, parent_region_id}
//   service      {id, type, name, description, enabled}
//   endpoint     {id, interface, region_id, region, service_id, url, enabled}
//   credential   {id, user_id, project_id, type, blob}        (blob: a string, JSON for "ec2")
//   policy       {id, type, blob, <extra>}                    (stored, never enforced, as in Keystone)
// Internal kinds, never returned as such:
//   password        {id: user_id, hash}                    (PBKDF2 hash, never the password)
//   group_member    {id, group_id, user_id}
//   implied_role    {id, prior_role_id, implied_role_id}
//   assignment      {id, type, actor_id, target_id, role_id, inherited}
//   app_credential  {id, name, user_id, project_id, roles, expires_at, unrestricted, secret_hash, ...}
//   revocation      {id, audit_id | user_id | project_id | domain_id, issued_before}
//   token_key       {id: "current", key}                   (the token encryption key)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace stacklab::identity {

using Json = nlohmann::json;

enum class FieldType { kString, kNullableString, kBool, kStringList, kObject, kAny };

struct FieldSpec {
  const char* name;
  FieldType type;
  bool required = false;
  bool updatable = true;
  std::size_t max_length = 255;  // for strings
};

// How one kind of entity is validated and kept unique.
struct EntitySpec {
  const char* kind;          // store table
  const char* noun;          // in messages: "Could not find <noun>: <id>."
  const char* unique_scope;  // name unique within this field ("domain_id"), "" = globally, nullptr = not unique
  std::vector<FieldSpec> fields;
  bool allow_extra;  // unknown top-level fields are kept (Keystone's "extra")
};

extern const EntitySpec kDomainSpec, kProjectSpec, kUserSpec, kGroupSpec, kRoleSpec, kRegionSpec, kServiceSpec,
    kEndpointSpec, kCredentialSpec, kPolicySpec;

// 400 with Keystone's wording if `doc` breaks the spec. `creating` checks required fields.
Status validate_fields(const EntitySpec& spec, const Json& doc, bool creating);

}  // namespace stacklab::identity
