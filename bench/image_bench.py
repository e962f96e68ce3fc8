#!/usr/bin/env python3
"""Image service benchmarks (issue: Glance v2).

1. Data throughput over loopback for an image of SIZE_MB (default 1024):
   upload (PUT /v2/images/{id}/file, streamed, hashed on arrival) and
   download (GET .../file), each against `cat FILE > /dev/null` of the same
   file in the same run (ratio = stacklab MB/s / cat MB/s). curl moves the
   bytes on the client side, as a CLI would.
2. Image-list latency with N_IMAGES (default 10000) images in the cloud:
   GET /v2/images (Glance's default page of 25) and ?limit=1000, p50/p99
   over repeated requests on one keep-alive connection.

usage: bench/image_bench.py build/stacklab   (env SIZE_MB, N_IMAGES, LIST_RUNS)
Prints `key value` lines (bench/RESULTS.md records them).
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench_common import admin_token, free_port, print_latency, start, stop, wait_ready

SIZE_MB = int(os.environ.get("SIZE_MB", "1024"))
N_IMAGES = int(os.environ.get("N_IMAGES", "10000"))
LIST_RUNS = int(os.environ.get("LIST_RUNS", "200"))


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/stacklab")
    work = tempfile.mkdtemp(prefix="stacklab-image-bench-")
    port = free_port()
    proc = start([binary, "up", "--state", work + "/state", "--listen", f"127.0.0.1:{port}", "--quiet"])
    try:
        wait_ready(port, "/image", 200)
        tok = admin_token(port)
        base = f"http://127.0.0.1:{port}/image/v2/images"

        # --- 1. data throughput ---
        path = os.path.join(work, "image.raw")
        with open(path, "wb") as f:
            chunk = os.urandom(1 << 20)
            for _ in range(SIZE_MB):
                f.write(chunk)
        size = os.path.getsize(path)
        timed(["cat", path])  # warm the page cache
        cat = min(timed(["sh", "-c", f"cat {path} > /dev/null"]) for _ in range(3))
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("POST", "/image/v2/images",
                  json.dumps({"name": "bench", "disk_format": "raw", "container_format": "bare"}),
                  {"X-Auth-Token": tok, "Content-Type": "application/json"})
        image_id = json.loads(c.getresponse().read())["id"]
        # curl -T streams the file (--data-binary would load it into memory first).
        up = timed(["curl", "-sf", "-T", path, "-H", f"X-Auth-Token: {tok}", "-H", "Expect:",
                    "-H", "Content-Type: application/octet-stream", f"{base}/{image_id}/file"])
        down = min(timed(["curl", "-sf", "-o", "/dev/null", "-H", f"X-Auth-Token: {tok}", f"{base}/{image_id}/file"])
                   for _ in range(3))
        mb = size / (1 << 20)
        print(f"image.size_mb {mb:.0f}")
        print(f"cat.mb_s {mb / cat:.0f}")
        print(f"upload.mb_s {mb / up:.0f}")
        print(f"upload.ratio_to_cat {(mb / up) / (mb / cat):.3f}")
        print(f"download.mb_s {mb / down:.0f}")
        print(f"download.ratio_to_cat {(mb / down) / (mb / cat):.3f}")
        os.remove(path)

        # --- 2. list latency with many images ---
        c = http.client.HTTPConnection("127.0.0.1", port)
        h = {"X-Auth-Token": tok, "Content-Type": "application/json"}
        t = time.perf_counter()
        for i in range(N_IMAGES):
            c.request("POST", "/image/v2/images", json.dumps({"name": f"img-{i:05d}", "disk_format": "qcow2",
                                                             "container_format": "bare", "visibility": "private"}), h)
            r = c.getresponse()
            r.read()
            assert r.status == 201, r.status
        create = time.perf_counter() - t
        print(f"create.images {N_IMAGES}")
        print(f"create.per_s {N_IMAGES / create:.0f}")
        for label, query in (("list25", ""), ("list1000", "?limit=1000")):
            lat = []
            for _ in range(LIST_RUNS if label == "list25" else max(20, LIST_RUNS // 10)):
                t = time.perf_counter()
                c.request("GET", "/image/v2/images" + query, headers={"X-Auth-Token": tok})
                body = c.getresponse().read()
                lat.append((time.perf_counter() - t) * 1000)
            n = len(json.loads(body)["images"])
            print(f"{label}.returned {n}")
            print_latency(label, lat)
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
