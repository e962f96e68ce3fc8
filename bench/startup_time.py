#!/usr/bin/python3
"""Start-to-ready time of `stacklab up`: from exec until the identity root
(GET /identity/v3) answers 200, repeated, with the median.

  bench/startup_time.py BUILD/stacklab --mode fresh|restart|ephemeral --repeat 10

fresh:     a new, empty --state directory each time (the lab is seeded and written to SQLite)
restart:   the same --state directory each time (seeded once beforehand, not timed)
ephemeral: --ephemeral (memory only)

Prints one line: STARTUP mode=... n=... median_ms=... min_ms=... max_ms=...
first_token_median_ms=... rss_kb_median=... token_refused=...
  first_token:   until a POST /v3/auth/tokens (admin, project scope), sent
                 once the root answered and retried every 1 ms, returned 201;
                 includes one PBKDF2 check
  rss:           VmRSS when the root answered
  token_refused: token requests refused (401) after the root had answered,
                 summed over the runs (the lab was not seeded yet)
Polls every 1 ms with a raw socket, so the poller adds well under a millisecond.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import ADMIN_AUTH, free_port


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /identity/v3 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


TOKEN_BODY = json.dumps(ADMIN_AUTH).encode()


def token_status(port):
    """POST /identity/v3/auth/tokens as the lab's admin; the HTTP status (0 if none)."""
    req = (b"POST /identity/v3/auth/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(TOKEN_BODY)) + TOKEN_BODY
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(req)
            head = s.recv(64)
            return int(head[9:12]) if head.startswith(b"HTTP/1.1 ") else 0
    except (OSError, ValueError):
        return 0


def vmrss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def start_once(binary, args, timeout=30.0):
    port = free_port()
    cmd = [binary, "up", "--listen", f"127.0.0.1:{port}", "--quiet"] + args
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if answers(port):
                elapsed = time.perf_counter() - t0
                rss = vmrss_kb(proc.pid)
                # The lab's admin may still be unknown (HTTP 401) if the root answered before
                # the profile was seeded; count those and retry until 201.
                refused = 0
                while True:
                    code = token_status(port)
                    if code == 201:
                        break
                    refused += 1
                    if time.perf_counter() - t0 > timeout:
                        raise RuntimeError("no token after %.0f s (last status %d)" % (timeout, code))
                    time.sleep(0.001)
                token = time.perf_counter() - t0
                return elapsed, token, rss, refused
            if proc.poll() is not None:
                raise RuntimeError(f"stacklab exited with {proc.returncode}: {proc.stderr.read().decode()}")
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("stacklab not ready after %.0f s" % timeout)
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--mode", choices=["fresh", "restart", "ephemeral"], required=True)
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()

    times, tokens, rss, refused = [], [], [], 0
    base = tempfile.mkdtemp(prefix="stacklab-startup.")
    try:
        if a.mode == "restart":
            state = os.path.join(base, "state")
            start_once(a.binary, ["--state", state])  # seeds the state; not timed
        for i in range(a.repeat):
            if a.mode == "fresh":
                args = ["--state", os.path.join(base, f"fresh{i}")]
            elif a.mode == "restart":
                args = ["--state", state]
            else:
                args = ["--ephemeral"]
            t, tok, r, n = start_once(a.binary, args)
            refused += n
            times.append(t * 1000)
            tokens.append(tok * 1000)
            rss.append(r)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("# times_ms: " + " ".join("%.1f" % t for t in times), file=sys.stderr)
    print("STARTUP mode=%s n=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f first_token_median_ms=%.1f rss_kb_median=%d token_refused=%d"
          % (a.mode, len(times), statistics.median(times), min(times), max(times), statistics.median(tokens),
             statistics.median(rss), refused))


if __name__ == "__main__":
    sys.exit(main())
