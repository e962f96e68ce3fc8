// Replayer: the calls themselves, identity and compute steps. Waiting
// polls the public API, as a client's --wait does.
#include "scenarios/lab/exercises/replayer.h"

#include <cctype>
#include <chrono>
#include <thread>

#include "scenarios/lab/exercises/names.h"
#include "scenarios/lab/lab_images.h"

namespace stacklab::lab {

namespace {

constexpr int kPolls = 600;  // x 100 ms: a minute for a server or volume to settle
const std::chrono::milliseconds kPollEvery(100);

std::string message_of(const ApiReply& reply) {
  const Json& b = reply.body;
  if (b.is_object() && !b.empty()) {
    const Json& inner = b.begin().value();
    if (inner.is_object() && inner.contains("message") && inner["message"].is_string())
      return inner["message"].get<std::string>();
    if (inner.is_string()) return inner.get<std::string>();
  }
  return "";
}

}  // namespace

Result<Json> Replayer::call(const Actor& who, const std::string& method, const std::string& path, const Json& body) {
  auto reply = cloud_.call(who, method, path, body);
  if (!reply.ok()) return reply.status();
  if (!reply->ok())
    return Status(Code::kBadRequest, who.user + ": " + method + " " + path + " -> HTTP " +
                                         std::to_string(reply->status) + " " + message_of(*reply));
  return reply->body;
}

Status Replayer::expect_refused(const Actor& who, const std::string& method, const std::string& path, int status,
                                const Json& body) {
  auto reply = cloud_.call(who, method, path, body);
  if (!reply.ok()) return reply.status();
  if (reply->status != status)
    return Status(Code::kBadRequest, who.user + ": " + method + " " + path + " answered " +
                                         std::to_string(reply->status) + ", the book expects " +
                                         std::to_string(status));
  log_ << "  " << who.user << ": " << method << " " << path << " refused (" << status << "), as in the book\n";
  return Status::Ok();
}

Result<std::string> Replayer::find_id(const Actor& who, const std::string& path, const std::string& key,
                                      const std::string& name) {
  auto body = call(who, "GET", path);
  if (!body.ok()) return body.status();
  for (const auto& item : body->value(key, Json::array())) {
    const Json& it = item.contains("keypair") ? item["keypair"] : item;
    if (it.value("name", "") == name) return it.contains("id") ? it["id"].get<std::string>() : name;
  }
  return std::string();
}

Result<std::string> Replayer::project_id(const std::string& name) {
  auto id = find_id(kAdmin, "/identity/v3/projects?name=" + name, "projects", name);
  if (id.ok() && id->empty()) return NotFound("no project " + name);
  return id;
}

Status Replayer::ensure_project(const std::string& name, const std::string& description) {
  auto id = find_id(kAdmin, "/identity/v3/projects?name=" + name, "projects", name);
  if (!id.ok() || !id->empty()) return id.status();
  log_ << "  admin: project create " << name << "\n";
  return call(
             kAdmin, "POST", "/identity/v3/projects",
             {{"project", {{"name", name}, {"description", description}, {"domain_id", "default"}, {"enabled", true}}}})
      .status();
}

Status Replayer::ensure_user(const std::string& name, const std::string& project, const std::string& email,
                             const std::string& description) {
  auto id = find_id(kAdmin, "/identity/v3/users?name=" + name, "users", name);
  if (!id.ok() || !id->empty()) return id.status();
  auto pid = project_id(project);
  if (!pid.ok()) return pid.status();
  Json user = {{"name", name},           {"password", "nomoresecret"},
               {"email", email},         {"default_project_id", *pid},
               {"domain_id", "default"}, {"enabled", true}};
  if (!description.empty()) user["description"] = description;
  log_ << "  admin: user create " << name << "\n";
  return call(kAdmin, "POST", "/identity/v3/users", {{"user", user}}).status();
}

Status Replayer::grant_role(const std::string& project, const std::string& user, const std::string& role) {
  auto pid = project_id(project);
  if (!pid.ok()) return pid.status();
  auto uid = find_id(kAdmin, "/identity/v3/users?name=" + user, "users", user);
  if (!uid.ok()) return uid.status();
  auto roles = call(kAdmin, "GET", "/identity/v3/roles");
  if (!roles.ok()) return roles.status();
  // Keystone under MySQL matches names case-insensitively ("Member" is member);
  // only without such a match the folded name (which also equates _member_).
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string rid;
  for (const auto& r : (*roles)["roles"])
    if (rid.empty() && lower(r.value("name", "")) == lower(role)) rid = r["id"];
  for (const auto& r : (*roles)["roles"])
    if (rid.empty() && fold_name(r.value("name", "")) == fold_name(role)) rid = r["id"];
  if (rid.empty()) return NotFound("no role " + role);
  log_ << "  admin: role add --project " << project << " --user " << user << " " << role << "\n";
  return call(kAdmin, "PUT", "/identity/v3/projects/" + *pid + "/users/" + *uid + "/roles/" + rid).status();
}

Status Replayer::ensure_flavor(const std::string& name, int vcpus, int ram, int disk) {
  auto id = find_id(kAdmin, "/compute/v2.1/flavors/detail?is_public=None", "flavors", name);
  if (!id.ok() || !id->empty()) return id.status();
  log_ << "  admin: flavor create " << name << "\n";
  return call(kAdmin, "POST", "/compute/v2.1/flavors",
              {{"flavor",
                {{"name", name},
                 {"vcpus", vcpus},
                 {"ram", ram},
                 {"disk", disk},
                 {"id", nullptr},
                 {"OS-FLV-EXT-DATA:ephemeral", 0},
                 {"swap", 0},
                 {"rxtx_factor", 1.0},
                 {"os-flavor-access:is_public", true}}}})
      .status();
}

Status Replayer::ensure_keypair(const Actor& who, const std::string& name, const std::string& public_key) {
  auto id = find_id(who, "/compute/v2.1/os-keypairs", "keypairs", name);
  if (!id.ok() || !id->empty()) return id.status();
  Json keypair = {{"name", name}};
  if (!public_key.empty()) keypair["public_key"] = public_key;
  log_ << "  " << who.user << ": keypair create " << name << "\n";
  return call(who, "POST", "/compute/v2.1/os-keypairs", {{"keypair", keypair}}).status();
}

Result<std::string> Replayer::server_id(const Actor& who, const std::string& name) {
  auto id = find_id(who, "/compute/v2.1/servers?name=" + name, "servers", name);
  if (id.ok() && id->empty()) return NotFound("no server " + name);
  return id;
}

Status Replayer::wait_server(const Actor& who, const std::string& id, const std::string& status) {
  for (int i = 0; i < kPolls; ++i) {
    auto reply = cloud_.call(who, "GET", "/compute/v2.1/servers/" + id);
    if (!reply.ok()) return reply.status();
    if (reply->status == 404) return status == "DELETED" ? Status::Ok() : NotFound("server " + id + " is gone");
    std::string now = reply->body["server"].value("status", "");
    if (now == status) return Status::Ok();
    if (now == "ERROR") return Status(Code::kInternal, "server " + id + " went to ERROR");
    std::this_thread::sleep_for(kPollEvery);
  }
  return Status(Code::kInternal, "server " + id + " is not " + status + " after a minute");
}

Result<Replayer::LaunchInputs> Replayer::launch_inputs(const Actor& who, const std::string& flavor,
                                                       const std::string& image, const std::string& network) {
  auto flavor_id = find_id(who, "/compute/v2.1/flavors/detail", "flavors", flavor);
  auto image_id = find_id(who, "/image/v2/images?name=" + image, "images", image);
  auto net_id = find_id(who, "/networking/v2.0/networks?name=" + network, "networks", network);
  for (const auto* r : {&flavor_id, &image_id, &net_id})
    if (!r->ok()) return r->status();
  if (flavor_id->empty() || image_id->empty() || net_id->empty())
    return NotFound("flavor " + flavor + ", image " + image + " and network " + network + " must exist");
  return LaunchInputs{*flavor_id, *image_id, *net_id};
}

Status Replayer::ensure_server(const Actor& who, const std::string& name, const std::string& flavor,
                               const std::string& image, const std::string& network, const std::string& key_name,
                               int count) {
  const std::string first = count > 1 ? name + "-1" : name;
  auto existing = find_id(who, "/compute/v2.1/servers?name=" + first, "servers", first);
  if (!existing.ok() || !existing->empty()) return existing.status();
  auto in = launch_inputs(who, flavor, image, network);
  if (!in.ok()) return in.status();
  Json server = {{"name", name},
                 {"flavorRef", in->flavor},
                 {"imageRef", in->image},
                 {"networks", {{{"uuid", in->network}}}},
                 {"security_groups", {{{"name", "default"}}}},
                 {"min_count", count},
                 {"max_count", count}};
  if (!key_name.empty()) server["key_name"] = key_name;
  log_ << "  " << who.user << ": server create " << name << (count > 1 ? " x" + std::to_string(count) : "") << "\n";
  auto made = call(who, "POST", "/compute/v2.1/servers", {{"server", server}});
  if (!made.ok()) return made.status();
  for (int i = 1; i <= count; ++i) {
    auto id = server_id(who, count > 1 ? name + "-" + std::to_string(i) : name);
    if (!id.ok()) return id.status();
    if (Status st = wait_server(who, *id, "ACTIVE"); !st.ok()) return st;
  }
  return Status::Ok();
}

Status Replayer::ensure_server_from_volume(const Actor& who, const std::string& name, const std::string& flavor,
                                           const std::string& image, const std::string& network, int size) {
  auto existing = find_id(who, "/compute/v2.1/servers?name=" + name, "servers", name);
  if (!existing.ok() || !existing->empty()) return existing.status();
  auto in = launch_inputs(who, flavor, image, network);
  if (!in.ok()) return in.status();
  Json server = {{"name", name},
                 {"flavorRef", in->flavor},
                 {"imageRef", ""},
                 {"availability_zone", "nova"},
                 {"networks", {{{"uuid", in->network}}}},
                 {"security_groups", {{{"name", "default"}}}},
                 {"block_device_mapping_v2",
                  {{{"boot_index", 0},
                    {"uuid", in->image},
                    {"source_type", "image"},
                    {"destination_type", "volume"},
                    {"volume_size", size},
                    {"delete_on_termination", false}}}}};
  log_ << "  " << who.user << ": server create " << name << " (boot from a new " << size << " GB volume)\n";
  auto made = call(who, "POST", "/compute/v2.1/servers", {{"server", server}});
  if (!made.ok()) return made.status();
  return wait_server(who, (*made)["server"].value("id", ""), "ACTIVE");
}

Status Replayer::delete_server(const Actor& who, const std::string& name) {
  auto id = find_id(who, "/compute/v2.1/servers?name=" + name, "servers", name);
  if (!id.ok() || id->empty()) return id.status();
  log_ << "  " << who.user << ": server delete " << name << "\n";
  auto gone = call(who, "DELETE", "/compute/v2.1/servers/" + *id);
  return gone.ok() ? wait_server(who, *id, "DELETED") : gone.status();
}

Status Replayer::ensure_image(const Actor& who, const std::string& name, const std::string& file, const Json& attrs) {
  auto id = find_id(who, "/image/v2/images?name=" + name, "images", name);
  if (!id.ok() || !id->empty()) return id.status();
  auto data = scenarios::make_cloud_image(file);
  if (!data.ok()) return data.status();
  Json body = {{"name", name}, {"disk_format", "qcow2"}, {"container_format", "bare"}};
  body.update(attrs);
  log_ << "  " << who.user << ": image create " << name << " --file " << data->file_name << "\n";
  auto made = call(who, "POST", "/image/v2/images", body);
  if (!made.ok()) return made.status();
  auto up = cloud_.upload(who, "/image/v2/images/" + (*made)["id"].get<std::string>() + "/file", data->data);
  if (!up.ok()) return up.status();
  return up->ok() ? Status::Ok() : Status(Code::kBadRequest, "image upload -> HTTP " + std::to_string(up->status));
}

Status Replayer::set_image_public(const std::string& name) {
  auto id = find_id(kAdmin, "/image/v2/images?name=" + name, "images", name);
  if (!id.ok()) return id.status();
  if (id->empty()) return NotFound("no image " + name);
  log_ << "  admin: image set --public " << name << "\n";
  return call(kAdmin, "PATCH", "/image/v2/images/" + *id,
              Json::array({{{"op", "replace"}, {"path", "/visibility"}, {"value", "public"}}}))
      .status();
}

}  // namespace stacklab::lab
