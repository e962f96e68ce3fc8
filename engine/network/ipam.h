// IP address math and allocation for Neutron's subnets and ports.
//
// Addresses of both families are held as 128-bit integers (IPv4 in the low
// 32 bits), so ranges, pools and "lowest free address" are the same code for
// IPv4 and IPv6. Text forms are what Neutron prints: dotted quads, and
// RFC 5952 IPv6 (python's ipaddress/netaddr output).
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace stacklab::network {

using Uint128 = unsigned __int128;

struct IpAddress {
  int version = 4;  // 4 or 6
  Uint128 value = 0;
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  int version = 4;
  Uint128 network = 0;  // host bits cleared
  int prefix = 0;
  Uint128 first() const { return network; }
  Uint128 last() const;  // the broadcast address for IPv4
  Uint128 size() const;  // number of addresses (saturates at 2^128-1 for ::/0)
  bool contains(const IpAddress& ip) const;
  bool overlaps(const Cidr& other) const;
  std::string str() const;
};

// An inclusive range of addresses of one family: an allocation pool.
struct IpRange {
  Uint128 first = 0, last = 0;
};

std::optional<IpAddress> parse_ip(const std::string& text);
std::string format_ip(const IpAddress& ip);
std::string format_ip(int version, Uint128 value);

// Parses "a.b.c.d/n" or "x::/n". `had_host_bits` tells whether the text had
// bits set beyond the prefix (Neutron then answers "... is recommended").
struct ParsedCidr {
  Cidr cidr;
  bool had_host_bits = false;
};
std::optional<ParsedCidr> parse_cidr(const std::string& text);

// The address a SLAAC host configures on `prefix` (a /64): the modified
// EUI-64 interface identifier of `mac` ("fa:16:3e:9a:8b:da" ->
// "...:f816:3eff:fe9a:8bda"). nullopt for a malformed MAC.
std::optional<IpAddress> eui64_address(const Cidr& prefix, const std::string& mac);

// True for "xx:xx:xx:xx:xx:xx" (hex, any case) that is unicast and not all zeros.
bool valid_mac(const std::string& mac);

// Neutron's default allocation pools of a subnet: every address but the
// network address (and the IPv4 broadcast), minus the gateway.
std::vector<IpRange> default_pools(const Cidr& cidr, const std::optional<IpAddress>& gateway);

// The fewest CIDRs of `version` covering exactly the addresses of `ranges`
// (which may overlap or touch), in address order: netaddr's IPSet.compact().
std::vector<Cidr> cidrs_of(int version, std::vector<IpRange> ranges);

// The addresses of `from` not in `minus`, as cidrs_of() gives them.
std::vector<Cidr> cidr_difference(int version, const std::vector<Cidr>& from, const std::vector<Cidr>& minus);

// A set of addresses kept as disjoint, non-touching ranges: a subnet's
// allocations, which IPAM hands out lowest first and so are mostly one long
// run. Insert, erase and the first address past a run are O(log runs).
class AddressSet {
 public:
  AddressSet() = default;
  AddressSet(std::initializer_list<Uint128> addresses);
  void insert(Uint128 address);
  void erase(Uint128 address);
  bool contains(Uint128 address) const;
  // The lowest address >= `from` not in the set (nullopt past 2^128-1).
  std::optional<Uint128> first_free_from(Uint128 from) const;
  std::size_t runs() const { return runs_.size(); }

 private:
  std::map<Uint128, Uint128> runs_;  // first -> last, inclusive
};

// The lowest address of `pools` (in pool order) not in `used`, as Neutron's
// IPAM hands them out; nullopt when the pools are exhausted.
std::optional<Uint128> lowest_free(const std::vector<IpRange>& pools, const AddressSet& used);

}  // namespace stacklab::network
