// /qos-specs (admin): create, list, show, set keys (PUT), delete keys
// (PUT /delete_keys), delete (?force), and the type associations, which
// Cinder serves as GETs: /associations, /associate?vol_type_id=,
// /disassociate?vol_type_id=, /disassociate_all.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

Json qos_view(const Json& q) {
  return {{"id", q["id"]}, {"name", q["name"]}, {"consumer", q["consumer"]}, {"specs", q["specs"]}};
}

Response qos_document(const Request& req, const Json& q) {
  Json links = resource_summary(req, "qos-specs", q)["links"];
  return json_response(200, {{"qos_specs", qos_view(q)}, {"links", links}});
}

}  // namespace

void add_qos_routes(Router& r, Ctx ctx, const std::string& root) {
  volume::QosSpecsService& qos = *ctx.qos;
  const std::string base = root + "/qos-specs";
  r.add_sync("POST", base, [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "qos_specs");
      if (!body.ok()) return fail(body.status());
      Json specs = *body;
      auto name = parse_string(specs.value("name", Json(nullptr)));
      if (!name || name->empty()) return fail(BadRequest("Please specify a name for QoS specs."));
      specs.erase("name");
      auto q = qos.create(caller(req), *name, specs);
      return q.ok() ? qos_document(req, *q) : fail(q.status());
    });
  });
  r.add_sync("GET", base, [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto all = qos.list(caller(req));
      if (!all.ok()) return fail(all.status());
      Json out = Json::array();
      for (const auto& q : *all) out.push_back(qos_view(q));
      return json_response(200, {{"qos_specs", out}});
    });
  });
  add_blank_id_routes(r, base);
  r.add_sync("GET", base + "/{qos_id}", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto q = qos.get(caller(req), req.params["qos_id"]);
      return q.ok() ? qos_document(req, *q) : fail(q.status());
    });
  });
  r.add_sync("PUT", base + "/{qos_id}", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "qos_specs");
      if (!body.ok()) return fail(body.status());
      auto keys = qos.set_keys(caller(req), req.params["qos_id"], *body);
      return keys.ok() ? json_response(200, {{"qos_specs", *keys}}) : fail(keys.status());
    });
  });
  r.add_sync("PUT", base + "/{qos_id}/delete_keys", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->is_object() || !body->contains("keys") || !(*body)["keys"].is_array())
        return fail(BadRequest("Missing required element 'keys' in request body."));
      std::vector<std::string> keys;
      for (const auto& k : (*body)["keys"]) {
        if (!k.is_string()) return fail(BadRequest("Invalid input received: keys must be strings."));
        keys.push_back(k);
      }
      return accepted(qos.delete_keys(caller(req), req.params["qos_id"], keys));
    });
  });
  r.add_sync("DELETE", base + "/{qos_id}", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      bool force = parse_bool(Json(req.query_param("force").value_or("false"))).value_or(false);
      return accepted(qos.remove(caller(req), req.params["qos_id"], force));
    });
  });
  r.add_sync("GET", base + "/{qos_id}/associations", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto assoc = qos.associations(caller(req), req.params["qos_id"]);
      return assoc.ok() ? json_response(200, {{"qos_associations", *assoc}}) : fail(assoc.status());
    });
  });
  for (bool associate : {true, false})
    r.add_sync("GET", base + "/{qos_id}/" + (associate ? "associate" : "disassociate"), [&qos, associate](Request& req) {
      return versioned(req, [&](const Microversion&) {
        auto type_id = req.query_param("vol_type_id");
        if (!type_id || type_id->empty()) return fail(BadRequest("Volume Type id must not be None."));
        const std::string& id = req.params["qos_id"];
        return accepted(associate ? qos.associate(caller(req), id, *type_id)
                                  : qos.disassociate(caller(req), id, *type_id));
      });
    });
  r.add_sync("GET", base + "/{qos_id}/disassociate_all", [&qos](Request& req) {
    return versioned(req, [&](const Microversion&) {
      return accepted(qos.disassociate_all(caller(req), req.params["qos_id"]));
    });
  });
}

}  // namespace stacklab::api::volume_api
