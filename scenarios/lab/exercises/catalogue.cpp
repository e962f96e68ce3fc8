#include "scenarios/lab/exercises/catalogue.h"

#include <cctype>

namespace stacklab::lab {

const std::vector<Exercise>& catalogue() {
  static const std::vector<Exercise> all = [] {
    std::vector<Exercise> out;
    for (auto part : {day1_exercises, day6_compute_exercises, day6_cli_exercises, day6_storage_exercises,
                      day6_identity_network_exercises, day6_addon_exercises, day7_admin_exercises,
                      day7_project_exercises, day7_extended_exercises})
      for (auto& e : part()) out.push_back(std::move(e));
    return out;
  }();
  return all;
}

namespace {

// "EX-17", "ex17", "17", "EX-10l" -> "EX-17" / "EX-10L"-style folded key "17", "10l".
std::string id_key(std::string s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.rfind("ex", 0) == 0) out = out.substr(2);
  if (!out.empty() && out[0] == '-') out = out.substr(1);
  while (out.size() > 1 && out[0] == '0') out = out.substr(1);
  return out;
}

}  // namespace

Result<std::vector<const Exercise*>> select_exercises(const std::string& scope) {
  std::vector<const Exercise*> out;
  const std::string s = scope.empty() ? "all" : scope;
  for (const auto& e : catalogue())
    if (s == "all" || e.day == s || id_key(e.id) == id_key(s)) out.push_back(&e);
  if (out.empty())
    return Status(Code::kNotFound, "no exercise or day '" + scope + "' (day1, day6, day7, EX-01..EX-61, all)");
  return out;
}

}  // namespace stacklab::lab
