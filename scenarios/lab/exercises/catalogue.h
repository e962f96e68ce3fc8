// The catalogue of the book's exercises (exercises.md §2), in book order:
// one file per day and section, each exercise with its tasks, checks and
// replay.
#pragma once

#include <string>
#include <vector>

#include "scenarios/lab/exercises/exercise.h"

namespace stacklab::lab {

// Every exercise, in book order.
const std::vector<Exercise>& catalogue();

// The exercises of a scope: "all", "day1", "day6", "day7", or one id ("EX-17", "ex17", "17").
// An unknown scope gives NotFound.
Result<std::vector<const Exercise*>> select_exercises(const std::string& scope);

// The per-file parts, concatenated by catalogue().
std::vector<Exercise> day1_exercises();
std::vector<Exercise> day6_compute_exercises();
std::vector<Exercise> day6_cli_exercises();
std::vector<Exercise> day6_storage_exercises();
std::vector<Exercise> day6_identity_network_exercises();
std::vector<Exercise> day6_addon_exercises();
std::vector<Exercise> day7_admin_exercises();
std::vector<Exercise> day7_project_exercises();
std::vector<Exercise> day7_extended_exercises();

// The lab's actors of Day 6 and Day 7.
inline const Actor kBootcamp{"bootcamp", "helloworld.com"};
inline const Actor kNeo{"neo", "openstack_bootcamp"};

}  // namespace stacklab::lab
