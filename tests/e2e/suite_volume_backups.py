"""Volume backups and uploads to the image service with Debian's real `openstack` CLI.

`volume backup create` (full, then `--incremental`) goes creating -> available
while the volume shows backing-up; `volume backup list/show`; `volume backup
restore` into a new volume and (with `--force`) into an existing one (the
server restores; openstackclient 6.0 then fails to print its answer); a full
backup with an incremental one on it cannot be deleted; `volume backup
delete`; `image create --volume` (os-volume_upload_image) makes an active
image; `volume show` shows the read-only flag among the properties after
`volume set --read-only`.
"""

import time

from harness import Suite
from suite_volume import props

SETTLING = ("creating", "deleting", "backing-up", "restoring-backup", "restoring", "uploading")


class VolumeBackupSuite(Suite):
    name = "volume_backups"

    def steps(self):
        return [self.step_volume, self.step_backup_create, self.step_backup_list_show, self.step_restore,
                self.step_backup_delete, self.step_upload_and_readonly]

    def settled(self, kind, name):
        """`<kind> show NAME -f json` once its status leaves a transient one (at most 20 s)."""
        run = self.osc(f"{kind} show {name} -f json", self.demo, "demo")
        for _ in range(200):
            if not run.ok or run.json().get("status") not in SETTLING:
                break
            time.sleep(0.1)
            run = self.osc(f"{kind} show {name} -f json", self.demo, "demo")
        return run, (run.json() if run.ok else {})

    def step_volume(self):
        create = self.osc("volume create --size 1 VL_backed -f json", self.demo, "demo")
        run, v = self.settled("volume", "VL_backed")
        self.ids["vol"] = v.get("id")
        self.check("volume create --size 1 VL_backed: available", create.ok and v.get("status") == "available",
                   create, run)

    def step_backup_create(self):
        create = self.osc("volume backup create --name BK_full VL_backed -f json", self.demo, "demo", process=True)
        b = create.json() if create.ok else {}
        self.ids["full"] = b.get("id")
        run, shown = self.settled("volume backup", "BK_full")
        self.check("volume backup create --name BK_full VL_backed: available, 1 GiB, of the volume, not incremental",
                   create.ok and shown.get("status") == "available" and shown.get("size") == 1
                   and shown.get("volume_id") == self.ids.get("vol") and shown.get("is_incremental") is False,
                   create, run)
        _, v = self.settled("volume", "VL_backed")
        self.check("volume show VL_backed after the backup: available again", v.get("status") == "available")
        incr = self.osc("volume backup create --incremental --name BK_incr VL_backed -f json", self.demo, "demo")
        run, shown = self.settled("volume backup", "BK_incr")
        self.check("volume backup create --incremental --name BK_incr: available, incremental",
                   incr.ok and shown.get("status") == "available" and shown.get("is_incremental") is True, incr, run)
        alt = self.osc("volume backup list -f json", self.osc.creds("alt_demo"), "alt_demo")
        self.check("volume backup list (alt_demo): demo's backups are not visible",
                   alt.ok and "BK_full" not in self.names(alt.json()), alt)

    def step_backup_list_show(self):
        listed = self.osc("volume backup list -f json", self.demo, "demo")
        rows = listed.json() if listed.ok else []
        self.check("volume backup list: BK_full and BK_incr, available, size 1",
                   {"BK_full", "BK_incr"} <= self.names(rows)
                   and all(r.get("Status") == "available" and r.get("Size") == 1 for r in rows), listed)
        full = self.osc("volume backup show BK_full -f json", self.demo, "demo")
        self.check("volume backup show BK_full: has a dependent (incremental) backup",
                   full.ok and full.json().get("has_dependent_backups") is True, full)

    @staticmethod
    def client_restored(run):
        """openstackclient 6.0 prints nothing for a restore: after the server's 202 it fails to
        unpack the answer ("cannot unpack non-iterable VolumeBackupsRestore object")."""
        return run.ok or "cannot unpack non-iterable VolumeBackupsRestore" in run.err

    def step_restore(self):
        restore = self.osc("volume backup restore BK_full VL_restored", self.demo, "demo")
        run, v = self.settled("volume", "VL_restored")
        _, b = self.settled("volume backup", "BK_full")
        self.check("volume backup restore BK_full VL_restored: a new 1 GiB volume, available; the backup available",
                   self.client_restored(restore) and v.get("status") == "available" and v.get("size") == 1
                   and b.get("status") == "available", restore, run)
        refused = self.osc("volume backup restore BK_full VL_backed", self.demo, "demo")
        self.check("volume backup restore BK_full VL_backed (existing, no --force): refused by the client",
                   not refused.ok and "--force" in refused.err, refused)
        forced = self.osc("volume backup restore --force BK_full VL_backed", self.demo, "demo")
        run, v = self.settled("volume", "VL_backed")
        _, b = self.settled("volume backup", "BK_full")
        self.check("volume backup restore --force BK_full VL_backed: restored in place, both available",
                   self.client_restored(forced) and v.get("id") == self.ids.get("vol")
                   and v.get("status") == "available" and b.get("status") == "available", forced, run)

    def step_backup_delete(self):
        self.settled("volume backup", "BK_full")
        blocked = self.osc("volume backup delete BK_full", self.demo, "demo")
        self.check("volume backup delete BK_full (an incremental depends on it): refused",
                   not blocked.ok and "Incremental backups exist" in blocked.err, blocked)
        delete = self.osc("volume backup delete BK_incr BK_full", self.demo, "demo")
        gone = False
        for _ in range(100):
            listed = self.osc("volume backup list -f json", self.demo, "demo")
            if listed.ok and not self.names(listed.json()) & {"BK_full", "BK_incr"}:
                gone = True
                break
            time.sleep(0.1)
        self.check("volume backup delete BK_incr BK_full: both gone from the list", delete.ok and gone, delete)

    def step_upload_and_readonly(self):
        upload = self.osc("image create --volume VL_backed --disk-format qcow2 IMG_from_volume -f json",
                          self.demo, "demo")
        image = None
        for _ in range(100):
            image = self.osc("image show IMG_from_volume -f json", self.demo, "demo")
            if image.ok and image.json().get("status") == "active":
                break
            time.sleep(0.1)
        self.check("image create --volume VL_backed IMG_from_volume: the image becomes active, qcow2",
                   upload.ok and image.ok and image.json().get("status") == "active"
                   and image.json().get("disk_format") == "qcow2", upload, image)
        _, v = self.settled("volume", "VL_backed")
        self.check("volume show VL_backed after the upload: available", v.get("status") == "available")
        ro = self.osc("volume set --read-only VL_backed", self.demo, "demo")
        run = self.osc("volume show VL_backed -f json", self.demo, "demo")
        shown = props(run.json().get("properties")) if run.ok else {}
        self.check("volume set --read-only VL_backed: properties show readonly='True'",
                   ro.ok and shown.get("readonly") == "True", ro, run)
