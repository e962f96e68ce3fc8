// StateSnapshots: named copies of the whole cloud state, and restoring one
// while the cloud runs.
//
// A snapshot is every Store table (generic: a service's new table is in it
// without being listed anywhere) plus the files of the data directories the
// state refers to (image data), hard-linked, since such files are never
// rewritten in place. Layout under `dir`:
//   NAME.json           name, created_at, document count
//   NAME.sqlite         the Store, by SQLite's online backup (persistent stores;
//                       an in-memory store keeps its copy in memory)
//   NAME.files/<sub>/   the data files, for every data directory <sub>
//
// restore() drops every timer in flight (builds, actions, periodic tasks),
// makes the data directories and the Store exactly the snapshot's (the Store
// in one transaction), then runs the reload hooks in registration order:
// what services keep beside the Store (placement's indexes, simulated
// hypervisors' domains, periodic tasks) is rebuilt from the restored tables.
// A service with such state registers one hook. Everything runs on the
// engine loop, so no request sees a half-restored cloud.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab {

struct SnapshotInfo {
  std::string name;
  TimePoint created_at;
  std::size_t documents = 0;  // rows over every table
  Json to_json() const;
};

struct RestoreReport {
  std::size_t documents = 0;
  double seconds = 0;  // time taken, measured on the engine's clock
};

class StateSnapshots {
 public:
  struct Options {
    std::string dir;                     // where snapshots live (created if missing)
    std::vector<std::string> data_dirs;  // directories whose files belong to the state
  };
  StateSnapshots(Store& store, Clock& clock, Options options);

  // Registers what must be rebuilt after a restore; `name` appears in errors.
  void on_restore(std::string name, std::function<Status()> hook);

  // Names: 1-64 of [A-Za-z0-9._-], not starting with '.'. 400 otherwise.
  static Status check_name(const std::string& name);

  // Saves the current state as `name`, replacing a snapshot of that name.
  Result<SnapshotInfo> save(const std::string& name);
  // Ordered by name.
  std::vector<SnapshotInfo> list() const;
  bool exists(const std::string& name) const;
  // 404 when there is no such snapshot.
  Status remove(const std::string& name);
  // 404 when there is no such snapshot. On a hook's failure the state is
  // the snapshot's and the error names the hook.
  Result<RestoreReport> restore(const std::string& name);

 private:
  std::string path(const std::string& name, const std::string& suffix) const;
  Result<SnapshotInfo> read_info(const std::string& name) const;

  Store& store_;
  Clock& clock_;
  Options options_;
  std::vector<std::pair<std::string, std::function<Status()>>> hooks_;
  std::map<std::string, Store::Contents> in_memory_;  // the snapshots of an in-memory store
};

}  // namespace stacklab
