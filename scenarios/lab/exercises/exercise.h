// The exercise catalogue's vocabulary: an Exercise of the book has Tasks;
// a Task says what to do (the book's terms, the openstack commands, the
// dashboard path, a hint) and how to tell it is done (a check over the
// live cloud's state and audit log, never over command output).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/status.h"
#include "scenarios/lab/exercises/cloud_view.h"

namespace stacklab::lab {

// A check's answer: done, or the first thing still missing.
class Verdict {
 public:
  // Records one requirement; the first unmet one is what the student is told.
  Verdict& require(bool met, const std::string& missing) {
    if (!met && missing_.empty()) missing_ = missing;
    return *this;
  }
  bool done() const { return missing_.empty(); }
  const std::string& missing() const { return missing_; }

 private:
  std::string missing_;
};

struct Task {
  std::string id;                     // "EX-41", or "EX-10l" for a sub-task
  std::string title;                  // in the book's terms
  std::string actor;                  // who does it: "admin", "demo", "neo / openstack_bootcamp"
  std::vector<std::string> commands;  // what to type
  std::string dashboard;              // where it is in the dashboard, "" for none
  std::string hint;
  // What the cloud lacks today to grade (or do) it fully, "" when nothing;
  // its check is written against the upstream API and starts passing when that lands.
  std::string needs;
  // Empty: not graded (navigation, host shell).
  std::function<Verdict(CloudView&)> check;
  // The book explains it but does not have the student do it: shown, never failing a check.
  bool optional = false;
};

class Replayer;

struct Exercise {
  std::string id;   // "EX-41"
  std::string day;  // "day1", "day6", "day7"
  std::string title;
  std::string lines;  // the book's lines, "L4529-L4533"
  std::vector<Task> tasks;
  // Does it through the public API as the book's users; empty when it cannot be replayed
  // (a dashboard-only or host-shell exercise).
  std::function<Status(Replayer&)> replay;
};

}  // namespace stacklab::lab
