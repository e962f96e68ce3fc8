"""What the Python benchmarks share: a free port, starting and stopping stacklab,
the lab admin's token, percentiles and the server's CPU time."""
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import time

# POST /identity/v3/auth/tokens as the lab's admin, project scope.
ADMIN_AUTH = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": "nomoresecret"}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(args):
    """Popen of stacklab `args` (stdout discarded)."""
    return subprocess.Popen(args, stdout=subprocess.DEVNULL)


def wait_ready(port, path, tries):
    """Polls GET `path` every 20 ms, `tries` times; True once it answered."""
    for _ in range(tries):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            c.getresponse().read()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def stop(proc):
    """SIGTERM, then SIGKILL if the shutdown is stuck (it must not hang the benchmark)."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print("shutdown.stuck 1", flush=True)
        proc.kill()
        proc.wait()


def admin_token(port):
    """A project-scoped token of the lab's admin, on a connection of its own."""
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/identity/v3/auth/tokens", json.dumps(ADMIN_AUTH), {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    return r.getheader("X-Subject-Token")


def pct(sorted_ms, p):
    """The p-th quantile (0..1) of an already sorted list."""
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p))]


def print_latency(prefix, lat_ms):
    """Sorts `lat_ms` and prints `<prefix>.p50_ms` and `<prefix>.p99_ms`; returns the median."""
    lat_ms.sort()
    p50 = statistics.median(lat_ms)
    print(f"{prefix}.p50_ms {p50:.2f}")
    print(f"{prefix}.p99_ms {pct(lat_ms, 0.99):.2f}")
    return p50


def cpu_seconds(pid):
    """utime + stime of process `pid`, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
