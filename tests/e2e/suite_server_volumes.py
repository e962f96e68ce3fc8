"""Servers with volumes with Debian's real `openstack` CLI.

Day 6 of the bootcamp (exercises.md EX-26, EX-27, EX-51): `server add volume
VM_Ubuntu_OSC VL_helloworld_1GB` attaches it at /dev/vdb, `volume list`
shows it "Attached to VM_Ubuntu_OSC on /dev/vdb" and In-use, `server show`
lists it under volumes_attached, Cinder refuses to delete it, `server remove
volume` makes it Available again with no attachment. Then booting from
volumes: `server create --volume` (an existing bootable volume), `--boot-
from-volume 1 --image` (a new volume from the image, kept after the server
is deleted), `--block-device source_type=blank,...,delete_on_termination=true`
(a data volume, deleted with it), and `server delete` detaching what was attached.
A volume-backed server's `server image create` is Nova's: a Cinder snapshot
"snapshot for <image>" and a 0-byte image whose block_device_mapping names it;
booting from that image makes a volume from the snapshot; `server rebuild` with
another image is refused (the root volume keeps its image below 2.93).
Multi-attach: an admin's `volume type create --property multiattach="<is> True"`,
a volume of that type, `server add volume` to two servers (from compute API
2.60; refused below it), `volume show` listing both attachments and the
volume in-use until the last server lets it go.
"""

import json

import time

from harness import Suite

IMAGE = "cirros-0.3.4-x86_64-uec"
BOOT = "server create --flavor m1.nano --network private --wait"
SETTLING = ("creating", "downloading", "attaching", "detaching", "deleting", "reserved")


class ServerVolumesSuite(Suite):
    name = "server_volumes"

    def steps(self):
        return [self.step_prepare, self.step_add_volume, self.step_remove_volume, self.step_boot_from_volume,
                self.step_volume_backed_image, self.step_boot_from_image_volume,
                self.step_block_device_delete_on_termination, self.step_multiattach,
                self.step_delete_detaches]

    def volume(self, name):
        run = self.osc(f"volume show {name} -f json", self.demo, "demo")
        return (run.json() if run.ok else {}), run

    def settle(self, name):
        """Polls `volume show` until the volume leaves a transient status (at most 30 s)."""
        v, run = self.volume(name)
        for _ in range(300):
            if not run.ok or v.get("status") not in SETTLING:
                break
            time.sleep(0.1)
            v, run = self.volume(name)
        return v, run

    def listed(self, name=None, volume_id=None):
        """A row of `volume list` as its table shows it: "Attached to" is formatted only there
        (-f json and csv give the raw attachments)."""
        run = self.osc('volume list -c ID -c Name -c Status -c Size -c "Attached to"', self.demo, "demo")
        rows = []
        for line in run.out.splitlines() if run.ok else []:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 5 and cells[0] != "ID":
                rows.append(dict(zip(("ID", "Name", "Status", "Size", "Attached to"), cells)))
        rows = [r for r in rows if r["Name"] == name or (volume_id and r["ID"] == volume_id)]
        return (rows[0] if rows else {}), run

    def server(self, name):
        run = self.osc(f"server show {name} -f json", self.demo, "demo")
        return (run.json() if run.ok else {}), run

    @staticmethod
    def volume_ids(server):
        """The ids under volumes_attached (-f json gives a list of dicts; older formatters "id='...'")."""
        attached = server.get("volumes_attached") or []
        if isinstance(attached, list):
            return [a.get("id") for a in attached if isinstance(a, dict)]
        return [part.split("'", 1)[0] for part in str(attached).split("id='")[1:]]

    def gone(self, command):
        for _ in range(300):
            if not self.osc(command, self.demo, "demo").ok:
                return True
            time.sleep(0.1)
        return False

    def step_prepare(self):
        run = self.osc(f"{BOOT} --image {IMAGE} VM_Ubuntu_OSC -f json", self.demo, "demo", process=True)
        self.check("server create VM_Ubuntu_OSC --wait: ACTIVE, no volumes",
                   run.ok and run.json().get("status") == "ACTIVE" and not run.json().get("volumes_attached"), run)
        made = self.osc("volume create --size 1 --type lvmdriver-1 --availability-zone nova VL_helloworld_1GB -f json",
                        self.demo, "demo")
        v, shown = self.settle("VL_helloworld_1GB")
        self.check("volume create VL_helloworld_1GB: available", made.ok and v.get("status") == "available", made,
                   shown)

    def step_add_volume(self):
        run = self.osc("server add volume VM_Ubuntu_OSC VL_helloworld_1GB -f json", self.demo, "demo")
        out = run.json() if run.ok else {}
        self.check("server add volume VM_Ubuntu_OSC VL_helloworld_1GB: Device /dev/vdb",
                   out.get("Device") == "/dev/vdb", run)
        v, shown = self.settle("VL_helloworld_1GB")
        attachments = v.get("attachments") or []
        self.check("volume show: in-use, one attachment to VM_Ubuntu_OSC at /dev/vdb",
                   v.get("status") == "in-use" and len(attachments) == 1
                   and attachments[0].get("device") == "/dev/vdb", shown)
        row, listed = self.listed("VL_helloworld_1GB")
        self.check("volume list: In-use, 'Attached to VM_Ubuntu_OSC on /dev/vdb'",
                   row.get("Status") == "in-use"
                   and "Attached to VM_Ubuntu_OSC on /dev/vdb" in row.get("Attached to", ""), listed)
        s, srv = self.server("VM_Ubuntu_OSC")
        self.check("server show VM_Ubuntu_OSC: volumes_attached names the volume",
                   v.get("id", "?") in str(s.get("volumes_attached")), srv)
        refused = self.osc("volume delete VL_helloworld_1GB", self.demo, "demo")
        self.check("volume delete of the attached volume: refused (Invalid volume)",
                   not refused.ok and "Invalid volume" in refused.err + refused.out, refused)
        twice = self.osc("server add volume VM_Ubuntu_OSC VL_helloworld_1GB", self.demo, "demo")
        self.check("server add volume again: refused (400)", not twice.ok and "400" in twice.err, twice)

    def step_remove_volume(self):
        run = self.osc("server remove volume VM_Ubuntu_OSC VL_helloworld_1GB", self.demo, "demo")
        v, shown = self.settle("VL_helloworld_1GB")
        self.check("server remove volume: the volume is available with no attachment",
                   run.ok and v.get("status") == "available" and not v.get("attachments"), run, shown)
        row, listed = self.listed("VL_helloworld_1GB")
        self.check("volume list: Available, nothing under 'Attached to'",
                   row.get("Status") == "available" and not row.get("Attached to", "?").strip(), listed)
        s, srv = self.server("VM_Ubuntu_OSC")
        self.check("server show: volumes_attached empty again", not s.get("volumes_attached"), srv)

    def step_boot_from_volume(self):
        made = self.osc(f"volume create --size 1 --image {IMAGE} --bootable VL_boot -f json", self.demo, "demo")
        v, _ = self.settle("VL_boot")
        self.check("volume create --image --bootable VL_boot: available, bootable",
                   made.ok and v.get("status") == "available" and str(v.get("bootable")).lower() == "true", made)
        run = self.osc(f"{BOOT} --volume VL_boot VM_bfv -f json", self.demo, "demo", process=True)
        s = run.json() if run.ok else {}
        self.check("server create --volume VL_boot: ACTIVE, image 'N/A (booted from volume)'",
                   s.get("status") == "ACTIVE" and "booted from volume" in str(s.get("image")), run)
        v, shown = self.settle("VL_boot")
        attachments = v.get("attachments") or []
        self.check("volume show VL_boot: in-use as VM_bfv's /dev/vda",
                   v.get("status") == "in-use" and attachments and attachments[0].get("device") == "/dev/vda", shown)
        root = self.osc("server remove volume VM_bfv VL_boot", self.demo, "demo")
        self.check("server remove volume of the root: refused", not root.ok, root)

    @staticmethod
    def mapping(image):
        """The image's block_device_mapping property (JSON text in Glance) as a list."""
        props = image.get("properties") or {}
        raw = props.get("block_device_mapping", image.get("block_device_mapping"))
        try:
            return json.loads(raw) if isinstance(raw, str) else (raw or [])
        except ValueError:
            return []

    def step_volume_backed_image(self):
        made = self.osc("server image create --name IMG_bfv --wait VM_bfv -f json", self.demo, "demo")
        shown = self.osc("image show IMG_bfv -f json", self.demo, "demo")
        image = shown.json() if shown.ok else {}
        bdm = self.mapping(image)
        self.check("server image create VM_bfv (volume-backed): image active, size 0, block_device_mapping "
                   "with the root's snapshot",
                   made.ok and image.get("status") == "active" and image.get("size") == 0 and len(bdm) == 1
                   and bdm[0].get("source_type") == "snapshot" and bdm[0].get("boot_index") == 0, made, shown)
        snaps = self.osc("volume snapshot list -f json", self.demo, "demo")
        rows = [r for r in (snaps.json() if snaps.ok else []) if r.get("Name") == "snapshot for IMG_bfv"]
        snap_id = bdm[0].get("snapshot_id") if bdm else None
        self.check("volume snapshot list: 'snapshot for IMG_bfv', the one the image names",
                   len(rows) == 1 and rows[0].get("ID") == snap_id, snaps)
        for _ in range(100):
            if not rows or rows[0].get("Status") == "available":
                break
            time.sleep(0.1)
            snaps = self.osc("volume snapshot list -f json", self.demo, "demo")
            rows = [r for r in (snaps.json() if snaps.ok else []) if r.get("Name") == "snapshot for IMG_bfv"]
        run = self.osc(f"{BOOT} --image IMG_bfv VM_from_snap -f json", self.demo, "demo", process=True)
        s = run.json() if run.ok else {}
        root = self.volume_ids(s)
        v, vshown = self.settle(root[0] if root else "none")
        self.check("server create --image IMG_bfv: ACTIVE, its root a new volume from the snapshot at /dev/vda",
                   s.get("status") == "ACTIVE" and len(root) == 1 and v.get("snapshot_id") == snap_id
                   and (v.get("attachments") or [{}])[0].get("device") == "/dev/vda", run, vshown)
        rebuilt = self.osc("server rebuild --image IMG_bfv VM_bfv", self.demo, "demo")
        self.check("server rebuild VM_bfv --image IMG_bfv: refused (400, another image for a volume-backed server)",
                   not rebuilt.ok and "Unable to rebuild with a different image" in rebuilt.err + rebuilt.out,
                   rebuilt)
        deleted = self.osc("server delete --wait VM_from_snap", self.demo, "demo")
        self.settle(root[0] if root else "none")
        cleaned = self.osc(f"volume delete {root[0] if root else 'none'}", self.demo, "demo")
        snap_deleted = self.osc(f"volume snapshot delete {snap_id or 'none'}", self.demo, "demo")
        image_deleted = self.osc("image delete IMG_bfv", self.demo, "demo")
        self.check("cleanup: VM_from_snap, its volume, the snapshot and IMG_bfv deleted",
                   deleted.ok and cleaned.ok and snap_deleted.ok and image_deleted.ok
                   and self.gone(f"volume snapshot show {snap_id or 'none'}"),
                   deleted, cleaned, snap_deleted, image_deleted)

    def step_boot_from_image_volume(self):
        run = self.osc(f"{BOOT} --image {IMAGE} --boot-from-volume 1 VM_bfv2 -f json", self.demo, "demo",
                       process=True)
        s = run.json() if run.ok else {}
        self.check("server create --image --boot-from-volume 1: ACTIVE", s.get("status") == "ACTIVE", run)
        root = self.volume_ids(s)
        row, volumes = self.listed(volume_id=root[0] if root else "none")
        self.check("volume list: a new 1 GiB volume in-use, 'Attached to VM_bfv2 on /dev/vda'",
                   row.get("Size") == "1" and row.get("Status") == "in-use"
                   and "Attached to VM_bfv2 on /dev/vda" in row.get("Attached to", ""), volumes)
        self.ids["bfv2_root"] = root[0] if root else None
        deleted = self.osc("server delete --wait VM_bfv2", self.demo, "demo")
        v, shown = self.settle(self.ids["bfv2_root"] or "none")
        self.check("server delete VM_bfv2: its root volume stays, available (delete_on_termination false)",
                   deleted.ok and v.get("status") == "available", deleted, shown)

    def step_block_device_delete_on_termination(self):
        # With --image, the client adds the image as the boot_index 0 disk: the extra volume is a data disk.
        bdm = "source_type=blank,destination_type=volume,volume_size=1,delete_on_termination=true"
        run = self.osc(f"{BOOT} --image {IMAGE} --block-device {bdm} VM_bdm -f json", self.demo, "demo",
                       process=True)
        s = run.json() if run.ok else {}
        self.check("server create --image --block-device source_type=blank,...,delete_on_termination=true: ACTIVE",
                   s.get("status") == "ACTIVE", run)
        show, srv = self.server("VM_bdm")
        ids = self.volume_ids(show)
        row, listed = self.listed(volume_id=ids[0] if ids else "none")
        self.check("volume list: the blank volume is 'Attached to VM_bdm on /dev/vdb'",
                   "Attached to VM_bdm on /dev/vdb" in row.get("Attached to", ""), srv, listed)
        deleted = self.osc("server delete --wait VM_bdm", self.demo, "demo")
        self.check("server delete VM_bdm: the volume is deleted with it (delete_on_termination)",
                   bool(ids) and deleted.ok and self.gone(f"volume show {ids[0]}"), deleted)

    def step_multiattach(self):
        typed = self.osc('volume type create --property multiattach="<is> True" VT_multiattach -f json',
                         self.admin, "admin")
        made = self.osc("volume create --size 1 --type VT_multiattach VL_shared -f json", self.demo, "demo")
        v, shown = self.settle("VL_shared")
        self.check('volume type create --property multiattach="<is> True"; volume create --type: multiattach True',
                   typed.ok and made.ok and v.get("status") == "available" and v.get("multiattach") is True,
                   typed, made, shown)
        run = self.osc(f"{BOOT} --image {IMAGE} VM_multi -f json", self.demo, "demo", process=True)
        self.check("server create VM_multi: ACTIVE", run.ok and run.json().get("status") == "ACTIVE", run)
        old = self.osc("--os-compute-api-version 2.59 server add volume VM_Ubuntu_OSC VL_shared", self.demo, "demo")
        self.check("server add volume of a multiattach volume at compute 2.59: refused (needs 2.60)",
                   not old.ok and "2.60" in old.err + old.out, old)
        # The client negotiates the newest microversion (2.60 and later). Each attach is
        # let finish first: Cinder takes a new attachment while the volume is in-use, not attaching.
        added = []
        for vm in ("VM_Ubuntu_OSC", "VM_multi"):
            added.append(self.osc(f"server add volume {vm} VL_shared", self.demo, "demo"))
            v, shown = self.settle("VL_shared")
        servers = {self.server(vm)[0].get("id") for vm in ("VM_Ubuntu_OSC", "VM_multi")}
        attached = {a.get("server_id") for a in v.get("attachments") or []}
        self.check("server add volume VL_shared to VM_Ubuntu_OSC, then to VM_multi; volume show: in-use, two "
                   "attachments, one per server",
                   all(a.ok for a in added) and v.get("status") == "in-use" and len(v.get("attachments") or []) == 2
                   and attached == servers and None not in servers, *added, shown)
        removed = self.osc("server remove volume VM_multi VL_shared", self.demo, "demo")
        v, shown = self.settle("VL_shared")
        left = [a.get("device") for a in v.get("attachments") or []]
        self.check("server remove volume VM_multi VL_shared: in-use, VM_Ubuntu_OSC's attachment at /dev/vdb left",
                   removed.ok and v.get("status") == "in-use" and left == ["/dev/vdb"], removed, shown)
        last = self.osc("server remove volume VM_Ubuntu_OSC VL_shared", self.demo, "demo")
        v, shown = self.settle("VL_shared")
        cleaned = [self.osc("server delete --wait VM_multi", self.demo, "demo"),
                   self.osc("volume delete VL_shared", self.demo, "demo")]
        self.gone("volume show VL_shared")
        cleaned.append(self.osc("volume type delete VT_multiattach", self.admin, "admin"))
        self.check("the last server lets go: available, no attachment; VM_multi, VL_shared, VT_multiattach deleted",
                   last.ok and v.get("status") == "available" and not v.get("attachments")
                   and all(c.ok for c in cleaned), last, shown, *cleaned)

    def step_delete_detaches(self):
        again = self.osc("server add volume VM_Ubuntu_OSC VL_helloworld_1GB -f json", self.demo, "demo")
        v, _ = self.settle("VL_helloworld_1GB")
        self.check("server add volume (again): in-use at /dev/vdb",
                   again.ok and v.get("status") == "in-use" and again.json().get("Device") == "/dev/vdb", again)
        deleted = self.osc("server delete --wait VM_Ubuntu_OSC VM_bfv", self.demo, "demo")
        v, shown = self.settle("VL_helloworld_1GB")
        boot, boot_shown = self.settle("VL_boot")
        self.check("server delete: VL_helloworld_1GB and VL_boot detached, available",
                   deleted.ok and v.get("status") == "available" and not v.get("attachments")
                   and boot.get("status") == "available", deleted, shown, boot_shown)
        removed = self.osc(f"volume delete VL_helloworld_1GB VL_boot {self.ids.get('bfv2_root') or ''}", self.demo,
                           "demo")
        self.check("volume delete of the detached volumes: accepted", removed.ok, removed)
