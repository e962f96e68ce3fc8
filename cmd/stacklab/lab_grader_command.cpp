// `stacklab lab list|show|hint|check|replay`: the exercise catalogue
// against a running cloud, through its public REST API.
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/lab_http_cloud.h"
#include "cmd/stacklab/ops_client.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/grader.h"
#include "scenarios/lab/exercises/replayer.h"

namespace stacklab::cmd {

int run_lab_grader(const OpsTarget& target, const LabGraderOptions& options) {
  const std::string scope = options.scope.empty() ? (options.verb == "show" ? "" : "all") : options.scope;
  if (scope.empty()) {
    std::cerr << "stacklab: lab show needs an exercise (EX-17)\n";
    return 2;
  }
  if (scope == "day9") return run_day9(target, options.verb, options.json);
  auto exercises = lab::select_exercises(scope);
  if (!exercises.ok()) {
    std::cerr << "stacklab: " << exercises.status().message() << "\n";
    return 2;
  }
  HttpLabCloud cloud(target.url, lab_admin(target));
  if (Status st = cloud.sign_in(lab::kAdmin); !st.ok()) {
    std::cerr << "stacklab: " << st.message() << "\n";
    return 1;
  }
  if (options.verb == "replay") {
    lab::Replayer replayer(cloud, std::cout);
    int failures = lab::replay(*exercises, replayer);
    std::cout << (failures ? std::to_string(failures) + " exercises failed to replay\n" : "Replayed " + scope + "\n");
    return failures ? 1 : 0;
  }
  lab::CloudView view(cloud);
  auto results = lab::grade(*exercises, view);
  for (const auto& e : view.errors()) std::cerr << "stacklab: could not read " << e << "\n";
  if (options.json) {
    std::cout << lab::results_json(results).dump(2) << "\n";
  } else if (options.verb == "list") {
    lab::print_exercise_list(results, std::cout);
  } else if (options.verb == "show") {
    for (const auto* e : *exercises) lab::print_exercise(*e, results, std::cout);
  } else if (options.verb == "hint") {
    lab::print_hint(lab::next_task(results), std::cout);
  } else {
    lab::print_check_table(results, std::cout);
  }
  if (options.verb == "check") return lab::all_done(results) ? 0 : 1;
  return 0;
}

int replay_scope(const OpsTarget& target, const std::string& scope) {
  return run_lab_grader(target, LabGraderOptions{"replay", scope, false});
}

}  // namespace stacklab::cmd
