// GuestOs: which of the book's guest images a server runs (exercises.md §6)
// and what that image looks like from inside: its login user, how its
// shell prompts, what it answers to `uname -a` and `cat /etc/os-release`,
// and whether it takes passwords at all.
//
//   cirros  (cirros-0.3.x images): user cirros, password "cubswin:)" (0.3.x;
//           0.4 and later "gocubsgo"), or the injected key; busybox tools;
//           prompt "$ ", root "# ".
//   ubuntu  (Ubuntu14_04, Ubuntu_16, ...): user ubuntu, key only; prompt
//           "ubuntu@host:~$ "; `sudo` warns that it cannot resolve the host.
//   centos  (CentOS7): user centos, key only; prompt "[centos@host ~]$ ".
#pragma once

#include <string>
#include <vector>

namespace stacklab::guest {

enum class GuestFamily { kCirros, kUbuntu, kCentos };

struct GuestOs {
  GuestFamily family = GuestFamily::kCirros;
  std::string release;                 // "0.3.4", "14.04", "16.04", "7"
  std::string user;                    // the image's login user
  std::vector<std::string> passwords;  // what the login user may type; empty: key only

  bool busybox() const { return family == GuestFamily::kCirros; }
  bool takes_passwords() const { return !passwords.empty(); }
  // The prompt of `user` (the login user or "root") on `hostname`; `home` false after `sudo su` (root stays in
  // the login user's directory).
  std::string prompt(const std::string& user, const std::string& hostname, bool home = true) const;
  std::string uname(const std::string& hostname) const;  // `uname -a`
  std::string os_release() const;                        // `cat /etc/os-release`, "" when the image has none
  // What the shell says about a command it does not know, and its status (127).
  std::string not_found(const std::string& command) const;
  int loopback_mtu() const { return busybox() ? 16436 : 65536; }
};

// The guest of an image, by its os_distro property, else by its name
// ("cirros-0.3.4-x86_64-uec", "Ubuntu_16", "CentOS7"); unknown images are
// taken for cirros, the lab's default.
GuestOs guest_os_of(const std::string& image_name, const std::string& os_distro);

}  // namespace stacklab::guest
