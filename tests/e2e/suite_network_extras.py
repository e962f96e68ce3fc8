"""Neutron beyond networks, subnets, ports and security groups, with Debian's
real `openstack` CLI.

The lab's shared default subnet pools (exercises.md §1.6: private-subnet
10.0.0.0/26 drawn from shared-default-subnetpool, 10.0.0.0/22 in /26s);
`subnet pool create/list/show/set/delete` and subnets drawn from a pool
(`--subnet-pool --prefix-length`, `--use-default-subnet-pool`); Neutron
quotas (`quota list --network`, `quota set --networks`, then a network
refused with 409 OverQuota; `quota show` also reads Cinder, so it is not used
here); `network set --tag` and `network list --tags`; `network rbac create`
sharing demo's private network with alt_demo (EX-38's targeted variant), the
409 while alt_demo has a port on it; `network agent list`, `availability
zone list --network`, `ip availability list/show`.
"""

import re

from harness import Suite


def refused(run, status):
    return not run.ok and re.search(rf"\b{status}\b", run.err) is not None


def as_list(value):
    """A list column as the CLI prints it in JSON: a list, or (older OSC) comma-separated text."""
    if isinstance(value, list):
        return value
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


class NetworkExtrasSuite(Suite):
    name = "network_extras"

    def steps(self):
        return [self.step_lab_pools, self.step_subnet_pools, self.step_subnets_from_pools, self.step_quotas,
                self.step_tags, self.step_rbac, self.step_agents_zones_availability]

    def step_lab_pools(self):
        run = self.osc("subnet pool show shared-default-subnetpool -f json", self.demo, "demo", process=True)
        p = run.json() if run.ok else {}
        self.ids["default_pool"] = p.get("id")
        self.check("subnet pool show shared-default-subnetpool (demo): 10.0.0.0/22, /26, shared, default",
                   as_list(p.get("prefixes")) == ["10.0.0.0/22"] and p.get("default_prefixlen") == 26
                   and p.get("shared") is True and p.get("is_default") is True, run)
        sub = self.osc("subnet show private-subnet -f json", self.demo, "demo")
        s = sub.json() if sub.ok else {}
        self.check("subnet show private-subnet: 10.0.0.0/26 from the default pool",
                   s.get("cidr") == "10.0.0.0/26" and s.get("subnetpool_id") == p.get("id"), sub)

    def step_subnet_pools(self):
        create = self.osc("subnet pool create --pool-prefix 192.168.0.0/20 --default-prefix-length 24 labpool -f json",
                          self.demo, "demo")
        p = create.json() if create.ok else {}
        self.check("subnet pool create --pool-prefix 192.168.0.0/20 --default-prefix-length 24 labpool",
                   as_list(p.get("prefixes")) == ["192.168.0.0/20"] and p.get("default_prefixlen") == 24
                   and p.get("min_prefixlen") == 8 and p.get("max_prefixlen") == 32 and p.get("ip_version") == 4,
                   create)
        listed = self.osc("subnet pool list -f json", self.demo, "demo")
        self.check("subnet pool list (demo): labpool and the two shared default pools",
                   listed.ok and {"labpool", "shared-default-subnetpool", "shared-default-subnetpool-v6"}
                   <= self.names(listed.json()), listed)
        grow = self.osc("subnet pool set --pool-prefix 192.168.16.0/20 labpool", self.demo, "demo")
        shown = self.osc("subnet pool show labpool -f json", self.demo, "demo")
        self.check("subnet pool set --pool-prefix 192.168.16.0/20: the prefixes merge to 192.168.0.0/19",
                   grow.ok and shown.ok and as_list(shown.json().get("prefixes")) == ["192.168.0.0/19"], grow, shown)

    def step_subnets_from_pools(self):
        self.osc("network create poolnet", self.demo, "demo")
        sized = self.osc("subnet create --network poolnet --subnet-pool labpool --prefix-length 28 poolsub -f json",
                         self.demo, "demo", process=True)
        s = sized.json() if sized.ok else {}
        self.check("subnet create --subnet-pool labpool --prefix-length 28: 192.168.0.0/28, gateway .1",
                   s.get("cidr") == "192.168.0.0/28" and s.get("gateway_ip") == "192.168.0.1", sized)
        default = self.osc("subnet create --network poolnet --use-default-subnet-pool defsub -f json",
                           self.demo, "demo")
        d = default.json() if default.ok else {}
        self.check("subnet create --use-default-subnet-pool: the next /26 of 10.0.0.0/22 (10.0.0.64/26)",
                   d.get("cidr") == "10.0.0.64/26" and d.get("subnetpool_id") == self.ids.get("default_pool"),
                   default)
        no_range = self.osc("subnet create --network poolnet nosub", self.demo, "demo")
        self.check("subnet create without --subnet-range or a pool: refused (400)", refused(no_range, 400) or
                   (not no_range.ok and "subnet-range" in no_range.err), no_range)
        busy = self.osc("subnet pool delete labpool", self.demo, "demo")
        self.check("subnet pool delete labpool while poolsub uses it: refused (409)",
                   not busy.ok and ("409" in busy.err or "in use" in busy.err.lower()
                                    or "existing allocations" in busy.err), busy)
        for name in ("poolsub", "defsub"):
            self.osc(f"subnet delete {name}", self.demo, "demo")
        done = self.osc("subnet pool delete labpool", self.demo, "demo")
        gone = self.osc("subnet pool show labpool", self.demo, "demo")
        self.check("subnet pool delete labpool once its subnets are gone", done.ok and not gone.ok, done, gone)
        again = self.osc("subnet create --network poolnet --use-default-subnet-pool defsub2 -f json", self.demo, "demo")
        self.check("the freed 10.0.0.64/26 is handed out again",
                   again.ok and again.json().get("cidr") == "10.0.0.64/26", again)
        self.osc("network delete poolnet", self.demo, "demo")

    def step_quotas(self):
        setq = self.osc("quota set --networks 2 demo", self.admin, "admin", process=True)
        listed = self.osc("quota list --network -f json", self.admin, "admin")
        rows = listed.json() if listed.ok else []
        demo_id = self.osc("project show demo -f value -c id", self.admin, "admin").value()
        row = next((r for r in rows if r.get("Project ID") == demo_id), {})
        self.check("quota set --networks 2 demo: quota list --network shows demo with Networks 2, Ports 500",
                   setq.ok and row.get("Networks") == 2 and row.get("Ports") == 500, setq, listed)
        first = self.osc("network create quota1", self.demo, "demo")
        second = self.osc("network create quota2", self.demo, "demo", process=True)
        self.check("demo's second network beyond private: refused, 409 \"Quota exceeded for resources: ['network']\"",
                   first.ok and refused(second, 409)
                   and "Quota exceeded for resources: ['network']" in second.err, first, second)
        self.osc("network delete quota1", self.demo, "demo")
        reset = self.osc("quota set --networks 100 demo", self.admin, "admin")
        self.check("quota set --networks 100 demo (back to the default)", reset.ok, reset)

    def step_tags(self):
        self.osc("network create tagnet", self.demo, "demo")
        tag = self.osc("network set --tag lab --tag blue tagnet", self.demo, "demo")
        shown = self.osc("network show tagnet -f json", self.demo, "demo")
        tags = sorted(as_list(shown.json().get("tags"))) if shown.ok else []
        self.check("network set --tag lab --tag blue tagnet: network show lists both tags",
                   tag.ok and tags == ["blue", "lab"], tag, shown)
        listed = self.osc("network list --tags lab -f json", self.demo, "demo")
        self.check("network list --tags lab: only tagnet", listed.ok and self.names(listed.json()) == {"tagnet"},
                   listed)
        untag = self.osc("network unset --tag blue tagnet", self.demo, "demo")
        after = self.osc("network show tagnet -f json", self.demo, "demo")
        self.check("network unset --tag blue: lab remains",
                   untag.ok and after.ok and as_list(after.json().get("tags")) == ["lab"], untag, after)
        self.osc("network delete tagnet", self.demo, "demo")

    def step_rbac(self):
        alt = self.osc.creds("alt_demo")
        alt_id = self.osc("project show alt_demo -f value -c id", self.admin, "admin").value()
        before = self.osc("network list -f json", alt, "alt_demo")
        create = self.osc(f"network rbac create --type network --action access_as_shared --target-project {alt_id} "
                          "private -f json", self.demo, "demo", process=True)
        policy = create.json() if create.ok else {}
        self.check("network rbac create --action access_as_shared --target-project alt_demo private (demo, owner)",
                   policy.get("action") == "access_as_shared" and policy.get("target_project_id",
                                                                            policy.get("target_tenant")) == alt_id,
                   create)
        after = self.osc("network list -f json", alt, "alt_demo")
        self.check("network list (alt_demo): private appears once shared with it",
                   before.ok and "private" not in self.names(before.json())
                   and after.ok and "private" in self.names(after.json()), before, after)
        listed = self.osc("network rbac list -f json", self.demo, "demo")
        self.check("network rbac list (demo): the policy", listed.ok and policy.get("id") in
                   {r.get("ID") for r in listed.json()}, listed)
        port = self.osc("port create --network private altport -f json", alt, "alt_demo")
        busy = self.osc(f"network rbac delete {policy.get('id')}", self.demo, "demo")
        self.check("alt_demo's port on private; network rbac delete then refused (409 RbacPolicyInUse)",
                   port.ok and refused(busy, 409), port, busy)
        self.osc("port delete altport", alt, "alt_demo")
        done = self.osc(f"network rbac delete {policy.get('id')}", self.demo, "demo")
        gone = self.osc("network list -f json", alt, "alt_demo")
        self.check("network rbac delete once the port is gone: private hidden from alt_demo again",
                   done.ok and gone.ok and "private" not in self.names(gone.json()), done, gone)

    def step_agents_zones_availability(self):
        agents = self.osc("network agent list -f json", self.admin, "admin", process=True)
        rows = agents.json() if agents.ok else []
        binaries = {r.get("Binary") for r in rows}
        self.check("network agent list: DHCP, L3, metadata and Linux bridge agents on openstackbootcamp, alive, UP",
                   binaries == {"neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent",
                                "neutron-linuxbridge-agent"}
                   and all(r.get("Host") == "openstackbootcamp" and r.get("Alive") in (True, ":-)")
                           and r.get("State") in (True, "UP") for r in rows), agents)
        zones = self.osc("availability zone list --network -f json", self.demo, "demo")
        z = zones.json() if zones.ok else []
        self.check("availability zone list --network: nova, available",
                   zones.ok and z and all(r.get("Zone Name") == "nova" and r.get("Zone Status") == "available"
                                          for r in z), zones)
        listed = self.osc("ip availability list -f json", self.admin, "admin")
        rows = listed.json() if listed.ok else []
        private = next((r for r in rows if r.get("Network Name") == "private"), {})
        self.check("ip availability list (IPv4): private with 61 addresses in its pool",
                   private.get("Total IPs") == 61 and private.get("Used IPs", 0) >= 1, listed)
        shown = self.osc("ip availability show private -f json", self.admin, "admin")
        s = shown.json() if shown.ok else {}
        self.check("ip availability show private: network_name private, used_ips counted",
                   s.get("network_name") == "private" and isinstance(s.get("used_ips"), int), shown)
