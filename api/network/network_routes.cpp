// /networking: version documents, the list machinery every collection
// shares, and /v2.0/networks.
#include "api/network/network_routes.h"

#include <algorithm>

#include "api/errors.h"
#include "api/query.h"
#include "engine/network/network_errors.h"

namespace stacklab::api::network_api {

namespace {

Json version_entry(const Request& req) {
  return {{"id", "v2.0"},
          {"status", "CURRENT"},
          {"links", Json::array({{{"rel", "self"}, {"href", req.service_url() + "/v2.0/"}}})}};
}

// GET /v2.0: the collections this API serves, as Neutron lists them.
Json resources(const Request& req) {
  static const std::pair<const char*, const char*> kCollections[] = {
      {"subnet", "subnets"},
      {"network", "networks"},
      {"port", "ports"},
      {"security_group", "security-groups"},
      {"security_group_rule", "security-group-rules"},
      {"subnetpool", "subnetpools"},
      {"rbac_policy", "rbac-policies"},
      {"quota", "quotas"},
      {"agent", "agents"},
      {"availability_zone", "availability_zones"},
      {"network_ip_availability", "network-ip-availabilities"},
      {"router", "routers"},
      {"floatingip", "floatingips"}};
  Json out = Json::array();
  for (const auto& [name, collection] : kCollections)
    out.push_back({{"name", name},
                   {"collection", collection},
                   {"links", Json::array({{{"rel", "self"}, {"href", req.service_url() + "/v2.0/" + collection}}})}});
  return {{"resources", out}};
}

// Neutron's tag filters: tags (all of), tags-any (one of), not-tags, not-tags-any.
void filter_tags(std::vector<Json>& items, const Request& req) {
  for (const char* key : {"tags", "tags-any", "not-tags", "not-tags-any"}) {
    auto raw = req.query_param(key);
    if (!raw) continue;
    std::vector<std::string> wanted = split_commas(*raw);
    std::string k = key;
    bool any = k.find("any") != std::string::npos, negate = k.rfind("not-", 0) == 0;
    std::erase_if(items, [&](const Json& item) {
      const Json tags = item.value("tags", Json::array());
      auto has = [&](const std::string& t) { return std::find(tags.begin(), tags.end(), Json(t)) != tags.end(); };
      bool hit = any ? std::any_of(wanted.begin(), wanted.end(), has) : std::all_of(wanted.begin(), wanted.end(), has);
      return negate ? hit : !hit;
    });
  }
}

}  // namespace

Response fail(const Status& st) {
  return error_response(ErrorStyle::kNeutron, st);
}

Credentials caller(const Request& req) { return req.auth->credentials(); }

Result<Json> resource_body(const Request& req, const std::string& resource) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->is_object() || !body->contains(resource))
    return network::neutron_error(Code::kBadRequest, "HTTPBadRequest",
                                  "Unable to find '" + resource + "' in request body");
  const Json& inner = (*body)[resource];
  if (!inner.is_object())
    return network::neutron_error(Code::kBadRequest, "HTTPBadRequest", "Invalid format: " + inner.dump());
  return inner;
}

Response list_response(const Request& req, const std::string& collection, std::vector<Json> items,
                       const std::vector<std::string>& filter_fields) {
  filter_items_any_of(items, req, filter_fields);
  filter_tags(items, req);
  std::vector<std::string> sortable = filter_fields;
  if (Status st = sort_items(items, req, sortable); !st.ok()) return fail(st);
  auto page = paginate(items, req);
  if (!page.ok()) return fail(page.status());
  std::vector<std::string> fields = requested_fields(req);
  Json list = Json::array();
  for (Json& item : page->items) {
    keep_fields(item, fields);
    list.push_back(std::move(item));
  }
  Json body = {{collection, list}};
  // Neutron links the next page when a page is as long as the limit asked, and the previous one after a marker.
  auto limit = parse_limit(req);
  Json links = Json::array();
  if (limit.ok() && *limit && **limit > 0 && page->items.size() == **limit && page->next_marker)
    links.push_back({{"rel", "next"}, {"href", next_link(req, *page->next_marker)}});
  if (req.query_param("marker") && !page->items.empty()) {
    std::string prev = req.host_url + req.full_path + "?" + query_with_marker(req, page->items.front().value("id", ""));
    links.push_back({{"rel", "previous"}, {"href", prev + "&page_reverse=True"}});
  }
  if (!links.empty()) body[collection + "_links"] = links;
  return json_response(200, body);
}

Response item_response(const Request& req, int status, const std::string& resource, Json item) {
  keep_fields(item, requested_fields(req));
  return json_response(status, {{resource, item}});
}

Response create_response(const Request& req, Ctx ctx, const std::string& resource, const std::string& collection,
                         const std::function<Result<Json>(const Json& body)>& create) {
  auto body = req.json();
  if (body.ok() && body->is_object() && body->contains(collection) && !body->contains(resource)) {
    const Json& bodies = (*body)[collection];
    if (!bodies.is_array() || bodies.empty())
      return fail(network::neutron_error(Code::kBadRequest, "HTTPBadRequest",
                                         "Resources required for bulk create: '" + collection + "'"));
    Json created = Json::array();
    Status st = ctx.networks.atomically([&]() -> Status {
      for (const Json& one : bodies) {
        // Each item is the resource's object itself ({"ports": [{"network_id": ...}, ...]}).
        if (!one.is_object())
          return network::neutron_error(Code::kBadRequest, "HTTPBadRequest", "Invalid format: " + one.dump());
        auto item = create(one);
        if (!item.ok()) return item.status();
        created.push_back(std::move(*item));
      }
      return Status::Ok();
    });
    if (!st.ok()) return fail(st);
    std::vector<std::string> fields = requested_fields(req);
    for (Json& item : created) keep_fields(item, fields);
    return json_response(201, {{collection, created}});
  }
  auto one = resource_body(req, resource);
  if (!one.ok()) return fail(one.status());
  auto item = create(*one);
  return item.ok() ? item_response(req, 201, resource, *item) : fail(item.status());
}

Router make_network_router(Ctx ctx) {
  Router r;
  r.add_sync(
      "GET", "/",
      [](Request& req) {
        return json_response(200, {{"versions", Json::array({version_entry(req)})}});
      },
      false);
  r.add_sync(
      "GET", "/v2.0", [](Request& req) { return json_response(200, resources(req)); }, false);
  add_extension_routes(r);

  r.add_sync("GET", "/v2.0/networks", [ctx](Request& req) {
    return list_response(req, "networks", ctx.networks.list_networks(caller(req)), network::kNetworkFilters);
  });
  r.add_sync("POST", "/v2.0/networks", [ctx](Request& req) {
    return create_response(req, ctx, "network", "networks",
                           [&](const Json& body) { return ctx.networks.create_network(caller(req), body); });
  });
  r.add_sync("GET", "/v2.0/networks/{network_id}", [ctx](Request& req) {
    auto n = ctx.networks.get_network(caller(req), req.params["network_id"]);
    return n.ok() ? item_response(req, 200, "network", *n) : fail(n.status());
  });
  r.add_sync("PUT", "/v2.0/networks/{network_id}", [ctx](Request& req) {
    auto body = resource_body(req, "network");
    if (!body.ok()) return fail(body.status());
    auto n = ctx.networks.update_network(caller(req), req.params["network_id"], *body);
    return n.ok() ? item_response(req, 200, "network", *n) : fail(n.status());
  });
  r.add_sync("DELETE", "/v2.0/networks/{network_id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_network(caller(req), req.params["network_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  add_subnet_routes(r, ctx);
  add_port_routes(r, ctx);
  add_security_group_routes(r, ctx);
  add_subnet_pool_routes(r, ctx);
  add_quota_routes(r, ctx);
  add_tag_routes(r, ctx);
  add_rbac_routes(r, ctx);
  add_agent_routes(r, ctx);
  add_router_routes(r, ctx);
  add_floating_ip_routes(r, ctx);
  return r;
}

}  // namespace stacklab::api::network_api
