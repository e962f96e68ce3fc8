#include "scenarios/lab/exercises/grader.h"

#include "scenarios/lab/exercises/replayer.h"

namespace stacklab::lab {

const char* status_word(TaskStatus status) {
  switch (status) {
    case TaskStatus::kDone:
      return "done";
    case TaskStatus::kNotYet:
      return "not yet";
    case TaskStatus::kNeeds:
      return "needs";
    case TaskStatus::kOptional:
      return "optional";
    case TaskStatus::kNotGraded:
      return "not graded";
  }
  return "?";
}

std::vector<TaskResult> grade(const std::vector<const Exercise*>& exercises, CloudView& view) {
  std::vector<TaskResult> out;
  for (const Exercise* e : exercises)
    for (const Task& t : e->tasks) {
      if (!t.check) {
        out.push_back({e, &t, TaskStatus::kNotGraded, ""});
        continue;
      }
      Verdict v = t.check(view);
      TaskStatus status = v.done()           ? TaskStatus::kDone
                          : !t.needs.empty() ? TaskStatus::kNeeds
                          : t.optional       ? TaskStatus::kOptional
                                             : TaskStatus::kNotYet;
      out.push_back({e, &t, status, v.missing()});
    }
  return out;
}

bool all_done(const std::vector<TaskResult>& results) { return next_task(results) == nullptr; }

const TaskResult* next_task(const std::vector<TaskResult>& results) {
  for (const auto& r : results)
    if (r.status == TaskStatus::kNotYet) return &r;
  return nullptr;
}

int replay(const std::vector<const Exercise*>& exercises, Replayer& replayer) {
  int failures = 0;
  for (const Exercise* e : exercises) {
    if (!e->replay) continue;
    replayer.log() << e->id << " " << e->title << "\n";
    Status st = e->replay(replayer);
    if (st.ok()) continue;
    std::string needs;
    for (const auto& t : e->tasks)
      if (!t.needs.empty()) needs = t.needs;
    if (!needs.empty()) {
      replayer.log() << "  not replayed (needs " << needs << "): " << st.message() << "\n";
      continue;
    }
    replayer.log() << "  FAILED: " << st.message() << "\n";
    ++failures;
  }
  return failures;
}

}  // namespace stacklab::lab
