#include "fake_drivers/fake_volume_driver.h"

#include <cmath>

namespace stacklab::fake {

FakeVolumeDriver::FakeVolumeDriver(Clock& clock, Random& random, FakeBackend backend, VolumeOperationTimes times)
    : clock_(clock), random_(random), backend_(std::move(backend)), times_(times) {
  for (const auto& p : backend_.pools) pools_[p.name] = PoolState{p};
}

volume::BackendStats FakeVolumeDriver::get_volume_stats() const {
  volume::BackendStats s;
  s.volume_backend_name = backend_.backend_name;
  s.vendor_name = "Open Source";
  s.driver_version = "3.0.0";
  s.storage_protocol = "iSCSI";
  for (const auto& [name, p] : pools_) {
    volume::PoolStats ps;
    ps.pool_name = name;
    ps.total_capacity_gb = p.config.total_capacity_gb;
    ps.free_capacity_gb = faults_.backend_full ? 0 : std::max(0.0, p.config.total_capacity_gb - p.used_gb);
    ps.allocated_capacity_gb = p.provisioned_gb;
    ps.provisioned_capacity_gb = p.provisioned_gb;
    ps.reserved_percentage = p.config.reserved_percentage;
    ps.max_over_subscription_ratio = p.config.max_over_subscription_ratio;
    ps.thin_provisioning_support = p.config.thin;
    ps.thick_provisioning_support = !p.config.thin;
    ps.capabilities = {{"volume_backend_name", backend_.backend_name},
                       {"storage_protocol", s.storage_protocol},
                       {"vendor_name", s.vendor_name},
                       {"driver_version", s.driver_version},
                       {"pool_name", name},
                       {"multiattach", true},
                       {"thin_provisioning_support", p.config.thin},
                       {"thick_provisioning_support", !p.config.thin}};
    s.pools.push_back(std::move(ps));
  }
  return s;
}

FakeVolumeDriver::PoolState* FakeVolumeDriver::pool(const std::string& name) {
  auto it = pools_.find(name);
  return it == pools_.end() ? nullptr : &it->second;
}

Status FakeVolumeDriver::check_up() const {
  if (faults_.backend_down)
    return Status(Code::kInternal, "Volume backend " + backend_host() + " is unreachable (service down).");
  return {};
}

Status FakeVolumeDriver::claim(const std::string& pool_name, long long size_gb, bool thin) {
  PoolState* p = pool(pool_name);
  if (!p) return NotFound("Pool " + pool_name + " does not exist on " + backend_host() + ".");
  // A thin extent takes no space until written; a thick one takes all of it.
  thin = thin && p->config.thin;
  double free = faults_.backend_full ? 0 : p->config.total_capacity_gb - p->used_gb;
  if (!thin && static_cast<double>(size_gb) > free)
    return Status(Code::kInternal, "Insufficient free space for volume creation on host " + backend_host() + "#" +
                                       pool_name + " (requested / avail): " + std::to_string(size_gb) + "/" +
                                       std::to_string(static_cast<long long>(std::floor(free))));
  if (thin && faults_.backend_full)
    return Status(Code::kInternal, "Insufficient free space in thin pool " + backend_host() + "#" + pool_name + ".");
  if (!thin) p->used_gb += static_cast<double>(size_gb);
  p->provisioned_gb += static_cast<double>(size_gb);
  return {};
}

void FakeVolumeDriver::release(const Extent& e) {
  PoolState* p = pool(e.pool);
  if (!p) return;
  if (!e.thin) p->used_gb = std::max(0.0, p->used_gb - static_cast<double>(e.size_gb));
  p->provisioned_gb = std::max(0.0, p->provisioned_gb - static_cast<double>(e.size_gb));
}

void FakeVolumeDriver::finish(const DurationRange& range, volume::Done done, Status st) {
  auto us = range.min.count();
  if (range.max > range.min)
    us += static_cast<std::int64_t>(random_.below(static_cast<std::uint64_t>((range.max - range.min).count()) + 1));
  clock_.schedule(Duration(us), [done = std::move(done), st = std::move(st)] { done(st); });
}

void FakeVolumeDriver::create_volume(const volume::VolumeRef& v, volume::Done done) {
  Status st = check_up();
  if (st.ok() && volumes_.count(v.id)) st = Conflict("Volume " + v.id + " already exists on " + backend_host() + ".");
  if (st.ok()) st = claim(v.pool, v.size_gb, v.thin);
  if (st.ok()) volumes_[v.id] = Extent{v.pool, v.size_gb, v.thin && pool(v.pool)->config.thin};
  finish(times_.create, std::move(done), st);
}

void FakeVolumeDriver::create_cloned_volume(const volume::VolumeRef& v, const volume::VolumeRef& source,
                                            volume::Done done) {
  Status st = check_up();
  if (st.ok() && !volumes_.count(source.id)) st = NotFound("Volume " + source.id + " could not be found.");
  if (st.ok()) st = claim(v.pool, v.size_gb, v.thin);
  if (st.ok()) volumes_[v.id] = Extent{v.pool, v.size_gb, v.thin && pool(v.pool)->config.thin};
  finish(times_.clone, std::move(done), st);
}

void FakeVolumeDriver::create_volume_from_snapshot(const volume::VolumeRef& v, const volume::SnapshotRef& snapshot,
                                                   volume::Done done) {
  Status st = check_up();
  if (st.ok() && !snapshots_.count(snapshot.id)) st = NotFound("Snapshot " + snapshot.id + " could not be found.");
  if (st.ok()) st = claim(v.pool, v.size_gb, v.thin);
  if (st.ok()) volumes_[v.id] = Extent{v.pool, v.size_gb, v.thin && pool(v.pool)->config.thin};
  finish(times_.clone, std::move(done), st);
}

void FakeVolumeDriver::delete_volume(const volume::VolumeRef& v, volume::Done done) {
  Status st = check_up();
  if (st.ok()) {
    if (auto it = volumes_.find(v.id); it != volumes_.end()) {
      release(it->second);
      volumes_.erase(it);
    }
    exports_.erase(v.id);
  }
  finish(times_.remove, std::move(done), st);
}

void FakeVolumeDriver::create_snapshot(const volume::SnapshotRef& s, volume::Done done) {
  Status st = check_up();
  auto source = volumes_.find(s.volume_id);
  if (st.ok() && source == volumes_.end()) st = NotFound("Volume " + s.volume_id + " could not be found.");
  // A thick LVM snapshot reserves the origin's size; a thin one shares its pool.
  if (st.ok()) st = claim(source->second.pool, s.size_gb, source->second.thin);
  if (st.ok()) snapshots_[s.id] = Extent{source->second.pool, s.size_gb, source->second.thin};
  finish(times_.snapshot, std::move(done), st);
}

void FakeVolumeDriver::delete_snapshot(const volume::SnapshotRef& s, volume::Done done) {
  Status st = check_up();
  if (st.ok()) {
    if (auto it = snapshots_.find(s.id); it != snapshots_.end()) {
      release(it->second);
      snapshots_.erase(it);
    }
  }
  finish(times_.remove, std::move(done), st);
}

void FakeVolumeDriver::extend_volume(const volume::VolumeRef& v, long long new_size_gb, volume::Done done) {
  Status st = check_up();
  auto it = volumes_.find(v.id);
  if (st.ok() && it == volumes_.end()) st = NotFound("Volume " + v.id + " could not be found.");
  if (st.ok() && new_size_gb <= it->second.size_gb)
    st = BadRequest("New size for extend must be greater than current size.");
  if (st.ok()) st = claim(it->second.pool, new_size_gb - it->second.size_gb, it->second.thin);
  if (st.ok()) it->second.size_gb = new_size_gb;
  finish(times_.extend, std::move(done), st);
}

void FakeVolumeDriver::copy_image_to_volume(const volume::VolumeRef& v, const std::string&, volume::Done done) {
  Status st = check_up();
  if (st.ok() && !volumes_.count(v.id)) st = NotFound("Volume " + v.id + " could not be found.");
  finish(times_.image_copy, std::move(done), st);
}

void FakeVolumeDriver::copy_volume_to_image(const volume::VolumeRef& v, const std::string&, volume::Done done) {
  Status st = check_up();
  if (st.ok() && !volumes_.count(v.id)) st = NotFound("Volume " + v.id + " could not be found.");
  finish(times_.image_copy, std::move(done), st);
}

void FakeVolumeDriver::backup_volume(const volume::VolumeRef& v, const std::string&, volume::Done done) {
  Status st = check_up();
  if (st.ok() && !volumes_.count(v.id)) st = NotFound("Volume " + v.id + " could not be found.");
  finish(times_.backup, std::move(done), st);
}

// A restore copies as long as a backup does.
void FakeVolumeDriver::restore_backup(const volume::VolumeRef& v, const std::string& backup_id, volume::Done done) {
  backup_volume(v, backup_id, std::move(done));
}

Result<Json> FakeVolumeDriver::initialize_connection(const volume::VolumeRef& v, const Json& connector) {
  if (Status st = check_up(); !st.ok()) return st;
  if (!volumes_.count(v.id)) return NotFound("Volume " + v.id + " could not be found.");
  ++exports_[v.id];
  // What the LVM driver with tgtadm answers: one iSCSI target per volume.
  return Json{{"driver_volume_type", "iscsi"},
              {"data",
               {{"target_discovered", false},
                {"target_iqn", "iqn.2010-10.org.openstack:volume-" + v.id},
                {"target_portal", connector.value("ip", std::string("127.0.0.1")) + ":3260"},
                {"target_lun", 1},
                {"volume_id", v.id},
                {"auth_method", "CHAP"},
                {"access_mode", "rw"},
                {"encrypted", false}}}};
}

Status FakeVolumeDriver::terminate_connection(const volume::VolumeRef& v, const Json&) {
  if (Status st = check_up(); !st.ok()) return st;
  if (auto it = exports_.find(v.id); it != exports_.end() && --it->second <= 0) exports_.erase(it);
  return {};
}

void FakeVolumeDriver::adopt_volume(const volume::VolumeRef& v) {
  if (volumes_.count(v.id) || !pool(v.pool)) return;
  bool thin = v.thin && pool(v.pool)->config.thin;
  PoolState* p = pool(v.pool);
  if (!thin) p->used_gb += static_cast<double>(v.size_gb);
  p->provisioned_gb += static_cast<double>(v.size_gb);
  volumes_[v.id] = Extent{v.pool, v.size_gb, thin};
}

void FakeVolumeDriver::forget_all() {
  for (auto& [name, p] : pools_) p.used_gb = p.provisioned_gb = 0;
  volumes_.clear();
  snapshots_.clear();
  exports_.clear();
}

void FakeVolumeDriver::adopt_snapshot(const volume::SnapshotRef& s) {
  if (snapshots_.count(s.id) || !pool(s.pool)) return;
  bool thin = s.thin && pool(s.pool)->config.thin;
  PoolState* p = pool(s.pool);
  if (!thin) p->used_gb += static_cast<double>(s.size_gb);
  p->provisioned_gb += static_cast<double>(s.size_gb);
  snapshots_[s.id] = Extent{s.pool, s.size_gb, thin};
}

}  // namespace stacklab::fake
