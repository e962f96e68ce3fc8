// How grading results read: `lab check`'s table, `lab list`, `lab show`,
// `lab hint`, and the JSON of `--json`.
#include <iomanip>
#include <map>

#include "scenarios/lab/exercises/grader.h"

namespace stacklab::lab {

namespace {

std::string clip(const std::string& s, std::size_t width) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

// "missing" for a not-done task: what is missing, and what the cloud needs first.
std::string missing_text(const TaskResult& r) {
  if (r.status == TaskStatus::kNeeds) return r.missing + " [needs " + r.task->needs + "]";
  if (r.status == TaskStatus::kNotGraded) return "(no check: do it, nothing to grade)";
  return r.status == TaskStatus::kDone ? "" : r.missing;
}

}  // namespace

void print_check_table(const std::vector<TaskResult>& results, std::ostream& out) {
  out << std::left << std::setw(9) << "TASK" << std::setw(12) << "STATUS" << std::setw(62) << "WHAT"
      << "MISSING\n";
  std::map<TaskStatus, int> counts;
  for (const auto& r : results) {
    ++counts[r.status];
    out << std::setw(9) << r.task->id << std::setw(12) << status_word(r.status) << std::setw(62)
        << clip(r.task->title, 60) << missing_text(r) << "\n";
  }
  out << results.size() << " tasks: " << counts[TaskStatus::kDone] << " done, " << counts[TaskStatus::kNotYet]
      << " not yet, " << counts[TaskStatus::kNeeds] << " need features still being built, "
      << counts[TaskStatus::kOptional] << " optional, " << counts[TaskStatus::kNotGraded] << " not graded\n";
}

nlohmann::json results_json(const std::vector<TaskResult>& results) {
  nlohmann::json tasks = nlohmann::json::array();
  int done = 0;
  for (const auto& r : results) {
    done += r.status == TaskStatus::kDone;
    tasks.push_back({{"id", r.task->id},
                     {"exercise", r.exercise->id},
                     {"day", r.exercise->day},
                     {"title", r.task->title},
                     {"status", status_word(r.status)},
                     {"missing", r.missing},
                     {"needs", r.task->needs}});
  }
  return {{"tasks", tasks}, {"done", done}, {"total", results.size()}, {"all_done", all_done(results)}};
}

void print_exercise_list(const std::vector<TaskResult>& results, std::ostream& out) {
  std::string day;
  for (std::size_t i = 0; i < results.size();) {
    const Exercise* e = results[i].exercise;
    if (e->day != day) {
      day = e->day;
      out << (i ? "\n" : "") << day << "\n";
    }
    int done = 0, total = 0;
    std::string statuses;
    for (; i < results.size() && results[i].exercise == e; ++i) {
      ++total;
      done += results[i].status == TaskStatus::kDone;
      statuses += std::string(statuses.empty() ? "" : ", ") + status_word(results[i].status);
    }
    std::string summary = total == 1 ? statuses : std::to_string(done) + "/" + std::to_string(total) + " done";
    out << "  " << std::left << std::setw(8) << e->id << std::setw(14) << summary << e->title << "\n";
  }
}

void print_exercise(const Exercise& e, const std::vector<TaskResult>& results, std::ostream& out) {
  out << e.id << "  " << e.title << "  (" << e.day << ", book " << e.lines << ")\n";
  for (const auto& r : results) {
    if (r.exercise != &e) continue;
    const Task& t = *r.task;
    out << "\n" << t.id << "  " << t.title << "\n";
    out << "  status:    " << status_word(r.status) << (r.missing.empty() ? "" : " (" + r.missing + ")") << "\n";
    out << "  as:        " << t.actor << "\n";
    for (const auto& c : t.commands) out << "  $ " << c << "\n";
    if (!t.dashboard.empty()) out << "  dashboard: " << t.dashboard << "\n";
    if (!t.hint.empty()) out << "  hint:      " << t.hint << "\n";
    if (!t.needs.empty()) out << "  needs:     " << t.needs << "\n";
    if (t.optional) out << "  optional:  the book explains it without asking for it\n";
  }
}

void print_hint(const TaskResult* next, std::ostream& out) {
  if (!next) {
    out << "Every task here is done.\n";
    return;
  }
  const Task& t = *next->task;
  out << "Next: " << t.id << "  " << t.title << "  (" << next->exercise->id << ", " << next->exercise->title << ")\n";
  out << "  missing:   " << next->missing << "\n";
  out << "  as:        " << t.actor << "\n";
  for (const auto& c : t.commands) out << "  $ " << c << "\n";
  if (!t.dashboard.empty()) out << "  dashboard: " << t.dashboard << "\n";
  if (!t.hint.empty()) out << "  hint:      " << t.hint << "\n";
}

}  // namespace stacklab::lab
