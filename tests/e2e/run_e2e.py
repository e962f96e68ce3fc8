#!/usr/bin/python3
"""End-to-end tests of stacklab with Debian's real `openstack` CLI.

    python3 tests/e2e/run_e2e.py build/stacklab [-v] [-j N] [SUITE ...]

Runs every suite in tests/e2e/suite_*.py (identity, image, ...; name some to
run only those), each against its own `stacklab up --ephemeral` on a free
port, and checks what the CLI prints and what the cloud then holds. Prints
one PASS/FAIL table and exits non-zero when any check failed.

Suites run two at a time (-j N or STACKLAB_E2E_JOBS=N to change; -j 1 runs
them in this process, one after the other): each job is a worker process
taking the next suite when it finishes one; the table keeps the suites' order.

Most commands run in this process through openstackclient's own entry point
(see harness.py); the ones students type most run as real /usr/bin/openstack
processes. STACKLAB_E2E_SUBPROCESS=1 runs every command as its own process.

Needs /usr/bin/python3 with python3-openstackclient; when started by another
python3 (e.g. a pyenv one) it re-executes itself under /usr/bin/python3.
"""

import glob
import importlib
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

harness.ensure_debian_python()


def discover():
    """The Suite subclasses of suite_*.py, identity first, then by file name."""
    here = os.path.dirname(os.path.abspath(__file__))
    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(here, "suite_*.py")))
    names.sort(key=lambda n: n != "suite_identity")
    suites = []
    for name in names:
        module = importlib.import_module(name)
        suites += [c for _, c in inspect.getmembers(module, inspect.isclass)
                   if issubclass(c, harness.Suite) and c is not harness.Suite and c.__module__ == name]
    return suites


def main():
    argv = sys.argv[1:]
    harness.VERBOSE = "-v" in argv
    args = [a for a in argv if a != "-v"]
    if args[:1] == ["--worker"]:  # one job of a parallel run (harness.run_suites)
        return harness.serve_suites(args[3], discover(), int(args[1]), int(args[2]))
    jobs = int(os.environ.get("STACKLAB_E2E_JOBS", "2"))
    if "-j" in args:
        i = args.index("-j")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    if not args:
        sys.exit("usage: run_e2e.py path/to/stacklab [-v] [-j N] [SUITE ...]")
    suites = discover()
    wanted = args[1:]
    unknown = set(wanted) - {s.name for s in suites}
    if unknown:
        sys.exit(f"run_e2e.py: no suite named {', '.join(sorted(unknown))}; "
                 f"known: {', '.join(s.name for s in suites)}")
    if wanted:
        suites = [s for s in suites if s.name in wanted]
    return harness.run_suites(args[0], suites, jobs)


if __name__ == "__main__":
    sys.exit(main())
