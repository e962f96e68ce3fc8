// /extensions: the API extensions this Cinder serves (what `cinder
// list-extensions` and tempest read), and /os-hosts, the per-host view of
// the cinder services that the "Hosts" extension adds.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

struct Extension {
  const char* alias;
  const char* name;
  const char* description;
};

// Only extensions whose routes or view attributes exist here.
const Extension kExtensions[] = {
    {"os-admin-actions", "AdminActions", "Admin-only volume and snapshot actions (reset status, force delete)."},
    {"os-availability-zone", "AvailabilityZones", "The availability zones volumes may be created in."},
    {"backups", "Backups", "Volume backups: create, restore, delete."},
    {"os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Progress and project of snapshots."},
    {"os-hosts", "Hosts", "The hosts running cinder services."},
    {"qos-specs", "Qos_specs_manage", "QoS specs and their volume type associations."},
    {"os-quota-class-sets", "QuotaClasses", "Quota classes."},
    {"os-quota-sets", "Quotas", "Per-project quotas."},
    {"scheduler-stats", "Scheduler_stats", "Pool capacities as the scheduler sees them."},
    {"os-services", "Services", "The cinder services, enabled or disabled."},
    {"os-snapshot-actions", "SnapshotActions", "Snapshot actions."},
    {"os-types-extra-specs", "TypesExtraSpecs", "Volume type extra specs."},
    {"os-types-manage", "TypesManage", "Creating, updating and deleting volume types."},
    {"os-used-limits", "UsedLimits", "Quota usage in the limits document."},
    {"os-volume-actions", "VolumeActions", "Volume actions (extend, attach hand-off, upload to image...)."},
    {"os-vol-host-attr", "VolumeHostAttribute", "The host of a volume (admin)."},
    {"os-volume-image-metadata", "VolumeImageMetadata", "The image properties of a volume made from an image."},
    {"os-vol-mig-status-attr", "VolumeMigStatusAttribute", "The migration status of a volume (admin)."},
    {"os-vol-tenant-attr", "VolumeTenantAttribute", "The project of a volume."},
    {"os-volume-transfer", "VolumeTransfer", "Moving a volume to another project."},
    {"os-volume-type-access", "VolumeTypeAccess", "Private volume types and their projects."},
};

}  // namespace

void add_extension_routes(Router& r, Ctx ctx, const std::string& root) {
  r.add_sync("GET", root + "/extensions", [](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Json out = Json::array();
      for (const auto& e : kExtensions)
        out.push_back({{"alias", e.alias},
                       {"name", e.name},
                       {"description", e.description},
                       {"namespace", std::string("https://docs.openstack.org/volume/ext/") + e.alias + "/api/v1"},
                       {"updated", "2012-01-01T00:00:00+00:00"},
                       {"links", Json::array()}});
      return json_response(200, {{"extensions", out}});
    });
  });
  volume::VolumeBackends& b = ctx.backends;
  r.add_sync("GET", root + "/os-hosts", [&b](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto services = b.services(caller(req), "", "");
      if (!services.ok()) return fail(services.status());
      Json hosts = Json::array();
      for (const auto& s : *services)
        hosts.push_back({{"host_name", s["host"]},
                         {"service", s["binary"]},
                         {"zone", s["zone"]},
                         {"service-status", s["state"] == "up" ? "available" : "unavailable"},
                         {"service-state", s["status"]},
                         {"last-update", s["updated_at"]}});
      return json_response(200, {{"hosts", hosts}});
    });
  });
}

}  // namespace stacklab::api::volume_api
