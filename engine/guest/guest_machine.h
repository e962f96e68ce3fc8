// GuestMachine: a server as its guest sees itself from inside — hostname,
// network interfaces, disks, OS — gathered from compute's record of the
// server (GuestInventory) and Neutron's ports (the data plane's model).
//
// Facts (exercises.md §6): the hostname is Nova's (display name lower-cased,
// '_' -> '-'); eth0, eth1, ... are the server's ports in creation order,
// with their MAC, the IPv4 address DHCP gave (none on a subnet with DHCP
// off), the IPv6 addresses of SLAAC subnets and the link-local one; the
// MTU is the network's; an interface that got no DHCP answer at boot has no
// IPv4 address (nor route) until the next boot. The floating IP never appears inside the guest.
// /dev/vda is the root disk (the flavor's, else the image's size; the boot
// volume for a volume-backed server), then one /dev/vdX per attached volume.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/guest/guest_os.h"
#include "engine/network/dataplane.h"

namespace stacklab::guest {

struct GuestDisk {
  std::string device;   // "/dev/vda"
  long long bytes = 0;  // its size
  bool blank = true;    // false: it holds a partition table (an image's root, a volume made from an image)
};

// What compute knows of a server that its guest shows.
struct GuestRecord {
  network::GuestState state;  // id, name, project_id, status, power_state
  std::string user_id;        // who created it (whose keypair key_name names)
  std::string hostname, instance_name;
  std::string image_name, os_distro;  // of the image it runs (the boot volume's image for a volume-backed server)
  std::string key_name;               // "" when none
  std::string key_fingerprint;        // of key_name's public key, "" when none (or the keypair is gone)
  std::vector<GuestDisk> disks;       // root first, then by device
};

// Compute's side, as the guest service asks it (engine/guest/compute_guest_inventory.h).
class GuestInventory {
 public:
  virtual ~GuestInventory() = default;
  // The server with instance uuid `id` (any project), if it exists.
  virtual std::optional<GuestRecord> record(const std::string& id) const = 0;
  // The server `name_or_id` as `caller` may see it: 404 when it cannot, 409 for an ambiguous name.
  virtual Result<GuestRecord> find(const Credentials& caller, const std::string& name_or_id) const = 0;
};

struct GuestInterface {
  std::string name;                               // eth0
  std::string port_id;                            // Neutron's port
  std::string mac;                                // lower case, as Neutron stores it
  std::string ipv4;                               // "" when the guest has none (no IPv4 subnet, or DHCP off)
  int ipv4_prefix = 0;                            // from the subnet's cidr
  std::string gateway;                            // the IPv4 subnet's gateway_ip, "" when none
  std::vector<std::pair<std::string, int>> ipv6;  // global addresses and their prefix lengths
  std::string link_local;                         // fe80::... from the MAC
  int mtu = 1450;
  bool no_lease = false;  // DHCP did not answer at the guest's last boot: no IPv4 although the subnet has one
};

struct GuestMachine {
  GuestRecord record;
  GuestOs os;
  std::vector<GuestInterface> interfaces;
  const std::string& hostname() const { return record.hostname; }
};

// The machine of `record` as the ports of `model` wire it; the ports in
// `without_lease` got no DHCP answer at its last boot (GuestLeases).
GuestMachine machine_of(const GuestRecord& record, const network::NetworkModel& model,
                        const std::set<std::string>& without_lease = {});

// "255.255.255.0" for 24; the broadcast address of `ip`/`prefix`.
std::string ipv4_netmask(int prefix);
std::string ipv4_broadcast(const std::string& ip, int prefix);

}  // namespace stacklab::guest
