#include "engine/core/state_snapshots.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "engine/core/timeutil.h"

namespace stacklab {

namespace fs = std::filesystem;

namespace {

std::size_t document_count(const Store::Contents& contents) {
  std::size_t n = 0;
  for (const auto& [kind, rows] : contents) n += rows.size();
  return n;
}

// Hard-links (or, across filesystems, copies) every regular file of `from` into `to`.
Status link_files(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Status(Code::kInternal, "cannot create " + to.string() + ": " + ec.message());
  if (!fs::is_directory(from)) return {};
  for (const auto& e : fs::directory_iterator(from)) {
    if (!e.is_regular_file()) continue;
    fs::path target = to / e.path().filename();
    fs::create_hard_link(e.path(), target, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) return Status(Code::kInternal, "cannot copy " + e.path().string() + ": " + ec.message());
  }
  return {};
}

// Makes the regular files of `dir` exactly those of `saved`: extra ones
// removed, missing or different ones linked back.
Status sync_files(const fs::path& saved, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && !fs::exists(saved / e.path().filename())) fs::remove(e.path(), ec);
  }
  if (!fs::is_directory(saved)) return {};
  for (const auto& e : fs::directory_iterator(saved)) {
    if (!e.is_regular_file()) continue;
    fs::path target = dir / e.path().filename();
    if (fs::exists(target) && fs::equivalent(target, e.path())) continue;
    fs::remove(target, ec);
    fs::create_hard_link(e.path(), target, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) return Status(Code::kInternal, "cannot restore " + target.string() + ": " + ec.message());
  }
  return {};
}

}  // namespace

Json SnapshotInfo::to_json() const {
  return {{"name", name}, {"created_at", format_iso_seconds(created_at)}, {"documents", documents}};
}

StateSnapshots::StateSnapshots(Store& store, Clock& clock, Options options)
    : store_(store), clock_(clock), options_(std::move(options)) {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
}

void StateSnapshots::on_restore(std::string name, std::function<Status()> hook) {
  hooks_.emplace_back(std::move(name), std::move(hook));
}

Status StateSnapshots::check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!ok)
    return BadRequest("Invalid snapshot name '" + name +
                      "': 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'.");
  return {};
}

std::string StateSnapshots::path(const std::string& name, const std::string& suffix) const {
  return (fs::path(options_.dir) / (name + suffix)).string();
}

Result<SnapshotInfo> StateSnapshots::save(const std::string& name) {
  Status st = check_name(name);
  if (!st.ok()) return st;
  // The files first, the documents next, the info file last: a snapshot
  // without its info file (a crash on the way) is not listed.
  std::error_code ec;
  fs::remove(path(name, ".json"), ec);
  const fs::path files = path(name, ".files");
  fs::remove_all(files, ec);
  for (const auto& dir : options_.data_dirs) {
    st = link_files(dir, files / fs::path(dir).filename());
    if (!st.ok()) return st;
  }
  SnapshotInfo info{name, clock_.now(), 0};
  if (store_.persistent()) {
    st = store_.backup_to(path(name, ".sqlite"));
    if (!st.ok()) return st;
    for (const auto& kind_rows : store_.contents()) info.documents += kind_rows.second.size();
  } else {
    Store::Contents contents = store_.contents();
    info.documents = document_count(contents);
    in_memory_[name] = std::move(contents);
  }
  const std::string tmp = path(name, ".json.tmp");
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << info.to_json().dump();
    if (!f) return Status(Code::kInternal, "cannot write " + tmp);
  }
  fs::rename(tmp, path(name, ".json"), ec);
  if (ec) return Status(Code::kInternal, "cannot write " + path(name, ".json") + ": " + ec.message());
  return info;
}

Result<SnapshotInfo> StateSnapshots::read_info(const std::string& name) const {
  std::ifstream f(path(name, ".json"));
  Json doc = Json::parse(f, nullptr, false);
  if (!f.is_open() || doc.is_discarded() || !doc.is_object()) return NotFound("Snapshot " + name + " not found.");
  // A snapshot of an in-memory store lives only as long as the process.
  if (!store_.persistent() && !in_memory_.count(name)) return NotFound("Snapshot " + name + " not found.");
  SnapshotInfo info;
  info.name = name;
  info.created_at = parse_iso(doc.value("created_at", "")).value_or(TimePoint{});
  info.documents = doc.value("documents", std::size_t{0});
  return info;
}

std::vector<SnapshotInfo> StateSnapshots::list() const {
  std::vector<SnapshotInfo> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(options_.dir, ec)) {
    if (e.path().extension() != ".json") continue;
    auto info = read_info(e.path().stem().string());
    if (info.ok()) out.push_back(*info);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

bool StateSnapshots::exists(const std::string& name) const { return check_name(name).ok() && read_info(name).ok(); }

Status StateSnapshots::remove(const std::string& name) {
  Status st = check_name(name);
  if (st.ok()) st = read_info(name).status();
  if (!st.ok()) return st;
  std::error_code ec;
  fs::remove(path(name, ".json"), ec);
  fs::remove(path(name, ".sqlite"), ec);
  fs::remove_all(path(name, ".files"), ec);
  in_memory_.erase(name);
  return {};
}

Result<RestoreReport> StateSnapshots::restore(const std::string& name) {
  const TimePoint started = clock_.now();
  Status st = check_name(name);
  if (st.ok()) st = read_info(name).status();
  if (!st.ok()) return st;
  Store::Contents contents;
  if (store_.persistent()) {
    auto read = Store::read_backup(path(name, ".sqlite"));
    if (!read.ok()) return read.status();
    contents = std::move(*read);
  } else {
    contents = in_memory_.at(name);
  }
  // Work in flight belongs to the state being replaced.
  clock_.cancel_all();
  for (const auto& dir : options_.data_dirs) {
    st = sync_files(fs::path(path(name, ".files")) / fs::path(dir).filename(), dir);
    if (!st.ok()) return st;
  }
  st = store_.replace_contents(contents);
  if (!st.ok()) return st;
  for (const auto& [hook, fn] : hooks_) {
    st = fn();
    if (!st.ok()) return Status(st.code(), "restored " + name + ", but " + hook + " failed: " + st.message());
  }
  RestoreReport report;
  report.documents = document_count(contents);
  report.seconds = std::chrono::duration<double>(clock_.now() - started).count();
  return report;
}

}  // namespace stacklab
