#!/usr/bin/python3
"""End-to-end test of stacklab's identity service with Debian's real `openstack` CLI.

    python3 tests/e2e/run_e2e.py build/stacklab [-v]

Starts its own `stacklab up --ephemeral` on a free port, replays what a
bootcamp student types on the identity day (tokens, projects, users,
passwords, roles, catalog, application credentials, domains, groups) and
checks what the CLI prints, then a few bad-input requests over plain HTTP.
Prints a PASS/FAIL table and exits non-zero when any check failed.

The `openstack` CLI costs ~0.5-2 s of Python start-up per process, so most
commands run in this process through openstackclient's own entry point
(`OpenStackShell().run(argv)`, exactly what /usr/bin/openstack calls), with
stdout/stderr captured and the OS_* environment set per command. The commands
students type most (token issue, the revoked token, the demo 403, the
application credential login) still run as real `/usr/bin/openstack`
processes, and one check compares the two ways on the same commands.
STACKLAB_E2E_SUBPROCESS=1 runs every command as its own process.

Needs /usr/bin/python3 with python3-openstackclient; when started by another
python3 (e.g. a pyenv one) it re-executes itself under /usr/bin/python3.
"""

import os
import sys


def _ensure_debian_python():
    try:
        import openstackclient  # noqa: F401
        return
    except ImportError:
        pass
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
        os.execv(system, [system] + sys.argv)
    sys.exit("run_e2e.py: python3-openstackclient is not importable (apt-get install python3-openstackclient)")


_ensure_debian_python()

import contextlib  # noqa: E402
import datetime  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

OPENSTACK = "/usr/bin/openstack"
PASSWORD = "nomoresecret"
SEED_PROJECTS = {"admin", "demo", "alt_demo", "invisible_to_admin", "service"}
VERBOSE = "-v" in sys.argv[1:]
ALL_SUBPROCESS = os.environ.get("STACKLAB_E2E_SUBPROCESS", "") not in ("", "0")
# The CLI has no request timeout (osc_lib forces api_timeout=None): a hung server must not hang `make e2e`.
SUITE_TIMEOUT = 240 if not ALL_SUBPROCESS else 600


# --------------------------------------------------------------------------
# results


class Results:
    def __init__(self):
        self.rows = []  # (ok, name, detail)

    def check(self, name, ok, detail=""):
        ok = bool(ok)
        self.rows.append((ok, name, "" if ok else detail))
        if VERBOSE or not ok:  # the details of a failure come with the table at the end
            print(f"  {'PASS' if ok else 'FAIL'}  {name}", flush=True)
        return ok

    @property
    def failed(self):
        return [r for r in self.rows if not r[0]]

    def table(self, elapsed):
        width = max([len(n) for _, n, _ in self.rows] + [5])
        lines = ["", f"{'RESULT':<6}  CHECK", f"{'-' * 6}  {'-' * width}"]
        for ok, name, detail in self.rows:
            lines.append(f"{'PASS' if ok else 'FAIL':<6}  {name}")
            if detail:
                lines.append(_indent(detail, 8))
        n, bad = len(self.rows), len(self.failed)
        lines.append(f"{'-' * 6}  {'-' * width}")
        lines.append(f"{n} checks: {n - bad} passed, {bad} failed, in {elapsed:.1f} s")
        return "\n".join(lines)


def _indent(text, n):
    text = text.rstrip()
    if len(text) > 3000:
        text = text[:3000] + "\n... (truncated)"
    return "\n".join(" " * n + line for line in text.splitlines())


# --------------------------------------------------------------------------
# the openstack CLI


class Run:
    """One `openstack ...` command and what it printed."""

    def __init__(self, argv, who, rc, out, err, how, seconds):
        self.argv, self.who, self.rc, self.out, self.err, self.how, self.seconds = argv, who, rc, out, err, how, seconds

    @property
    def ok(self):
        return self.rc == 0

    def json(self):
        return json.loads(self.out)

    def value(self):
        return self.out.strip()

    def transcript(self):
        cmd = "openstack " + " ".join(shlex.quote(a) for a in self.argv)
        text = f"[{self.who}, {self.how}, {self.seconds:.2f} s] $ {cmd}\n"
        if self.out.strip():
            text += self.out.rstrip() + "\n"
        if self.err.strip():
            text += "stderr: " + self.err.rstrip() + "\n"
        return text + f"(exit {self.rc})"


class Cli:
    def __init__(self, auth_url):
        self.auth_url = auth_url
        self.base = {"OS_AUTH_URL": auth_url, "OS_IDENTITY_API_VERSION": "3", "OS_REGION_NAME": "RegionOne"}
        self.commands = 0
        self.processes = 0
        self._shell_cls = None

    def creds(self, user, password=PASSWORD, project=None):
        """The openrc of `user` (project defaults to the user's name, as in DevStack's openrc)."""
        env = dict(self.base)
        env.update({"OS_USERNAME": user, "OS_PASSWORD": password, "OS_PROJECT_NAME": project or user,
                    "OS_USER_DOMAIN_ID": "default", "OS_PROJECT_DOMAIN_ID": "default"})
        return env

    def bare(self, **extra):
        """Only the auth URL: the command line says how to authenticate."""
        env = dict(self.base)
        env.update(extra)
        return env

    def __call__(self, command, env, who, process=False):
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        self.commands += 1
        start = time.monotonic()
        if process or ALL_SUBPROCESS:
            self.processes += 1
            rc, out, err = self._subprocess(argv, env)
            how = "process"
        else:
            rc, out, err = self._inprocess(argv, env)
            how = "in-process"
        run = Run(argv, who, rc, out, err, how, time.monotonic() - start)
        if VERBOSE:
            print(_indent(run.transcript(), 4), flush=True)
        return run

    @staticmethod
    def _subprocess(argv, env):
        full = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        full.update(env)
        try:
            p = subprocess.run([OPENSTACK] + argv, env=full, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired as e:
            return 124, e.stdout or "", (e.stderr or "") + "\n(timed out after 120 s)"
        return p.returncode, p.stdout, p.stderr

    @staticmethod
    def _forget_clients():
        """Drop the API clients a previous run left behind.

        osc_lib caches each service client (identity, compute, ...) in a ClientCache
        descriptor on the ClientManager *class*, so in one process the second
        command would reuse the first command's session, token and user: demo's
        `application credential create` would be made with admin's token.
        """
        from osc_lib.clientmanager import ClientCache
        from openstackclient.common.clientmanager import ClientManager
        for klass in ClientManager.__mro__:
            for attr in vars(klass).values():
                if isinstance(attr, ClientCache):
                    attr._handle = None

    def _inprocess(self, argv, env):
        if self._shell_cls is None:
            from openstackclient.shell import OpenStackShell
            self._shell_cls = OpenStackShell
        self._forget_clients()
        saved_env = dict(os.environ)
        root = logging.getLogger()
        saved_handlers, saved_level = list(root.handlers), root.level
        out, err = io.StringIO(), io.StringIO()
        try:
            for k in [k for k in os.environ if k.startswith("OS_")]:
                del os.environ[k]
            os.environ.update(env)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    # What /usr/bin/openstack does: sys.exit(OpenStackShell().run(argv)).
                    rc = self._shell_cls().run(argv)
                except SystemExit as e:  # argparse errors
                    rc = e.code if isinstance(e.code, int) else 1
                except Exception:  # osc re-raises only with --debug; keep going either way
                    traceback.print_exc(file=err)
                    rc = 1
        finally:
            # osc adds a console log handler to the root logger per run: drop it.
            for h in list(root.handlers):
                if h not in saved_handlers:
                    root.removeHandler(h)
            root.setLevel(saved_level)
            os.environ.clear()
            os.environ.update(saved_env)
        return (rc if rc is not None else 0), out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------
# plain HTTP


def http(method, url, body=None, token=None, raw=None, headers=None):
    """(status, headers, parsed JSON body or raw text)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, hdrs, text = resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, hdrs, text = e.code, e.headers, e.read().decode()
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        doc = text
    return status, hdrs, doc


def password_auth(user, password, project=None):
    scope = {"scope": {"project": {"name": project, "domain": {"id": "default"}}}} if project else {}
    return {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"name": user, "domain": {"id": "default"},
                                                        "password": password}}}, **scope}}


# --------------------------------------------------------------------------
# the cloud under test


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stacklab:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.proc = None
        self.port = None
        self.log = tempfile.TemporaryFile(mode="w+")
        self.startup_seconds = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def banner(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def start(self):
        for _ in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            self.log.seek(0)
            self.log.truncate()
            start = time.monotonic()
            self.proc = subprocess.Popen(
                [self.binary, "up", "--ephemeral", "--listen", f"127.0.0.1:{self.port}", "--quiet"],
                stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = start + 15
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    status, _, _ = http("GET", self.url + "/identity/v3")
                    if status == 200:
                        self.startup_seconds = time.monotonic() - start
                        return
                except OSError:
                    pass
                time.sleep(0.05)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError("stacklab did not answer GET /identity/v3 within 15 s:\n" + self.banner())
        raise RuntimeError(f"stacklab exited with {self.proc.returncode} at start:\n" + self.banner())

    def stop(self):
        """SIGTERM, then wait; returns (exit code, seconds) or (None, seconds) when it had to be killed."""
        if self.proc is None or self.proc.poll() is not None:
            return (self.proc.returncode if self.proc else None), 0.0
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        return rc, time.monotonic() - start


# --------------------------------------------------------------------------
# the bootcamp, step by step


class Bootcamp:
    def __init__(self, lab, results):
        self.lab = lab
        self.r = results
        self.identity = lab.url + "/identity"
        self.osc = Cli(self.identity)
        self.admin = self.osc.creds("admin")
        self.demo = self.osc.creds("demo")
        self.ids = {}

    # helpers -------------------------------------------------------------

    def check(self, name, ok, *runs, note=""):
        detail = "\n".join([note] + [r.transcript() if isinstance(r, Run) else str(r) for r in runs]).strip()
        return self.r.check(name, ok, detail)

    def admin_token(self):
        status, hdrs, _ = http("POST", self.identity + "/v3/auth/tokens", password_auth("admin", PASSWORD, "admin"))
        assert status == 201, f"admin password auth over HTTP gave {status}"
        return hdrs["X-Subject-Token"]

    @staticmethod
    def names(rows, key="Name"):
        return {row[key] for row in rows}

    # ---------------------------------------------------------------------

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

    def run(self):
        steps = [self.step_banner, self.step_seed, self.step_token_issue, self.step_token_revoke, self.step_catalog,
                 self.step_projects, self.step_users, self.step_role_remove, self.step_groups, self.step_domains,
                 self.step_application_credentials, self.step_project_delete, self.step_same_output_both_ways,
                 self.step_http_bad_input]
        for step in steps:
            if VERBOSE:
                print(f"== {step.__name__}", flush=True)
            try:
                step()
            except Exception:
                self.r.check(f"{step.__name__} ran to the end", False, traceback.format_exc())


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 1:
        sys.exit("usage: run_e2e.py path/to/stacklab [-v]")
    results = Results()
    start = time.monotonic()
    lab = Stacklab(args[0])
    try:
        lab.start()
    except Exception as e:
        results.check("stacklab up --ephemeral starts and answers GET /identity/v3", False, str(e))
        print(results.table(time.monotonic() - start))
        return 1
    print(f"stacklab up on {lab.url} (ready in {lab.startup_seconds:.2f} s); "
          f"openstack CLI {'as one process per command' if ALL_SUBPROCESS else 'in-process, some as processes'}",
          flush=True)
    camp = Bootcamp(lab, results)

    def watchdog():
        # sys.stdout may be redirected into the hung in-process command: write to the real one.
        results.rows.append((False, f"the suite finishes within {SUITE_TIMEOUT} s",
                             "a command hung; the table stops at the last finished check"))
        sys.__stdout__.write(results.table(time.monotonic() - start) + "\n")
        sys.__stdout__.flush()
        if lab.proc.poll() is None:
            lab.proc.kill()
        os._exit(1)

    timer = threading.Timer(SUITE_TIMEOUT, watchdog)
    timer.daemon = True
    timer.start()
    try:
        camp.run()
    finally:
        timer.cancel()
        rc, seconds = lab.stop()
    results.check("stacklab exits 0 on SIGTERM", rc == 0,
                  f"exit code {rc} after {seconds:.1f} s" if rc is not None else "still running 10 s after SIGTERM")
    elapsed = time.monotonic() - start
    print(results.table(elapsed))
    print(f"{camp.osc.commands} openstack commands ({camp.osc.processes} as separate processes)")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
