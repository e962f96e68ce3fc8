// Store: the engine's state, as in-memory tables of JSON documents written
// through to SQLite.
//
// Each table ("kind": "project", "user", ...) maps an id to a document and
// may declare indexed fields for find(). Reads never touch SQLite. Every
// mutation is written to SQLite (WAL) before it returns, so what the API
// acknowledged survives kill -9. transaction() makes several mutations
// all-or-nothing, in SQLite and in memory alike. Only the engine loop may
// use a Store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/status.h"

struct sqlite3;

namespace stacklab {

using Json = nlohmann::json;

class Store {
 public:
  struct Options {
    std::string path;        // SQLite file; empty = memory only (--ephemeral)
    bool sync_full = false;  // fsync every commit (survives power loss, not only kill -9)
  };
  static Result<std::unique_ptr<Store>> open(const Options& options);
  ~Store();

  // Declares a table and the top-level fields find() may search by.
  // Call before use; idempotent.
  void define(const std::string& kind, const std::vector<std::string>& indexed_fields = {});

  // The document, or nullptr.
  const Json* get(const std::string& kind, const std::string& id) const;
  // All documents of a kind, ordered by id.
  std::vector<const Json*> list(const std::string& kind) const;
  // Documents whose indexed `field` equals `value` (compared as JSON), ordered by id.
  std::vector<const Json*> find(const std::string& kind, const std::string& field, const Json& value) const;
  std::size_t count(const std::string& kind) const;
  // Bumped by every change to a kind (put, erase, undo): lets readers cache
  // what they derive from a table and know when to rebuild it.
  std::uint64_t version(const std::string& kind) const;

  // Inserts or replaces.
  Status put(const std::string& kind, const std::string& id, Json doc);
  // Removes; a no-op for an absent id.
  Status erase(const std::string& kind, const std::string& id);
  // Runs `body`; commits its mutations if it returns ok, else undoes them all.
  Status transaction(const std::function<Status()>& body);

  // Schema version of the SQLite file (after migrations).
  int schema_version() const { return schema_version_; }
  static constexpr int kLatestSchema = 1;

  // True when backed by a SQLite file (not --ephemeral).
  bool persistent() const { return db_ != nullptr; }

  // ---- whole-state copies (snapshots) ----------------------------------------
  // Every document of every table: kind -> id -> document.
  using Contents = std::map<std::string, std::map<std::string, Json>>;
  Contents contents() const;
  // Makes `contents` the whole state, in one SQLite transaction (all or
  // nothing) and in memory; every table's version() moves forward, so
  // readers' caches rebuild. Refused inside transaction().
  Status replace_contents(const Contents& contents);
  // Copies the SQLite file to `path` with SQLite's online backup (a
  // consistent copy, written to `path`.tmp and renamed). Persistent stores only.
  Status backup_to(const std::string& path) const;
  // The documents of a file written by backup_to().
  static Result<Contents> read_backup(const std::string& path);

 private:
  Store() = default;
  struct Table {
    std::uint64_t version = 0;
    std::map<std::string, Json> rows;
    // field -> (value, id): keyed by id too, so re-indexing one row of a
    // value many rows share (a project's servers) is O(log n), not a scan.
    std::map<std::string, std::set<std::pair<std::string, std::string>>> indexes;
  };
  struct Undo {
    std::string kind, id;
    std::optional<Json> previous;
  };
  Status migrate();
  Status load();
  Status exec(const std::string& sql);
  Status write_row(const std::string& kind, const std::string& id, const Json* doc);
  void set_row(Table& t, const std::string& id, std::optional<Json> doc);
  Table& table(const std::string& kind);

  sqlite3* db_ = nullptr;
  int schema_version_ = 0;
  std::map<std::string, Table> tables_;
  std::map<std::string, std::vector<std::string>> index_fields_;
  std::vector<Undo>* undo_ = nullptr;  // non-null inside transaction()
};

}  // namespace stacklab
