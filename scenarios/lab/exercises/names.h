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
NamePattern exact(const std::string& canonical);  // no variants, still case/separator tolerant
extern const NamePattern kHelloworldServer;       // helloworld (Horizon form: hellovinoth)
extern const NamePattern kHelloworldOscServer;    // VM_helloworld_OSC
extern const NamePattern kKeypairHellovinoth;     // KP_hellovinoth
extern const NamePattern kVolumeHelloworld;       // VL_helloworld_1GB
extern const NamePattern kProjectHelloworld;      // helloworld.com
extern const NamePattern kImageCentos;            // CentOS7
extern const NamePattern kMemberRole;             // member (Member, _member_)
}  // namespace names

}  // namespace stacklab::lab
