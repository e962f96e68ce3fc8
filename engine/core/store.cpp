#include "engine/core/store.h"

#include <sqlite3.h>

#include <cstdio>

namespace stacklab {

namespace {

// Forward migrations: entry i moves a file from schema i to i+1.
const std::vector<std::string> kMigrations = {
    // 0 -> 1: one table of documents per kind.
    "CREATE TABLE IF NOT EXISTS documents ("
    "  kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)"
    ") WITHOUT ROWID",
};

std::string index_key(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const Options& options) {
  std::unique_ptr<Store> store(new Store());
  if (options.path.empty()) {
    store->schema_version_ = kLatestSchema;
    return store;
  }
  if (sqlite3_open(options.path.c_str(), &store->db_) != SQLITE_OK) {
    std::string msg = store->db_ ? sqlite3_errmsg(store->db_) : "out of memory";
    return Status(Code::kInternal, "cannot open state database " + options.path + ": " + msg);
  }
  sqlite3_busy_timeout(store->db_, 5000);
  // WAL: a committed transaction is in the log before COMMIT returns, so a
  // killed process loses nothing; synchronous=FULL adds an fsync per commit
  // for power loss too.
  Status st = store->exec("PRAGMA journal_mode=WAL");
  if (st.ok()) st = store->exec(options.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  if (st.ok()) st = store->migrate();
  if (st.ok()) st = store->load();
  if (!st.ok()) return st;
  return store;
}

Store::~Store() {
  if (db_) sqlite3_close(db_);
}

Status Store::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status(Code::kInternal, "state database: " + msg + " (" + sql.substr(0, 60) + ")");
  }
  return {};
}

Status Store::migrate() {
  int version = 0;
  {
    Stmt q;
    sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &q.s, nullptr);
    if (sqlite3_step(q.s) == SQLITE_ROW) version = sqlite3_column_int(q.s, 0);
  }
  if (version > kLatestSchema)
    return Status(Code::kInternal, "state database schema " + std::to_string(version) +
                                       " is newer than this stacklab (" + std::to_string(kLatestSchema) + ")");
  for (; version < kLatestSchema; ++version) {
    Status st = exec("BEGIN");
    if (st.ok()) st = exec(kMigrations[version]);
    if (st.ok()) st = exec("PRAGMA user_version=" + std::to_string(version + 1));
    if (st.ok()) st = exec("COMMIT");
    if (!st.ok()) {
      exec("ROLLBACK");
      return st;
    }
  }
  schema_version_ = version;
  return {};
}

namespace {

// Calls `row` with every document of an open database's documents table.
Status read_documents(sqlite3* db, const std::function<void(std::string kind, std::string id, Json doc)>& row) {
  Stmt q;
  if (sqlite3_prepare_v2(db, "SELECT kind, id, body FROM documents", -1, &q.s, nullptr) != SQLITE_OK)
    return Status(Code::kInternal, sqlite3_errmsg(db));
  while (sqlite3_step(q.s) == SQLITE_ROW) {
    std::string kind = reinterpret_cast<const char*>(sqlite3_column_text(q.s, 0));
    std::string id = reinterpret_cast<const char*>(sqlite3_column_text(q.s, 1));
    auto doc = Json::parse(reinterpret_cast<const char*>(sqlite3_column_text(q.s, 2)), nullptr, false);
    if (doc.is_discarded()) return Status(Code::kInternal, "corrupt document " + kind + "/" + id);
    row(std::move(kind), std::move(id), std::move(doc));
  }
  return {};
}

}  // namespace

Status Store::load() {
  return read_documents(
      db_, [this](std::string kind, std::string id, Json doc) { set_row(table(kind), id, std::move(doc)); });
}

Store::Contents Store::contents() const {
  Contents out;
  for (const auto& [kind, t] : tables_)
    if (!t.rows.empty()) out[kind] = t.rows;
  return out;
}

Status Store::replace_contents(const Contents& contents) {
  if (undo_) return Status(Code::kInternal, "replace_contents inside a transaction");
  if (db_) {
    Status st = exec("BEGIN IMMEDIATE");
    if (st.ok()) st = exec("DELETE FROM documents");
    for (auto k = contents.begin(); st.ok() && k != contents.end(); ++k)
      for (auto r = k->second.begin(); st.ok() && r != k->second.end(); ++r)
        st = write_row(k->first, r->first, &r->second);
    if (st.ok()) st = exec("COMMIT");
    if (!st.ok()) {
      exec("ROLLBACK");
      return st;
    }
  }
  // Tables keep their index declarations and move their version forward
  // (never back: a reader's cached version must not match again).
  for (auto& [kind, t] : tables_) {
    for (auto& [field, idx] : t.indexes) idx.clear();
    t.rows.clear();
    ++t.version;
  }
  for (const auto& [kind, rows] : contents) {
    Table& t = table(kind);
    for (const auto& [id, doc] : rows) set_row(t, id, doc);
  }
  return {};
}

Status Store::backup_to(const std::string& path) const {
  if (!db_) return Status(Code::kInternal, "an in-memory state has no file to back up");
  const std::string tmp = path + ".tmp";
  std::remove(tmp.c_str());
  sqlite3* dest = nullptr;
  if (sqlite3_open(tmp.c_str(), &dest) != SQLITE_OK) {
    std::string msg = dest ? sqlite3_errmsg(dest) : "out of memory";
    sqlite3_close(dest);
    return Status(Code::kInternal, "cannot create " + tmp + ": " + msg);
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_, "main");
  int rc = backup ? sqlite3_backup_step(backup, -1) : SQLITE_ERROR;
  if (backup) sqlite3_backup_finish(backup);
  // The copy inherits WAL mode; a rollback journal keeps it one self-contained
  // file that read-only readers leave untouched (no -wal/-shm beside it).
  if (rc == SQLITE_DONE) sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  std::string msg = sqlite3_errmsg(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status(Code::kInternal, "cannot back up the state to " + path + ": " + msg);
  }
  return {};
}

Result<Store::Contents> Store::read_backup(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(Code::kInternal, "cannot open " + path + ": " + msg);
  }
  Contents out;
  Status st = read_documents(
      db, [&out](std::string kind, std::string id, Json doc) { out[std::move(kind)][std::move(id)] = std::move(doc); });
  sqlite3_close(db);
  if (!st.ok()) return st;
  return out;
}

Store::Table& Store::table(const std::string& kind) { return tables_[kind]; }

void Store::define(const std::string& kind, const std::vector<std::string>& indexed_fields) {
  Table& t = table(kind);
  auto& fields = index_fields_[kind];
  for (const auto& f : indexed_fields) {
    if (t.indexes.count(f)) continue;
    fields.push_back(f);
    auto& idx = t.indexes[f];
    for (const auto& [id, doc] : t.rows)
      if (doc.contains(f)) idx.emplace(index_key(doc[f]), id);
  }
}

void Store::set_row(Table& t, const std::string& id, std::optional<Json> doc) {
  ++t.version;
  auto it = t.rows.find(id);
  if (it != t.rows.end()) {
    for (auto& [field, idx] : t.indexes) {
      if (it->second.contains(field)) idx.erase({index_key(it->second[field]), id});
    }
  }
  if (!doc) {
    if (it != t.rows.end()) t.rows.erase(it);
    return;
  }
  for (auto& [field, idx] : t.indexes)
    if (doc->contains(field)) idx.emplace(index_key((*doc)[field]), id);
  t.rows[id] = std::move(*doc);
}

const Json* Store::get(const std::string& kind, const std::string& id) const {
  auto t = tables_.find(kind);
  if (t == tables_.end()) return nullptr;
  auto it = t->second.rows.find(id);
  return it == t->second.rows.end() ? nullptr : &it->second;
}

std::vector<const Json*> Store::list(const std::string& kind) const {
  std::vector<const Json*> out;
  auto t = tables_.find(kind);
  if (t == tables_.end()) return out;
  out.reserve(t->second.rows.size());
  for (const auto& [id, doc] : t->second.rows) out.push_back(&doc);
  return out;
}

std::vector<const Json*> Store::find(const std::string& kind, const std::string& field, const Json& value) const {
  std::vector<const Json*> out;
  auto t = tables_.find(kind);
  if (t == tables_.end()) return out;
  auto idx = t->second.indexes.find(field);
  if (idx == t->second.indexes.end()) {  // not indexed: scan
    for (const auto& [id, doc] : t->second.rows)
      if (doc.contains(field) && doc[field] == value) out.push_back(&doc);
    return out;
  }
  const std::string key = index_key(value);
  for (auto r = idx->second.lower_bound({key, std::string()}); r != idx->second.end() && r->first == key; ++r) {
    const Json& doc = t->second.rows.at(r->second);  // in id order
    if (doc[field] == value) out.push_back(&doc);
  }
  return out;
}

std::uint64_t Store::version(const std::string& kind) const {
  auto t = tables_.find(kind);
  return t == tables_.end() ? 0 : t->second.version;
}

std::size_t Store::count(const std::string& kind) const {
  auto t = tables_.find(kind);
  return t == tables_.end() ? 0 : t->second.rows.size();
}

Status Store::write_row(const std::string& kind, const std::string& id, const Json* doc) {
  if (!db_) return {};
  Stmt q;
  const char* sql = doc ? "INSERT OR REPLACE INTO documents(kind, id, body) VALUES (?, ?, ?)"
                        : "DELETE FROM documents WHERE kind = ? AND id = ?";
  if (sqlite3_prepare_v2(db_, sql, -1, &q.s, nullptr) != SQLITE_OK) return Status(Code::kInternal, sqlite3_errmsg(db_));
  sqlite3_bind_text(q.s, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q.s, 2, id.c_str(), -1, SQLITE_TRANSIENT);
  std::string body;
  if (doc) {
    body = doc->dump();
    sqlite3_bind_text(q.s, 3, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
  }
  if (sqlite3_step(q.s) != SQLITE_DONE) return Status(Code::kInternal, sqlite3_errmsg(db_));
  return {};
}

Status Store::put(const std::string& kind, const std::string& id, Json doc) {
  Status st = write_row(kind, id, &doc);
  if (!st.ok()) return st;
  Table& t = table(kind);
  if (undo_) {
    auto it = t.rows.find(id);
    undo_->push_back({kind, id, it == t.rows.end() ? std::nullopt : std::optional<Json>(it->second)});
  }
  set_row(t, id, std::move(doc));
  return {};
}

Status Store::erase(const std::string& kind, const std::string& id) {
  Table& t = table(kind);
  auto it = t.rows.find(id);
  if (it == t.rows.end()) return {};
  Status st = write_row(kind, id, nullptr);
  if (!st.ok()) return st;
  if (undo_) undo_->push_back({kind, id, it->second});
  set_row(t, id, std::nullopt);
  return {};
}

Status Store::transaction(const std::function<Status()>& body) {
  if (undo_) return body();  // nested: part of the outer transaction
  std::vector<Undo> undo;
  undo_ = &undo;
  Status st = db_ ? exec("BEGIN IMMEDIATE") : Status();
  if (st.ok()) st = body();
  if (st.ok() && db_) st = exec("COMMIT");
  undo_ = nullptr;
  if (!st.ok()) {
    if (db_) exec("ROLLBACK");
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) set_row(table(it->kind), it->id, it->previous);
  }
  return st;
}

}  // namespace stacklab
