#include "scenarios/lab/exercises/names.h"

#include <cctype>

namespace stacklab::lab {

std::string fold_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool name_matches(const std::string& name, const NamePattern& pattern) {
  const std::string folded = fold_name(name);
  if (folded.empty()) return false;
  if (folded == fold_name(pattern.canonical)) return true;
  for (const auto& v : pattern.variants)
    if (folded == fold_name(v)) return true;
  return false;
}

namespace names {

NamePattern exact(const std::string& canonical) { return {canonical, {}}; }

const NamePattern kHelloworldServer{"helloworld", {"hellovinoth"}};
const NamePattern kHelloworldOscServer{
    "VM_helloworld_OSC", {"VM_heliovinoth_OSC", "VM_helloworld_0SC", "VM_helloworld_ESC", "VM_hellovinoth_OSC"}};
const NamePattern kKeypairHellovinoth{"KP_hellovinoth", {"KP_helloworld", "KP_heliovinoth"}};
const NamePattern kVolumeHelloworld{"VL_helloworld_1GB",
                                    {"VL_helloinloth_1GB", "VL_helovingnoth_1GB", "VL_heliovinoth_1GB",
                                     "VL_hellovinoth_1GB", "VL_helloworldvinoth_1GB"}};
const NamePattern kProjectHelloworld{
    "helloworld.com", {"helloworldin0th.com", "hellovinot.com", "helloworldvinoth.com", "hellovinoth.com"}};
const NamePattern kImageCentos{"CentOS7", {"Cent057", "CentOS 7"}};
const NamePattern kMemberRole{"member", {"_member_"}};

}  // namespace names

}  // namespace stacklab::lab
