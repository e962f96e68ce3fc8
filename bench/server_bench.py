#!/usr/bin/env python3
"""Compute API benchmarks with many servers: POST /servers and GET /servers/detail.

Starts `stacklab up --ephemeral --fast --hosts HOSTS` (simulated hypervisors, instantaneous
spawns; quotas lifted through --config) and, on one keep-alive connection as admin:
1. POST /servers (m1.nano, cirros), one server per request, for the first 1,000 servers and
   the last 1,000 (those between are created 100 per request): req/s, p50/p99, and the
   server's CPU time per request (utime+stime from /proc, less noisy than req/s on a shared
   machine).
2. GET /servers/detail (Nova's max page: 1000 servers), ?limit=100 and GET /servers (ids and
   names, 1000), p50/p99 over LIST_RUNS requests, with 1,000 servers in the cloud (the
   in-process baseline) and with N_SERVERS; ratio = p50 at N_SERVERS / p50 at 1,000.
All servers are ACTIVE before the lists are measured (the build runs on the engine loop).

With WITH_NETWORK=1 every server gets a port on a /16 network (addresses in every detail view);
otherwise they boot with networks "none".

usage: bench/server_bench.py build/stacklab   (env N_SERVERS=10000 HOSTS=1000 LIST_RUNS=20 WITH_NETWORK=1)
       PERSISTENT=1 runs on a state directory (SQLite, audit.log) instead of --ephemeral.
Prints `key value` lines (bench/RESULTS.md records them).
"""
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

from bench_common import admin_token, cpu_seconds, free_port, print_latency, start, stop, wait_ready

N_SERVERS = int(os.environ.get("N_SERVERS", "10000"))
HOSTS = int(os.environ.get("HOSTS", "1000"))
LIST_RUNS = int(os.environ.get("LIST_RUNS", "20"))
WITH_NETWORK = os.environ.get("WITH_NETWORK", "") == "1"
PERSISTENT = os.environ.get("PERSISTENT", "") not in ("", "0")


class Client:
    def __init__(self, port):
        self.port = port
        self.c = http.client.HTTPConnection("127.0.0.1", port)
        self.h = {"Content-Type": "application/json"}

    def request(self, method, path, body=None):
        self.c.request(method, path, json.dumps(body) if body is not None else None, self.h)
        r = self.c.getresponse()
        data = r.read()
        return r, data

    def login(self):
        self.h["X-Auth-Token"] = admin_token(self.port)
        self.h["OpenStack-API-Version"] = "compute 2.47"


def measure_lists(c, label):
    for name, path in (("detail1000", "/compute/v2.1/servers/detail"),
                       ("detail100", "/compute/v2.1/servers/detail?limit=100"),
                       ("index1000", "/compute/v2.1/servers")):
        lat = []
        for _ in range(LIST_RUNS):
            t = time.perf_counter()
            r, data = c.request("GET", path)
            lat.append((time.perf_counter() - t) * 1000)
            assert r.status == 200, (r.status, data[:200])
        n = len(json.loads(data)["servers"])
        print(f"{label}.{name}.returned {n}")
        yield name, print_latency(f"{label}.{name}", lat)


def wait_active(c, n):
    for _ in range(600):
        r, data = c.request("GET", "/compute/v2.1/servers/detail?status=BUILD&limit=1")
        if not json.loads(data)["servers"]:
            return
        time.sleep(0.05)
    raise SystemExit("servers did not become ACTIVE")


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/stacklab")
    work = tempfile.mkdtemp(prefix="stacklab-server-bench-")
    conf = os.path.join(work, "stacklab.conf")
    with open(conf, "w") as f:
        f.write("[quota]\ninstances = -1\ncores = -1\nram = -1\n")
    port = free_port()
    state = ["--state", os.path.join(work, "state")] if PERSISTENT else ["--ephemeral"]
    proc = start([binary, "up", *state, "--fast", "--hosts", str(HOSTS), "--config", conf,
                  "--listen", f"127.0.0.1:{port}", "--quiet"])
    try:
        if not wait_ready(port, "/identity/v3", 500):
            raise SystemExit("stacklab did not start")
        c = Client(port)
        c.login()
        _, data = c.request("GET", "/image/v2/images?name=cirros-0.3.4-x86_64-uec")
        image = json.loads(data)["images"][0]["id"]
        print(f"hosts {HOSTS}")
        print(f"servers {N_SERVERS}")
        networks = "none"
        if WITH_NETWORK:
            r, data = c.request("POST", "/networking/v2.0/networks", {"network": {"name": "bench"}})
            assert r.status == 201, (r.status, data[:300])
            net = json.loads(data)["network"]["id"]
            r, data = c.request("POST", "/networking/v2.0/subnets",
                                {"subnet": {"network_id": net, "ip_version": 4, "cidr": "10.128.0.0/16"}})
            assert r.status == 201, (r.status, data[:300])
            networks = [{"uuid": net}]
        print(f"with_network {int(WITH_NETWORK)}")
        block = 1000

        def create_singles(label, first):
            lat = []
            cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
            for i in range(first, first + block):
                body = {"server": {"name": f"vm-{i:05d}", "imageRef": image, "flavorRef": "42",
                                   "networks": networks}}
                t = time.perf_counter()
                r, data = c.request("POST", "/compute/v2.1/servers", body)
                lat.append((time.perf_counter() - t) * 1000)
                assert r.status == 202, (r.status, data[:300])
            wall, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0
            print(f"{label}.req_s {len(lat) / wall:.0f}")
            print_latency(label, lat)
            print(f"{label}.cpu_ms_per_req {cpu * 1000 / len(lat):.3f}")

        # The first and the last 1,000 one per request; those between 100 per request (max_count).
        create_singles("create_first1000", 0)
        wait_active(c, block)
        baseline = dict(measure_lists(c, "at1000"))
        for i in range(block, N_SERVERS - block, 100):
            body = {"server": {"name": f"fill-{i:05d}", "imageRef": image, "flavorRef": "42", "networks": networks,
                               "min_count": 100, "max_count": 100}}
            r, data = c.request("POST", "/compute/v2.1/servers", body)
            assert r.status == 202, (r.status, data[:300])
        create_singles(f"create_last1000", N_SERVERS - block)
        wait_active(c, N_SERVERS)
        for name, p50 in measure_lists(c, f"at{N_SERVERS}"):
            print(f"ratio.{name}.p50_at{N_SERVERS}_over_at1000 {p50 / baseline[name]:.2f}")
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
