// Authentication and tokens: POST/GET/DELETE /v3/auth/tokens.
#include <algorithm>

#include "engine/core/timeutil.h"
#include "engine/identity/identity_service.h"
#include "engine/identity/password_auth.h"
#include "engine/identity/password.h"
#include "engine/identity/token_codec.h"

namespace stacklab::identity {

namespace {

const char* kAuthRequired = "The request you have made requires authentication.";

Status bad_auth(const std::string& what) { return BadRequest("Invalid auth request: " + what); }

long long micros(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint from_micros(long long us) { return TimePoint(std::chrono::microseconds(us)); }

std::string folded(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// {"id"} or {"name", "domain": {"id"|"name"}} -> the referenced document.
Result<Json> resolve_named(const Store& store, const char* kind, const Json& ref, const char* what) {
  if (!ref.is_object()) return bad_auth(std::string(what) + " must be an object");
  if (ref.contains("id")) {
    if (!ref["id"].is_string()) return bad_auth(std::string(what) + " id must be a string");
    const Json* d = store.get(kind, ref["id"]);
    if (!d) return Unauthorized(kAuthRequired);
    return *d;
  }
  if (!ref.contains("name") || !ref["name"].is_string())
    return bad_auth(std::string(what) + " needs an id, or a name and a domain");
  std::string domain_id;
  if (std::string(kind) != "domain") {
    if (!ref.contains("domain") || !ref["domain"].is_object())
      return bad_auth(std::string(what) + " given by name needs a domain");
    auto dom = resolve_named(store, "domain", ref["domain"], "domain");
    if (!dom.ok()) return dom;
    domain_id = (*dom)["id"];
  }
  for (const Json* d : store.find(kind, "name", ref["name"]))
    if (domain_id.empty() || (*d)["domain_id"] == Json(domain_id)) return *d;
  // Keystone under MySQL matches names case-insensitively: the book's neo
  // file says OS_USER_DOMAIN_NAME=default for the domain named Default.
  if (std::string(kind) == "domain")
    for (const Json* d : store.list(kind))
      if (folded((*d)["name"]) == folded(ref["name"])) return *d;
  return Unauthorized(kAuthRequired);
}

}  // namespace

std::string IdentityService::token_key() const {
  const Json* k = store_.get("token_key", "current");
  std::string hex = k ? (*k)["key"].get<std::string>() : std::string(64, '0');
  std::string key(32, '\0');
  for (std::size_t i = 0; i < 32 && 2 * i + 1 < hex.size(); ++i)
    key[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return key;
}

Credentials AuthContext::credentials() const {
  Credentials c;
  c.user_id = user_id;
  c.user_domain_id = user_domain_id;
  c.project_id = project_id;
  c.project_domain_id = project_domain_id;
  c.domain_id = domain_id;
  c.system_scope = system_scope ? "all" : "";
  for (const auto& r : roles) {
    std::string n = r["name"];
    for (auto& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.roles.insert(n);
  }
  return c;
}

Result<IdentityService::AuthPlan> IdentityService::plan_auth(const Json& auth) {
  if (!auth.is_object()) return bad_auth("'auth' must be an object");
  if (!auth.contains("identity") || !auth["identity"].is_object()) return bad_auth("'identity' is required");
  const Json& identity = auth["identity"];
  if (!identity.contains("methods") || !identity["methods"].is_array() || identity["methods"].empty())
    return bad_auth("'methods' must be a non-empty list");
  AuthPlan plan;
  plan.auth = auth;
  for (const auto& m : identity["methods"]) {
    if (!m.is_string()) return bad_auth("'methods' must be a list of strings");
    std::string method = m;
    if (!identity.contains(method) || !identity[method].is_object())
      return bad_auth("method '" + method + "' is listed without its '" + method + "' object");
    const Json& body = identity[method];
    std::string user_id;
    if (method == "password") {
      if (!body.contains("user")) return bad_auth("password method needs a 'user'");
      auto user = resolve_named(store_, "user", body["user"], "user");
      if (!user.ok()) return user.status();
      if (!body["user"].contains("password") || !body["user"]["password"].is_string())
        return bad_auth("password method needs the user's 'password' as a string");
      user_id = (*user)["id"];
      const Json* stored = store_.get("password", user_id);
      plan.secret_checks.emplace_back(stored ? (*stored)["hash"].get<std::string>() : "",
                                      body["user"]["password"].get<std::string>());
    } else if (method == "token") {
      if (!body.contains("id") || !body["id"].is_string()) return bad_auth("token method needs the token 'id'");
      auto subject = validate_token(body["id"]);
      if (!subject.ok()) return subject.status();
      if (!subject->app_cred_id.empty())
        return Forbidden("Application credential tokens cannot be used to obtain other tokens.");
      user_id = subject->user_id;
      plan.subject = *subject;
    } else if (method == "application_credential") {
      const Json* cred = nullptr;
      if (body.contains("id") && body["id"].is_string()) {
        cred = store_.get("app_credential", body["id"]);
      } else if (body.contains("name") && body["name"].is_string() && body.contains("user")) {
        auto user = resolve_named(store_, "user", body["user"], "user");
        if (!user.ok()) return user.status();
        for (const Json* c : store_.find("app_credential", "user_id", (*user)["id"]))
          if ((*c)["name"] == body["name"]) cred = c;
      } else {
        return bad_auth("application_credential method needs an 'id', or a 'name' and a 'user'");
      }
      if (!body.contains("secret") || !body["secret"].is_string())
        return bad_auth("application_credential method needs the 'secret'");
      if (!cred) return Unauthorized(kAuthRequired);
      if ((*cred)["expires_at"].is_string()) {
        auto exp = parse_iso((*cred)["expires_at"]);
        if (exp && *exp <= clock_.now()) return Unauthorized(kAuthRequired);
      }
      user_id = (*cred)["user_id"];
      plan.app_cred_id = (*cred)["id"];
      plan.secret_checks.emplace_back((*cred)["secret_hash"], body["secret"]);
    } else {
      return Unauthorized("Attempted to authenticate with an unsupported method.");
    }
    if (!plan.user_id.empty() && plan.user_id != user_id) return Unauthorized(kAuthRequired);
    plan.user_id = user_id;
  }
  return plan;
}

bool IdentityService::verify_secrets(const AuthPlan& plan) {
  bool ok = true;
  for (const auto& [hash, candidate] : plan.secret_checks) ok = verify_password(candidate, hash) && ok;
  return ok;
}

Result<AuthContext> IdentityService::complete_auth(const AuthPlan& plan, bool secrets_ok) {
  if (!secrets_ok) return Unauthorized(kAuthRequired);
  std::vector<std::string> methods;
  for (const auto& m : plan.auth["identity"]["methods"]) {
    std::string s = m;
    if (std::find(methods.begin(), methods.end(), s) == methods.end()) methods.push_back(s);
  }
  // The scope: asked for, else the app credential's project, else the
  // rescoped token's, else the user's default project (as Keystone does).
  Json scope = Json::object();
  if (plan.auth.contains("scope")) {
    const Json& s = plan.auth["scope"];
    if (s.is_string() && s == "unscoped") {
      scope = Json::object();
    } else if (!s.is_object()) {
      return bad_auth("'scope' must be an object");
    } else if (s.contains("project")) {
      auto p = resolve_named(store_, "project", s["project"], "project");
      if (!p.ok()) {
        if (p.status().code() == Code::kUnauthorized) return Unauthorized("Could not find project for the scope.");
        return p.status();
      }
      scope = {{"p", (*p)["id"]}};
    } else if (s.contains("domain")) {
      auto d = resolve_named(store_, "domain", s["domain"], "domain");
      if (!d.ok()) return d.status();
      scope = {{"d", (*d)["id"]}};
    } else if (s.contains("system")) {
      scope = {{"s", "all"}};
    } else if (s.contains("OS-TRUST:trust")) {
      return Forbidden("Trusts are not supported by this cloud.");
    } else {
      return bad_auth("'scope' must name a project, a domain or the system");
    }
  } else if (!plan.app_cred_id.empty()) {
    // set below from the credential
  } else if (plan.subject && plan.subject->scoped()) {
    return bad_auth("rescoping a scoped token needs an explicit 'scope'");
  } else if (const Json* u = store_.get("user", plan.user_id)) {
    if ((*u).value("default_project_id", Json()).is_string()) {
      std::string dp = (*u)["default_project_id"];
      if (store_.get("project", dp) && !effective_roles(plan.user_id, Grant::Target::kProject, dp).empty())
        scope = {{"p", dp}};
    }
  }
  if (!plan.app_cred_id.empty()) {
    const Json* cred = store_.get("app_credential", plan.app_cred_id);
    if (!cred) return Unauthorized(kAuthRequired);
    scope = {{"p", (*cred)["project_id"]}};
  }
  TimePoint now = clock_.now();
  // A new audit id (22 chars, as long as Keystone's), then the rescoped token's.
  std::vector<std::string> audit_ids = {random_.hex_id().substr(0, 22)};
  std::optional<TimePoint> expires;
  if (plan.subject) {
    audit_ids.push_back(plan.subject->audit_ids.front());
    expires = plan.subject->expires_at;
    for (const auto& m : plan.subject->methods)
      if (std::find(methods.begin(), methods.end(), m) == methods.end()) methods.push_back(m);
  }
  if (!plan.app_cred_id.empty()) {
    const Json* cred = store_.get("app_credential", plan.app_cred_id);
    if ((*cred)["expires_at"].is_string()) {
      auto exp = parse_iso((*cred)["expires_at"]);
      if (exp && (!expires || *exp < *expires)) expires = *exp;
    }
  }
  auto ctx = build_context(plan.user_id, scope, methods, audit_ids, plan.app_cred_id, expires, now);
  if (!ctx.ok()) return ctx;
  Json payload = {{"u", plan.user_id},
                  {"m", ctx->methods},
                  {"a", ctx->audit_ids},
                  {"i", micros(ctx->issued_at)},
                  {"e", micros(ctx->expires_at)},
                  {"s", scope}};
  if (!plan.app_cred_id.empty()) payload["c"] = plan.app_cred_id;
  ctx->token = seal_token(token_key(), payload.dump(), random_);
  return ctx;
}

Json password_auth_body(const std::string& user, const std::string& password, const std::string& project) {
  return {{"identity",
           {{"methods", {"password"}},
            {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}},
          {"scope", {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}}}};
}

Result<AuthContext> IdentityService::authenticate(const Json& auth) {
  auto plan = plan_auth(auth);
  if (!plan.ok()) return plan.status();
  return complete_auth(*plan, verify_secrets(*plan));
}

Result<AuthContext> IdentityService::build_context(const std::string& user_id, const Json& scope,
                                                   std::vector<std::string> methods, std::vector<std::string> audit_ids,
                                                   const std::string& app_cred_id, std::optional<TimePoint> expires_at,
                                                   TimePoint issued_at) const {
  const Json* user = store_.get("user", user_id);
  if (!user || !(*user).value("enabled", true)) return Unauthorized(kAuthRequired);
  const Json* user_domain = store_.get("domain", (*user)["domain_id"]);
  if (!user_domain || !(*user_domain).value("enabled", true)) return Unauthorized(kAuthRequired);
  AuthContext ctx;
  ctx.methods = std::move(methods);
  ctx.audit_ids = std::move(audit_ids);
  ctx.app_cred_id = app_cred_id;
  ctx.user_id = user_id;
  ctx.user_name = (*user)["name"];
  ctx.user_domain_id = (*user_domain)["id"];
  ctx.user_domain_name = (*user_domain)["name"];
  ctx.issued_at = issued_at;
  ctx.expires_at = expires_at ? *expires_at : issued_at + options_.token_expiration;
  std::vector<std::string> role_ids;
  if (scope.contains("p")) {
    std::string pid = scope["p"];
    const Json* p = store_.get("project", pid);
    if (!p) return Unauthorized("Could not find project: " + pid + ".");
    const Json* pd = store_.get("domain", (*p)["domain_id"]);
    if (!(*p).value("enabled", true) || !pd || !(*pd).value("enabled", true))
      return Unauthorized("Project " + pid + " is disabled.");
    ctx.project_id = pid;
    ctx.project_name = (*p)["name"];
    ctx.project_domain_id = (*pd)["id"];
    ctx.project_domain_name = (*pd)["name"];
    role_ids = effective_roles(user_id, Grant::Target::kProject, pid);
    if (role_ids.empty()) return Unauthorized("User " + user_id + " has no access to project " + pid);
  } else if (scope.contains("d")) {
    std::string did = scope["d"];
    const Json* d = store_.get("domain", did);
    if (!d || !(*d).value("enabled", true)) return Unauthorized("Could not find domain: " + did + ".");
    ctx.domain_id = did;
    ctx.domain_name = (*d)["name"];
    role_ids = effective_roles(user_id, Grant::Target::kDomain, did);
    if (role_ids.empty()) return Unauthorized("User " + user_id + " has no access to domain " + did);
  } else if (scope.contains("s")) {
    ctx.system_scope = true;
    role_ids = effective_roles(user_id, Grant::Target::kSystem, "all");
    if (role_ids.empty()) return Unauthorized("User " + user_id + " has no access to the system");
  }
  if (!app_cred_id.empty()) {
    // An application credential carries at most the roles it was made with.
    const Json* cred = store_.get("app_credential", app_cred_id);
    if (!cred) return Unauthorized(kAuthRequired);
    std::vector<std::string> allowed;
    for (const auto& r : (*cred)["roles"]) allowed.push_back(r["id"]);
    allowed = expand_implied(allowed);
    std::erase_if(role_ids,
                  [&](const std::string& r) { return std::find(allowed.begin(), allowed.end(), r) == allowed.end(); });
    if (role_ids.empty()) return Unauthorized(kAuthRequired);
  }
  for (const auto& rid : role_ids)
    if (const Json* r = store_.get("role", rid)) ctx.roles.push_back({{"id", rid}, {"name", (*r)["name"]}});
  return ctx;
}

Result<AuthContext> IdentityService::validate_token(const std::string& token, bool as_subject) const {
  auto fail = [&]() -> Status {
    if (as_subject) return NotFound("Failed to validate token");
    return Unauthorized(kAuthRequired);
  };
  auto payload_text = open_token(token_key(), token);
  if (!payload_text) return fail();
  Json p = Json::parse(*payload_text, nullptr, false);
  if (p.is_discarded() || !p.is_object()) return fail();
  TimePoint issued = from_micros(p["i"].get<long long>());
  TimePoint expires = from_micros(p["e"].get<long long>());
  if (expires <= clock_.now()) return fail();
  auto ctx = build_context(p["u"], p["s"], p["m"].get<std::vector<std::string>>(),
                           p["a"].get<std::vector<std::string>>(), p.value("c", ""), expires, issued);
  if (!ctx.ok()) return fail();
  if (token_revoked(*ctx)) return fail();
  ctx->token = token;
  return ctx;
}

bool IdentityService::token_revoked(const AuthContext& ctx) const {
  for (const auto& audit : ctx.audit_ids)
    if (!store_.find("revocation", "audit_id", audit).empty()) return true;
  auto issued = micros(ctx.issued_at);
  for (const Json* e : store_.find("revocation", "user_id", ctx.user_id))
    if (issued <= (*e)["issued_before"].get<long long>()) return true;
  if (!ctx.project_id.empty())
    for (const Json* e : store_.find("revocation", "project_id", ctx.project_id))
      if (issued <= (*e)["issued_before"].get<long long>()) return true;
  return false;
}

Status IdentityService::revoke_by(const std::string& field, const std::string& value) {
  long long now = micros(clock_.now());
  // Events older than the longest token lifetime can no longer match anything.
  long long horizon = now - options_.token_expiration.count();
  std::vector<std::string> stale;
  for (const Json* e : store_.list("revocation"))
    if ((*e)["issued_before"].get<long long>() < horizon) stale.push_back((*e)["id"]);
  for (const auto& id : stale) {
    Status st = store_.erase("revocation", id);
    if (!st.ok()) return st;
  }
  std::string id = random_.hex_id();
  return store_.put("revocation", id, Json{{"id", id}, {field, value}, {"issued_before", now}});
}

Status IdentityService::revoke_token(const AuthContext& token) {
  return revoke_by("audit_id", token.audit_ids.front());
}

Json IdentityService::token_body(const AuthContext& ctx, bool with_catalog) const {
  Json t;
  t["methods"] = ctx.methods;
  t["user"] = {{"domain", {{"id", ctx.user_domain_id}, {"name", ctx.user_domain_name}}},
               {"id", ctx.user_id},
               {"name", ctx.user_name},
               {"password_expires_at", nullptr}};
  t["audit_ids"] = ctx.audit_ids;
  t["expires_at"] = format_iso_micro(ctx.expires_at);
  t["issued_at"] = format_iso_micro(ctx.issued_at);
  if (!ctx.project_id.empty()) {
    t["project"] = {{"domain", {{"id", ctx.project_domain_id}, {"name", ctx.project_domain_name}}},
                    {"id", ctx.project_id},
                    {"name", ctx.project_name}};
    t["is_domain"] = false;
  } else if (!ctx.domain_id.empty()) {
    t["domain"] = {{"id", ctx.domain_id}, {"name", ctx.domain_name}};
  } else if (ctx.system_scope) {
    t["system"] = {{"all", true}};
  }
  if (ctx.scoped()) {
    t["roles"] = ctx.roles;
    if (with_catalog) t["catalog"] = catalog_for(ctx);
  }
  if (!ctx.app_cred_id.empty()) {
    if (const Json* c = store_.get("app_credential", ctx.app_cred_id))
      t["application_credential"] = {
          {"id", ctx.app_cred_id}, {"name", (*c)["name"]}, {"restricted", !(*c).value("unrestricted", false)}};
  }
  Json body;
  body["token"] = std::move(t);
  return body;
}

}  // namespace stacklab::identity
