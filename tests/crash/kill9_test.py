#!/usr/bin/env python3
"""Crash safety: what the API acknowledged survives kill -9.

Starts `stacklab up` on a state directory, creates projects (and users with a
role on them) as fast as it can from several connections, kills the process
with SIGKILL mid-stream, restarts it on the same state, and checks that every
creation answered 201/204 before the kill is there. Repeats a few rounds on
the same state. Then, on a fresh state with --fast, a server created and ACTIVE
before a kill -9 must be ACTIVE after the restart (its simulated domain
re-created) and deletable, and a volume available before a kill -9 must be
available after it, with its space still taken on the simulated pool.

usage: kill9_test.py path/to/stacklab
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROUNDS = 3
WRITERS = 3


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, state, port, extra=()):
    """Starts stacklab; its very first answer must already be a real one.

    The first request is a token request, sent as soon as the port takes
    connections: a cloud that accepted before its users were loaded would
    answer 401 here.
    """
    proc = subprocess.Popen([binary, "up", "--state", state, "--listen", f"127.0.0.1:{port}", "--quiet",
                             *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            admin_token(port)
            return proc
        except ConnectionRefusedError:
            time.sleep(0.002)
    proc.kill()
    raise SystemExit("stacklab did not start: " + proc.stderr.read().decode())


def admin_token(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"id": "default"}, "password": "nomoresecret"}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
    c.request("POST", "/identity/v3/auth/tokens", json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    if r.status != 201:
        raise SystemExit(f"FAIL: the first token request got {r.status}, not 201")
    return r.getheader("X-Subject-Token")


def writer(port, token, prefix, acked, stop):
    """Creates project+user+grant triples; records each step the server acknowledged."""
    headers = {"Content-Type": "application/json", "X-Auth-Token": token}
    i = 0
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop.is_set():
            name = f"{prefix}-{i}"
            c.request("POST", "/identity/v3/projects", json.dumps({"project": {"name": name}}), headers)
            r = c.getresponse()
            body = r.read()
            if r.status != 201:
                break
            pid = json.loads(body)["project"]["id"]
            acked.append(("project", name))
            c.request("POST", "/identity/v3/users", json.dumps({"user": {"name": name, "password": "pw"}}), headers)
            r = c.getresponse()
            body = r.read()
            if r.status != 201:
                break
            uid = json.loads(body)["user"]["id"]
            acked.append(("user", name))
            c.request("GET", "/identity/v3/roles?name=member", headers=headers)
            r = c.getresponse()
            rid = json.loads(r.read())["roles"][0]["id"]
            c.request("PUT", f"/identity/v3/projects/{pid}/users/{uid}/roles/{rid}", headers=headers)
            r = c.getresponse()
            r.read()
            if r.status != 204:
                break
            acked.append(("grant", name))
            i += 1
    except (OSError, http.client.HTTPException):
        pass  # the server died under us: expected


def check(port, token, acked):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"X-Auth-Token": token}
    c.request("GET", "/identity/v3/projects", headers=h)
    projects = {p["name"] for p in json.loads(c.getresponse().read())["projects"]}
    c.request("GET", "/identity/v3/users", headers=h)
    users = {u["name"] for u in json.loads(c.getresponse().read())["users"]}
    c.request("GET", "/identity/v3/role_assignments?include_names=1", headers=h)
    grants = {(a["user"]["name"], a["scope"]["project"]["name"])
              for a in json.loads(c.getresponse().read())["role_assignments"]
              if "user" in a and "project" in a.get("scope", {})}
    missing = []
    for kind, name in acked:
        present = (name in projects if kind == "project" else
                   name in users if kind == "user" else (name, name) in grants)
        if not present:
            missing.append((kind, name))
    return missing


def api(port, token, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"X-Auth-Token": token, "Content-Type": "application/json"}
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)


def resource_status(port, token, path, key, want, timeout=10):
    """GET `path` until {key: {"status": want}} (or the HTTP code `want`); the last status seen."""
    deadline = time.time() + timeout
    while True:
        code, body = api(port, token, "GET", path)
        status = body[key]["status"] if code == 200 else code
        if status == want or time.time() > deadline:
            return status
        time.sleep(0.05)


def server_status(port, token, sid, want, timeout=10):
    return resource_status(port, token, f"/compute/v2.1/servers/{sid}", "server", want, timeout)


def server_survives(binary):
    """A server ACTIVE before kill -9 is ACTIVE after the restart, then deletable. Returns failures."""
    state = tempfile.mkdtemp(prefix="stacklab-kill9-server-")
    failures = 0
    try:
        port = free_port()
        proc = start(binary, state, port, ["--fast"])
        token = admin_token(port)
        code, body = api(port, token, "GET", "/image/v2/images?name=cirros-0.3.4-x86_64-uec")
        image = body["images"][0]["id"]
        code, body = api(port, token, "POST", "/compute/v2.1/servers",
                         {"server": {"name": "survivor", "imageRef": image, "flavorRef": "42"}})
        if code != 202:
            raise SystemExit(f"FAIL: server create got {code}: {body}")
        sid = body["server"]["id"]
        status = server_status(port, token, sid, "ACTIVE")
        if status != "ACTIVE":
            raise SystemExit(f"FAIL: server is {status} before the kill, not ACTIVE")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        port = free_port()
        proc = start(binary, state, port, ["--fast"])
        token = admin_token(port)
        status = server_status(port, token, sid, "ACTIVE", timeout=0)
        print(f"server: ACTIVE before kill -9, {status} after the restart")
        if status != "ACTIVE":
            failures += 1
        code, _ = api(port, token, "DELETE", f"/compute/v2.1/servers/{sid}")
        gone = server_status(port, token, sid, 404) if code == 204 else code
        print(f"server: delete after the restart answered {code}, then GET {gone}")
        if code != 204 or gone != 404:
            failures += 1
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return failures


def volume_survives(binary):
    """A volume available before kill -9 is available after the restart, its space still taken
    on the simulated pool, then deletable (the space given back). Returns failures."""
    state = tempfile.mkdtemp(prefix="stacklab-kill9-volume-")
    failures = 0

    def pool_free(port, token, base):
        code, body = api(port, token, "GET", f"{base}/scheduler-stats/get_pools?detail=True")
        return body["pools"][0]["capabilities"]["free_capacity_gb"] if code == 200 else code

    def volume_status(port, token, base, vid, want, timeout=10):
        return resource_status(port, token, f"{base}/volumes/{vid}", "volume", want, timeout)

    try:
        port = free_port()
        proc = start(binary, state, port, ["--fast"])
        token = admin_token(port)
        _, body = api(port, token, "GET", "/identity/v3/projects?name=admin")
        base = "/volume/v3/" + body["projects"][0]["id"]
        code, body = api(port, token, "POST", f"{base}/volumes", {"volume": {"size": 3, "name": "survivor"}})
        if code != 202:
            raise SystemExit(f"FAIL: volume create got {code}: {body}")
        vid = body["volume"]["id"]
        status = volume_status(port, token, base, vid, "available")
        free_before = pool_free(port, token, base)
        if status != "available":
            raise SystemExit(f"FAIL: volume is {status} before the kill, not available")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        port = free_port()
        proc = start(binary, state, port, ["--fast"])
        token = admin_token(port)
        status = volume_status(port, token, base, vid, "available", timeout=0)
        free_after = pool_free(port, token, base)
        print(f"volume: available before kill -9, {status} after the restart; pool free {free_before} -> {free_after}")
        if status != "available" or free_after != free_before:
            failures += 1
        code, _ = api(port, token, "DELETE", f"{base}/volumes/{vid}")
        gone = volume_status(port, token, base, vid, 404) if code == 202 else code
        free_end = pool_free(port, token, base)
        print(f"volume: delete after the restart answered {code}, then GET {gone}; pool free {free_end}")
        if code != 202 or gone != 404 or free_end != free_before + 3:
            failures += 1
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return failures


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/stacklab")
    state = tempfile.mkdtemp(prefix="stacklab-kill9-")
    failures = 0
    all_acked = []
    try:
        for rnd in range(ROUNDS):
            port = free_port()
            proc = start(binary, state, port)
            token = admin_token(port)
            if all_acked:
                missing = check(port, token, all_acked)
                print(f"round {rnd}: restart after kill -9: {len(all_acked)} acknowledged writes, "
                      f"{len(missing)} missing")
                failures += len(missing)
            stop = threading.Event()
            acked_now = [[] for _ in range(WRITERS)]
            threads = [threading.Thread(target=writer, args=(port, token, f"r{rnd}w{w}", acked_now[w], stop))
                       for w in range(WRITERS)]
            for t in threads:
                t.start()
            time.sleep(1.0 + 0.3 * rnd)
            os.kill(proc.pid, signal.SIGKILL)  # mid-stream, no warning
            proc.wait()
            stop.set()
            for t in threads:
                t.join()
            for a in acked_now:
                all_acked.extend(a)
            print(f"round {rnd}: killed with {sum(len(a) for a in acked_now)} writes acknowledged")
        port = free_port()
        proc = start(binary, state, port)
        missing = check(port, admin_token(port), all_acked)
        print(f"final: {len(all_acked)} acknowledged writes, {len(missing)} missing {missing[:5]}")
        failures += len(missing)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        if len(all_acked) < 10:
            print("FAIL: too few writes acknowledged to prove anything")
            failures += 1
    finally:
        shutil.rmtree(state, ignore_errors=True)
    failures += server_survives(binary)
    failures += volume_survives(binary)
    print("kill -9 test:", "PASS" if failures == 0 else f"FAIL ({failures})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
