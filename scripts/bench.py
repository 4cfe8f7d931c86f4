"""Measure what makes the course feel fast or slow, on this machine.

    python scripts/bench.py [--no-suite]

1. cold start of every embedded broker this machine can run (on free ports, in a scratch state dir);
2. the run time of each notebook in notebooks/ and solutions/ against the configured brokers;
3. the wall time of the whole test suite (`python -m pytest`), unless --no-suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from helpers import embedded  # noqa: E402
from helpers.build import execute  # noqa: E402
from helpers.settings import BROKERS  # noqa: E402


def cold_start() -> None:
    print("Broker cold start (embedded, free ports):")
    scratch = Path(tempfile.mkdtemp(prefix="course-bench-"))
    saved = {spec.env_var: os.environ.get(spec.env_var) for spec in BROKERS.values()}
    try:
        for spec in BROKERS.values():
            port = embedded.free_port()
            scheme = spec.default_url.split("://")[0] + "://" if "://" in spec.default_url else ""
            creds = "guest:guest@" if spec.name == "rabbit" else ""
            os.environ[spec.env_var] = f"{scheme}{creds}127.0.0.1:{port}"
        began = time.monotonic()
        outcomes = embedded.up(root=scratch)
        total = time.monotonic() - began
        for o in outcomes:
            figure = f"{o.seconds * 1000:8.0f} ms" if o.state == "started" else o.state  # launch to accepting
            print(f"  {o.spec.title:<9} {figure}  {o.detail if o.state != 'started' else ''}".rstrip())
        print(f"  all, in parallel: {total:.2f} s")
    finally:
        embedded.down(root=scratch)
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


def notebooks() -> None:
    print("Notebook execution (nbclient, real brokers):")
    for folder in ("notebooks", "solutions"):
        for path in sorted((REPO / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            began = time.monotonic()
            execute(nb, path.parent)
            print(f"  {folder}/{path.name:<32} {time.monotonic() - began:6.2f} s")


def suite() -> None:
    began = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadscope"]  # as `make test` runs it
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
    print(f"Test suite (make test's pytest, {os.cpu_count()} cores): {time.monotonic() - began:.1f} s wall  [{summary}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-suite", action="store_true", help="skip timing the whole test suite")
    args = parser.parse_args()
    cold_start()
    notebooks()
    if not args.no_suite:
        suite()


if __name__ == "__main__":
    main()
