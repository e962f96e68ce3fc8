// Replayer: network and block storage steps.
#include <chrono>
#include <thread>

#include "scenarios/lab/exercises/replayer.h"

namespace stacklab::lab {

namespace {

constexpr int kPolls = 600;
const std::chrono::milliseconds kPollEvery(100);

}  // namespace

Status Replayer::ensure_network(const Actor& who, const std::string& network, const std::string& subnet,
                                const std::string& cidr, const std::string& gateway, const std::string& dns) {
  auto net = find_id(who, "/networking/v2.0/networks?name=" + network, "networks", network);
  if (!net.ok()) return net.status();
  if (net->empty()) {
    log_ << "  " << who.user << ": network create " << network << "\n";
    auto made = call(who, "POST", "/networking/v2.0/networks", {{"network", {{"name", network}}}});
    if (!made.ok()) return made.status();
    *net = (*made)["network"]["id"].get<std::string>();
  }
  auto sn = find_id(who, "/networking/v2.0/subnets?name=" + subnet, "subnets", subnet);
  if (!sn.ok() || !sn->empty()) return sn.status();
  log_ << "  " << who.user << ": subnet create " << subnet << " " << cidr << "\n";
  return call(who, "POST", "/networking/v2.0/subnets",
              {{"subnet",
                {{"network_id", *net},
                 {"name", subnet},
                 {"cidr", cidr},
                 {"ip_version", 4},
                 {"gateway_ip", gateway},
                 {"dns_nameservers", {dns}}}}})
      .status();
}

Status Replayer::ensure_default_rule(const Actor& who, const std::string& protocol, int port) {
  auto pid = project_id(who.project);
  if (!pid.ok()) return pid.status();
  auto group =
      find_id(who, "/networking/v2.0/security-groups?name=default&project_id=" + *pid, "security_groups", "default");
  if (!group.ok()) return group.status();
  if (group->empty()) return NotFound("project " + who.project + " has no default security group");
  Json rule = {{"security_group_id", *group},
               {"direction", "ingress"},
               {"ethertype", "IPv4"},
               {"protocol", protocol},
               {"remote_ip_prefix", "0.0.0.0/0"}};
  if (port) rule.update({{"port_range_min", port}, {"port_range_max", port}});
  auto reply = cloud_.call(who, "POST", "/networking/v2.0/security-group-rules", {{"security_group_rule", rule}});
  if (!reply.ok()) return reply.status();
  if (reply->status == 409) return Status::Ok();  // the rule is there already
  log_ << "  " << who.user << ": security group rule create --protocol " << protocol
       << (port ? " --dst-port " + std::to_string(port) : "") << " default\n";
  return reply->ok() ? Status::Ok()
                     : Status(Code::kBadRequest, "security group rule -> HTTP " + std::to_string(reply->status));
}

Status Replayer::ensure_router(const Actor& who, const std::string& name, const std::string& subnet) {
  auto pub = find_id(who, "/networking/v2.0/networks?name=public", "networks", "public");
  auto sn = find_id(who, "/networking/v2.0/subnets?name=" + subnet, "subnets", subnet);
  auto router = find_id(who, "/networking/v2.0/routers?name=" + name, "routers", name);
  for (const auto* r : {&pub, &sn, &router})
    if (!r->ok()) return r->status();
  if (sn->empty()) return NotFound("no subnet " + subnet);
  if (router->empty()) {
    log_ << "  " << who.user << ": router create " << name << " (gateway public)\n";
    auto made = call(who, "POST", "/networking/v2.0/routers",
                     {{"router", {{"name", name}, {"external_gateway_info", {{"network_id", *pub}}}}}});
    if (!made.ok()) return made.status();
    *router = (*made)["router"]["id"].get<std::string>();
  }
  auto ports = call(who, "GET", "/networking/v2.0/ports?device_id=" + *router);
  if (!ports.ok()) return ports.status();
  for (const auto& p : (*ports)["ports"])
    for (const auto& ip : p.value("fixed_ips", Json::array()))
      if (ip.value("subnet_id", "") == *sn) return Status::Ok();
  log_ << "  " << who.user << ": router add subnet " << name << " " << subnet << "\n";
  return call(who, "PUT", "/networking/v2.0/routers/" + *router + "/add_router_interface", {{"subnet_id", *sn}})
      .status();
}

Status Replayer::ensure_floating_ip(const Actor& who, const std::string& server) {
  auto sid = server_id(who, server);
  if (!sid.ok()) return sid.status();
  auto ports = call(who, "GET", "/networking/v2.0/ports?device_id=" + *sid);
  if (!ports.ok()) return ports.status();
  if ((*ports)["ports"].empty()) return NotFound("server " + server + " has no port");
  const std::string port = (*ports)["ports"][0]["id"];
  auto fips = call(who, "GET", "/networking/v2.0/floatingips");
  if (!fips.ok()) return fips.status();
  std::string free;
  for (const auto& f : (*fips)["floatingips"]) {
    if (f.value("port_id", Json()) == port) return Status::Ok();
    if (f["port_id"].is_null() && free.empty()) free = f["id"];
  }
  if (free.empty()) {
    auto pub = find_id(who, "/networking/v2.0/networks?name=public", "networks", "public");
    if (!pub.ok()) return pub.status();
    log_ << "  " << who.user << ": floating ip create public\n";
    auto made = call(who, "POST", "/networking/v2.0/floatingips", {{"floatingip", {{"floating_network_id", *pub}}}});
    if (!made.ok()) return made.status();
    free = (*made)["floatingip"]["id"];
  }
  log_ << "  " << who.user << ": server add floating ip " << server << "\n";
  return call(who, "PUT", "/networking/v2.0/floatingips/" + free, {{"floatingip", {{"port_id", port}}}}).status();
}

Status Replayer::share_network(const std::string& name) {
  auto net = call(kAdmin, "GET", "/networking/v2.0/networks?name=" + name);
  if (!net.ok()) return net.status();
  if ((*net)["networks"].empty()) return NotFound("no network " + name);
  const Json& n = (*net)["networks"][0];
  if (n.value("shared", false)) return Status::Ok();
  log_ << "  admin: network set --share " << name << "\n";
  return call(kAdmin, "PUT", "/networking/v2.0/networks/" + n["id"].get<std::string>(),
              {{"network", {{"shared", true}}}})
      .status();
}

Result<std::string> Replayer::volume_path(const Actor& who) {
  auto pid = project_id(who.project);
  if (!pid.ok()) return pid.status();
  return "/volume/v3/" + *pid + "/volumes";
}

Status Replayer::ensure_volume(const Actor& who, const std::string& name, int size, const std::string& description) {
  auto base = volume_path(who);
  if (!base.ok()) return base.status();
  auto id = find_id(who, *base + "?name=" + name, "volumes", name);
  if (!id.ok() || !id->empty()) return id.status();
  log_ << "  " << who.user << ": volume create --size " << size << " " << name << "\n";
  auto made = call(who, "POST", *base,
                   {{"volume",
                     {{"name", name},
                      {"size", size},
                      {"description", description},
                      {"volume_type", "lvmdriver-1"},
                      {"availability_zone", "nova"}}}});
  if (!made.ok()) return made.status();
  return wait_volume(who, (*made)["volume"]["id"].get<std::string>(), "available");
}

Status Replayer::wait_volume(const Actor& who, const std::string& id, const std::string& status) {
  auto base = volume_path(who);
  if (!base.ok()) return base.status();
  for (int i = 0; i < kPolls; ++i) {
    auto vol = call(who, "GET", *base + "/" + id);
    if (!vol.ok()) return vol.status();
    std::string now = (*vol)["volume"].value("status", "");
    if (now == status) return Status::Ok();
    if (now.rfind("error", 0) == 0) return Status(Code::kInternal, "volume " + id + " went to " + now);
    std::this_thread::sleep_for(kPollEvery);
  }
  return Status(Code::kInternal, "volume " + id + " is not " + status + " after a minute");
}

Status Replayer::transfer_volume(const Actor& from, const Actor& to, const std::string& name) {
  auto to_base = volume_path(to);
  auto from_base = volume_path(from);
  if (!to_base.ok()) return to_base.status();
  if (!from_base.ok()) return from_base.status();
  auto there = find_id(to, *to_base + "?name=" + name, "volumes", name);
  if (!there.ok() || !there->empty()) return there.status();
  auto vol = find_id(from, *from_base + "?name=" + name, "volumes", name);
  if (!vol.ok()) return vol.status();
  if (vol->empty()) return NotFound("project " + from.project + " has no volume " + name);
  const std::string from_root = from_base->substr(0, from_base->size() - 8);  // without "/volumes"
  const std::string to_root = to_base->substr(0, to_base->size() - 8);
  log_ << "  " << from.user << ": volume transfer request create " << name << "\n";
  auto transfer =
      call(from, "POST", from_root + "/os-volume-transfer", {{"transfer", {{"volume_id", *vol}, {"name", "T1"}}}});
  if (!transfer.ok()) return transfer.status();
  const Json& t = (*transfer)["transfer"];
  log_ << "  " << to.user << ": volume transfer request accept\n";
  return call(to, "POST", to_root + "/os-volume-transfer/" + t["id"].get<std::string>() + "/accept",
              {{"accept", {{"auth_key", t["auth_key"]}}}})
      .status();
}

Result<Replayer::ServerVolume> Replayer::server_and_volume(const Actor& who, const std::string& server,
                                                           const std::string& volume) {
  auto sid = server_id(who, server);
  auto base = volume_path(who);
  if (!sid.ok()) return sid.status();
  if (!base.ok()) return base.status();
  auto vid = find_id(who, *base + "?name=" + volume, "volumes", volume);
  if (!vid.ok()) return vid.status();
  if (vid->empty()) return NotFound("no volume " + volume);
  return ServerVolume{*sid, *vid, *base + "/" + *vid};
}

Status Replayer::attach_volume(const Actor& who, const std::string& server, const std::string& volume) {
  auto ids = server_and_volume(who, server, volume);
  if (!ids.ok()) return ids.status();
  const std::string &sid = ids->server_id, &vid = ids->volume_id;
  auto vol = call(who, "GET", ids->volume_path);
  if (!vol.ok()) return vol.status();
  for (const auto& a : (*vol)["volume"].value("attachments", Json::array()))
    if (a.value("server_id", "") == sid) return Status::Ok();
  log_ << "  " << who.user << ": server add volume " << server << " " << volume << "\n";
  auto attached = call(who, "POST", "/compute/v2.1/servers/" + sid + "/os-volume_attachments",
                       {{"volumeAttachment", {{"volumeId", vid}}}});
  return attached.ok() ? wait_volume(who, vid, "in-use") : attached.status();
}

Status Replayer::detach_volume(const Actor& who, const std::string& server, const std::string& volume) {
  auto ids = server_and_volume(who, server, volume);
  if (!ids.ok()) return ids.status();
  log_ << "  " << who.user << ": server remove volume " << server << " " << volume << "\n";
  auto detached =
      call(who, "DELETE", "/compute/v2.1/servers/" + ids->server_id + "/os-volume_attachments/" + ids->volume_id);
  return detached.ok() ? wait_volume(who, ids->volume_id, "available") : detached.status();
}

}  // namespace stacklab::lab
