#include "engine/guest/guest_shell.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "engine/network/ipam.h"

namespace stacklab::guest {

namespace {

constexpr int kDefaultPings = 3;  // the book stops ping with Ctrl-C after a few replies
constexpr int kMaxPings = 100;

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// Packet counters: plausible, fixed per interface.
long long counter(const std::string& seed, long long scale) {
  unsigned h = 0;
  for (unsigned char c : seed) h = h * 131 + c;
  return scale + static_cast<long long>(h % 1000) * (scale / 1000 + 1);
}

bool is_number(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::string GuestShell::prompt(const ShellState& s) const {
  return m_.os.prompt(s.root ? "root" : s.user, m_.hostname(), s.root_home);
}

CommandResult GuestShell::run(ShellState& state, const std::string& line) const {
  return run_words(state, split(line));
}

CommandResult GuestShell::run_words(ShellState& state, std::vector<std::string> w) const {
  CommandResult r;
  if (w.empty()) return r;
  const std::string& cmd = w[0];
  const std::string me = state.root ? "root" : state.user;
  if (cmd == "exit" || cmd == "logout") {
    if (state.root) {
      state.root = false;
      state.root_home = true;
      r.output = m_.os.busybox() ? "" : "exit\n";
      return r;
    }
    r.output = m_.os.busybox() ? "" : "logout\n";
    r.closed = true;
    return r;
  }
  if (cmd == "hostname") {
    r.output = m_.hostname() + "\n";
  } else if (cmd == "whoami") {
    r.output = me + "\n";
  } else if (cmd == "id") {
    r.output = state.root ? "uid=0(root) gid=0(root) groups=0(root)\n"
                          : "uid=1000(" + me + ") gid=1000(" + me + ") groups=1000(" + me + ")\n";
  } else if (cmd == "uname") {
    const std::string flag = w.size() > 1 ? w[1] : "-s";
    const std::string full = m_.os.uname(m_.hostname());
    std::istringstream parts(full);
    std::string sys, node, release;
    parts >> sys >> node >> release;
    r.output = (flag == "-a" ? full : flag == "-r" ? release : flag == "-n" ? node : sys) + "\n";
  } else if (cmd == "ifconfig") {
    r.output = ifconfig(w.size() > 1 && w[1] != "-a" ? w[1] : "");
    if (r.output.empty()) {
      r.output = "ifconfig: " + w[1] + ": error fetching interface information: Device not found\n";
      r.exit_status = 1;
    }
  } else if (cmd == "ip") {
    const std::string obj = w.size() > 1 ? w[1] : "";
    if (obj == "a" || obj == "addr" || obj == "address") {
      std::string only;
      for (std::size_t i = 2; i < w.size(); ++i)
        if (w[i] != "show" && w[i] != "s" && w[i] != "dev") only = w[i];
      r.output = ip_addr(only);
      if (r.output.empty()) {
        r.output = "Device \"" + only + "\" does not exist.\n";
        r.exit_status = 1;
      }
    } else if (obj == "r" || obj == "route") {
      r.output = ip_route();
    } else {
      r.output = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip a | ip addr | ip route\n";
      r.exit_status = obj.empty() ? 255 : 1;
    }
  } else if (cmd == "ping") {
    return ping(w);
  } else if (cmd == "fdisk") {
    if (w.size() < 2 || w[1] != "-l") {
      r.output = "Usage: fdisk -l\n";
      r.exit_status = 1;
    } else if (!state.root) {
      r.output = m_.os.busybox() ? "fdisk: can't open '/dev/vda': Permission denied\n"
                                 : "fdisk: cannot open /dev/vda: Permission denied\n";
      r.exit_status = 1;
    } else {
      r.output = fdisk();
    }
  } else if (cmd == "cat") {
    const std::string file = w.size() > 1 ? w[1] : "";
    if (file == "/etc/os-release") {
      r.output = m_.os.os_release();
    } else if (file == "/etc/hostname") {
      r.output = m_.hostname() + "\n";
    } else {
      r.output = m_.os.busybox() ? "cat: can't open '" + file + "': No such file or directory\n"
                                 : "cat: " + file + ": No such file or directory\n";
      r.exit_status = 1;
    }
  } else if (cmd == "sudo") {
    return sudo(state, std::move(w));
  } else {
    r.output = m_.os.not_found(cmd);
    r.exit_status = kNotFoundStatus;
  }
  return r;
}

CommandResult GuestShell::sudo(ShellState& state, std::vector<std::string> w) const {
  CommandResult r;
  // Nova's hostname is not in the image's /etc/hosts: Ubuntu's sudo says so on every use.
  const std::string warning =
      m_.os.family == GuestFamily::kUbuntu ? "sudo: unable to resolve host " + m_.hostname() + "\n" : "";
  w.erase(w.begin());
  if (w.empty()) {
    r.output = "usage: sudo command\n";
    r.exit_status = 1;
    return r;
  }
  const bool root_shell = (w[0] == "su" && (w.size() == 1 || w[1] == "-" || w[1] == "root")) || w[0] == "-i" ||
                          w[0] == "-s" || w[0] == "bash" || w[0] == "sh";
  if (root_shell) {
    state.root = true;
    state.root_home = w[0] == "-i" || (w.size() > 1 && w[1] == "-");
    r.output = warning;
    return r;
  }
  ShellState as_root = state;
  as_root.root = true;
  CommandResult inner = run_words(as_root, std::move(w));
  inner.output = warning + inner.output;
  inner.closed = false;  // `sudo exit` ends nothing
  return inner;
}

CommandResult GuestShell::ping(const std::vector<std::string>& w) const {
  CommandResult r;
  int count = kDefaultPings;
  std::string target;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const std::string& a = w[i];
    if (a == "-c" && i + 1 < w.size() && is_number(w[i + 1])) {
      count = std::stoi(w[++i].substr(0, 6));
    } else if (a.rfind("-c", 0) == 0 && is_number(a.substr(2))) {
      count = std::stoi(a.substr(2, 6));
    } else if ((a == "-w" || a == "-W" || a == "-i" || a == "-s") && i + 1 < w.size()) {
      ++i;  // timing and size options change nothing here
    } else if (a.rfind("-", 0) != 0) {
      target = a;
    }
  }
  count = std::clamp(count, 1, kMaxPings);
  if (target.empty()) {
    r.output = m_.os.busybox() ? "BusyBox v1.20.1 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n"
                               : "Usage: ping [-c count] destination\n";
    r.exit_status = m_.os.busybox() ? 1 : 2;
    return r;
  }
  auto ip = network::parse_ip(target);
  if (!ip) {  // no DNS in the lab's guests: names do not resolve
    r.output = m_.os.busybox() ? "ping: bad address '" + target + "'\n" : "ping: unknown host " + target + "\n";
    r.exit_status = m_.os.busybox() ? 1 : 2;
    return r;
  }
  const std::string address = network::format_ip(*ip);
  PingAnswer answer = ping_(address);
  r.output = ping_output(m_.os, address, count, answer);
  r.exit_status = ping_exit_status(m_.os, answer);
  return r;
}

std::string GuestShell::ifconfig(const std::string& only) const {
  std::ostringstream o;
  for (const GuestInterface& i : m_.interfaces) {
    if (!only.empty() && only != i.name) continue;
    o << pad(i.name, 10) << "Link encap:Ethernet  HWaddr " << upper(i.mac) << "  \n";
    if (!i.ipv4.empty())
      o << "          inet addr:" << i.ipv4 << "  Bcast:" << ipv4_broadcast(i.ipv4, i.ipv4_prefix)
        << "  Mask:" << ipv4_netmask(i.ipv4_prefix) << "\n";
    for (const auto& [a, prefix] : i.ipv6) o << "          inet6 addr: " << a << "/" << prefix << " Scope:Global\n";
    if (!i.link_local.empty()) o << "          inet6 addr: " << i.link_local << "/64 Scope:Link\n";
    const long long rx = counter(i.mac + "rx", 300), tx = counter(i.mac + "tx", 200);
    o << "          UP BROADCAST RUNNING MULTICAST  MTU:" << i.mtu << "  Metric:1\n"
      << "          RX packets:" << rx << " errors:0 dropped:0 overruns:0 frame:0\n"
      << "          TX packets:" << tx << " errors:0 dropped:0 overruns:0 carrier:0\n"
      << "          collisions:0 txqueuelen:1000 \n"
      << "          RX bytes:" << rx * 142 << " (" << rx * 142 / 1024 << ".0 KiB)  TX bytes:" << tx * 128 << " ("
      << tx * 128 / 1024 << ".0 KiB)\n\n";
  }
  if (only.empty() || only == "lo")
    o << "lo        Link encap:Local Loopback  \n"
      << "          inet addr:127.0.0.1  Mask:255.0.0.0\n"
      << "          inet6 addr: ::1/128 Scope:Host\n"
      << "          UP LOOPBACK RUNNING  MTU:" << m_.os.loopback_mtu() << "  Metric:1\n"
      << "          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n"
      << "          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n"
      << "          collisions:0 txqueuelen:0 \n"
      << "          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n";
  return o.str();
}

std::string GuestShell::ip_addr(const std::string& only) const {
  std::ostringstream o;
  if (only.empty() || only == "lo")
    o << "1: lo: <LOOPBACK,UP,LOWER_UP> mtu " << m_.os.loopback_mtu() << " qdisc noqueue state UNKNOWN\n"
      << "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
      << "    inet 127.0.0.1/8 scope host lo\n"
      << "    inet6 ::1/128 scope host \n"
      << "       valid_lft forever preferred_lft forever\n";
  int n = 2;
  for (const GuestInterface& i : m_.interfaces) {
    const int index = n++;
    if (!only.empty() && only != i.name) continue;
    o << index << ": " << i.name << ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu " << i.mtu
      << " qdisc pfifo_fast state UP qlen 1000\n"
      << "    link/ether " << i.mac << " brd ff:ff:ff:ff:ff:ff\n";
    if (!i.ipv4.empty())
      o << "    inet " << i.ipv4 << "/" << i.ipv4_prefix << " brd " << ipv4_broadcast(i.ipv4, i.ipv4_prefix)
        << " scope global " << i.name << "\n";
    for (const auto& [a, prefix] : i.ipv6)
      o << "    inet6 " << a << "/" << prefix << " scope global dynamic \n"
        << "       valid_lft 86400sec preferred_lft 14400sec\n";
    if (!i.link_local.empty())
      o << "    inet6 " << i.link_local << "/64 scope link \n"
        << "       valid_lft forever preferred_lft forever\n";
  }
  return o.str();
}

std::string GuestShell::ip_route() const {
  std::ostringstream o;
  bool has_default = false;
  for (const GuestInterface& i : m_.interfaces) {
    if (i.ipv4.empty()) continue;
    if (!i.gateway.empty() && !has_default) {
      o << "default via " << i.gateway << " dev " << i.name << "\n";
      has_default = true;
    }
  }
  for (const GuestInterface& i : m_.interfaces) {
    if (i.ipv4.empty()) continue;
    auto cidr = network::parse_cidr(i.ipv4 + "/" + std::to_string(i.ipv4_prefix));
    if (cidr) o << cidr->cidr.str() << " dev " << i.name << "  src " << i.ipv4 << " \n";
  }
  return o.str();
}

std::string GuestShell::fdisk() const {
  std::ostringstream o;
  for (const GuestDisk& d : m_.record.disks) {
    const long long sectors = d.bytes / 512;
    const int heads = d.blank ? 16 : 4, per_track = d.blank ? 63 : 32;
    o << "\nDisk " << d.device << ": " << d.bytes / 1000000 << " MB, " << d.bytes << " bytes\n"
      << heads << " heads, " << per_track << " sectors/track, " << sectors / (heads * per_track) << " cylinders, total "
      << sectors << " sectors\n"
      << "Units = sectors of 1 * 512 = 512 bytes\n"
      << "Sector size (logical/physical): 512 bytes / 512 bytes\n"
      << "I/O size (minimum/optimal): 512 bytes / 512 bytes\n"
      << "Disk identifier: 0x00000000\n\n";
    if (d.blank) {
      o << "Disk " << d.device << " doesn't contain a valid partition table\n";
      continue;
    }
    // One bootable Linux partition from sector 2048 to the end, as cloud images have.
    const long long start = 2048, end = sectors - 1;
    o << "   Device Boot      Start         End      Blocks   Id  System\n"
      << pad(d.device + "1", 11) << " *" << right(std::to_string(start), 12) << right(std::to_string(end), 12)
      << right(std::to_string((end - start + 1) / 2), 12) << "   83  Linux\n";
  }
  return o.str();
}

}  // namespace stacklab::guest
