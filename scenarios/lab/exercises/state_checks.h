// The state predicates exercises share: "a server like this exists", "the
// default group has this rule", each a Verdict that names what is missing.
// Counts are "at least one" unless the book implies an exact number
// (exercises.md §7.5); addresses are checked by CIDR membership.
#pragma once

#include <optional>
#include <string>

#include "scenarios/lab/exercises/exercise.h"

namespace stacklab::lab {

// True when IPv4 `ip` is inside `cidr` ("10.0.0.0/26").
bool ipv4_in_cidr(const std::string& ip, const std::string& cidr);

// A project that must exist before anything in it can be graded; Verdict when it does not.
Verdict require_project(CloudView& view, const NamePattern& project, std::string& project_id);

struct ServerSpec {
  NamePattern name;
  NamePattern project;
  std::string flavor;    // flavor name ("" = any)
  std::string image;     // image name ("" = any; "-" = boots from a volume)
  std::string key_name;  // "" = any
  std::string network;   // network name ("" = any)
  std::string cidr;      // an IPv4 of the server on `network` is in it ("" = any)
  int exact_count = 0;   // >0: exactly this many matching servers
};
// The servers named like spec.name in the project, ACTIVE, with the given flavor, image, key and network.
Verdict check_server(CloudView& view, const ServerSpec& spec);
// The first ACTIVE or not server named like `name` in project `project_id`, or null.
Json find_server(CloudView& view, const NamePattern& name, const std::string& project_id);

struct RuleSpec {
  std::string protocol;  // "tcp", "icmp"
  int port = 0;          // tcp: port_range_min = max = port
};
// The project's default security group has an ingress IPv4 rule like `rule` from 0.0.0.0/0 (or any source).
bool has_ingress_rule(const Json& group, const RuleSpec& rule);
Verdict check_default_rules(CloudView& view, const NamePattern& project, const std::vector<RuleSpec>& rules,
                            int exact_rule_count = 0);

struct NetworkSpec {
  NamePattern project;
  NamePattern network, subnet;
  std::string cidr, gateway, dns;
};
Verdict check_network(CloudView& view, const NetworkSpec& spec);

// Router `name` in the project, gateway on public (with an external IP), an interface at `interface_ip` on `subnet`.
Verdict check_router(CloudView& view, const NamePattern& project, const NamePattern& name, const NamePattern& subnet,
                     const std::string& interface_ip);

// A floating IP of the project whose port belongs to the server.
Verdict check_floating_ip_on(CloudView& view, const NamePattern& project, const NamePattern& server);

// Keypair `name` of user `who` (read as that user).
Verdict check_keypair(CloudView& view, const Actor& who, const NamePattern& name);

struct FlavorSpec {
  std::string name;
  int vcpus = 0, ram = 0, disk = 0;
};
Verdict check_flavor(CloudView& view, const FlavorSpec& spec);

// A volume named like `name` in the project; nullopt fields are not checked.
struct VolumeSpec {
  NamePattern name;
  NamePattern project;
  int size = 1;
  std::string status{};       // "available", "in-use"
  std::string description{};  // "" = any
  std::string attached_to{};  // server name ("" = not checked)
  std::string device{};       // the attachment's device ("" = any)
};
Verdict check_volume(CloudView& view, const VolumeSpec& spec);

}  // namespace stacklab::lab
