"""Everything a workshop participant should check before the day, with the fix for each problem.

    python -m helpers doctor      (or: make doctor)

Exit status 1 when something blocks the course (old Python, missing packages, a kernel that does not
start, a broker that a lesson needs down); warnings alone exit 0.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

from .catalog import brokers_needed
from .errors import NOT_THIS_BROKER, port_taken_fix
from .roundtrip import check_all
from .settings import REPO_ROOT

JUPYTER_PORT = 8888


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    blocking: bool = True

    def lines(self) -> list[str]:
        mark = "✅" if self.ok else ("❌" if self.blocking else "⚠️ ")
        out = [f"{mark} {self.name}: {self.detail}"]
        if not self.ok and self.fix:
            out.append(f"   fix: {self.fix}")
        return out


def check_python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Finding("Python", ok, version, "install Python 3.11 or newer, then: make PYTHON=python3.11 setup")


def pinned_requirements() -> dict[str, str]:
    pins = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s#]+)", line)
        if match:
            pins[match[1]] = match[2]
    return pins


def check_packages() -> Finding:
    missing, different = [], []
    for name, wanted in pinned_requirements().items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if found != wanted:
            different.append(f"{name} {found} (course: {wanted})")
    if missing:
        return Finding("Packages", False, "missing: " + ", ".join(missing), "make reinstall")
    if different:
        return Finding("Packages", False, "other versions: " + ", ".join(different),
                       "make reinstall (the lessons are tested with the pinned versions)", blocking=False)
    return Finding("Packages", True, f"all {len(pinned_requirements())} pinned packages installed")


def check_kernel() -> Finding:
    """Start the notebook kernel and import the course runtime in it, as a lesson's first cell does."""
    from jupyter_client.manager import start_new_kernel

    try:
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=30, stderr=subprocess.DEVNULL)
    except Exception as exc:  # noqa: BLE001 - any failure to start is the finding
        return Finding("Jupyter kernel", False, f"does not start: {exc}", "make reinstall")
    try:
        reply = client.execute_interactive("import helpers, faststream", timeout=30, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            error = f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            return Finding("Jupyter kernel", False, f"starts, but `import helpers` fails ({error})", "make reinstall")
        return Finding("Jupyter kernel", True, "python3 starts and imports the course runtime")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def check_brokers() -> list[Finding]:
    needed = brokers_needed()
    findings = []
    for health in asyncio.run(check_all()):
        spec = health.spec
        label = f"{spec.title} ({spec.env_var}={spec.shown_url})"
        if health.ok:
            findings.append(Finding(label, True, f"round trip ok, {health.latency_ms:.0f} ms"))
            continue
        if NOT_THIS_BROKER in health.reason:
            fix = port_taken_fix(spec)
        elif spec.is_local():
            fix = "make brokers"
        else:
            fix = f"check that the cluster at {spec.shown_url} is up and reachable from here (VPN, firewall, credentials)"
        detail = health.detail if spec.name in needed else f"{health.detail} (optional: no lesson needs it yet)"
        findings.append(Finding(label, False, detail, fix, blocking=spec.name in needed))
    return findings


def check_jupyter_port() -> Finding:
    with socket.socket() as sock:
        taken = sock.connect_ex(("127.0.0.1", JUPYTER_PORT)) == 0
    if not taken:
        return Finding(f"Port {JUPYTER_PORT}", True, "free for JupyterLab")
    if _is_jupyter(JUPYTER_PORT):
        return Finding(f"Port {JUPYTER_PORT}", True, "a Jupyter server runs there already (`make course`?)")
    return Finding(f"Port {JUPYTER_PORT}", False, "taken by another program",
                   "JupyterLab will pick the next free port; or stop that program", blocking=False)


def _is_jupyter(port: int) -> bool:
    """A Jupyter server answers /api with its version, even without a token."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=1) as reply:
            return "version" in json.loads(reply.read())
    except (OSError, ValueError):
        return False


def run() -> int:
    findings = [check_python(), check_packages(), check_kernel(), *check_brokers(), check_jupyter_port()]
    for finding in findings:
        print("\n".join(finding.lines()))
    blocking = [f for f in findings if not f.ok and f.blocking]
    warnings = [f for f in findings if not f.ok and not f.blocking]
    if blocking:
        print(f"\n{len(blocking)} problem(s) block the course: fix them, then run `make doctor` again.")
        return 1
    print("\nReady for the course." + (f" ({len(warnings)} warning(s) above.)" if warnings else ""))
    return 0
