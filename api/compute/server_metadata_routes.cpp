// What an owner edits on a server in place: /servers/{id}/metadata[/{key}],
// /servers/{id}/tags[/{tag}] (2.26+), and PUT /servers/{id} (name,
// description 2.19+, accessIPv4/v6) answering the detail view.
#include <string>
#include <vector>

#include "api/compute/compute_routes.h"
#include "api/compute/server_views.h"
#include "api/errors.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k219{2, 19}, k226{2, 26}, k290{2, 90};

Result<Json> body_object(const Request& req, const char* key) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains(key)) return BadRequest(std::string("'") + key + "' is a required property");
  return (*body)[key];
}

void add_metadata(Router& r, compute::ServerMetadataService& m) {
  r.add_sync("GET", "/v2.1/servers/{server_id}/metadata", [&m](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto md = m.metadata(caller(req), req.params["server_id"]);
      return md.ok() ? json_response(200, {{"metadata", *md}}) : fail(md.status());
    });
  });
  for (const char* method : {"POST", "PUT"}) {
    bool replace = std::string(method) == "PUT";
    r.add_sync(method, "/v2.1/servers/{server_id}/metadata", [&m, replace](Request& req) {
      return versioned(req, [&](const Microversion&) {
        auto md = body_object(req, "metadata");
        if (!md.ok()) return fail(md.status());
        auto out = m.set_metadata(caller(req), req.params["server_id"], *md, replace);
        return out.ok() ? json_response(200, {{"metadata", *out}}) : fail(out.status());
      });
    });
  }
  r.add_sync("GET", "/v2.1/servers/{server_id}/metadata/{key}", [&m](Request& req) {
    return versioned(req, [&](const Microversion&) {
      std::string key = req.params["key"];
      auto v = m.item(caller(req), req.params["server_id"], key);
      return v.ok() ? json_response(200, {{"meta", {{key, *v}}}}) : fail(v.status());
    });
  });
  r.add_sync("PUT", "/v2.1/servers/{server_id}/metadata/{key}", [&m](Request& req) {
    return versioned(req, [&](const Microversion&) {
      std::string key = req.params["key"];
      auto meta = body_object(req, "meta");
      if (!meta.ok()) return fail(meta.status());
      Status st = compute::validate_metadata(*meta);
      if (!st.ok()) return fail(st);
      if (meta->size() > 1) return fail(BadRequest("Request body contains too many items"));
      if (meta->empty() || !meta->contains(key)) return fail(BadRequest("Request body and URI mismatch"));
      st = m.set_item(caller(req), req.params["server_id"], key, (*meta)[key]);
      return st.ok() ? json_response(200, {{"meta", *meta}}) : fail(st);
    });
  });
  r.add_sync("DELETE", "/v2.1/servers/{server_id}/metadata/{key}", [&m](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = m.delete_item(caller(req), req.params["server_id"], req.params["key"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
}

void add_tags(Router& r, compute::ServerMetadataService& m) {
  r.add_sync("GET", "/v2.1/servers/{server_id}/tags", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          auto t = m.tags(caller(req), req.params["server_id"]);
          return t.ok() ? json_response(200, {{"tags", *t}}) : fail(t.status());
        },
        k226);
  });
  r.add_sync("PUT", "/v2.1/servers/{server_id}/tags", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          auto tags = body_object(req, "tags");
          if (!tags.ok()) return fail(tags.status());
          if (!tags->is_array())
            return fail(BadRequest("Invalid input for field/attribute tags. Value: " + tags->dump() + ". " +
                                   tags->dump() + " is not of type 'array'"));
          std::vector<std::string> list;
          for (const auto& t : *tags) {
            if (!t.is_string())
              return fail(BadRequest("Invalid input for field/attribute tags. Value: " + tags->dump() + ". " +
                                     t.dump() + " is not of type 'string'"));
            list.push_back(t);
          }
          auto out = m.replace_tags(caller(req), req.params["server_id"], list);
          return out.ok() ? json_response(200, {{"tags", *out}}) : fail(out.status());
        },
        k226);
  });
  r.add_sync("DELETE", "/v2.1/servers/{server_id}/tags", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          Status st = m.delete_tags(caller(req), req.params["server_id"]);
          return st.ok() ? empty_response(204) : fail(st);
        },
        k226);
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}/tags/{tag}", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          Status st = m.check_tag(caller(req), req.params["server_id"], req.params["tag"]);
          return st.ok() ? empty_response(204) : fail(st);
        },
        k226);
  });
  r.add_sync("PUT", "/v2.1/servers/{server_id}/tags/{tag}", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          std::string id = req.params["server_id"], tag = req.params["tag"];
          auto added = m.add_tag(caller(req), id, tag);
          if (!added.ok()) return fail(added.status());
          Response resp = empty_response(*added ? 201 : 204);
          resp.header("Location", req.service_url() + "/v2.1/servers/" + id + "/tags/" + tag);
          return resp;
        },
        k226);
  });
  r.add_sync("DELETE", "/v2.1/servers/{server_id}/tags/{tag}", [&m](Request& req) {
    return versioned(
        req,
        [&](const Microversion&) {
          Status st = m.delete_tag(caller(req), req.params["server_id"], req.params["tag"]);
          return st.ok() ? empty_response(204) : fail(st);
        },
        k226);
  });
}

Result<compute::ServerUpdate> parse_update(const Request& req, const Microversion& v) {
  auto s = body_object(req, "server");
  if (!s.ok()) return s.status();
  if (!s->is_object()) return BadRequest("Invalid input for field/attribute server.");
  Status st = v >= k290
                  ? only_keys(*s, {"name", "description", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig", "hostname"})
              : v >= k219 ? only_keys(*s, {"name", "description", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"})
                          : only_keys(*s, {"name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"});
  if (!st.ok()) return st;
  compute::ServerUpdate u;
  if (s->contains("name")) {
    const Json& n = (*s)["name"];
    if (!n.is_string() || n.get<std::string>().empty() || n.get<std::string>().size() > 255 ||
        n.get<std::string>().find_first_not_of(' ') == std::string::npos)
      return BadRequest("Invalid input for field/attribute name. Value: " + n.dump() + ". " + n.dump() +
                        " is not a valid server name");
    u.name = n.get<std::string>();
  }
  if (s->contains("description")) {
    const Json& d = (*s)["description"];
    if (d.is_null())
      u.description = std::optional<std::string>{};
    else if (d.is_string() && d.get<std::string>().size() <= 255)
      u.description = std::optional<std::string>{d.get<std::string>()};
    else
      return BadRequest("Invalid input for field/attribute description. Value: " + d.dump() +
                        ". It must be a string of at most 255 characters or null");
  }
  for (const char* k : {"accessIPv4", "accessIPv6"}) {
    if (!s->contains(k)) continue;
    const Json& a = (*s)[k];
    if (!a.is_string()) return BadRequest(std::string("Invalid input for field/attribute ") + k + ".");
    std::string ip = a;
    bool v4 = std::string(k) == "accessIPv4";
    bool ok = ip.empty() || (v4 ? ip.find_first_not_of("0123456789.") == std::string::npos && ip.find('.') != ip.npos
                                : ip.find(':') != std::string::npos &&
                                      ip.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos);
    if (!ok)
      return BadRequest(std::string("Invalid input for field/attribute ") + k + ". Value: " + ip + ". '" + ip +
                        "' is not a '" + (v4 ? "ipv4" : "ipv6") + "'");
    (v4 ? u.access_ipv4 : u.access_ipv6) = ip;
  }
  return u;
}

}  // namespace

void add_server_metadata_routes(Router& r, Ctx ctx) {
  compute::ServerMetadataService& m = *ctx.server_metadata;
  add_metadata(r, m);
  add_tags(r, m);
  r.add_sync("PUT", "/v2.1/servers/{server_id}", [ctx, &m](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto u = parse_update(req, v);
      if (!u.ok()) return fail(u.status());
      Credentials who = caller(req);
      auto s = m.update(who, req.params["server_id"], *u);
      if (!s.ok()) return fail(s.status());
      return json_response(
          200, {{"server", server_update_view(req, *s, v, ctx.servers.can_see_host_attributes(who), ctx)}});
    });
  });
}

}  // namespace stacklab::api::compute_api
