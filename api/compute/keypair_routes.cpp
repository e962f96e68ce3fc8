// /v2.1/os-keypairs: list, create (import, or generation below 2.92), show,
// delete, with the shapes of 2.1, 2.2 (type; 201/204), 2.10 (user_id) and
// 2.35 (paging).
#include <memory>

#include "api/compute/compute_routes.h"
#include "api/query.h"
#include "engine/compute/ssh_keys.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k22{2, 2}, k210{2, 10}, k235{2, 35};

std::string user_param(const Request& req, const Microversion& v) {
  return v >= k210 ? req.query_param("user_id").value_or("") : "";
}

// Nova's timestamps of a keypair: "2013-07-29T12:52:38.000000".
Json nova_time(const Json& iso) {
  std::string s = iso.get<std::string>();
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s + ".000000";
}

Json created_view(const Json& kp, const Microversion& v, const std::string& private_key) {
  Json j = {{"name", kp["name"]},
            {"public_key", kp["public_key"]},
            {"fingerprint", kp["fingerprint"]},
            {"user_id", kp["user_id"]}};
  if (!private_key.empty()) j["private_key"] = private_key;
  if (v >= k22) j["type"] = kp["type"];
  return {{"keypair", j}};
}

Json show_view(const Json& kp, const Microversion& v) {
  Json j = {{"name", kp["name"]},
            {"public_key", kp["public_key"]},
            {"fingerprint", kp["fingerprint"]},
            {"user_id", kp["user_id"]},
            {"created_at", nova_time(kp["created_at"])},
            {"deleted", false},
            {"deleted_at", nullptr},
            {"id", kp["seq"]},
            {"updated_at", nullptr}};
  if (v >= k22) j["type"] = kp["type"];
  return {{"keypair", j}};
}

Response list_keypairs(Request& req, Ctx ctx, const Microversion& v) {
  auto all = ctx.keypairs.list(caller(req), user_param(req, v));
  if (!all.ok()) return fail(all.status());
  std::vector<Json> items = *all;
  if (v >= k235) {
    auto page = paginate(items, req, 1000, "name");
    if (!page.ok()) {
      if (page.status().code() == Code::kNotFound)
        return fail(BadRequest("Marker " + req.query_param("marker").value_or("") + " could not be found."));
      return fail(page.status());
    }
    items = page->items;
  }
  Json list = Json::array();
  for (const Json& kp : items) {
    Json j = {{"name", kp["name"]}, {"public_key", kp["public_key"]}, {"fingerprint", kp["fingerprint"]}};
    if (v >= k22) j["type"] = kp["type"];
    list.push_back({{"keypair", j}});
  }
  Json body = {{"keypairs", list}};
  auto limit = req.query_param("limit");
  if (v >= k235 && limit && !items.empty() && std::to_string(items.size()) == *limit)
    body["keypairs_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, items.back()["name"])}}});
  return json_response(200, body);
}

Result<compute::NewKeypair> parse_create(const Request& req, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains("keypair")) return BadRequest("'keypair' is a required property");
  Status st = only_keys(*body, {"keypair"});
  if (!st.ok()) return st;
  const Json& kp = (*body)["keypair"];
  if (!kp.is_object())
    return BadRequest("Invalid input for field/attribute keypair. Value: " + kp.dump() + ". " + kp.dump() +
                      " is not of type 'object'");
  if (v >= k210)
    st = only_keys(kp, {"name", "public_key", "type", "user_id"});
  else if (v >= k22)
    st = only_keys(kp, {"name", "public_key", "type"});
  else
    st = only_keys(kp, {"name", "public_key"});
  if (!st.ok()) return st;
  if (!kp.contains("name")) return BadRequest("'name' is a required property");
  compute::NewKeypair out;
  for (auto [key, dest] : {std::pair{"name", &out.name}, std::pair{"public_key", &out.public_key},
                           std::pair{"type", &out.type}, std::pair{"user_id", &out.user_id}}) {
    if (!kp.contains(key)) continue;
    if (!kp[key].is_string())
      return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + kp[key].dump() + ". " +
                        kp[key].dump() + " is not of type 'string'");
    *dest = kp[key].get<std::string>();
  }
  return out;
}

}  // namespace

void add_keypair_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/os-keypairs", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_keypairs(req, ctx, v); });
  });

  r.add("POST", "/v2.1/os-keypairs", [ctx](Request& req, Reply reply) {
    auto v = negotiate(req, kComputeVersions);
    if (!v.ok()) return reply(fail(v.status()));
    Microversion ver = *v;
    auto answer = [ver, reply](Response resp) {
      annotate(resp, kComputeVersions, ver);
      reply(std::move(resp));
    };
    auto kp = parse_create(req, ver);
    if (!kp.ok()) return answer(fail(kp.status()));
    Credentials who = caller(req);
    int created = ver >= k22 ? 201 : 200;
    if (!kp->public_key.empty()) {
      auto doc = ctx.keypairs.create(who, *kp);
      return answer(doc.ok() ? json_response(created, created_view(*doc, ver, "")) : fail(doc.status()));
    }
    // No public key: Nova generates the pair and returns the private key once.
    Status st = ctx.keypairs.check_create(who, *kp);
    if (!st.ok()) return answer(fail(st));
    // x509: a self-signed certificate for the keypair's owner (Nova's generate_winrm_x509_cert).
    std::string owner = kp->user_id.empty() ? who.user_id : kp->user_id;
    bool x509 = kp->type == "x509";
    auto generated = std::make_shared<Result<compute::GeneratedKeypair>>(Status(Code::kInternal, "not generated"));
    ctx.runtime.offload(
        [generated, x509, owner] {
          *generated = x509 ? compute::generate_x509_keypair(owner) : compute::generate_rsa_keypair();
        },
        [ctx, who, request = *kp, generated, created, ver, answer]() mutable {
          if (!generated->ok()) return answer(fail(generated->status()));
          request.public_key = (*generated)->public_key;
          auto doc = ctx.keypairs.create(who, request);
          if (!doc.ok()) return answer(fail(doc.status()));
          answer(json_response(created, created_view(*doc, ver, (*generated)->private_key)));
        });
  });

  r.add_sync("GET", "/v2.1/os-keypairs/{name}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto kp = ctx.keypairs.get(caller(req), req.params["name"], user_param(req, v));
      if (!kp.ok()) return fail(kp.status());
      return json_response(200, show_view(*kp, v));
    });
  });

  r.add_sync("DELETE", "/v2.1/os-keypairs/{name}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      Status st = ctx.keypairs.remove(caller(req), req.params["name"], user_param(req, v));
      if (!st.ok()) return fail(st);
      return empty_response(v >= k22 ? 204 : 202);
    });
  });
}

}  // namespace stacklab::api::compute_api
