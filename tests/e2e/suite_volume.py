"""Block storage (Cinder v3) with Debian's real `openstack` CLI.

Day 6 of the bootcamp (exercises.md EX-25 and §1.9): the lab's volume type
lvmdriver-1 and zone nova; `volume create --size 1 --type lvmdriver-1
--availability-zone nova VL_helloworld_1GB` goes creating -> available;
`volume list/show`; `volume set --size 2` (extend) and a shrink refused;
`--property`, `--bootable`; volumes from an image, a snapshot and a source
volume; `volume snapshot create/list/delete`; a volume with snapshots cannot
be deleted; `volume type create --property`; `volume service list`;
`availability zone list --volume`; `quota show` and `limits show --absolute`
(which also read Nova's and Neutron's); `volume transfer request create/accept`
(EX-40); `volume delete`.
"""

import re
import time

from harness import Suite

IMAGE = "cirros-0.3.4-x86_64-uec"
SETTLING = ("creating", "extending", "deleting", "downloading")


def props(value):
    """A properties column as a dict (-f json gives a dict; the table format "k='v', ...")."""
    if isinstance(value, dict):
        return value
    return dict(re.findall(r"(\w+)='([^']*)'", value or ""))


class VolumeSuite(Suite):
    name = "volume"

    def steps(self):
        return [self.step_types_and_zones, self.step_create, self.step_extend_and_properties, self.step_sources,
                self.step_snapshots, self.step_type_create, self.step_services, self.step_quota_and_limits,
                self.step_transfer, self.step_delete]

    def show(self, volume, who=None, project="demo"):
        run = self.osc(f"volume show {volume} -f json", who or self.demo, project)
        return run, (run.json() if run.ok else {})

    def settle(self, volume, who=None, project="demo"):
        """Polls `volume show` until the volume leaves a transient status (at most 20 s)."""
        run, v = self.show(volume, who, project)
        for _ in range(200):
            if not run.ok or v.get("status") not in SETTLING:
                break
            time.sleep(0.1)
            run, v = self.show(volume, who, project)
        return run, v

    def gone(self, command, who=None, project="demo"):
        for _ in range(200):
            if not self.osc(command, who or self.demo, project).ok:
                return True
            time.sleep(0.1)
        return False

    def step_types_and_zones(self):
        types = self.osc("volume type list -f json", self.demo, "demo", process=True)
        names = self.names(types.json()) if types.ok else set()
        self.check("volume type list (demo): lvmdriver-1 is the lab's only type", names == {"lvmdriver-1"}, types)
        zones = self.osc("availability zone list --volume -f json", self.demo, "demo")
        rows = zones.json() if zones.ok else []
        self.check("availability zone list --volume: nova, available",
                   any(r.get("Zone Name") == "nova" and r.get("Zone Status") == "available" for r in rows), zones)

    def step_create(self):
        create = self.osc("volume create --size 1 --type lvmdriver-1 --availability-zone nova "
                          "--description 'first volume' VL_helloworld_1GB -f json", self.demo, "demo", process=True)
        v = create.json() if create.ok else {}
        self.ids["vol"] = v.get("id")
        self.check("volume create --size 1 --type lvmdriver-1 --availability-zone nova VL_helloworld_1GB: "
                   "creating, 1 GiB, type lvmdriver-1, zone nova",
                   v.get("status") == "creating" and v.get("size") == 1 and v.get("type") == "lvmdriver-1"
                   and v.get("availability_zone") == "nova", create)
        run, s = self.settle("VL_helloworld_1GB")
        self.check("volume show VL_helloworld_1GB (by name): available, not bootable, description kept",
                   s.get("status") == "available" and s.get("bootable") == "false"
                   and s.get("description") == "first volume" and s.get("id") == v.get("id"), run)
        listed = self.osc("volume list -f json", self.demo, "demo")
        rows = listed.json() if listed.ok else []
        self.check("volume list (demo): VL_helloworld_1GB, Available size 1",
                   any(r.get("Name") == "VL_helloworld_1GB" and r.get("Status") == "available" and r.get("Size") == 1
                       for r in rows), listed)
        alt = self.osc("volume list -f json", self.osc.creds("alt_demo"), "alt_demo")
        self.check("volume list (alt_demo): demo's volume is not visible",
                   alt.ok and "VL_helloworld_1GB" not in self.names(alt.json()), alt)
        admin_all = self.osc("volume list --all-projects -f json", self.admin, "admin")
        self.check("volume list --all-projects (admin): demo's volume listed",
                   admin_all.ok and "VL_helloworld_1GB" in self.names(admin_all.json()), admin_all)

    def step_extend_and_properties(self):
        grow = self.osc("volume set --size 2 VL_helloworld_1GB", self.demo, "demo")
        run, v = self.settle("VL_helloworld_1GB")
        self.check("volume set --size 2 VL_helloworld_1GB: extended to 2 GiB, available again",
                   grow.ok and v.get("size") == 2 and v.get("status") == "available", grow, run)
        shrink = self.osc("volume set --size 1 VL_helloworld_1GB", self.demo, "demo")
        _, v = self.show("VL_helloworld_1GB")
        self.check("volume set --size 1 (shrink): refused, 'New size must be greater than 2 GB'; size stays 2",
                   not shrink.ok and "New size must be greater than 2 GB" in shrink.err and v.get("size") == 2, shrink)
        setp = self.osc("volume set --property purpose=lab --property owner=demo --bootable VL_helloworld_1GB",
                         self.demo, "demo")
        run, v = self.show("VL_helloworld_1GB")
        self.check("volume set --property purpose=lab --property owner=demo --bootable: properties and bootable shown",
                   setp.ok and props(v.get("properties")) == {"purpose": "lab", "owner": "demo"}
                   and v.get("bootable") == "true", setp, run)
        unset = self.osc("volume unset --property owner VL_helloworld_1GB", self.demo, "demo")
        run, v = self.show("VL_helloworld_1GB")
        self.check("volume unset --property owner: only purpose left",
                   unset.ok and props(v.get("properties")) == {"purpose": "lab"},
                   unset, run)

    def step_sources(self):
        image = self.osc(f"volume create --size 1 --image {IMAGE} VL_from_image -f json", self.demo, "demo")
        run, v = self.settle("VL_from_image")
        self.ids["vol_image"] = v.get("id")
        meta = v.get("volume_image_metadata") or {}
        self.check(f"volume create --image {IMAGE} VL_from_image: available, bootable, image metadata names the image",
                   image.ok and v.get("status") == "available" and v.get("bootable") == "true"
                   and IMAGE in str(meta), image, run)
        clone = self.osc("volume create --source VL_from_image --size 1 VL_clone -f json", self.demo, "demo")
        run, v = self.settle("VL_clone")
        self.check("volume create --source VL_from_image VL_clone: available, bootable like its source",
                   clone.ok and v.get("status") == "available" and v.get("bootable") == "true"
                   and v.get("source_volid") == self.ids["vol_image"], clone, run)
        create = self.osc("volume create --size 1 --property tier=bronze VL_props -f json", self.demo, "demo")
        run, v = self.settle("VL_props")
        self.check("volume create --property tier=bronze VL_props: the property is kept",
                   create.ok and props(v.get("properties")) == {"tier": "bronze"}, create, run)

    def step_snapshots(self):
        snap = self.osc("volume snapshot create --volume VL_helloworld_1GB SNAP_1 -f json", self.demo, "demo",
                        process=True)
        s = snap.json() if snap.ok else {}
        self.check("volume snapshot create --volume VL_helloworld_1GB SNAP_1: 2 GiB, of the volume",
                   s.get("size") == 2 and s.get("volume_id") == self.ids.get("vol"), snap)
        listed = None
        for _ in range(100):
            listed = self.osc("volume snapshot list -f json", self.demo, "demo")
            rows = listed.json() if listed.ok else []
            if any(r.get("Name") == "SNAP_1" and r.get("Status") == "available" for r in rows):
                break
            time.sleep(0.1)
        rows = listed.json() if listed.ok else []
        self.check("volume snapshot list: SNAP_1 available",
                   any(r.get("Name") == "SNAP_1" and r.get("Status") == "available" for r in rows), listed)
        blocked = self.osc("volume delete VL_helloworld_1GB", self.demo, "demo")
        self.check("volume delete VL_helloworld_1GB (it has a snapshot): refused with Cinder's 400",
                   not blocked.ok and "have snapshots" in blocked.err and "400" in blocked.err, blocked)
        from_snap = self.osc("volume create --snapshot SNAP_1 VL_from_snap -f json", self.demo, "demo")
        run, v = self.settle("VL_from_snap")
        self.check("volume create --snapshot SNAP_1 VL_from_snap: available, the snapshot's size",
                   from_snap.ok and v.get("status") == "available" and v.get("size") == 2, from_snap, run)
        delete = self.osc("volume snapshot delete SNAP_1", self.demo, "demo")
        self.check("volume snapshot delete SNAP_1: gone from volume snapshot list",
                   delete.ok and self.gone("volume snapshot show SNAP_1"), delete)

    def step_type_create(self):
        refused = self.osc("volume type create gold", self.demo, "demo")
        self.check("volume type create gold (demo): refused (HTTP 403)",
                   not refused.ok and "403" in refused.err, refused)
        create = self.osc("volume type create --property volume_backend_name=lvmdriver-1 --description 'fast disks' "
                          "gold -f json", self.admin, "admin")
        listed = self.osc("volume type list --long -f json", self.admin, "admin")
        rows = {r["Name"]: r for r in listed.json()} if listed.ok else {}
        self.check("volume type create --property volume_backend_name=lvmdriver-1 gold (admin): listed with its "
                   "property",
                   create.ok and props(rows.get("gold", {}).get("Properties")) == {"volume_backend_name": "lvmdriver-1"},
                   create, listed)
        vol = self.osc("volume create --size 1 --type gold VL_gold -f json", self.demo, "demo")
        run, v = self.settle("VL_gold")
        self.check("volume create --type gold VL_gold (demo): scheduled to lvmdriver-1, available",
                   vol.ok and v.get("status") == "available" and v.get("type") == "gold", vol, run)

    def step_services(self):
        run = self.osc("volume service list -f json", self.admin, "admin", process=True)
        rows = {r.get("Binary"): r for r in run.json()} if run.ok else {}
        sched, vol = rows.get("cinder-scheduler", {}), rows.get("cinder-volume", {})
        self.check("volume service list: cinder-scheduler on openstackbootcamp and cinder-volume on "
                   "openstackbootcamp@lvmdriver-1, zone nova, enabled and up",
                   sched.get("Host") == "openstackbootcamp" and vol.get("Host") == "openstackbootcamp@lvmdriver-1"
                   and vol.get("Zone") == "nova" and vol.get("Status") == "enabled" and vol.get("State") == "up", run)

    def step_quota_and_limits(self):
        setq = self.osc("quota set --volumes 12 --gigabytes 500 demo", self.admin, "admin")
        listed = self.osc("quota list --volume --project demo -f json", self.admin, "admin")
        rows = listed.json() if listed.ok else []
        self.check("quota set --volumes 12 --gigabytes 500 demo: quota list --volume says Volumes 12, "
                   "Gigabytes 500, Snapshots 10",
                   setq.ok and len(rows) == 1 and rows[0].get("Volumes") == 12 and rows[0].get("Gigabytes") == 500
                   and rows[0].get("Snapshots") == 10, setq, listed)
        run = self.osc("quota show demo -f json", self.admin, "admin", process=True)
        q = run.json() if run.ok else {}
        # osc 6.0 reads Nova's, Cinder's and Neutron's quota sets and fails as a whole when one is missing.
        self.check("quota show demo (admin): volumes 12, snapshots 10, gigabytes 500, backups 10, instances 10, "
                   "networks 100, ports 500, routers 10, floating-ips 50",
                   q.get("volumes") == 12 and q.get("snapshots") == 10 and q.get("gigabytes") == 500
                   and q.get("backups") == 10 and q.get("instances") == 10 and q.get("networks") == 100
                   and q.get("ports") == 500 and q.get("routers") == 10 and q.get("floating-ips") == 50, run)
        limits = self.osc("limits show --absolute -f json", self.demo, "demo", process=True)
        rows = {r["Name"]: r["Value"] for r in limits.json()} if limits.ok else {}
        self.check("limits show --absolute (demo): maxTotalVolumes 12, totalVolumesUsed 6, "
                   "maxTotalVolumeGigabytes 500, totalGigabytesUsed 8, and Nova's maxTotalInstances 10",
                   rows.get("maxTotalVolumes") == 12 and rows.get("totalVolumesUsed") == 6
                   and rows.get("maxTotalVolumeGigabytes") == 500 and rows.get("totalGigabytesUsed") == 8
                   and rows.get("maxTotalInstances") == 10, limits)
        self.osc("quota set --volumes 10 --gigabytes 1000 demo", self.admin, "admin")

    def step_transfer(self):
        """EX-40: demo offers a volume, alt_demo takes it with the transfer id and the auth key."""
        alt = self.osc.creds("alt_demo")
        create = self.osc("volume create --size 1 VL_gift -f json", self.demo, "demo")
        self.settle("VL_gift")
        offer = self.osc("volume transfer request create --name gift VL_gift -f json", self.demo, "demo")
        t = offer.json() if offer.ok else {}
        _, v = self.show("VL_gift")
        self.check("volume transfer request create --name gift VL_gift: an id and a 16-character auth key; "
                   "the volume awaits transfer",
                   create.ok and len(t.get("auth_key", "")) == 16 and v.get("status") == "awaiting-transfer", offer)
        accept = self.osc(f"volume transfer request accept --auth-key {t.get('auth_key')} {t.get('id')} -f json",
                          alt, "alt_demo")
        mine = self.osc("volume list -f json", alt, "alt_demo")
        rows = mine.json() if mine.ok else []
        theirs = self.osc("volume list -f json", self.demo, "demo")
        self.check("volume transfer request accept (alt_demo): VL_gift is alt_demo's, available, and gone from demo's",
                   accept.ok and any(r.get("Name") == "VL_gift" and r.get("Status") == "available" for r in rows)
                   and theirs.ok and "VL_gift" not in self.names(theirs.json()), accept, mine, theirs)
        self.osc("volume delete VL_gift", alt, "alt_demo")

    def step_delete(self):
        names = ["VL_helloworld_1GB", "VL_from_image", "VL_clone", "VL_props", "VL_from_snap", "VL_gold"]
        delete = self.osc("volume delete " + " ".join(names), self.demo, "demo")
        self.check("volume delete (six volumes): all gone from volume list",
                   delete.ok and all(self.gone(f"volume show {n}") for n in names), delete)
        drop = self.osc("volume type delete gold", self.admin, "admin")
        self.check("volume type delete gold (admin, no volumes left): done", drop.ok, drop)
