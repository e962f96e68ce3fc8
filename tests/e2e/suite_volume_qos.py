"""QoS specs and volume retype with Debian's real `openstack` CLI.

An admin's `volume qos create --consumer front-end --property ...`, `qos
list/show/set/unset`, `qos associate` with a volume type (which `volume type
show` then names), `qos disassociate`, `qos delete` (refused while
associated, `--force` otherwise); a member is refused. `volume set --type`
retypes a volume in place when its backend serves the new type; a type no
backend serves leaves the volume's type as it was, with either retype policy.
"""

import time

from harness import Suite
from suite_volume import props


class VolumeQosSuite(Suite):
    name = "volume_qos"

    def steps(self):
        return [self.step_qos_create_list_show, self.step_qos_set_unset, self.step_qos_associate,
                self.step_qos_delete, self.step_retype]

    def volume(self, name):
        """`volume show NAME -f json` once it leaves creating/retyping (at most 20 s)."""
        run = self.osc(f"volume show {name} -f json", self.demo, "demo")
        for _ in range(200):
            if not run.ok or run.json().get("status") not in ("creating", "retyping", "deleting"):
                break
            time.sleep(0.1)
            run = self.osc(f"volume show {name} -f json", self.demo, "demo")
        return run, (run.json() if run.ok else {})

    def step_qos_create_list_show(self):
        create = self.osc("volume qos create --consumer front-end --property read_iops_sec=2000 "
                          "--property write_iops_sec=1000 QOS_gold -f json", self.admin, "admin", process=True)
        q = create.json() if create.ok else {}
        self.ids["qos"] = q.get("id")
        self.check("volume qos create --consumer front-end --property read_iops_sec=2000 ... QOS_gold: "
                   "consumer front-end, both properties",
                   q.get("consumer") == "front-end"
                   and props(q.get("properties")) == {"read_iops_sec": "2000", "write_iops_sec": "1000"}, create)
        listed = self.osc("volume qos list -f json", self.admin, "admin")
        rows = listed.json() if listed.ok else []
        self.check("volume qos list: QOS_gold, front-end, no associations",
                   any(r.get("Name") == "QOS_gold" and r.get("Consumer") == "front-end" and not r.get("Associations")
                       for r in rows), listed)
        member = self.osc("volume qos list", self.demo, "demo")
        self.check("volume qos list (demo, a member): refused (403)", not member.ok and "403" in member.err, member)

    def step_qos_set_unset(self):
        setp = self.osc("volume qos set --property total_bytes_sec=1048576 QOS_gold", self.admin, "admin")
        unset = self.osc("volume qos unset --property write_iops_sec QOS_gold", self.admin, "admin")
        show = self.osc("volume qos show QOS_gold -f json", self.admin, "admin")
        shown = props(show.json().get("properties")) if show.ok else {}
        self.check("volume qos set --property total_bytes_sec=1048576, unset --property write_iops_sec: "
                   "read_iops_sec and total_bytes_sec left",
                   setp.ok and unset.ok and shown == {"read_iops_sec": "2000", "total_bytes_sec": "1048576"},
                   setp, unset, show)

    def step_qos_associate(self):
        assoc = self.osc("volume qos associate QOS_gold lvmdriver-1", self.admin, "admin")
        show = self.osc("volume qos show QOS_gold -f json", self.admin, "admin")
        names = show.json().get("associations") if show.ok else None
        self.check("volume qos associate QOS_gold lvmdriver-1: qos show lists the type",
                   assoc.ok and "lvmdriver-1" in str(names), assoc, show)
        vtype = self.osc("volume type show lvmdriver-1 -f json", self.admin, "admin")
        self.check("volume type show lvmdriver-1: qos_specs_id is QOS_gold's",
                   vtype.ok and vtype.json().get("qos_specs_id") == self.ids.get("qos"), vtype)

    def step_qos_delete(self):
        blocked = self.osc("volume qos delete QOS_gold", self.admin, "admin")
        self.check("volume qos delete QOS_gold (associated): refused", not blocked.ok, blocked)
        dis = self.osc("volume qos disassociate --volume-type lvmdriver-1 QOS_gold", self.admin, "admin")
        vtype = self.osc("volume type show lvmdriver-1 -f json", self.admin, "admin")
        self.check("volume qos disassociate --volume-type lvmdriver-1 QOS_gold: the type has no qos_specs_id",
                   dis.ok and vtype.ok and not vtype.json().get("qos_specs_id"), dis, vtype)
        again = self.osc("volume qos associate QOS_gold lvmdriver-1", self.admin, "admin")
        forced = self.osc("volume qos delete --force QOS_gold", self.admin, "admin")
        listed = self.osc("volume qos list -f json", self.admin, "admin")
        self.check("volume qos delete --force QOS_gold (associated again): gone from the list",
                   again.ok and forced.ok and listed.ok and "QOS_gold" not in self.names(listed.json()),
                   again, forced, listed)

    def step_retype(self):
        gold = self.osc("volume type create --property volume_backend_name=lvmdriver-1 lvm-gold", self.admin, "admin")
        ceph = self.osc("volume type create --property volume_backend_name=ceph ceph-only", self.admin, "admin")
        create = self.osc("volume create --size 1 VL_retype -f json", self.demo, "demo")
        _, v = self.volume("VL_retype")
        self.check("volume type create lvm-gold, ceph-only; volume create VL_retype: available, lvmdriver-1",
                   gold.ok and ceph.ok and create.ok and v.get("type") == "lvmdriver-1"
                   and v.get("status") == "available", gold, ceph, create)
        retype = self.osc("volume set --type lvm-gold VL_retype", self.demo, "demo")
        run, v = self.volume("VL_retype")
        self.check("volume set --type lvm-gold VL_retype: retyped in place, available",
                   retype.ok and v.get("type") == "lvm-gold" and v.get("status") == "available", retype, run)
        moved = self.osc("volume set --type ceph-only --retype-policy on-demand VL_retype", self.demo, "demo")
        run, v = self.volume("VL_retype")
        self.check("volume set --type ceph-only --retype-policy on-demand: no backend serves it, the type stays",
                   moved.ok and v.get("type") == "lvm-gold" and v.get("status") == "available", moved, run)
