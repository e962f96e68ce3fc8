#include "engine/guest/guest_os.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace stacklab::guest {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The first "N.N[.N]" in `name`, else "".
std::string dotted_version(const std::string& name) {
  std::smatch m;
  static const std::regex kVersion("([0-9]+\\.[0-9]+(\\.[0-9]+)?)");
  return std::regex_search(name, m, kVersion) ? m[1].str() : "";
}

// Ubuntu's release from "Ubuntu14_04", "ubuntu-16.04", "Ubuntu_16": the LTS its first number names.
std::string ubuntu_release(const std::string& name) {
  std::smatch m;
  static const std::regex kMajor("([0-9]{2})");
  std::string major = std::regex_search(name, m, kMajor) ? m[1].str() : "16";
  return major + ".04";
}

}  // namespace

GuestOs guest_os_of(const std::string& image_name, const std::string& os_distro) {
  const std::string distro = lower(os_distro), name = lower(image_name);
  GuestOs os;
  auto is = [&](const char* word) {
    return distro.find(word) != std::string::npos || name.find(word) != std::string::npos;
  };
  if (is("ubuntu")) {
    os.family = GuestFamily::kUbuntu;
    os.release = ubuntu_release(name);
    os.user = "ubuntu";
  } else if (is("centos")) {
    os.family = GuestFamily::kCentos;
    os.release = "7";
    os.user = "centos";
  } else {
    os.family = GuestFamily::kCirros;
    os.release = dotted_version(name).empty() ? "0.3.4" : dotted_version(name);
    os.user = "cirros";
    // 0.3.x's password is the book's; 0.4 changed it. Either is accepted, whichever guide the student follows.
    os.passwords = {"cubswin:)", "gocubsgo"};
  }
  return os;
}

std::string GuestOs::prompt(const std::string& who, const std::string& hostname, bool home) const {
  const bool root = who == "root";
  switch (family) {
    case GuestFamily::kCirros:
      return root ? "# " : "$ ";
    case GuestFamily::kUbuntu:
      if (root) return "root@" + hostname + ":" + (home ? "~" : "/home/" + user) + "# ";
      return who + "@" + hostname + ":~$ ";
    case GuestFamily::kCentos:
      return "[" + who + "@" + hostname + " " + (root && !home ? user : "~") + "]" + (root ? "# " : "$ ");
  }
  return "$ ";
}

std::string GuestOs::uname(const std::string& hostname) const {
  switch (family) {
    case GuestFamily::kCirros:
      return "Linux " + hostname + " 3.2.0-80-virtual #116-Ubuntu SMP Mon Mar 23 17:28:52 UTC 2015 x86_64 GNU/Linux";
    case GuestFamily::kUbuntu:
      if (release == "14.04")
        return "Linux " + hostname +
               " 3.13.0-170-generic #220-Ubuntu SMP Thu May 9 12:40:49 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux";
      return "Linux " + hostname +
             " 4.4.0-210-generic #242-Ubuntu SMP Fri Apr 16 09:57:56 UTC 2021 x86_64 x86_64 x86_64 GNU/Linux";
    case GuestFamily::kCentos:
      return "Linux " + hostname +
             " 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux";
  }
  return "Linux " + hostname;
}

std::string GuestOs::os_release() const {
  switch (family) {
    case GuestFamily::kCirros:
      return "NAME=CirrOS\nVERSION=\"" + release + "\"\nID=cirros\nPRETTY_NAME=\"CirrOS " + release +
             "\"\nVERSION_ID=\"" + release + "\"\nHOME_URL=\"https://launchpad.net/cirros\"\n";
    case GuestFamily::kUbuntu: {
      const bool trusty = release == "14.04";
      const std::string full = trusty ? "14.04.6 LTS" : release == "16.04" ? "16.04.7 LTS" : release + " LTS";
      const std::string code = trusty ? "Trusty Tahr" : release == "16.04" ? "Xenial Xerus" : "";
      return "NAME=\"Ubuntu\"\nVERSION=\"" + full +
             (code.empty() ? ""
              : trusty     ? ", " + code
                           : " (" + code + ")") +
             "\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu " + full + "\"\nVERSION_ID=\"" + release +
             "\"\nHOME_URL=\"http://www.ubuntu.com/\"\nSUPPORT_URL=\"http://help.ubuntu.com/\"\n"
             "BUG_REPORT_URL=\"http://bugs.launchpad.net/ubuntu/\"\n";
    }
    case GuestFamily::kCentos:
      return "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
             "VERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\nANSI_COLOR=\"0;31\"\n"
             "CPE_NAME=\"cpe:/o:centos:centos:7\"\nHOME_URL=\"https://www.centos.org/\"\n";
  }
  return "";
}

std::string GuestOs::not_found(const std::string& command) const {
  if (busybox()) return "-sh: " + command + ": not found\n";
  return command + ": command not found\n";
}

}  // namespace stacklab::guest
