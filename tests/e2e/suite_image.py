"""Image (Glance v2) with Debian's real `openstack` CLI.

Replays the bootcamp's image day as admin, demo and alt_demo: the lab's
cirros trio, `image create --file` with every visibility and the options
students use, the book's Ubuntu qcow2 from `stacklab lab fetch-image` (also
with --import), list filters, show, set (incl. deactivation and hiding), save
(the download's checksum compared with the file), sharing between projects
with the member's accept, protected delete, what a member is refused, and a
listing longer than one page. Checks what the CLI prints and what the cloud
holds afterwards (another command, or plain HTTP). The Ubuntu upload and the
refused --public run as real `/usr/bin/openstack` processes, and one check
compares the two ways on the same commands.

openstacksdk 0.101 (Debian's) does not look at the status of image actions
and downloads: `image set --deactivate` exits 0 whatever Glance answered. The
checks on those run the CLI with --debug and read the server's answer from
its log, besides checking the image's state afterwards.
"""

import hashlib
import os
import random
import re
import subprocess

from harness import Suite, http

# The lab's cirros-0.3.4-x86_64-uec trio, with the book's ids (exercises.md §1.5).
CIRROS = "cirros-0.3.4-x86_64-uec"
AMI = "1958379b-6a78-41cc-9cc7-d823bf617989"
AKI = "8f090b77-f97e-481b-bfc2-d7350ac7c3a4"
ARI = "6bd286fe-994e-4eea-9d21-ff12667e3f52"
LAB_IMAGES = {AMI: (CIRROS, "ami"), AKI: (CIRROS + "-kernel", "aki"), ARI: (CIRROS + "-ramdisk", "ari")}

UBUNTU_FILE = "ubuntu-16.04-server-cloudimg-amd64-disk1.img"
UBUNTU_VIRTUAL_SIZE = 2361393152  # the real image's disk: 2.2 GiB


def md5_of(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def sha512_of(path):
    with open(path, "rb") as f:
        return hashlib.sha512(f.read()).hexdigest()


def refused(run, status):
    """A failed command whose error names the HTTP status (openstacksdk prints 'HttpException: 403: ...')."""
    return not run.ok and re.search(rf"Exception: {status}: ", run.err) is not None


def answered(run, method, path):
    """The HTTP statuses the server gave to `method ...path` in a --debug run (urllib3's log lines)."""
    return [int(s) for s in re.findall(rf'"{method} \S*{re.escape(path)} HTTP/1\.1" (\d{{3}})', run.err)]


class ImageSuite(Suite):
    name = "image"

    def __init__(self, lab, results, workdir):
        super().__init__(lab, results, workdir)
        self.alt = self.osc.creds("alt_demo")
        self.image = lab.url + "/image"

    def steps(self):
        return [self.step_seed, self.step_lab_images, self.step_create, self.step_show, self.step_list,
                self.step_qcow2_upload_and_save, self.step_import, self.step_set, self.step_deactivate,
                self.step_sharing, self.step_policy, self.step_unshare, self.step_hidden, self.step_delete,
                self.step_many_images, self.step_same_output_both_ways]

    # helpers -------------------------------------------------------------

    def show(self, image, env, who):
        """`image show -f json` and its parsed output ({} when it failed)."""
        run = self.osc(f"image show {image} -f json", env, who)
        return run, (run.json() if run.ok else {})

    def listed(self, command, env, who):
        """`image list ... -f json` and {id: row}."""
        run = self.osc(command + " -f json", env, who)
        return run, ({row["ID"]: row for row in run.json()} if run.ok else {})

    def http_image(self, image_id, token):
        status, _, body = http("GET", f"{self.image}/v2/images/{image_id}", token=token)
        return status, body

    # ---------------------------------------------------------------------

    def step_seed(self):
        projects = self.osc("project list -f json", self.admin, "admin")
        if projects.ok:
            self.ids.update({"project:" + p["Name"]: p["ID"] for p in projects.json()})
        self.check("project list (admin): the lab's projects admin, demo, alt_demo",
                   projects.ok and {"project:admin", "project:demo", "project:alt_demo"} <= set(self.ids), projects)

        # A small raw disk of random bytes, and the book's Ubuntu cloud image as stacklab makes it offline.
        self.raw = os.path.join(self.workdir, "tiny.raw")
        with open(self.raw, "wb") as f:
            f.write(random.Random(1604).randbytes(300 * 1024 + 17))
        self.raw_md5, self.raw_size = md5_of(self.raw), os.path.getsize(self.raw)

        fetch = subprocess.run([self.lab.binary, "lab", "fetch-image", "ubuntu-16.04", "--dir", self.workdir],
                               capture_output=True, text=True, timeout=30)
        self.ubuntu = os.path.join(self.workdir, UBUNTU_FILE)
        head = b""
        if os.path.exists(self.ubuntu):
            with open(self.ubuntu, "rb") as f:
                head = f.read(32)
        self.check("stacklab lab fetch-image ubuntu-16.04 --dir: writes the qcow2 file the book downloads",
                   fetch.returncode == 0 and UBUNTU_FILE in fetch.stdout and head[:4] == b"QFI\xfb"
                   and int.from_bytes(head[24:32], "big") == UBUNTU_VIRTUAL_SIZE,
                   note=f"$ stacklab lab fetch-image ubuntu-16.04 --dir {self.workdir}\n{fetch.stdout}{fetch.stderr}"
                   f"(exit {fetch.returncode}); header {head!r}")

    def step_lab_images(self):
        listing, rows = self.listed("image list", self.demo, "demo")
        self.check("image list (demo): the lab's cirros trio with the book's ids, active",
                   all(rows.get(i, {}).get("Name") == n and rows[i].get("Status") == "active"
                       for i, (n, _) in LAB_IMAGES.items()), listing)

        long, rows = self.listed("image list --long", self.demo, "demo")
        self.check("image list --long (demo): cirros formats ami/aki/ari (disk and container), public, "
                   "owned by project admin",
                   all(rows.get(i, {}).get("Disk Format") == fmt and rows[i].get("Container Format") == fmt
                       and rows[i].get("Visibility") == "public"
                       and rows[i].get("Project") == self.ids.get("project:admin")
                       and re.fullmatch(r"[0-9a-f]{32}", rows[i].get("Checksum") or "")
                       for i, (_, fmt) in LAB_IMAGES.items()), long)

        show, img = self.show(CIRROS, self.demo, "demo")
        props = img.get("properties", {})
        self.check(f"image show {CIRROS} (by name, demo): the ami with kernel_id and ramdisk_id of the aki and ari",
                   img.get("id") == AMI and img.get("disk_format") == "ami"
                   and props.get("kernel_id") == AKI and props.get("ramdisk_id") == ARI, show)

    def step_create(self):
        demo_project = self.ids.get("project:demo")
        create = self.osc(f"image create --file {self.raw} --disk-format raw --container-format bare --private "
                          "--min-disk 1 --min-ram 64 --protected --property os_distro=cirros --property purpose=e2e "
                          "--tag bootcamp --tag e2e e2e-private -f json", self.demo, "demo")
        img = create.json() if create.ok else {}
        self.ids["private"] = img.get("id")
        props = img.get("properties", {})
        self.check("image create --file --private --min-disk --min-ram --protected --property --tag (demo): "
                   "prints the image with those values, owned by demo",
                   create.ok and img.get("name") == "e2e-private" and img.get("visibility") == "private"
                   and img.get("disk_format") == "raw" and img.get("container_format") == "bare"
                   and img.get("min_disk") == 1 and img.get("min_ram") == 64 and img.get("protected") is True
                   and props.get("os_distro") == "cirros" and props.get("purpose") == "e2e"
                   and sorted(img.get("tags", [])) == ["bootcamp", "e2e"] and img.get("owner") == demo_project
                   and re.fullmatch(r"[0-9a-f-]{36}", img.get("id") or ""), create)

        for vis in ("shared", "community"):
            run = self.osc(f"image create --file {self.raw} --disk-format raw --container-format bare --{vis} "
                           f"e2e-{vis} -f json", self.demo, "demo")
            doc = run.json() if run.ok else {}
            self.ids[vis] = doc.get("id")
            shown, after = self.show(doc.get("id"), self.demo, "demo") if run.ok else (run, {})
            self.check(f"image create --file --{vis} (demo): visibility {vis}; the data arrived (active, size)",
                       run.ok and doc.get("visibility") == vis and doc.get("owner") == demo_project
                       and after.get("status") == "active" and after.get("size") == self.raw_size, run, shown)

        # A member may not publicize: a real process, as a student types it.
        denied = self.osc(f"image create --file {self.raw} --disk-format raw --container-format bare --public "
                          "e2e-demo-public", self.demo, "demo", process=True)
        gone = self.osc("image list --name e2e-demo-public -f value -c ID", self.admin, "admin")
        self.check("image create --public as demo: refused (HTTP 403 Forbidden) and no image is left behind",
                   refused(denied, 403) and "Forbidden" in denied.err and denied.out.strip() == ""
                   and gone.ok and gone.out.strip() == "", denied, gone)

        pub = self.osc(f"image create --file {self.raw} --disk-format raw --container-format bare --public "
                       "e2e-public -f json", self.admin, "admin")
        doc = pub.json() if pub.ok else {}
        self.ids["public"] = doc.get("id")
        seen, rows = self.listed("image list --public", self.demo, "demo")
        self.check("image create --public as admin: public, owned by admin, and demo sees it in image list --public",
                   pub.ok and doc.get("visibility") == "public" and doc.get("owner") == self.ids.get("project:admin")
                   and rows.get(doc.get("id"), {}).get("Name") == "e2e-public", pub, seen)

    def step_show(self):
        show, img = self.show("e2e-private", self.demo, "demo")
        props = img.get("properties", {})
        self.check("image show (demo): active, size and checksum (md5) of the uploaded file, formats, visibility, "
                   "protected, min disk/ram, properties and tags",
                   img.get("id") == self.ids.get("private") and img.get("status") == "active"
                   and img.get("size") == self.raw_size and img.get("checksum") == self.raw_md5
                   and img.get("disk_format") == "raw" and img.get("container_format") == "bare"
                   and img.get("visibility") == "private" and img.get("protected") is True
                   and img.get("min_disk") == 1 and img.get("min_ram") == 64
                   and props.get("os_distro") == "cirros" and props.get("purpose") == "e2e"
                   and props.get("os_hash_algo") == "sha512"
                   and props.get("os_hash_value") == sha512_of(self.raw)
                   and sorted(img.get("tags", [])) == ["bootcamp", "e2e"], show)

        table = self.osc("image show e2e-private -f value -c checksum -c size", self.demo, "demo")
        self.check("image show -c checksum -c size -f value: the md5 and the byte count, one per line",
                   table.ok and table.out.split() == [self.raw_md5, str(self.raw_size)], table)

    def step_list(self):
        mine = {self.ids.get(k) for k in ("private", "shared", "community")}
        plain, rows = self.listed("image list", self.demo, "demo")
        self.check("image list (demo): demo's private, shared and own community images, admin's public image "
                   "and the cirros trio",
                   plain.ok and mine | {self.ids.get("public")} | set(LAB_IMAGES) <= set(rows)
                   and rows.get(self.ids.get("private"), {}).get("Status") == "active", plain)

        alt_plain, alt_rows = self.listed("image list", self.alt, "alt_demo")
        self.check("image list (alt_demo): none of demo's images (community ones are listed only to their owner "
                   "without --community), but the public ones",
                   alt_plain.ok and not mine & set(alt_rows)
                   and {self.ids.get("public")} | set(LAB_IMAGES) <= set(alt_rows),
                   alt_plain)

        for flag, want in (("--public", {self.ids.get("public")} | set(LAB_IMAGES)),
                           ("--private", {self.ids.get("private")}),
                           ("--shared", {self.ids.get("shared")}),
                           ("--community", {self.ids.get("community")})):
            run, rows = self.listed(f"image list {flag}", self.demo, "demo")
            self.check(f"image list {flag} (demo): exactly the {flag[2:]} images demo may see",
                       run.ok and set(rows) == want, run, note=f"want {sorted(want)}")

        run, rows = self.listed("image list --community", self.alt, "alt_demo")
        self.check("image list --community (alt_demo): demo's community image",
                   run.ok and set(rows) == {self.ids.get("community")}, run)

        admin_plain, rows = self.listed("image list", self.admin, "admin")
        admin_comm, crows = self.listed("image list --community", self.admin, "admin")
        self.check("image list (admin): every project's private and shared images but, as in Glance, not other "
                   "projects' community images; image list --community has them",
                   admin_plain.ok and {self.ids.get("private"), self.ids.get("shared")} <= set(rows)
                   and self.ids.get("community") not in rows and self.ids.get("community") in crows,
                   admin_plain, admin_comm)

        long, rows = self.listed("image list --long", self.demo, "demo")
        row = rows.get(self.ids.get("private"), {})
        self.check("image list --long (demo): formats, size, checksum, status, visibility, protected, project, tags",
                   row.get("Name") == "e2e-private" and row.get("Disk Format") == "raw"
                   and row.get("Container Format") == "bare" and row.get("Size") == self.raw_size
                   and row.get("Checksum") == self.raw_md5 and row.get("Status") == "active"
                   and row.get("Visibility") == "private" and row.get("Protected") is True
                   and row.get("Project") == self.ids.get("project:demo")
                   and sorted(row.get("Tags") or []) == ["bootcamp", "e2e"], long)

        prop, rows = self.listed("image list --property purpose=e2e", self.demo, "demo")
        self.check("image list --property purpose=e2e (demo): only the image with that property",
                   prop.ok and set(rows) == {self.ids.get("private")}, prop)
        by_tag, rows = self.listed("image list --tag bootcamp", self.demo, "demo")
        self.check("image list --tag bootcamp (demo): only the tagged image",
                   by_tag.ok and set(rows) == {self.ids.get("private")}, by_tag)

    def step_qcow2_upload_and_save(self):
        # What the book has students type for the Ubuntu image: a real process.
        create = self.osc(f"image create --file {self.ubuntu} --disk-format qcow2 --container-format bare "
                          "--private ubuntu-16.04 -f json", self.demo, "demo", process=True)
        doc = create.json() if create.ok else {}
        self.ids["ubuntu"] = doc.get("id")
        show, img = self.show("ubuntu-16.04", self.demo, "demo")
        self.check("image create --file <fetched ubuntu-16.04> --disk-format qcow2 (demo): active, size and md5 "
                   f"of the file, virtual_size {UBUNTU_VIRTUAL_SIZE} read from the qcow2 header",
                   create.ok and img.get("id") == doc.get("id") and img.get("status") == "active"
                   and img.get("disk_format") == "qcow2" and img.get("size") == os.path.getsize(self.ubuntu)
                   and img.get("checksum") == md5_of(self.ubuntu) and img.get("virtual_size") == UBUNTU_VIRTUAL_SIZE,
                   create, show)

        out = os.path.join(self.workdir, "ubuntu-saved.img")
        save = self.osc(f"image save --file {out} ubuntu-16.04", self.demo, "demo")
        self.check("image save --file (demo): prints nothing; the file has the checksum of the uploaded one",
                   save.ok and save.out.strip() == "" and os.path.exists(out)
                   and md5_of(out) == md5_of(self.ubuntu) == img.get("checksum"), save,
                   note=f"saved md5 {md5_of(out) if os.path.exists(out) else None}")

        cirros = os.path.join(self.workdir, "cirros.img")
        save2 = self.osc(f"image save --file {cirros} {CIRROS}", self.demo, "demo")
        _, lab = self.show(AMI, self.demo, "demo")
        self.check("image save --file of the lab's public cirros ami (demo): size and md5 as image show says",
                   save2.ok and os.path.exists(cirros) and os.path.getsize(cirros) == lab.get("size")
                   and md5_of(cirros) == lab.get("checksum"), save2)

    def step_set(self):
        image = self.ids.get("private")
        setr = self.osc(f"image set --name e2e-renamed --property purpose=changed --property extra=1 "
                        f"--min-disk 5 --min-ram 256 --unprotected --tag more {image}", self.demo, "demo")
        show, img = self.show(image, self.demo, "demo")
        props = img.get("properties", {})
        self.check("image set --name --property --min-disk --min-ram --unprotected --tag (demo): prints nothing; "
                   "image show has the new values and keeps the rest",
                   setr.ok and setr.out.strip() == "" and img.get("name") == "e2e-renamed"
                   and props.get("purpose") == "changed" and props.get("extra") == "1"
                   and props.get("os_distro") == "cirros" and img.get("min_disk") == 5 and img.get("min_ram") == 256
                   and img.get("protected") is False and sorted(img.get("tags", [])) == ["bootcamp", "e2e", "more"]
                   and img.get("checksum") == self.raw_md5, setr, show)

        vis = self.osc(f"image set --community {image}", self.demo, "demo")
        _, after = self.show(image, self.demo, "demo")
        alt_show, alt_img = self.show(image, self.alt, "alt_demo")
        back = self.osc(f"image set --private --protected {image}", self.demo, "demo")
        shown, final = self.show(image, self.demo, "demo")
        alt_gone = self.osc(f"image show {image}", self.alt, "alt_demo")
        self.check("image set --community then --private --protected (demo): the visibility changes; alt_demo "
                   "sees it only while community",
                   vis.ok and after.get("visibility") == "community" and alt_img.get("id") == image
                   and back.ok and final.get("visibility") == "private" and final.get("protected") is True
                   and not alt_gone.ok, vis, alt_show, back, shown, alt_gone)

        unset = self.osc(f"image unset --property extra --tag more {image}", self.demo, "demo")
        _, img = self.show(image, self.demo, "demo")
        self.check("image unset --property --tag (demo): the property and the tag are gone",
                   unset.ok and "extra" not in img.get("properties", {})
                   and sorted(img.get("tags", [])) == ["bootcamp", "e2e"], unset)

        fmt = self.osc(f"image set --disk-format qcow2 {image}", self.demo, "demo")
        _, img = self.show(image, self.demo, "demo")
        self.check("image set --disk-format on an active image (demo): refused (HTTP 403), the format stays raw",
                   refused(fmt, 403) and img.get("disk_format") == "raw", fmt)

    def step_deactivate(self):
        # openstacksdk 0.101 does not look at the status of image actions and downloads: `image set
        # --deactivate` exits 0 whatever Glance answered, and a refused download fails only on its checksum.
        # --debug shows the server's answer (urllib3's '"POST /image/v2/... HTTP/1.1" 403' lines).
        # Glance's policy for (de|re)activate: admin, or a member of the project owning the image.
        lab = self.osc(f"--debug image set --deactivate {AMI}", self.demo, "demo")
        _, ami = self.show(AMI, self.demo, "demo")
        statuses = answered(lab, "POST", f"/v2/images/{AMI}/actions/deactivate")
        self.check("image set --deactivate of the lab's cirros image as demo (a member of another project): the "
                   "server refuses it (HTTP 403; the CLI does not report it) and the image stays active",
                   statuses == [403] and ami.get("status") == "active", lab,
                   note=f"statuses of POST .../actions/deactivate: {statuses}")

        image = self.ids.get("shared")
        off = self.osc(f"--debug image set --deactivate {image}", self.admin, "admin")
        _, img = self.show(image, self.demo, "demo")
        out = os.path.join(self.workdir, "deactivated.img")
        save = self.osc(f"--debug image save --file {out} {image}", self.demo, "demo")
        self.check("image set --deactivate as admin: HTTP 204, status deactivated; demo's image save then fails "
                   "(the download is refused with HTTP 403)",
                   answered(off, "POST", f"/v2/images/{image}/actions/deactivate") == [204]
                   and img.get("status") == "deactivated" and not save.ok and "Unable to download image" in save.err
                   and answered(save, "GET", f"/v2/images/{image}/file") == [403],
                   off, save, note=f"image status {img.get('status')}")

        on = self.osc(f"image set --activate {image}", self.admin, "admin")
        _, img = self.show(image, self.demo, "demo")
        save = self.osc(f"image save --file {out} {image}", self.demo, "demo")
        self.check("image set --activate as admin: active again and demo can download it",
                   on.ok and img.get("status") == "active" and save.ok and md5_of(out) == self.raw_md5, on, save)

        own_off = self.osc(f"--debug image set --deactivate {image}", self.demo, "demo")
        _, off_img = self.show(image, self.demo, "demo")
        own_on = self.osc(f"--debug image set --activate {image}", self.demo, "demo")
        _, on_img = self.show(image, self.demo, "demo")
        self.check("image set --deactivate, then --activate, by demo on its own image: both allowed (HTTP 204), "
                   "as Glance's policy lets the owning project do",
                   answered(own_off, "POST", f"/v2/images/{image}/actions/deactivate") == [204]
                   and off_img.get("status") == "deactivated"
                   and answered(own_on, "POST", f"/v2/images/{image}/actions/reactivate") == [204]
                   and on_img.get("status") == "active", own_off, own_on)

    def step_sharing(self):
        image = self.ids.get("shared")
        alt_project = self.ids.get("project:alt_demo")
        before, rows = self.listed("image list", self.alt, "alt_demo")
        hidden = self.osc(f"image show {image}", self.alt, "alt_demo")
        self.check("before sharing: alt_demo neither lists nor shows demo's shared image",
                   before.ok and image not in rows and not hidden.ok, before, hidden)

        # demo may not look projects up by name (identity:list_projects is admin's), so it gives the id;
        # admin's openrc shows it.
        add = self.osc(f"image add project {image} {alt_project} -f json", self.demo, "demo")
        m = add.json() if add.ok else {}
        self.check("image add project <image> <alt_demo's id> (demo): member alt_demo, status pending",
                   add.ok and m.get("image_id") == image and m.get("member_id") == alt_project
                   and m.get("status") == "pending", add)

        pending, rows = self.listed("image list", self.alt, "alt_demo")
        pending_shared, prow = self.listed("image list --shared --member-status pending", self.alt, "alt_demo")
        show, img = self.show(image, self.alt, "alt_demo")
        self.check("while pending: not in alt_demo's image list, listed with --member-status pending, "
                   "and image show <id> works",
                   pending.ok and image not in rows and image in prow and img.get("id") == image,
                   pending, pending_shared, show)

        accept = self.osc(f"image set --accept {image}", self.alt, "alt_demo")
        after, rows = self.listed("image list", self.alt, "alt_demo")
        members = self.osc(f"image member list {image} -f json", self.demo, "demo")
        mrows = members.json() if members.ok else []
        self.check("image set --accept (alt_demo): prints nothing; alt_demo's image list now has it; "
                   "demo's image member list says accepted",
                   accept.ok and accept.out.strip() == "" and rows.get(image, {}).get("Name") == "e2e-shared"
                   and [(r.get("Member ID"), r.get("Status")) for r in mrows] == [(alt_project, "accepted")],
                   accept, after, members)

        out = os.path.join(self.workdir, "shared.img")
        save = self.osc(f"image save --file {out} {image}", self.alt, "alt_demo")
        self.check("image save of the shared image (alt_demo): the bytes demo uploaded",
                   save.ok and os.path.exists(out) and md5_of(out) == self.raw_md5, save)

        rename = self.osc(f"image set --name stolen {image}", self.alt, "alt_demo")
        delete = self.osc(f"image delete {image}", self.alt, "alt_demo")
        readd = self.osc(f"image add project {image} {self.ids.get('project:admin')}", self.alt, "alt_demo")
        deactivate = self.osc(f"--debug image set --deactivate {image}", self.alt, "alt_demo")
        _, img = self.show(image, self.demo, "demo")
        self.check("alt_demo (an image member) cannot rename, delete, share or deactivate demo's image (HTTP 403); "
                   "it is unchanged",
                   refused(rename, 403) and refused(delete, 403) and "Failed to delete 1 of 1 images." in delete.err
                   and refused(readd, 403)
                   and answered(deactivate, "POST", f"/v2/images/{image}/actions/deactivate") == [403]
                   and img.get("name") == "e2e-shared" and img.get("status") == "active",
                   rename, delete, readd, note="statuses of POST .../actions/deactivate: "
                   + str(answered(deactivate, "POST", f"/v2/images/{image}/actions/deactivate")))

    def step_policy(self):
        image = self.ids.get("ubuntu")
        pub = self.osc(f"image set --public {image}", self.demo, "demo")
        _, img = self.show(image, self.demo, "demo")
        self.check("image set --public as demo: refused (HTTP 403), still private",
                   refused(pub, 403) and img.get("visibility") == "private", pub)

        private = self.ids.get("ubuntu")
        show = self.osc(f"image show {private}", self.alt, "alt_demo")
        self.check("image show of demo's private image as alt_demo: 'No Image found for <id>'",
                   not show.ok and f"No Image found for {private}" in show.err and show.out.strip() == "", show)
        status, body = self.http_image(private, self.token("alt_demo"))
        self.check("GET /image/v2/images/<demo's private image> as alt_demo: 404",
                   status == 404, note=f"-> {status} {body}")

        rename = self.osc(f"image set --name mine {CIRROS}", self.demo, "demo")
        prop = self.osc(f"image set --property hacked=yes {AMI}", self.demo, "demo")
        delete = self.osc(f"image delete {AKI}", self.demo, "demo")
        listing, rows = self.listed("image list --public", self.demo, "demo")
        _, ami = self.show(AMI, self.demo, "demo")
        self.check("demo cannot change or delete the lab's public cirros images (HTTP 403); they are unchanged",
                   refused(rename, 403) and refused(prop, 403) and refused(delete, 403)
                   and "Failed to delete 1 of 1 images." in delete.err and set(LAB_IMAGES) <= set(rows)
                   and ami.get("name") == CIRROS and "hacked" not in ami.get("properties", {}),
                   rename, prop, delete, listing)

    def step_delete(self):
        image = self.ids.get("private")  # protected again since step_set
        first = self.osc(f"image delete {image}", self.demo, "demo")
        show, img = self.show(image, self.demo, "demo")
        self.check("image delete of a protected image (demo): refused (HTTP 403), 'Failed to delete 1 of 1 "
                   "images.', the image is still there",
                   refused(first, 403) and "Failed to delete 1 of 1 images." in first.err
                   and img.get("id") == image, first, show)

        unprotect = self.osc(f"image set --unprotected {image}", self.demo, "demo")
        delete = self.osc(f"image delete {image}", self.demo, "demo")
        gone = self.osc(f"image show {image}", self.demo, "demo")
        listing, rows = self.listed("image list", self.demo, "demo")
        self.check("image set --unprotected, then image delete (demo): prints nothing; image show then says "
                   "'No Image found for <id>' and image list no longer has it",
                   unprotect.ok and delete.ok and delete.out.strip() == "" and not gone.ok
                   and f"No Image found for {image}" in gone.err and listing.ok and image not in rows,
                   unprotect, delete, gone, listing)

        many = self.osc(f"image delete {self.ids.get('community')} {self.ids.get('ubuntu')}", self.demo, "demo")
        _, rows = self.listed("image list", self.demo, "demo")
        self.check("image delete of two images at once (demo): both gone",
                   many.ok and not {self.ids.get("community"), self.ids.get("ubuntu")} & set(rows), many)

    def step_import(self):
        # `image create --import` stages the file and imports it (glance-direct) when the create answer
        # advertises the method in its OpenStack-image-import-methods header.
        create = self.osc(f"image create --import --file {self.ubuntu} --disk-format qcow2 --container-format bare "
                          "--private ubuntu-16.04-imported -f json", self.demo, "demo")
        doc = create.json() if create.ok else {}
        show, img = self.show("ubuntu-16.04-imported", self.demo, "demo")
        self.check("image create --import --file (demo): staged and imported with glance-direct; active with the "
                   f"file's md5 and virtual_size {UBUNTU_VIRTUAL_SIZE}",
                   create.ok and img.get("id") == doc.get("id") and img.get("status") == "active"
                   and img.get("checksum") == md5_of(self.ubuntu) and img.get("virtual_size") == UBUNTU_VIRTUAL_SIZE,
                   create, show)
        if img.get("id"):
            self.osc(f"image delete {img['id']}", self.demo, "demo")

    def step_unshare(self):
        image = self.ids.get("shared")
        alt_project = self.ids.get("project:alt_demo")
        remove = self.osc(f"image remove project {image} {alt_project}", self.demo, "demo")
        members = self.osc(f"image member list {image} -f json", self.demo, "demo")
        listing, rows = self.listed("image list", self.alt, "alt_demo")
        show = self.osc(f"image show {image}", self.alt, "alt_demo")
        self.check("image remove project (demo): prints nothing; no members left; alt_demo neither lists nor "
                   "shows the image any more",
                   remove.ok and remove.out.strip() == "" and members.ok and members.json() == []
                   and listing.ok and image not in rows and not show.ok and f"No Image found for {image}" in show.err,
                   remove, members, listing, show)

    def step_hidden(self):
        image = self.ids.get("public")
        hide = self.osc(f"image set --hidden {image}", self.admin, "admin")
        plain, rows = self.listed("image list", self.demo, "demo")
        hidden, hrows = self.listed("image list --hidden", self.demo, "demo")
        show, img = self.show(image, self.demo, "demo")
        self.check("image set --hidden (admin): the image leaves demo's image list, image list --hidden has only "
                   "it, image show still works",
                   hide.ok and plain.ok and image not in rows and set(LAB_IMAGES) <= set(rows)
                   and set(hrows) == {image} and img.get("id") == image
                   and img.get("properties", {}).get("os_hidden") is True,
                   hide, plain, hidden, show)
        unhide = self.osc(f"image set --unhidden {image}", self.admin, "admin")
        _, rows = self.listed("image list", self.demo, "demo")
        self.check("image set --unhidden (admin): back in demo's image list", unhide.ok and image in rows, unhide)

    def step_many_images(self):
        # More images than one page (Glance's default limit is 25): the CLI follows the 'next' links.
        token = self.token("alt_demo")
        made = []
        for i in range(27):
            status, _, body = http("POST", self.image + "/v2/images", {"name": f"e2e-page-{i:02d}"}, token=token)
            if status == 201:
                made.append(body["id"])
        listing, rows = self.listed("image list", self.alt, "alt_demo")
        self.check("image list (alt_demo, 27 new images + the public ones): every image once, over several pages",
                   len(made) == 27 and listing.ok and set(made) <= set(rows) and len(listing.json()) == len(rows),
                   note=f"created {len(made)} of 27; listed {len(listing.json()) if listing.ok else listing.err}")
        limit = self.osc("image list --limit 5 -f value -c ID", self.alt, "alt_demo")
        self.check("image list --limit 5 (alt_demo): 5 images", limit.ok and len(limit.out.split()) == 5, limit)
        by_name = self.osc("image list --name e2e-page-13 -f value -c ID -c Status", self.alt, "alt_demo")
        self.check("image list --name (alt_demo): the one image of that name, queued (it has no data)",
                   by_name.ok and by_name.out.split() == [made[13] if len(made) > 13 else "?", "queued"], by_name)
        delete = self.osc(["image", "delete"] + made, self.alt, "alt_demo")
        _, rows = self.listed("image list", self.alt, "alt_demo")
        self.check("image delete of 27 images at once (alt_demo): all gone", delete.ok and not set(made) & set(rows),
                   delete)

    def step_same_output_both_ways(self):
        # The in-process driver must print what /usr/bin/openstack prints, and must not carry one
        # command's credentials over to the next (the image client is cached per ClientManager class).
        def same(a, b):
            strip = lambda text: re.sub(r"req-[0-9a-f-]{36}", "req-*", text)  # noqa: E731
            return (a.rc, a.out, strip(a.err)) == (b.rc, b.out, strip(b.err))

        diffs = []
        for cmd, env, who in (("image list -f json", self.demo, "demo"),
                              ("image list -f json", self.alt, "alt_demo"),
                              (f"image show {AMI} -f json", self.alt, "alt_demo")):
            a = self.osc(cmd, env, who)
            b = self.osc(cmd, env, who, process=True)
            if not same(a, b):
                diffs += [a, b]
        self.check("the in-process CLI driver prints exactly what /usr/bin/openstack prints (demo and alt_demo "
                   "alternating)", not diffs, *diffs)
