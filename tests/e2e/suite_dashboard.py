"""The dashboard: Debian's Horizon behind `stacklab up --dashboard`, as a
student uses it in the book.

Log in through Horizon's form (with its CSRF token) as demo, open the pages
the book's exercises use, then as admin the Identity and Admin pages; each
must answer 200 without one of Horizon's error messages. Then do what the
book does in the dashboard: create a key pair (the Angular panel's call) and
a network with a subnet (the "Create Network" workflow's form).

Skipped, with a message, where Horizon is not installed (deps.txt has it).
"""

import http.cookiejar
import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import PASSWORD, Suite

# What Horizon shows when a page could not get its data, or failed whole.
HORIZON_ERRORS = ("Unable to retrieve", "Error: ", "Something went wrong", "Danger: ")
# The first start on a machine compiles Horizon's styles (~10 s alone; more when suites run in parallel).
START_TIMEOUT = 90

# Page: (path, a text the page shows once the data is there).
PROJECT_PAGES = {
    "Project > Compute > Overview": ("/project/", "Limit Summary"),
    "Project > Compute > Instances": ("/project/instances/", "dash-cli-vm"),
    "Project > Compute > Images": ("/project/images/", "Images"),
    "Project > Compute > Key Pairs": ("/project/key_pairs/", "Key Pairs"),
    "Project > Volumes > Volumes": ("/project/volumes/", "dash-vol"),
    "Project > Volumes > Create Volume form": ("/project/volumes/create/", "Volume Name"),
    "Project > Network > Network Topology": ("/project/network_topology/", "Network Topology"),
    "Project > Network > Networks": ("/project/networks/", "private-subnet"),
    "Project > Network > Routers": ("/project/routers/", "router1"),
    "Project > Network > Security Groups": ("/project/security_groups/", "default"),
    "Project > Network > Floating IPs": ("/project/floating_ips/", "172.24.4."),
}
# The Angular panels' pages are shells: their tables come from Horizon's REST API.
PROJECT_DATA = {
    "Images' table (GET /api/glance/images/)": "/api/glance/images/",
    "Key Pairs' table (GET /api/nova/keypairs/)": "/api/nova/keypairs/",
    "Network Topology's data": "/project/network_topology/json",
}
ADMIN_PAGES = {
    "Identity > Projects": ("/identity/", "invisible_to_admin"),
    "Identity > Users": ("/identity/users/", "demo"),
    "Admin > Compute > Hypervisors": ("/admin/hypervisors/", "QEMU"),
    "Admin > Compute > Flavors": ("/admin/flavors/", "m1.tiny"),
    "Admin > Volume > Volume Types": ("/admin/volume_types/", "lvmdriver-1"),
    "Admin > System > Metadata Definitions": ("/admin/metadata_defs/", "Metadata Definitions"),
}


def horizon_missing():
    """Why the dashboard cannot run here, or None."""
    p = subprocess.run(["/usr/bin/python3", "-c", "import openstack_dashboard, gunicorn, whitenoise"],
                       capture_output=True, text=True)
    if p.returncode == 0:
        return None
    return ("Horizon is not installed (apt-get install --no-install-recommends openstack-dashboard "
            "python3-gunicorn python3-whitenoise): " + p.stderr.strip().splitlines()[-1])


class Browser:
    """A student's browser: cookies, Horizon's CSRF token, and the last page."""

    def __init__(self, base):
        self.base = base  # http://host:port/dashboard
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None, method=None):
        """(status, final URL, body text) of one request, redirects followed."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.geturl(), e.read().decode("utf-8", "replace")

    def get(self, path, **kw):
        return self.request(path, **kw)

    def csrf_token(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def post_form(self, path, fields):
        """POSTs a form of the page at `path`, with that page's CSRF token."""
        status, _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = dict(fields, csrfmiddlewaretoken=token.group(1) if token else "")
        return self.request(path, data=urllib.parse.urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Referer": self.base + path})

    def post_json(self, path, body):
        """What Horizon's Angular code sends to its REST API."""
        return self.request(path, data=json.dumps(body).encode(),
                            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf_token(),
                                     "X-Requested-With": "XMLHttpRequest", "Referer": self.base + "/"})

    def login(self, user):
        return self.post_form("/auth/login/", {"username": user, "password": PASSWORD, "region": "default",
                                               "fake_email": "", "fake_password": ""})


def horizon_errors(body):
    """The error messages Horizon put on a page (its alerts, or its 500 page)."""
    body = re.sub(r"<noscript>.*?</noscript>", "", body, flags=re.S)  # "requires JavaScript" is no error here
    found = [e for e in HORIZON_ERRORS if e in body]
    alerts = re.findall(r'<div class="alert[^"]*alert-danger[^"]*">(.*?)</div>', body, re.S)
    return found + [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", a)).strip() for a in alerts]


class DashboardSuite(Suite):
    name = "dashboard"
    up_options = ("--dashboard",)

    def steps(self):
        missing = horizon_missing()
        if missing:
            print(f"[dashboard] SKIPPED: {missing}", flush=True)
            return []
        self.demo_browser = Browser(self.lab.url + "/dashboard")
        self.admin_browser = Browser(self.lab.url + "/dashboard")
        return [self.step_horizon_answers, self.step_login_demo, self.step_project_data_exists,
                self.step_project_pages, self.step_project_data, self.step_create_keypair,
                self.step_launch_instance, self.step_create_network, self.step_login_admin, self.step_admin_pages]

    def horizon_log(self):
        """Horizon's error lines (it writes to stacklab's output in an ephemeral cloud)."""
        lines = [l for l in self.lab.banner().splitlines()
                 if "ERROR" in l or "Traceback" in l or "Error" in l or "stacklab-dashboard" in l]
        return "\n".join(lines[-40:])

    def step_horizon_answers(self):
        start = time.monotonic()
        status, body = None, ""
        while time.monotonic() - start < START_TIMEOUT:
            status, _, body = self.demo_browser.get("/auth/login/")
            if status == 200:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - start
        print(f"[dashboard] Horizon answered the login page {seconds:.1f} s after stacklab was ready", flush=True)
        self.check(f"GET /dashboard/auth/login/ answers 200 with the login form (Horizon ready in {seconds:.0f} s)",
                   status == 200 and 'name="username"' in body and "csrfmiddlewaretoken" in body,
                   f"status {status}\n{body[:500]}\n{self.horizon_log()}")

    def step_login_demo(self):
        status, url, body = self.demo_browser.login("demo")
        self.check("log in as demo through the form: lands on Project > Compute > Overview",
                   status == 200 and url.endswith("/dashboard/project/") and "Sign Out" in body,
                   f"status {status}, {url}\n{horizon_errors(body)}\n{self.horizon_log()}")

    def check_page(self, browser, title, path, marker):
        status, url, body = browser.get(path)
        errors = horizon_errors(body)
        ok = status == 200 and not errors and url.endswith(path) and marker in body
        return self.check(f"{title}: GET /dashboard{path} answers 200, shows {marker!r}, no error message", ok,
                          f"status {status}, {url}: {errors}\n{self.horizon_log()}")

    def step_project_data_exists(self):
        """What the tables show: a server, a volume and a floating IP of demo's (made with the CLI)."""
        server = self.osc("server create --image cirros-0.3.4-x86_64-uec --flavor m1.nano --network private "
                          "dash-cli-vm -f json", self.demo, "demo")
        volume = self.osc("volume create --size 1 dash-vol -f json", self.demo, "demo")
        fip = self.osc("floating ip create public -f json", self.demo, "demo")
        self.check("openstack server create dash-cli-vm, volume create dash-vol, floating ip create public (demo)",
                   server.ok and volume.ok and fip.ok, server, volume, fip)

    def step_project_pages(self):
        for title, (path, marker) in PROJECT_PAGES.items():
            self.check_page(self.demo_browser, title, path, marker)

    def step_project_data(self):
        for title, path in PROJECT_DATA.items():
            status, _, body = self.demo_browser.get(path, headers={"X-Requested-With": "XMLHttpRequest"})
            try:
                doc = json.loads(body)
            except ValueError:
                doc = None
            self.check(f"{title} answers 200 with JSON", status == 200 and doc is not None,
                       f"status {status}: {body[:500]}\n{self.horizon_log()}")
            if path == "/api/glance/images/":
                names = [i.get("name") for i in (doc or {}).get("items", [])]
                self.check("the Images table lists the lab's cirros image", any("cirros" in (n or "") for n in names),
                           f"names: {names}")

    def step_create_keypair(self):
        status, _, body = self.demo_browser.post_json("/api/nova/keypairs/", {"name": "dash-key", "key_type": "ssh"})
        created = json.loads(body) if status == 201 else {}
        listed = self.osc("keypair list -f json", self.demo, "demo")
        self.check("Key Pairs > Create Key Pair (demo): 201 with the private key; openstack keypair list shows it",
                   status == 201 and "PRIVATE KEY" in created.get("private_key", "") and listed.ok
                   and "dash-key" in self.names(listed.json()), f"status {status}: {body[:500]}", listed)

    def step_launch_instance(self):
        """The Launch Instance wizard's last call: boot from the cirros image on private with dash-key."""
        _, _, images = self.demo_browser.get("/api/glance/images/", headers={"X-Requested-With": "XMLHttpRequest"})
        _, _, networks = self.demo_browser.get("/api/neutron/networks/",
                                               headers={"X-Requested-With": "XMLHttpRequest"})
        image = next(i["id"] for i in json.loads(images)["items"] if i["name"] == "cirros-0.3.4-x86_64-uec")
        network = next(n["id"] for n in json.loads(networks)["items"] if n["name"] == "private")
        launch = {"name": "dash-vm", "source_id": image, "flavor_id": "42", "key_name": "dash-key", "user_data": "",
                  "security_groups": ["default"], "availability_zone": "nova", "instance_count": 1,
                  "nics": [{"net-id": network, "v4-fixed-ip": ""}], "config_drive": False, "disk_config": "AUTO",
                  "scheduler_hints": {}}
        status, _, body = self.demo_browser.post_json("/api/nova/servers/", launch)
        shown = self.osc("server show dash-vm -f json", self.demo, "demo")
        self.check("Instances > Launch Instance dash-vm (m1.nano, cirros, private, dash-key) through Horizon's REST API; "
                   "openstack server show finds it with dash-key",
                   status == 201 and shown.ok and shown.json()["key_name"] == "dash-key",
                   f"status {status}: {body[:500]}\n{self.horizon_log()}", shown)
        status, url, body = self.demo_browser.get("/project/instances/")
        self.check("Project > Compute > Instances lists dash-vm", status == 200 and "dash-vm" in body
                   and not horizon_errors(body), f"status {status}, {url}: {horizon_errors(body)}")

    def step_create_network(self):
        fields = {"net_name": "dash-net", "admin_state": "True", "with_subnet": "on", "subnet_name": "dash-subnet",
                  "cidr": "10.8.0.0/24", "ip_version": "4", "gateway_ip": "", "enable_dhcp": "on",
                  "allocation_pools": "", "dns_nameservers": "", "host_routes": "", "mtu": ""}
        status, url, body = self.demo_browser.post_form("/project/networks/create", fields)
        shown = self.osc("network show dash-net -f json", self.demo, "demo")
        subnets = self.osc("subnet list --network dash-net -f json", self.demo, "demo")
        self.check("Networks > Create Network dash-net with subnet 10.8.0.0/24 through the form (demo): back on "
                   "Networks with 'Created network'; openstack network show and subnet list find them",
                   status == 200 and url.endswith("/project/networks/") and "Created network" in body
                   and not horizon_errors(body) and shown.ok and subnets.ok
                   and [s["Subnet"] for s in subnets.json()] == ["10.8.0.0/24"],
                   f"status {status}, {url}: {horizon_errors(body)}\n{self.horizon_log()}", shown, subnets)

    def step_login_admin(self):
        status, url, body = self.admin_browser.login("admin")
        self.check("log in as admin through the form", status == 200 and "Sign Out" in body,
                   f"status {status}, {url}\n{horizon_errors(body)}")

    def step_admin_pages(self):
        for title, (path, marker) in ADMIN_PAGES.items():
            self.check_page(self.admin_browser, title, path, marker)
