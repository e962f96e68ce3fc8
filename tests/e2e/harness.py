"""Shared machinery of the e2e suites: the cloud under test, the `openstack` CLI, checks.

A suite (tests/e2e/suite_*.py) is a subclass of Suite with `name`, a docstring
and `steps`; run_e2e.py finds the suites, gives each its own
`stacklab up --ephemeral` and prints one PASS/FAIL table.

The `openstack` CLI costs ~0.5-2 s of Python start-up per process, so most
commands run in this process through openstackclient's own entry point
(`OpenStackShell().run(argv)`, exactly what /usr/bin/openstack calls), with
stdout/stderr captured and the OS_* environment set per command
(Cli(..., process=True) runs a real /usr/bin/openstack instead).
STACKLAB_E2E_SUBPROCESS=1 runs every command as its own process.

Only the standard library is imported here: openstackclient is imported on
first use, after run_e2e.py made sure it runs under /usr/bin/python3.
"""

import contextlib
import io
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

OPENSTACK = "/usr/bin/openstack"
PASSWORD = "nomoresecret"
VERBOSE = False  # run_e2e.py -v
ALL_SUBPROCESS = os.environ.get("STACKLAB_E2E_SUBPROCESS", "") not in ("", "0")
# The CLI has no request timeout (osc_lib forces api_timeout=None): a hung server must not hang `make e2e`.
RUN_TIMEOUT = 1200 if not ALL_SUBPROCESS else 2400


def ensure_debian_python():
    """Re-executes under /usr/bin/python3 when openstackclient is not importable here."""
    try:
        import openstackclient  # noqa: F401
        return
    except ImportError:
        pass
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
        os.execv(system, [system] + sys.argv)
    sys.exit("run_e2e.py: python3-openstackclient is not importable (apt-get install python3-openstackclient)")


# --------------------------------------------------------------------------
# results


class Results:
    def __init__(self):
        self.rows = []  # (ok, name, detail); ok is None for a suite's heading

    def section(self, title):
        self.rows.append((None, title, ""))
        if VERBOSE:
            print(f"== {title}", flush=True)

    def check(self, name, ok, detail=""):
        ok = bool(ok)
        self.rows.append((ok, name, "" if ok else detail))
        if VERBOSE or not ok:  # the details of a failure come with the table at the end
            print(f"  {'PASS' if ok else 'FAIL'}  {name}", flush=True)
        return ok

    @property
    def checks(self):
        return [r for r in self.rows if r[0] is not None]

    @property
    def failed(self):
        return [r for r in self.rows if r[0] is False]

    def table(self, elapsed):
        width = max([len(n) for _, n, _ in self.rows] + [5])
        lines = ["", f"{'RESULT':<6}  CHECK", f"{'-' * 6}  {'-' * width}"]
        for ok, name, detail in self.rows:
            if ok is None:
                lines.append(f"{'':<6}  [{name}]")
                continue
            lines.append(f"{'PASS' if ok else 'FAIL':<6}  {name}")
            if detail:
                lines.append(_indent(detail, 8))
        n, bad = len(self.checks), len(self.failed)
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

    _volume_api_versions = None  # openstackclient.volume.client.API_VERSIONS before any command ran

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
        # The volume plugin deletes the cinderclient versions it cannot import from its
        # module-level table on every run, and fails (KeyError) on the second: give it back.
        from openstackclient.volume import client as volume_client
        if Cli._volume_api_versions is None:
            Cli._volume_api_versions = dict(volume_client.API_VERSIONS)
        volume_client.API_VERSIONS.clear()
        volume_client.API_VERSIONS.update(Cli._volume_api_versions)
        volume_client._volume_api_version = None

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
    def __init__(self, binary, options=()):
        self.binary = os.path.abspath(binary)
        self.options = list(options)  # more `stacklab up` options (e.g. --hosts 2)
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
                [self.binary, "up", "--ephemeral", "--listen", f"127.0.0.1:{self.port}", "--quiet"] + self.options,
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
# suites


class Suite:
    """One service's e2e checks against its own lab; subclasses list their steps."""

    name = "?"
    up_options = ()  # more `stacklab up` options for this suite's lab

    def __init__(self, lab, results, workdir):
        self.lab = lab
        self.r = results
        self.workdir = workdir  # a scratch directory of the suite's own
        self.identity = lab.url + "/identity"
        self.osc = Cli(self.identity)
        self.admin = self.osc.creds("admin")
        self.demo = self.osc.creds("demo")
        self.ids = {}

    def steps(self):
        return []

    def check(self, name, ok, *runs, note=""):
        detail = "\n".join([note] + [r.transcript() if isinstance(r, Run) else str(r) for r in runs]).strip()
        return self.r.check(name, ok, detail)

    def token(self, user="admin", project=None):
        status, hdrs, _ = http("POST", self.identity + "/v3/auth/tokens",
                               password_auth(user, PASSWORD, project or user))
        assert status == 201, f"{user} password auth over HTTP gave {status}"
        return hdrs["X-Subject-Token"]

    def admin_token(self):
        return self.token("admin")

    @staticmethod
    def names(rows, key="Name"):
        return {row[key] for row in rows}

    def run(self):
        for step in self.steps():
            if VERBOSE:
                print(f"-- {self.name}: {step.__name__}", flush=True)
            try:
                step()
            except Exception:
                self.r.check(f"{step.__name__} ran to the end", False, traceback.format_exc())


def run_suite(binary, cls, results):
    """Runs one suite against a fresh `stacklab up --ephemeral` into `results`; (commands, processes) it ran."""
    results.section(cls.name)
    suite_start = time.monotonic()
    lab = Stacklab(binary, cls.up_options)
    _current_labs.add(lab)
    try:
        lab.start()
    except Exception as e:
        results.check("stacklab up --ephemeral starts and answers GET /identity/v3", False, str(e))
        return 0, 0
    print(f"[{cls.name}] stacklab up on {lab.url} (ready in {lab.startup_seconds:.2f} s); openstack CLI "
          f"{'as one process per command' if ALL_SUBPROCESS else 'in-process, some as processes'}",
          flush=True)
    suite = None
    try:
        with tempfile.TemporaryDirectory(prefix=f"stacklab-e2e-{cls.name}-") as workdir:
            suite = cls(lab, results, workdir)
            suite.run()
    except Exception:
        results.check(f"the {cls.name} suite ran to the end", False, traceback.format_exc())
    finally:
        rc, seconds = lab.stop()
        _current_labs.discard(lab)
    results.check("stacklab exits 0 on SIGTERM", rc == 0,
                  f"exit code {rc} after {seconds:.1f} s" if rc is not None
                  else "still running 10 s after SIGTERM")
    if suite is None:
        return 0, 0
    print(f"[{cls.name}] {suite.osc.commands} openstack commands ({suite.osc.processes} as processes) "
          f"in {time.monotonic() - suite_start:.1f} s", flush=True)
    return suite.osc.commands, suite.osc.processes


_current_labs = set()  # the clouds running now, for the watchdog to kill


def _start_watchdog(on_timeout):
    """Calls on_timeout(), kills the running clouds and exits 1 after RUN_TIMEOUT s, unless cancelled."""
    def fire():
        on_timeout()
        for lab in list(_current_labs):
            if lab.proc is not None and lab.proc.poll() is None:
                lab.proc.kill()
        os._exit(1)

    timer = threading.Timer(RUN_TIMEOUT, fire)
    timer.daemon = True
    timer.start()
    return timer


def _timeout_row():
    return (False, f"the e2e run finishes within {RUN_TIMEOUT} s",
            "a command hung; the table stops at the last finished check")


def run_suites(binary, suites, jobs=1):
    """Runs the suites, `jobs` at a time, each against its own cloud; prints one table; returns the exit code.

    With jobs > 1 each job is a worker process (run_e2e.py --worker) that takes
    the next suite name from one pipe and answers with the suite's rows as one
    JSON line on another, so a long suite does not hold the others back. Its
    stdin is /dev/null, as a CLI command that prompts must not read the pipe.
    The table keeps the suites' order whatever order they finish in.
    """
    if jobs > 1 and len(suites) > 1:
        return _run_parallel(binary, suites, jobs)
    results = Results()
    start = time.monotonic()

    def on_timeout():
        # sys.stdout may be redirected into the hung in-process command: write to the real one.
        results.rows.append(_timeout_row())
        sys.__stdout__.write(results.table(time.monotonic() - start) + "\n")
        sys.__stdout__.flush()

    timer = _start_watchdog(on_timeout)
    commands = processes = 0
    try:
        for cls in suites:
            c, p = run_suite(binary, cls, results)
            commands += c
            processes += p
    finally:
        timer.cancel()
    print(results.table(time.monotonic() - start))
    print(f"{commands} openstack commands ({processes} as separate processes)")
    return 1 if results.failed else 0


def serve_suites(binary, suites, order_fd, reply_fd):
    """The worker's side of run_suites(jobs > 1): runs each suite named on order_fd, answers on reply_fd."""
    by_name = {cls.name: cls for cls in suites}
    reply = os.fdopen(reply_fd, "w")
    # Before the parent's watchdog, which kills this worker: take the clouds down first.
    timer = threading.Timer(RUN_TIMEOUT - 10, lambda: [lab.proc.kill() for lab in list(_current_labs)
                                                       if lab.proc is not None and lab.proc.poll() is None])
    timer.daemon = True
    timer.start()
    for line in os.fdopen(order_fd):
        name = line.strip()
        if not name:
            continue
        results = Results()
        commands, processes = run_suite(binary, by_name[name], results)
        reply.write(json.dumps({"suite": name, "rows": results.rows, "commands": commands,
                                "processes": processes}) + "\n")
        reply.flush()
    return 0


def _run_parallel(binary, suites, jobs):
    import selectors

    start = time.monotonic()
    done = {}  # suite name -> rows
    commands = processes = 0
    pending = [cls.name for cls in suites]
    workers = []  # [proc, reply pipe, suite running or None, order pipe]
    sel = selectors.DefaultSelector()

    def table():
        results = Results()
        for cls in suites:
            results.rows += done.get(cls.name, [])
        return results

    def on_timeout():
        results = table()
        results.rows.append(_timeout_row())
        sys.__stdout__.write(results.table(time.monotonic() - start) + "\n")
        sys.__stdout__.flush()
        for worker in workers:
            worker[0].kill()

    timer = _start_watchdog(on_timeout)
    runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_e2e.py")
    flags = ["-v"] if VERBOSE else []
    try:
        for i in range(min(jobs, len(pending))):
            order_r, order_w = os.pipe()
            reply_r, reply_w = os.pipe()
            proc = subprocess.Popen([sys.executable, runner, "--worker", str(order_r), str(reply_w), binary] + flags,
                                    stdin=subprocess.DEVNULL, pass_fds=(order_r, reply_w))
            os.close(order_r)
            os.close(reply_w)
            reply = os.fdopen(reply_r)
            workers.append([proc, reply, None, os.fdopen(order_w, "w")])
            sel.register(reply, selectors.EVENT_READ, i)
        print(f"e2e: {len(suites)} suites on {len(workers)} workers", flush=True)

        def dispatch(worker):
            if not pending:
                worker[3].close()
                worker[2] = None
                return
            worker[2] = pending.pop(0)
            worker[3].write(worker[2] + "\n")
            worker[3].flush()

        for worker in workers:
            dispatch(worker)
        while any(w[2] is not None for w in workers):
            for key, _ in sel.select():
                worker = workers[key.data]
                line = worker[1].readline()
                if not line:  # the worker died in the middle of its suite
                    sel.unregister(worker[1])
                    name = worker[2]
                    done[name] = [[None, name, ""], [False, f"the {name} suite's worker ran to the end",
                                                     f"worker exited with {worker[0].wait()}"]]
                    worker[2] = None
                    continue
                answer = json.loads(line)
                done[answer["suite"]] = answer["rows"]
                commands += answer["commands"]
                processes += answer["processes"]
                dispatch(worker)
        for worker in workers:
            worker[0].wait()
    finally:
        timer.cancel()
    for name in pending:  # left over when every worker died
        done[name] = [[None, name, ""], [False, f"the {name} suite ran", "no worker was left to run it"]]
    results = table()
    results.rows = [tuple(row) for row in results.rows]
    print(results.table(time.monotonic() - start))
    print(f"{commands} openstack commands ({processes} as separate processes)")
    return 1 if results.failed else 0
