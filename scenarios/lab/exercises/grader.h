// Grading and replaying a scope of exercises, and how the results read: a
// table for students, JSON for machines.
#pragma once

#include <ostream>
#include <vector>

#include "scenarios/lab/exercises/exercise.h"

namespace stacklab::lab {

enum class TaskStatus {
  kDone,
  kNotYet,
  kNeeds,      // not done, and the cloud lacks a feature to do or grade it fully (Task::needs)
  kOptional,   // not done, and the book does not ask for it
  kNotGraded,  // no check: navigation or the host's shell
};
const char* status_word(TaskStatus status);

struct TaskResult {
  const Exercise* exercise;
  const Task* task;
  TaskStatus status;
  std::string missing;  // what is not there yet ("" when done or not graded)
};

// Runs every task's check, in book order.
std::vector<TaskResult> grade(const std::vector<const Exercise*>& exercises, CloudView& view);
// True when no task is "not yet" (what `lab check` exits 0 on).
bool all_done(const std::vector<TaskResult>& results);
// The first "not yet" task, or null.
const TaskResult* next_task(const std::vector<TaskResult>& results);

// `lab check`: one row per task, then a count line.
void print_check_table(const std::vector<TaskResult>& results, std::ostream& out);
// `lab check --json`: {"tasks": [{"id", "exercise", "title", "status", "missing", "needs"}], "done": N, "total": N}.
nlohmann::json results_json(const std::vector<TaskResult>& results);
// `lab list`: one line per exercise with its tasks' statuses, grouped by day.
void print_exercise_list(const std::vector<TaskResult>& results, std::ostream& out);
// `lab show`: what to do, the commands, the dashboard path, the hint and the status of each task.
void print_exercise(const Exercise& exercise, const std::vector<TaskResult>& results, std::ostream& out);
// `lab hint`: the next task's hint and commands.
void print_hint(const TaskResult* next, std::ostream& out);

// Replays the exercises in book order; an exercise whose tasks need a missing
// feature is reported and skipped when it fails. Returns the number of failures.
int replay(const std::vector<const Exercise*>& exercises, Replayer& replayer);

}  // namespace stacklab::lab
