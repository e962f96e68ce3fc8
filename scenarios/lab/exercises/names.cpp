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

}  // namespace stacklab::lab
