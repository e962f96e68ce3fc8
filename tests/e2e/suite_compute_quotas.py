"""Nova quotas, limits, usage, server groups and server metadata/tags with
Debian's real `openstack` CLI, on the lab's single simulated host.

exercises.md §1.9: 10 instances per project (upstream defaults for the rest);
`quota list --compute` (`quota show` and `limits show` also read Cinder's
quota-sets and limits, which the volume service does not serve yet, so the
limits are read over HTTP), `quota set --instances 1` then a second server refused with
Nova's 403 quota message, `limits show --absolute`, `usage list` /
`usage show`, `server group create --policy anti-affinity` honoured (the
second member of a 1-host lab goes ERROR with NoValidHost), `server set
--property/--name/--tag`, `server unset --property`, `server list --tags`.
"""

from harness import Suite, http

IMAGE = "cirros-0.3.4-x86_64-uec"
V226 = "--os-compute-api-version 2.26"


class ComputeQuotasSuite(Suite):
    name = "compute_quotas"

    def steps(self):
        return [self.step_quota_show, self.step_instances_quota, self.step_limits, self.step_usage,
                self.step_server_group, self.step_properties_name_tags]

    def boot(self, name, extra="", process=True):
        run = self.osc(f"server create --image {IMAGE} --flavor m1.nano {extra} --wait {name} -f json", self.demo,
                       "demo", process=process)
        try:
            return run, (run.json() if run.ok else {})
        except ValueError:  # "Error creating server" instead of the JSON document
            return run, {}

    def step_quota_show(self):
        run = self.osc("quota list --compute --detail --project demo -f json", self.admin, "admin", process=True)
        q = {r["Resource"]: r for r in run.json()} if run.ok else {}
        self.check("quota list --compute --detail --project demo (admin): instances 10, cores 20, ram 51200, "
                   "key_pairs 100, server_groups 10, in use 0",
                   q.get("instances", {}).get("Limit") == 10 and q.get("cores", {}).get("Limit") == 20
                   and q.get("ram", {}).get("Limit") == 51200 and q.get("key_pairs", {}).get("Limit") == 100
                   and q.get("server_groups", {}).get("Limit") == 10 and q.get("instances", {}).get("In Use") == 0,
                   run)

    def step_instances_quota(self):
        setq = self.osc("quota set --instances 1 demo", self.admin, "admin")
        shown = self.osc("quota list --compute --project demo -f json", self.admin, "admin")
        rows = shown.json() if shown.ok else []
        self.check("quota set --instances 1 demo: quota list --compute says Instances 1",
                   setq.ok and len(rows) == 1 and rows[0].get("Instances") == 1, setq, shown)
        first, s = self.boot("Q1")
        self.check("server create --wait Q1 (demo, within quota): ACTIVE",
                   first.ok and s.get("status") == "ACTIVE", first)
        second, _ = self.boot("Q2", process=True)
        self.check("server create Q2 (demo, over quota): refused, 'Quota exceeded for instances: Requested 1, "
                   "but already used 1 of 1 instances' (HTTP 403)",
                   not second.ok and "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances"
                   in second.err and "403" in second.err, second)

    def step_limits(self):
        status, _, body = http("GET", self.lab.url + "/compute/v2.1/limits", token=self.token("demo"))
        rows = body["limits"]["absolute"] if status == 200 else {}
        self.check("GET /compute/v2.1/limits (demo; what limits show --absolute reads from Nova): "
                   "maxTotalInstances 1, totalInstancesUsed 1, maxTotalCores 20, totalRAMUsed 64",
                   rows.get("maxTotalInstances") == 1 and rows.get("totalInstancesUsed") == 1
                   and rows.get("maxTotalCores") == 20 and rows.get("totalRAMUsed") == 64, f"{status} {body}")

    def step_usage(self):
        run = self.osc("usage list -f json", self.admin, "admin")
        rows = run.json() if run.ok else []
        project = self.osc("project show demo -f value -c id", self.admin, "admin").out.strip()
        row = next((r for r in rows if r.get("Project") in ("demo", project)), {})
        servers = row.get("Servers")
        count = len(servers) if isinstance(servers, list) else servers
        self.check("usage list (admin): demo with 1 server (Q1, m1.nano), RAM MB-Hours = 64 x CPU Hours",
                   count == 1 and abs(float(row.get("RAM MB-Hours", 0)) - 64 * float(row.get("CPU Hours", -1))) < 1e-6,
                   run)
        show = self.osc(f"usage show --project {project} -f json", self.demo, "demo")
        u = show.json() if show.ok else {}
        servers = u.get("Servers")
        self.check("usage show --project <demo's id> (demo): 1 server",
                   (len(servers) if isinstance(servers, list) else servers) == 1, show)

    def step_server_group(self):
        reset = self.osc("quota set --instances 10 demo", self.admin, "admin", process=True)
        self.check("quota set --instances 10 demo (admin): back to the lab's 10", reset.ok, reset)
        run = self.osc("server group create --policy anti-affinity g1 -f json", self.demo, "demo")
        g = run.json() if run.ok else {}
        self.check("server group create --policy anti-affinity g1 (demo)",
                   run.ok and "anti-affinity" in str(g.get("policies", g.get("policy"))), run)
        gid = g.get("id", "g1")
        first, s1 = self.boot("AA1", f"--hint group={gid}")
        self.check("server create --hint group=g1 --wait AA1: ACTIVE", first.ok and s1.get("status") == "ACTIVE",
                   first)
        second, _ = self.boot("AA2", f"--hint group={gid}", process=True)
        show = self.osc("server show AA2 -f json", self.demo, "demo")
        s2 = show.json() if show.ok else {}
        self.check("server create --hint group=g1 --wait AA2 (1-host lab): ERROR, No valid host was found",
                   s2.get("status") == "ERROR"
                   and "No valid host was found" in str(s2.get("fault")), second, show)
        shown = self.osc(f"server group show {gid} -f json", self.demo, "demo")
        members = str(shown.json().get("members")) if shown.ok else ""
        self.check("server group show g1: both servers are members",
                   s1.get("id", "?") in members and s2.get("id", "?") in members, shown)
        for name in ("AA1", "AA2"):
            self.osc(f"server delete --wait {name}", self.demo, "demo")

    def step_properties_name_tags(self):
        setp = self.osc("server set --property color=blue --property size=xl Q1", self.demo, "demo")
        show = self.osc("server show Q1 -f json", self.demo, "demo")
        props = str(show.json().get("properties")) if show.ok else ""
        self.check("server set --property color=blue --property size=xl Q1: shown in properties",
                   setp.ok and "color" in props and "blue" in props and "size" in props, setp, show)
        unset = self.osc("server unset --property size Q1", self.demo, "demo")
        show = self.osc("server show Q1 -f json", self.demo, "demo")
        props = str(show.json().get("properties")) if show.ok else ""
        self.check("server unset --property size Q1: only color left",
                   unset.ok and "color" in props and "size" not in props, unset, show)
        rename = self.osc("server set --name Q1-renamed Q1", self.demo, "demo")
        show = self.osc("server show Q1-renamed -f json", self.demo, "demo")
        self.check("server set --name Q1-renamed Q1: server show Q1-renamed works",
                   rename.ok and show.ok and show.json().get("name") == "Q1-renamed", rename, show)
        tag = self.osc(f"{V226} server set --tag blue --tag web Q1-renamed", self.demo, "demo")
        show = self.osc(f"{V226} server show Q1-renamed -f json", self.demo, "demo")
        tags = str(show.json().get("tags")) if show.ok else ""
        self.check("server set --tag blue --tag web (2.26): server show lists both tags",
                   tag.ok and "blue" in tags and "web" in tags, tag, show)
        listed = self.osc(f"{V226} server list --tags blue -f json", self.demo, "demo")
        none = self.osc(f"{V226} server list --tags red -f json", self.demo, "demo")
        self.check("server list --tags blue: Q1-renamed; --tags red: nothing",
                   listed.ok and [r.get("Name") for r in listed.json()] == ["Q1-renamed"]
                   and none.ok and none.json() == [], listed, none)
