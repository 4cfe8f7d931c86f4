"""The embedded brokers: ``up`` starts real servers on this machine, ``down`` stops exactly those.

Every broker is started on a free port, with the course state (pids, logs, data) in a temporary
folder, so these tests never touch the brokers a learner or the other tests are using.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import embedded, roundtrip
from helpers.probes import reachable
from helpers.settings import BROKERS, KAFKA, REDIS, REPO_ROOT, state_dir

pytestmark = pytest.mark.embedded

FAST_ONES = ["kafka", "redis", "nats", "mqtt"]


def url_for(name: str, port: int) -> str:
    return {
        "kafka": f"127.0.0.1:{port}",
        "redis": f"redis://127.0.0.1:{port}",
        "nats": f"nats://127.0.0.1:{port}",
        "mqtt": f"mqtt://127.0.0.1:{port}",
        "rabbit": f"amqp://guest:guest@127.0.0.1:{port}/",
    }[name]


def running(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def processes_in(folder: Path) -> list[int]:
    """Live processes whose working directory is inside ``folder`` (embedded brokers run in their data dir)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(proc / "cwd"))
        except OSError:
            continue
        if cwd.is_relative_to(folder) and running(int(proc.name)):
            found.append(int(proc.name))
    return found


def skip_unless_installed(name: str, tmp_path: Path) -> None:
    probe = tmp_path / f"probe-{name}"
    probe.mkdir()
    if embedded.LAUNCHERS[name](embedded.free_port(), probe) is None:
        pytest.skip(f"{BROKERS[name].title} is not installed on this machine ({embedded.INSTALL_HINTS[name]})")


@pytest.fixture
def state(tmp_path) -> Path:
    """The course state folder for this test; whatever ``up`` started there is stopped afterwards."""
    root = state_dir()
    # `down` stops what the state folder records: it must never be the real .course/ of this checkout.
    assert root.is_relative_to(tmp_path.resolve()), root
    yield root
    embedded.down(root=root)
    assert processes_in(root) == [], "a broker started by the test is still running"


@pytest.fixture
def ports(monkeypatch):
    """Point the named brokers at free ports; returns {name: port}."""

    def assign(*names: str) -> dict[str, int]:
        chosen = {}
        for name in names:
            chosen[name] = embedded.free_port()
            monkeypatch.setenv(BROKERS[name].env_var, url_for(name, chosen[name]))
        return chosen

    return assign


async def lifecycle(names: list[str], port_of: dict[str, int], state: Path) -> None:
    """up → round trip → up again → down → down again, for brokers that nothing serves yet."""
    specs = [BROKERS[n] for n in names]
    for spec in specs:
        assert reachable(spec, timeout=0.5) is not None, f"port {port_of[spec.name]} is taken already"

    outcomes = embedded.up(names)
    assert [o.spec.name for o in outcomes] == names
    for o in outcomes:
        assert o.state == "started", f"{o.spec.title}: {o.state} {o.detail}"
    pids = {}
    for spec in specs:
        record = embedded.read_record(spec)
        assert record is not None, f"{spec.title}: up left no record"
        assert record["url"] == spec.url
        pids[spec.name] = record["pid"]
        assert running(record["pid"])
    assert set(pids.values()) <= set(processes_in(state))  # so the fixture's leak check can see them

    for spec in specs:
        health = await roundtrip.check(spec)
        assert health.ok, f"{spec.title}: {health.detail}"
        assert health.latency_ms is not None and health.latency_ms >= 0

    for o in embedded.up(names):
        assert o.state == "running", f"{o.spec.title} was {o.state} on the second up"
        assert o.detail == f"pid {pids[o.spec.name]}"

    for o in embedded.down(names):
        assert o.state == "stopped"
        assert o.detail == f"pid {pids[o.spec.name]}"
    for spec in specs:
        assert not running(pids[spec.name]), f"{spec.title} still runs after down"
        assert refuses_connections(port_of[spec.name]), f"{spec.title} still accepts connections"
        assert reachable(spec, timeout=0.5) is not None
        assert embedded.read_record(spec) is None

    for o in embedded.down(names):
        assert o.state == "stopped"
        assert o.detail == "not started by the course: left as it is"


@pytest.mark.parametrize("name", FAST_ONES)
async def test_lifecycle(name, state, ports):
    port_of = ports(name)
    await lifecycle([name], port_of, state)


async def test_lifecycle_of_several_at_once(state, ports):
    port_of = ports(*FAST_ONES)
    await lifecycle(FAST_ONES, port_of, state)


async def test_lifecycle_rabbit(state, ports, tmp_path):
    skip_unless_installed("rabbit", tmp_path)
    port_of = ports("rabbit")
    await lifecycle(["rabbit"], port_of, state)


def test_start_logs_and_data_go_to_the_state_folder(state, ports):
    port = ports("redis")["redis"]
    [outcome] = embedded.up(["redis"])
    assert outcome.state == "started", outcome.detail
    assert (state / "run" / f"redis-{port}.json").is_file()
    assert (state / "logs" / "redis.log").is_file()
    assert (state / "data" / "redis").is_dir()
    pid = embedded.read_record(REDIS)["pid"]
    assert Path(os.readlink(f"/proc/{pid}/cwd")) == state / "data" / "redis"


def test_a_broker_that_answers_already_is_reused_and_left_running(state):
    # The suite's Redis (system, docker or `make brokers`) is not this test's: `up` must reuse it.
    assert reachable(REDIS, timeout=0.5) is None, f"the suite needs Redis at {REDIS.url}: run `make brokers`"

    [outcome] = embedded.up(["redis"])
    assert outcome.state == "reused"
    assert "already answering" in outcome.detail
    assert embedded.read_record(REDIS) is None

    [outcome] = embedded.down(["redis"])
    assert outcome.detail == "not started by the course: left as it is"
    with socket.create_connection(REDIS.address(), timeout=2) as conn:
        conn.sendall(b"PING\r\n")
        assert conn.recv(64).startswith(b"+PONG")


def test_remote_url_is_not_started(state, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://192.0.2.1:6379")
    monkeypatch.setattr(embedded, "reachable", lambda spec, timeout=0: "no answer within 0.5 s")
    [outcome] = embedded.up(["redis"])
    assert outcome.state == "not-local"
    assert "REDIS_URL" in outcome.detail
    assert embedded.read_record(REDIS) is None


def test_a_broker_that_dies_at_start_is_reported(state, ports, monkeypatch):
    ports("redis")
    monkeypatch.setitem(
        embedded.LAUNCHERS, "redis",
        lambda port, data: embedded.Launch([sys.executable, "-c", "import sys; print('bad config'); sys.exit(3)"], {}),
    )
    [outcome] = embedded.up(["redis"])
    assert outcome.state == "failed"
    assert "exited with 3" in outcome.detail
    assert "bad config" in outcome.detail
    assert embedded.read_record(REDIS) is None


def test_changing_the_port_does_not_orphan_a_running_broker(state, ports):
    first_port = ports("redis")["redis"]
    assert embedded.up(["redis"])[0].state == "started"
    first_pid = embedded.read_record(REDIS)["pid"]
    try:
        ports("redis")  # the learner points REDIS_URL somewhere else and runs `up` again
        assert embedded.up(["redis"])[0].state == "started"
        embedded.down(["redis"])
        os.environ["REDIS_URL"] = url_for("redis", first_port)  # restored by monkeypatch
        embedded.down(["redis"])
        assert not running(first_pid), "the first Redis is still running and nothing records it"
    finally:
        if running(first_pid):
            os.killpg(first_pid, 15)
            os.waitpid(first_pid, 0)


# -- command line --------------------------------------------------------------------


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
    )


def test_cli_status_of_the_course_kafka():
    result = cli("status", "kafka")  # the Kafka the suite runs against, wherever KAFKA_URL points
    assert result.returncode == 0, result.stderr
    assert "round trip ok" in result.stdout
    assert "Kafka" in result.stdout and KAFKA.url in result.stdout


def test_cli_status_requires_a_dead_broker(ports):
    ports("kafka")  # a free port: nothing answers there
    result = cli("status", "kafka", "--require", "kafka")
    assert result.returncode == 1
    assert "not reachable" in result.stdout
    assert "round trip ok" not in result.stdout


def test_cli_up_status_down(state, ports):
    port = ports("kafka")["kafka"]
    up = cli("up", "kafka")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "started" in up.stdout
    pid = embedded.read_record(BROKERS["kafka"])["pid"]

    status = cli("status", "kafka", "--require", "kafka")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "round trip ok" in status.stdout
    assert f"embedded pid {pid}" in status.stdout

    down = cli("down", "kafka")
    assert down.returncode == 0
    assert f"stopped: pid {pid}" in down.stdout
    assert refuses_connections(port)
    assert not running(pid)


def test_cli_up_fails_when_another_program_holds_the_port(state, ports):
    port = ports("redis")["redis"]
    with socket.create_server(("127.0.0.1", port)):  # accepts connections, never speaks Redis
        up = cli("up", "redis")
    assert up.returncode == 1, up.stdout + up.stderr
    assert f"Something accepts connections at redis://127.0.0.1:{port} but does not answer as Redis" in up.stdout
    assert "set REDIS_URL to a free port" in up.stdout
    assert embedded.read_record(REDIS) is None


def test_cli_status_fails_when_a_broker_the_lessons_need_is_down(ports):
    port = ports("kafka")["kafka"]
    result = cli("status")
    assert result.returncode == 1, result.stdout
    assert f"Kafka is not reachable at 127.0.0.1:{port}" in result.stdout
    assert "make brokers" in result.stdout


def test_cli_up_succeeds_when_only_an_optional_broker_cannot_start(state, ports):
    port = ports("mqtt")["mqtt"]
    with socket.create_server(("127.0.0.1", port)):  # another program holds the MQTT port
        up = cli("up", "mqtt")
    assert up.returncode == 0, up.stdout + up.stderr  # no lesson needs MQTT: the course can go on
    assert "failed" in up.stdout and "(optional: no lesson needs it)" in up.stdout


def test_cli_clean_skips_a_broker_that_is_down(ports, tmp_path, monkeypatch):
    port = ports("nats")["nats"]
    monkeypatch.setenv("COURSE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COURSE_LEARNER", "cleantest")  # deletes only its own (none): other tests' runs go on
    result = cli("clean")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"skipped NATS: it does not answer at nats://127.0.0.1:{port}" in result.stdout
    assert "deleted cleantest's sandboxes of interrupted lesson runs on Kafka, Redis (notebooks" in result.stdout
