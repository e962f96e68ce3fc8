// POST /volumes/{id}/action: one action per body, as Cinder's
// volume_actions and admin_actions extensions (os-extend, os-set_bootable,
// os-update_readonly_flag, os-reset_status, os-force_delete,
// os-volume_upload_image, os-retype, and the attach
// hand-off: os-reserve, os-unreserve, os-initialize_connection, os-attach,
// os-begin_detaching, os-roll_detaching, os-terminate_connection, os-detach).
#include <map>

#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

using ActionFn = std::function<Response(Request&, const Ctx&, const std::string& id, const Json& args)>;

Result<std::optional<std::string>> optional_string(const Json& args, const char* key) {
  if (!args.is_object() || !args.contains(key) || args[key].is_null()) return std::optional<std::string>();
  if (!args[key].is_string()) return BadRequest(std::string("Invalid input received: ") + key + " must be a string.");
  return std::optional<std::string>(args[key].get<std::string>());
}

// The arguments of os-volume_upload_image, as Cinder reads them.
Result<volume::ImageUpload> parse_image_upload(const Json& args) {
  volume::ImageUpload out;
  auto name = optional_string(args, "image_name");
  if (!name.ok()) return name.status();
  if (!*name || (*name)->empty()) return BadRequest("No image_name was specified in request.");
  out.image_name = **name;
  for (auto [key, to] : {std::pair{"disk_format", &out.disk_format}, std::pair{"container_format", &out.container_format},
                         std::pair{"visibility", &out.visibility}}) {
    auto s = optional_string(args, key);
    if (!s.ok()) return s.status();
    if (*s) *to = **s;
  }
  for (auto [key, to] : {std::pair{"force", &out.force}, std::pair{"protected", &out.is_protected}}) {
    if (!args.contains(key) || args[key].is_null()) continue;
    auto b = parse_bool(args[key]);
    if (!b) return BadRequest(std::string("Invalid value for '") + key + "': must be a boolean.");
    *to = *b;
  }
  return out;
}

const std::map<std::string, ActionFn>& actions() {
  static const std::map<std::string, ActionFn> kActions = {
      {"os-extend",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto size = args.is_object() && args.contains("new_size") ? parse_int(args["new_size"]) : std::nullopt;
         if (!size)
           return fail(BadRequest("Invalid input received: New size for extend must be specified as an integer."));
         // 3.42: an in-use volume may be extended too.
         bool v3 = req.path.rfind("/v3/", 0) == 0;
         auto mv = v3 ? negotiate(req, kVolumeVersions) : Result<Microversion>(kVolumeVersions.min);
         bool attached = mv.ok() && *mv >= Microversion{3, 42};
         return accepted(ctx.volumes.extend(caller(req), id, *size, attached));
       }},
      {"os-set_bootable",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto b = args.is_object() && args.contains("bootable") ? parse_bool(args["bootable"]) : std::nullopt;
         if (!b) return fail(BadRequest("Invalid value for 'bootable': must be a boolean."));
         Status st = ctx.volumes.set_bootable(caller(req), id, *b);
         return st.ok() ? empty_response(200) : fail(st);
       }},
      {"os-update_readonly_flag",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto b = args.is_object() && args.contains("readonly") ? parse_bool(args["readonly"]) : std::nullopt;
         if (!b) return fail(BadRequest("Invalid value for 'readonly': must be a boolean."));
         return accepted(ctx.volumes.set_readonly(caller(req), id, *b));
       }},
      {"os-reset_status",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         volume::StatusReset reset;
         for (auto [key, to] : {std::pair{"status", &reset.status}, std::pair{"attach_status", &reset.attach_status},
                                std::pair{"migration_status", &reset.migration_status}}) {
           auto s = optional_string(args, key);
           if (!s.ok()) return fail(s.status());
           *to = *s;
         }
         if (!reset.status && !reset.attach_status && !reset.migration_status)
           return fail(
               BadRequest("Invalid input received: Must specify 'status', 'attach_status' or "
                          "'migration_status' for update."));
         return accepted(ctx.volumes.reset_status(caller(req), id, reset));
       }},
      {"os-volume_upload_image",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto upload = parse_image_upload(args);
         if (!upload.ok()) return fail(upload.status());
         auto out = ctx.volumes.upload_to_image(caller(req), id, *upload);
         if (!out.ok()) return fail(out.status());
         const Json& v = (*out)["volume"];
         auto type = ctx.types.get(caller(req), v["volume_type_id"]);
         return json_response(202, {{"os-volume_upload_image",
                                     {{"id", v["id"]},
                                      {"updated_at", v["updated_at"]},
                                      {"status", v["status"]},
                                      {"display_description", v["description"]},
                                      {"size", v["size"]},
                                      {"volume_type", type.ok() ? type_view(*type) : Json(nullptr)},
                                      {"image_id", (*out)["image_id"]},
                                      {"image_name", upload->image_name},
                                      {"container_format", upload->container_format},
                                      {"disk_format", upload->disk_format},
                                      {"visibility", upload->visibility},
                                      {"protected", upload->is_protected}}}});
       }},
      {"os-retype",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto type = optional_string(args, "new_type");
         if (!type.ok()) return fail(type.status());
         if (!*type || (*type)->empty()) return fail(BadRequest("New volume type must be specified."));
         auto policy = optional_string(args, "migration_policy");
         if (!policy.ok()) return fail(policy.status());
         return accepted(ctx.volumes.retype(caller(req), id, **type, policy->value_or("never")));
       }},
      {"os-force_delete", [](Request& req, const Ctx& ctx, const std::string& id,
                             const Json&) { return accepted(ctx.volumes.force_delete(caller(req), id)); }},
      {"os-reserve", [](Request& req, const Ctx& ctx, const std::string& id,
                        const Json&) { return accepted(ctx.volumes.reserve(caller(req), id)); }},
      {"os-unreserve", [](Request& req, const Ctx& ctx, const std::string& id,
                          const Json&) { return accepted(ctx.volumes.unreserve(caller(req), id)); }},
      {"os-begin_detaching", [](Request& req, const Ctx& ctx, const std::string& id,
                                const Json&) { return accepted(ctx.volumes.begin_detaching(caller(req), id)); }},
      {"os-roll_detaching", [](Request& req, const Ctx& ctx, const std::string& id,
                               const Json&) { return accepted(ctx.volumes.roll_detaching(caller(req), id)); }},
      {"os-initialize_connection",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         if (!args.is_object() || !args.contains("connector")) return fail(BadRequest("Must specify 'connector'"));
         auto info = ctx.volumes.initialize_connection(caller(req), id, args["connector"]);
         if (!info.ok()) return fail(info.status());
         return json_response(200, {{"connection_info", *info}});
       }},
      {"os-terminate_connection",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         if (!args.is_object() || !args.contains("connector")) return fail(BadRequest("Must specify 'connector'"));
         return accepted(ctx.volumes.terminate_connection(caller(req), id, args["connector"]));
       }},
      {"os-attach",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         volume::AttachTarget target;
         for (auto [key, to] :
              {std::pair{"instance_uuid", &target.instance_uuid}, std::pair{"host_name", &target.host_name},
               std::pair{"mountpoint", &target.mountpoint}, std::pair{"mode", &target.mode}}) {
           auto s = optional_string(args, key);
           if (!s.ok()) return fail(s.status());
           if (*s) *to = **s;
         }
         if (target.mountpoint.empty()) return fail(BadRequest("Must specify 'mountpoint'"));
         auto a = ctx.volumes.attach(caller(req), id, target);
         return a.ok() ? empty_response(202) : fail(a.status());
       }},
      {"os-detach",
       [](Request& req, const Ctx& ctx, const std::string& id, const Json& args) {
         auto a = optional_string(args, "attachment_id");
         if (!a.ok()) return fail(a.status());
         return accepted(ctx.volumes.detach(caller(req), id, a->value_or("")));
       }},
  };
  return kActions;
}

}  // namespace

void add_volume_action_routes(Router& r, Ctx ctx, const std::string& root) {
  r.add_sync("POST", root + "/volumes/{volume_id}/action", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->is_object() || body->size() != 1)
        return fail(BadRequest("Invalid request body: exactly one action is expected."));
      auto first = body->begin();
      const std::string name = first.key();
      const Json& args = first.value();
      auto it = actions().find(name);
      // Cinder answers an action no extension serves with 400.
      if (it == actions().end()) return fail(BadRequest("There is no such action: " + name));
      // Unknown volumes are 404 before any argument check.
      if (auto v = ctx.volumes.get(caller(req), req.params["volume_id"]); !v.ok()) return fail(v.status());
      return it->second(req, ctx, req.params["volume_id"], args);
    });
  });
}

}  // namespace stacklab::api::volume_api
