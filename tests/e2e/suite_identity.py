"""Identity (Keystone v3) with Debian's real `openstack` CLI.

Replays what a bootcamp student types on the identity day (tokens, projects,
users, passwords, roles, catalog, application credentials, domains, groups)
and checks what the CLI prints, then a few bad-input requests over plain HTTP.
The commands students type most (token issue, the revoked token, the demo
403, the application credential login) run as real `/usr/bin/openstack`
processes, and one check compares the two ways on the same commands.
"""

import datetime
import re
import time

from harness import Suite, http, password_auth

SEED_PROJECTS = {"admin", "demo", "alt_demo", "invisible_to_admin", "service"}


class IdentitySuite(Suite):
    name = "identity"

    def steps(self):
        return [self.step_banner, self.step_seed, self.step_token_issue, self.step_token_revoke, self.step_catalog,
                self.step_projects, self.step_users, self.step_role_remove, self.step_groups, self.step_domains,
                self.step_application_credentials, self.step_project_delete, self.step_same_output_both_ways,
                self.step_http_bad_input]

    def step_banner(self):
        want = f"Keystone is serving at {self.identity}/"
        deadline = time.monotonic() + 3  # it may answer HTTP a moment before the banner is flushed
        while want not in self.lab.banner() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = self.lab.banner()
        self.check("stacklab up prints where Keystone is serving", want in text, note=text)

    def step_seed(self):
        # IDs of the lab's seed, to compare what later commands print against.
        projects = self.osc("project list -f json", self.admin, "admin")
        users = self.osc("user list -f json", self.admin, "admin")
        ok = projects.ok and users.ok
        if ok:
            self.ids.update({"project:" + p["Name"]: p["ID"] for p in projects.json()})
            self.ids.update({"user:" + u["Name"]: u["ID"] for u in users.json()})
        self.check("the lab is seeded: projects admin, demo, alt_demo, invisible_to_admin, service; users admin, demo, alt_demo",
                   ok and SEED_PROJECTS <= self.names(projects.json())
                   and {"admin", "demo", "alt_demo"} <= self.names(users.json()), projects, users)

    def step_token_issue(self):
        # What every student types first: one real process, as typed.
        run = self.osc("token issue -f json", self.admin, "admin", process=True)
        tok = run.json() if run.ok else {}
        expires_ok = False
        if tok.get("expires"):
            try:
                exp = datetime.datetime.strptime(tok["expires"], "%Y-%m-%dT%H:%M:%S%z")
                left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
                expires_ok = 55 * 60 < left <= 61 * 60
            except ValueError:
                pass
        self.check("token issue: admin gets a token scoped to project admin, for admin's user id",
                   run.ok and tok.get("id") and tok.get("project_id") == self.ids.get("project:admin")
                   and tok.get("user_id") == self.ids.get("user:admin"), run)
        self.check("token issue: the token expires in one hour", expires_ok, run)

        demo = self.osc("token issue -f value -c project_id -c user_id", self.demo, "demo")
        self.check("token issue: demo's openrc gives a token scoped to project demo",
                   demo.ok and demo.out.split() == [self.ids.get("project:demo"), self.ids.get("user:demo")], demo)

    def step_token_revoke(self):
        issued = self.osc("token issue -f value -c id", self.admin, "admin")
        token = issued.value()
        as_token = f"--os-auth-type token --os-token {token} --os-project-name admin --os-project-domain-id default"
        before = self.osc(f"{as_token} project list -f value -c Name", self.osc.bare(), "token")
        self.check("a token works as --os-token before it is revoked",
                   issued.ok and before.ok and "admin" in before.out.split(), issued, before)

        revoke = self.osc(f"token revoke {token}", self.admin, "admin")
        self.check("token revoke: succeeds and prints nothing", revoke.ok and revoke.out.strip() == "", revoke)

        # The revoked token is refused: a real process, as a student would check it.
        after = self.osc(f"{as_token} project list", self.osc.bare(), "revoked token", process=True)
        self.check("a revoked token gets HTTP 401 (openstack --os-auth-type token --os-token <revoked> project list)",
                   not after.ok and "(HTTP 401)" in after.err, after)

        status, _, body = http("GET", self.identity + "/v3/auth/tokens", token=self.admin_token(),
                               headers={"X-Subject-Token": token})
        self.check("validating a revoked token (GET /v3/auth/tokens) gives 404",
                   status == 404 and isinstance(body, dict) and body.get("error", {}).get("code") == 404,
                   note=f"GET /v3/auth/tokens -> {status} {body}")

        again = self.osc(f"token revoke {token}", self.admin, "admin")
        self.check("token revoke of an already revoked token fails with HTTP 404",
                   not again.ok and "(HTTP 404)" in again.err, again)

    def step_catalog(self):
        catalog = self.osc("catalog list -f json", self.admin, "admin")
        endpoints = self.osc("endpoint list -f json", self.admin, "admin")
        services = self.osc("service list -f json", self.admin, "admin")
        if not (catalog.ok and endpoints.ok and services.ok):
            self.check("catalog list, endpoint list, service list work for admin", False, catalog, endpoints, services)
            return
        cat, eps, svcs = catalog.json(), endpoints.json(), services.json()

        by_type = {s["Type"]: s for s in cat}
        identity = by_type.get("identity", {"Endpoints": []})
        want = {("RegionOne", i, self.identity) for i in ("public", "internal", "admin")}
        got = {(e.get("region"), e.get("interface"), e.get("url")) for e in identity["Endpoints"]}
        self.check("catalog list: keystone (identity) at <auth url> for public, internal and admin in RegionOne",
                   identity.get("Name") == "keystone" and got == want, catalog)

        core = {"identity": "keystone", "compute": "nova", "image": "glance", "network": "neutron",
                "placement": "placement", "volumev3": "cinderv3"}
        self.check("catalog list: the DevStack services are there (keystone nova glance neutron placement cinderv3)",
                   all(by_type.get(t, {}).get("Name") == n for t, n in core.items()), catalog)

        admin_project = self.ids.get("project:admin", "?")
        vol = [e["url"] for e in by_type.get("volumev3", {"Endpoints": []})["Endpoints"]]
        self.check("catalog list: the volume URL carries admin's project id (/volume/v3/<project id>)",
                   vol and all(u == f"{self.lab.url}/volume/v3/{admin_project}" for u in vol), catalog)

        from_catalog = {(e["id"], s["Type"], e["interface"]) for s in cat for e in s["Endpoints"]}
        from_list = {(e["ID"], e["Service Type"], e["Interface"]) for e in eps}
        self.check("endpoint list: the same endpoints as the catalog (ids, service types, interfaces)",
                   from_catalog == from_list, note=f"only in catalog: {sorted(from_catalog - from_list)}\n"
                   f"only in endpoint list: {sorted(from_list - from_catalog)}")

        ident = {(e["Interface"], e["URL"], e["Region"], e["Enabled"]) for e in eps if e["Service Type"] == "identity"}
        templated = [e["URL"] for e in eps if e["Service Type"] == "volumev3"]
        self.check("endpoint list: identity endpoints are enabled at <auth url>, volumev3 URLs keep $(project_id)s",
                   ident == {(i, self.identity, "RegionOne", True) for i in ("public", "internal", "admin")}
                   and templated and all(u == f"{self.lab.url}/volume/v3/$(project_id)s" for u in templated),
                   endpoints)

        self.check("service list (admin): one service per catalog entry, with the same names and types",
                   {(s["Name"], s["Type"]) for s in svcs} == {(s["Name"], s["Type"]) for s in cat}
                   and len(svcs) == len(cat), services, catalog)

        # The demo user is not an admin: a real process, as typed.
        denied = self.osc("service list", self.demo, "demo", process=True)
        self.check("service list as demo: 'You are not authorized to perform the requested action: "
                   "identity:list_services.' (HTTP 403)",
                   not denied.ok and "You are not authorized to perform the requested action: "
                   "identity:list_services." in denied.err and "(HTTP 403)" in denied.err
                   and denied.out.strip() == "", denied)

    def step_projects(self):
        create = self.osc("project create --domain default --description 'Bootcamp project' bootcamp -f json",
                          self.admin, "admin")
        p = create.json() if create.ok else {}
        self.ids["project:bootcamp"] = p.get("id")
        self.check("project create: prints the new project (name, description, domain default, enabled)",
                   create.ok and p.get("name") == "bootcamp" and p.get("description") == "Bootcamp project"
                   and p.get("domain_id") == "default" and p.get("enabled") is True and len(p.get("id", "")) == 32,
                   create)

        dup = self.osc("project create bootcamp", self.admin, "admin")
        self.check("project create of an existing name fails with HTTP 409 (Conflict)",
                   not dup.ok and "(HTTP 409)" in dup.err and "Duplicate entry" in dup.err, dup)

        listing = self.osc("project list -f json", self.admin, "admin")
        self.check("project list: shows the new project next to the lab's projects",
                   listing.ok and SEED_PROJECTS | {"bootcamp"} <= self.names(listing.json())
                   and {"ID": p.get("id"), "Name": "bootcamp"} in listing.json(), listing)

        show = self.osc("project show bootcamp -f json", self.admin, "admin")
        self.check("project show <name>: the same project as created",
                   show.ok and show.json().get("id") == p.get("id")
                   and show.json().get("description") == "Bootcamp project", show)

        setp = self.osc("project set --name bootcamp-lab --description 'Lab project' --disable bootcamp",
                        self.admin, "admin")
        after = self.osc(f"project show {p.get('id')} -f json", self.admin, "admin")
        a = after.json() if after.ok else {}
        self.check("project set --name --description --disable: project show prints the new values",
                   setp.ok and setp.out.strip() == "" and a.get("name") == "bootcamp-lab"
                   and a.get("description") == "Lab project" and a.get("enabled") is False, setp, after)

        enable = self.osc("project set --enable bootcamp-lab", self.admin, "admin")
        shown = self.osc("project show bootcamp-lab -f value -c enabled", self.admin, "admin")
        self.check("project set --enable: the project is enabled again",
                   enable.ok and shown.value() == "True", enable, shown)

    def step_users(self):
        create = self.osc("user create --domain default --project bootcamp-lab --email student@example.org "
                          "--description 'Bootcamp student' --password s3cret-1 student -f json", self.admin, "admin")
        u = create.json() if create.ok else {}
        self.ids["user:student"] = u.get("id")
        self.check("user create --project --email --description --password: prints the user, not the password",
                   create.ok and u.get("name") == "student" and u.get("email") == "student@example.org"
                   and u.get("description") == "Bootcamp student" and u.get("domain_id") == "default"
                   and u.get("default_project_id") == self.ids.get("project:bootcamp") and u.get("enabled") is True
                   and "s3cret-1" not in create.out and "password" not in u, create)

        shown = self.osc("user show student -f json", self.admin, "admin")
        self.check("user show: email and description were stored",
                   shown.ok and shown.json().get("email") == "student@example.org"
                   and shown.json().get("description") == "Bootcamp student", shown)

        student = self.osc.creds("student", "s3cret-1", "bootcamp-lab")
        no_role = self.osc("token issue", student, "student")
        self.check("a new user without a role on the project cannot get a token scoped to it (HTTP 401)",
                   not no_role.ok and "(HTTP 401)" in no_role.err, no_role)

        add = self.osc("role add --project bootcamp-lab --user student member", self.admin, "admin")
        self.check("role add --project --user member: succeeds and prints nothing", add.ok and add.out.strip() == "",
                   add)

        listing = self.osc("role assignment list --names --user student -f json", self.admin, "admin")
        self.check("role assignment list --names --user: member of bootcamp-lab@Default",
                   listing.ok and listing.json() == [{"Role": "member", "User": "student@Default", "Group": "",
                                                      "Project": "bootcamp-lab@Default", "Domain": "", "System": "",
                                                      "Inherited": False}], listing)

        everything = self.osc("role assignment list --names -f json", self.admin, "admin")
        rows = {(a["Role"], a["User"], a["Project"]) for a in everything.json()} if everything.ok else set()
        want = {("admin", "admin@Default", "admin@Default"), ("member", "demo@Default", "demo@Default"),
                ("anotherrole", "demo@Default", "demo@Default"), ("member", "student@Default", "bootcamp-lab@Default")}
        self.check("role assignment list --names: the lab's grants (admin on admin, demo's member+anotherrole) "
                   "and the new one", everything.ok and want <= rows, everything)

        login = self.osc("token issue -f value -c id -c project_id -c user_id", student, "student")
        self.check("with the member role the student gets a token scoped to bootcamp-lab",
                   login.ok and login.out.split()[1:] == [self.ids.get("project:bootcamp"), u.get("id")], login)
        earlier = login.out.split()[0] if login.ok else "none"

        # user set --password: the new password works and the old one no longer does.
        setpw = self.osc("user set --password s3cret-2 student", self.admin, "admin")
        new = self.osc("token issue -f value -c user_id", self.osc.creds("student", "s3cret-2", "bootcamp-lab"),
                       "student (new password)")
        old = self.osc("token issue -f value -c user_id", student, "student (old password)")
        self.check("user set --password: succeeds and prints nothing", setpw.ok and setpw.out.strip() == "", setpw)
        self.check("user set --password: the new password authenticates",
                   new.ok and new.value() == u.get("id"), new)
        self.check("user set --password: the old password is refused (HTTP 401)",
                   not old.ok and "(HTTP 401)" in old.err, old)
        reuse = self.osc(f"--os-auth-type token --os-token {earlier} --os-project-name bootcamp-lab "
                         "--os-project-domain-id default token issue", self.osc.bare(), "student's earlier token")
        self.check("user set --password: the student's tokens from before the change are revoked (HTTP 401)",
                   not reuse.ok and "(HTTP 401)" in reuse.err, reuse)

    def step_role_remove(self):
        remove = self.osc("role remove --project bootcamp-lab --user student member", self.admin, "admin")
        listing = self.osc("role assignment list --names --user student -f json", self.admin, "admin")
        self.check("role remove: role assignment list --user shows nothing left",
                   remove.ok and remove.out.strip() == "" and listing.ok and listing.json() == [], remove, listing)
        login = self.osc("token issue", self.osc.creds("student", "s3cret-2", "bootcamp-lab"), "student")
        self.check("after role remove the student cannot scope to bootcamp-lab any more (HTTP 401)",
                   not login.ok and "(HTTP 401)" in login.err, login)

    def step_groups(self):
        create = self.osc("group create --domain default --description 'Bootcamp students' students -f json",
                          self.admin, "admin")
        g = create.json() if create.ok else {}
        self.check("group create: prints the new group (name, description, domain default)",
                   create.ok and g.get("name") == "students" and g.get("description") == "Bootcamp students"
                   and g.get("domain_id") == "default" and len(g.get("id", "")) == 32, create)

        add = self.osc("group add user students student", self.admin, "admin")
        self.check("group add user: succeeds and prints nothing", add.ok and add.out.strip() == "", add)

        yes = self.osc("group contains user students student", self.admin, "admin")
        self.check("group contains user: 'student in group students'",
                   yes.ok and yes.value() == "student in group students", yes)
        # osc writes the negative answer to stderr and still exits 0.
        no = self.osc("group contains user students demo", self.admin, "admin")
        self.check("group contains user (not a member): 'demo not in group students'",
                   no.ok and no.out.strip() == "" and no.err.strip() == "demo not in group students", no)

        members = self.osc("user list --group students -f value -c Name", self.admin, "admin")
        self.check("user list --group: only the student", members.ok and members.value() == "student", members)

    def step_domains(self):
        create = self.osc("domain create --description 'Bootcamp domain' bootcamp-domain -f json", self.admin, "admin")
        d = create.json() if create.ok else {}
        self.check("domain create: prints the new domain (name, description, enabled)",
                   create.ok and d.get("name") == "bootcamp-domain" and d.get("description") == "Bootcamp domain"
                   and d.get("enabled") is True and len(d.get("id", "")) == 32, create)
        listing = self.osc("domain list -f json", self.admin, "admin")
        rows = {(x["ID"], x["Name"], x["Enabled"]) for x in listing.json()} if listing.ok else set()
        self.check("domain list: Default (id default) and the new domain",
                   {("default", "Default", True), (d.get("id"), "bootcamp-domain", True)} <= rows, listing)

    def step_application_credentials(self):
        create = self.osc("application credential create --description 'for CI' demo-ci -f json", self.demo, "demo")
        c = create.json() if create.ok else {}
        roles = c.get("roles", "")
        self.check("application credential create (demo): prints id and secret, bound to project demo, "
                   "with demo's roles",
                   create.ok and c.get("name") == "demo-ci" and c.get("secret") and len(c.get("id", "")) == 32
                   and c.get("project_id") == self.ids.get("project:demo")
                   and c.get("user_id") == self.ids.get("user:demo")
                   and {"member", "anotherrole"} <= set(str(roles).replace(",", " ").split()), create)

        auth = (f"--os-auth-type v3applicationcredential --os-application-credential-id {c.get('id')} "
                f"--os-application-credential-secret {c.get('secret')}")
        login = self.osc(f"{auth} token issue -f json", self.osc.bare(), "application credential", process=True)
        t = login.json() if login.ok else {}
        self.check("token issue with --os-auth-type v3applicationcredential: demo's user, scoped to project demo",
                   login.ok and t.get("user_id") == self.ids.get("user:demo")
                   and t.get("project_id") == self.ids.get("project:demo"), login)

        wrong = (f"--os-auth-type v3applicationcredential --os-application-credential-id {c.get('id')} "
                 f"--os-application-credential-secret not-the-secret")
        bad = self.osc(f"{wrong} token issue", self.osc.bare(), "application credential (wrong secret)")
        self.check("an application credential with a wrong secret is refused (HTTP 401)",
                   not bad.ok and "(HTTP 401)" in bad.err, bad)

    def step_project_delete(self):
        delete = self.osc("project delete bootcamp-lab", self.admin, "admin")
        show = self.osc("project show bootcamp-lab", self.admin, "admin")
        listing = self.osc("project list -f value -c Name", self.admin, "admin")
        self.check("project delete: project show then says \"No project with a name or ID of 'bootcamp-lab' "
                   "exists.\" and project list no longer has it",
                   delete.ok and delete.out.strip() == "" and not show.ok
                   and "No project with a name or ID of 'bootcamp-lab' exists." in show.err
                   and listing.ok and "bootcamp-lab" not in listing.out.split()
                   and SEED_PROJECTS <= set(listing.out.split()), delete, show, listing)

    def step_same_output_both_ways(self):
        # The in-process driver must print what /usr/bin/openstack prints, and must not
        # carry one command's credentials over to the next (admin and demo alternate).
        def same(a, b):
            strip = lambda text: re.sub(r"req-[0-9a-f-]{36}", "req-*", text)  # noqa: E731
            return (a.rc, a.out, strip(a.err)) == (b.rc, b.out, strip(b.err))

        diffs = []
        for cmd, env, who in (("project list -f json --sort-column Name", self.admin, "admin"),
                              ("project list -f json", self.demo, "demo"),
                              ("role list -f value --sort-column Name", self.admin, "admin"),
                              ("application credential list -f value -c Name", self.demo, "demo"),
                              ("user show demo -f json", self.demo, "demo")):
            a = self.osc(cmd, env, who)
            b = self.osc(cmd, env, who, process=True)
            if not same(a, b):
                diffs += [a, b]
        self.check("the in-process CLI driver prints exactly what /usr/bin/openstack prints (admin and demo alternating)",
                   not diffs, *diffs)

    # bad input over plain HTTP ---------------------------------------------

    def step_http_bad_input(self):
        base = self.identity + "/v3"
        token = self.admin_token()

        def error_shape(status, body, code):
            return (status == code and isinstance(body, dict) and set(body) == {"error"}
                    and body["error"].get("code") == code and isinstance(body["error"].get("message"), str)
                    and body["error"]["message"] and isinstance(body["error"].get("title"), str))

        status, _, body = http("POST", base + "/projects", token=token, raw=b'{"project": {"name": "half",')
        self.check("POST /v3/projects with a malformed JSON body: 400 with {\"error\": {\"code\": 400, ...}}",
                   error_shape(status, body, 400), note=f"-> {status} {body}")
        status2, _, body2 = http("GET", base + "/projects?name=half", token=token)
        self.check("the malformed request created nothing",
                   status2 == 200 and body2.get("projects") == [], note=f"GET /v3/projects?name=half -> {status2} {body2}")

        status, hdrs, body = http("GET", base + "/projects")
        self.check("GET /v3/projects without a token: 401 with a Keystone error body and WWW-Authenticate",
                   error_shape(status, body, 401) and hdrs.get("WWW-Authenticate", "").startswith("Keystone uri="),
                   note=f"-> {status} {dict(hdrs)} {body}")

        s1, _, b1 = http("POST", base + "/auth/tokens", password_auth("admin", "wrong-password", "admin"))
        s2, _, b2 = http("POST", base + "/auth/tokens", password_auth("no-such-user", "wrong-password", "admin"))
        self.check("wrong password: 401, with the same message as an unknown user",
                   error_shape(s1, b1, 401) and error_shape(s2, b2, 401) and b1 == b2,
                   note=f"admin/wrong-password -> {s1} {b1}\nno-such-user -> {s2} {b2}")

        status, _, body = http("GET", base + "/projects/0123456789abcdef0123456789abcdef", token=token)
        self.check("GET /v3/projects/<unknown id>: 404 'Could not find project: <id>.'",
                   error_shape(status, body, 404)
                   and body["error"]["message"] == "Could not find project: 0123456789abcdef0123456789abcdef.",
                   note=f"-> {status} {body}")
