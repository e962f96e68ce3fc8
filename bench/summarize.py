#!/usr/bin/python3
"""Prints the table of a benchmark session from its results.txt (key=value
lines written by bench/run_bench.sh and bench/keystone_baseline.sh), with
stacklab/keystone ratios when both ran in the session.

  bench/summarize.py bench/out/<session>/results.txt
"""
import sys


def load(path):
    r = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                r[k] = v.strip('"')
    return r


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def fmt(v, unit=""):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f%s" % (v, unit)
    if abs(v) >= 10:
        return "%.1f%s" % (v, unit)
    return "%.2f%s" % (v, unit)


def main():
    r = load(sys.argv[1])
    print("machine: %s, %s cores, Debian %s, load at start %s" % (
        r.get("machine.cpu"), r.get("machine.cores"), r.get("machine.debian"), r.get("machine.loadavg_at_start")))
    print("wrk: -t%s -c%s -d%s (client and server share the machine)\n" % (
        r.get("wrk.threads"), r.get("wrk.connections"), r.get("wrk.duration")))

    runs = [
        ("issue (password)", [("sl.issue", "stacklab (pbkdf2 10000)"),
                              ("ks.issue_bcrypt", "keystone (bcrypt 12)"),
                              ("ks.issue_pbkdf2", "keystone (pbkdf2 10000)"),
                              ("ks_cache.issue_pbkdf2", "keystone+cache (pbkdf2)")]),
        ("issue (password), nocatalog", [("sl.issue_nocatalog", "stacklab (pbkdf2 10000)"),
                                         ("ks.issue_pbkdf2_nocatalog", "keystone (pbkdf2 10000)")]),
        ("validate", [("sl.validate", "stacklab"), ("ks.validate", "keystone"),
                      ("ks_cache.validate", "keystone+cache")]),
        ("validate, nocatalog", [("sl.validate_nocatalog", "stacklab"), ("ks.validate_nocatalog", "keystone"),
                                 ("ks_cache.validate_nocatalog", "keystone+cache")]),
    ]
    hdr = "%-28s %-26s %9s %9s %9s %11s %7s" % ("operation", "server", "req/s", "p50 ms", "p99 ms", "cpu ms/req",
                                                "non2xx")
    print(hdr)
    print("-" * len(hdr))
    for title, keys in runs:
        for k, label in keys:
            if num(r, k + ".rps") is None:
                continue
            print("%-28s %-26s %9s %9s %9s %11s %7s" % (
                title, label, fmt(num(r, k + ".rps")), fmt(num(r, k + ".p50_ms")), fmt(num(r, k + ".p99_ms")),
                fmt(num(r, k + ".server_cpu_ms_per_req")), r.get(k + ".non2xx", "-")))
    print()

    ratios = [
        ("issue vs keystone bcrypt (its default)", "sl.issue", "ks.issue_bcrypt"),
        ("issue vs keystone pbkdf2 10000", "sl.issue", "ks.issue_pbkdf2"),
        ("issue vs keystone+cache pbkdf2 10000", "sl.issue", "ks_cache.issue_pbkdf2"),
        ("issue nocatalog vs keystone pbkdf2", "sl.issue_nocatalog", "ks.issue_pbkdf2_nocatalog"),
        ("validate vs keystone", "sl.validate", "ks.validate"),
        ("validate vs keystone+cache", "sl.validate", "ks_cache.validate"),
        ("validate nocatalog vs keystone", "sl.validate_nocatalog", "ks.validate_nocatalog"),
        ("validate nocatalog vs keystone+cache", "sl.validate_nocatalog", "ks_cache.validate_nocatalog"),
    ]
    shown = False
    for title, a, b in ratios:
        ra, rb = num(r, a + ".rps"), num(r, b + ".rps")
        if ra and rb:
            if not shown:
                print("%-40s %12s %22s" % ("stacklab / keystone", "req/s ratio", "cpu-per-request ratio"))
                shown = True
            ca, cb = num(r, a + ".server_cpu_ms_per_req"), num(r, b + ".server_cpu_ms_per_req")
            print("%-40s %11.1fx %21s" % (title, ra / rb, ("%.1fx" % (cb / ca)) if ca and cb else "-"))
    if shown:
        print()

    for mode in ("ephemeral", "fresh", "restart"):
        k = "sl.startup_%s" % mode
        if num(r, k + ".median_ms") is not None:
            print("stacklab start-to-ready (%s): median %s ms (min %s, max %s, n=%s); first token %s ms; RSS %s MB" % (
                mode, fmt(num(r, k + ".median_ms")), fmt(num(r, k + ".min_ms")), fmt(num(r, k + ".max_ms")),
                r.get(k + ".n"), fmt(num(r, k + ".first_token_median_ms")),
                fmt((num(r, k + ".rss_kb_median") or 0) / 1024)))
    if num(r, "ks.startup.median_ms") is not None:
        print("keystone start-to-ready (uwsgi, %s processes): median %s ms (n=%s)" % (
            r.get("ks.processes"), fmt(num(r, "ks.startup.median_ms")), r.get("ks.startup.n")))
    for who, k in (("stacklab", "sl"), ("keystone", "ks")):
        a, b = num(r, k + ".rss_idle_kb"), num(r, k + ".rss_after_load_kb")
        if a is not None:
            extra = ""
            if num(r, k + ".pss_idle_kb") is not None:
                extra = " (PSS %s MB idle, %s MB after load)" % (
                    fmt(num(r, k + ".pss_idle_kb") / 1024), fmt(num(r, k + ".pss_after_load_kb") / 1024))
            print("%s RSS: %s MB idle after start, %s MB after the load%s" % (
                who, fmt(a / 1024), fmt(b / 1024) if b is not None else "-", extra))


if __name__ == "__main__":
    main()
