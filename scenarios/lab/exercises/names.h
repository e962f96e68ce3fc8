// Tolerant names: the book spells many resource names several ways (OCR
// and author slips, exercises.md §0), and students copy whichever they read.
// A resource is found by its properties plus a name that matches the
// canonical name or one of its variants, ignoring case and the separators
// students swap freely (space, '_', '-').
#pragma once

#include <string>
#include <vector>

namespace stacklab::lab {

struct NamePattern {
  std::string canonical;              // what replay creates and the hints say
  std::vector<std::string> variants;  // the book's other spellings
};

// `name` lower-cased, without ' ', '_' and '-'.
std::string fold_name(const std::string& name);

// True when `name` is the canonical name or a variant, up to fold_name.
bool name_matches(const std::string& name, const NamePattern& pattern);

// The lab's names with the variants exercises.md §0 lists.
namespace names {
// Inline, so that other files' constants built from them are initialised after them.
inline NamePattern exact(const std::string& canonical) { return {canonical, {}}; }  // still case/separator tolerant
inline const NamePattern kHelloworldServer{"helloworld", {"hellovinoth"}};
inline const NamePattern kHelloworldOscServer{
    "VM_helloworld_OSC", {"VM_heliovinoth_OSC", "VM_helloworld_0SC", "VM_helloworld_ESC", "VM_hellovinoth_OSC"}};
inline const NamePattern kKeypairHellovinoth{"KP_hellovinoth", {"KP_helloworld", "KP_heliovinoth"}};
inline const NamePattern kVolumeHelloworld{"VL_helloworld_1GB",
                                           {"VL_helloinloth_1GB", "VL_helovingnoth_1GB", "VL_heliovinoth_1GB",
                                            "VL_hellovinoth_1GB", "VL_helloworldvinoth_1GB"}};
inline const NamePattern kProjectHelloworld{
    "helloworld.com", {"helloworldin0th.com", "hellovinot.com", "helloworldvinoth.com", "hellovinoth.com"}};
inline const NamePattern kImageCentos{"CentOS7", {"Cent057", "CentOS 7"}};
inline const NamePattern kMemberRole{"member", {"_member_"}};  // Member too, by case
}  // namespace names

}  // namespace stacklab::lab
