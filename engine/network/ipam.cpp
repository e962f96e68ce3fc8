#include "engine/network/ipam.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>

namespace stacklab::network {

namespace {

int width(int version) { return version == 4 ? 32 : 128; }

Uint128 host_mask(int version, int prefix) {
  int host_bits = width(version) - prefix;
  if (host_bits <= 0) return 0;
  if (host_bits >= 128) return ~Uint128(0);
  return (Uint128(1) << host_bits) - 1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::vector<unsigned>> mac_bytes(const std::string& mac) {
  if (mac.size() != 17) return std::nullopt;
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < 6; ++i) {
    int hi = hex_value(mac[i * 3]), lo = hex_value(mac[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && mac[i * 3 + 2] != ':')) return std::nullopt;
    out.push_back(static_cast<unsigned>(hi * 16 + lo));
  }
  return out;
}

}  // namespace

Uint128 Cidr::last() const { return network | host_mask(version, prefix); }

Uint128 Cidr::size() const {
  Uint128 m = host_mask(version, prefix);
  return m == ~Uint128(0) ? m : m + 1;
}

bool Cidr::contains(const IpAddress& ip) const {
  return ip.version == version && ip.value >= first() && ip.value <= last();
}

bool Cidr::overlaps(const Cidr& o) const { return version == o.version && first() <= o.last() && o.first() <= last(); }

std::string Cidr::str() const {
  std::string s = format_ip(version, network);
  s += '/';
  s += std::to_string(prefix);
  return s;
}

std::optional<IpAddress> parse_ip(const std::string& text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  unsigned char buf[16];
  if (text.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, text.c_str(), buf) != 1) return std::nullopt;
    Uint128 v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | buf[i];
    return IpAddress{4, v};
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) != 1) return std::nullopt;
  Uint128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | buf[i];
  return IpAddress{6, v};
}

std::string format_ip(int version, Uint128 value) {
  char out[INET6_ADDRSTRLEN];
  if (version == 4) {
    unsigned char b[4];
    for (int i = 3; i >= 0; --i, value >>= 8) b[i] = static_cast<unsigned char>(value & 0xff);
    inet_ntop(AF_INET, b, out, sizeof out);
  } else {
    unsigned char b[16];
    for (int i = 15; i >= 0; --i, value >>= 8) b[i] = static_cast<unsigned char>(value & 0xff);
    inet_ntop(AF_INET6, b, out, sizeof out);
  }
  return out;
}

std::string format_ip(const IpAddress& ip) { return format_ip(ip.version, ip.value); }

std::optional<ParsedCidr> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size() || text.size() - slash > 4) return std::nullopt;
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int prefix = 0;
  for (char c : text.substr(slash + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > width(ip->version)) return std::nullopt;
  Uint128 mask = host_mask(ip->version, prefix);
  ParsedCidr p;
  p.cidr = Cidr{ip->version, ip->value & ~mask, prefix};
  p.had_host_bits = (ip->value & mask) != 0;
  return p;
}

std::optional<IpAddress> eui64_address(const Cidr& prefix, const std::string& mac) {
  auto b = mac_bytes(mac);
  if (!b || prefix.version != 6) return std::nullopt;
  // Modified EUI-64 (RFC 4291 appendix A): flip the universal/local bit, put ff:fe in the middle.
  unsigned iid[8] = {(*b)[0] ^ 0x02u, (*b)[1], (*b)[2], 0xff, 0xfe, (*b)[3], (*b)[4], (*b)[5]};
  Uint128 v = 0;
  for (unsigned byte : iid) v = (v << 8) | byte;
  return IpAddress{6, (prefix.network & ~host_mask(6, 64)) | v};
}

bool valid_mac(const std::string& mac) {
  auto b = mac_bytes(mac);
  if (!b) return false;
  if ((*b)[0] & 0x01) return false;  // multicast (and broadcast)
  for (unsigned x : *b)
    if (x) return true;
  return false;
}

std::vector<IpRange> default_pools(const Cidr& cidr, const std::optional<IpAddress>& gateway) {
  // Neutron: first usable = network + 1; IPv4 also leaves out the broadcast address.
  Uint128 first = cidr.first(), last = cidr.last();
  if (cidr.version == 4 && cidr.prefix >= 31) return {{first, last}};  // RFC 3021 point-to-point
  if (cidr.version == 6 && cidr.prefix == 128) return {{first, last}};
  first += 1;
  if (cidr.version == 4) last -= 1;
  std::vector<IpRange> pools;
  if (gateway && gateway->value >= first && gateway->value <= last) {
    if (gateway->value > first) pools.push_back({first, gateway->value - 1});
    if (gateway->value < last) pools.push_back({gateway->value + 1, last});
  } else if (first <= last) {
    pools.push_back({first, last});
  }
  return pools;
}

std::vector<Cidr> cidrs_of(int version, std::vector<IpRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  std::vector<IpRange> merged;
  for (const IpRange& r : ranges) {
    if (!merged.empty() && (merged.back().last == ~Uint128(0) || r.first <= merged.back().last + 1))
      merged.back().last = std::max(merged.back().last, r.last);
    else
      merged.push_back(r);
  }
  std::vector<Cidr> out;
  const int bits = width(version);
  for (const IpRange& r : merged) {
    Uint128 a = r.first;
    while (true) {
      // The largest aligned block starting at `a` that ends within the range.
      int prefix = 0;
      while (prefix < bits && ((a & host_mask(version, prefix)) != 0 || (a | host_mask(version, prefix)) > r.last))
        ++prefix;
      out.push_back(Cidr{version, a, prefix});
      Uint128 end = a | host_mask(version, prefix);
      if (end >= r.last) break;
      a = end + 1;
    }
  }
  return out;
}

std::vector<Cidr> cidr_difference(int version, const std::vector<Cidr>& from, const std::vector<Cidr>& minus) {
  std::vector<IpRange> left;
  for (const Cidr& c : from) left.push_back({c.first(), c.last()});
  for (const Cidr& m : minus) {
    std::vector<IpRange> next;
    for (const IpRange& r : left) {
      if (m.last() < r.first || m.first() > r.last) {
        next.push_back(r);
        continue;
      }
      if (m.first() > r.first) next.push_back({r.first, m.first() - 1});
      if (m.last() < r.last) next.push_back({m.last() + 1, r.last});
    }
    left = std::move(next);
  }
  if (left.empty()) return {};
  return cidrs_of(version, left);
}

AddressSet::AddressSet(std::initializer_list<Uint128> addresses) {
  for (Uint128 a : addresses) insert(a);
}

bool AddressSet::contains(Uint128 address) const {
  auto it = runs_.upper_bound(address);
  return it != runs_.begin() && std::prev(it)->second >= address;
}

void AddressSet::insert(Uint128 address) {
  if (contains(address)) return;
  Uint128 first = address, last = address;
  // Join the run ending just below and the run starting just above.
  auto next = runs_.upper_bound(address);
  if (next != runs_.begin()) {
    auto prev = std::prev(next);
    if (prev->second + 1 == address) {
      first = prev->first;
      runs_.erase(prev);
    }
  }
  if (next != runs_.end() && address + 1 == next->first) {
    last = next->second;
    runs_.erase(next);
  }
  runs_[first] = last;
}

void AddressSet::erase(Uint128 address) {
  auto it = runs_.upper_bound(address);
  if (it == runs_.begin()) return;
  --it;
  const Uint128 first = it->first, last = it->second;
  if (last < address) return;
  runs_.erase(it);
  if (first < address) runs_[first] = address - 1;
  if (address < last) runs_[address + 1] = last;
}

std::optional<Uint128> AddressSet::first_free_from(Uint128 from) const {
  auto it = runs_.upper_bound(from);
  if (it == runs_.begin()) return from;
  --it;
  if (it->second < from) return from;
  if (it->second == ~Uint128{0}) return std::nullopt;
  return it->second + 1;  // runs never touch, so the next address is free
}

std::optional<Uint128> lowest_free(const std::vector<IpRange>& pools, const AddressSet& used) {
  for (const IpRange& pool : pools) {
    auto candidate = used.first_free_from(pool.first);
    if (candidate && *candidate <= pool.last) return candidate;
  }
  return std::nullopt;
}

}  // namespace stacklab::network
