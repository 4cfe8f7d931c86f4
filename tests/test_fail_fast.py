"""A broker that is down is reported within seconds, with what to do about it.

The dead broker is a free port on 127.0.0.1 that nothing listens on; the remote case never
connects anywhere: its reachability check is replaced by one that reports a timeout.
"""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from helpers import probes
from helpers.brokers import make_broker
from helpers.errors import BrokerUnavailable, CourseError
from helpers.sandbox import Sandbox
from helpers.settings import KAFKA, REDIS

from .conftest import tcp_program

FAST = 5.0  # seconds: "fails fast" means well before any client's own retries


def closed_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago, so connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_kafka(monkeypatch) -> str:
    url = f"127.0.0.1:{closed_port()}"
    monkeypatch.setenv("KAFKA_URL", url)
    return url


def assert_local_advice(message: str, url: str) -> None:
    assert "Kafka" in message
    assert url in message
    assert "make brokers" in message
    assert "in the course folder" in message
    assert "KAFKA_URL" in message


def test_require_passes_for_a_live_broker():
    assert probes.reachable(KAFKA) is None
    probes.require("kafka")  # the course Kafka answers: no error


def test_require_fails_fast_for_a_dead_kafka(dead_kafka):
    began = time.monotonic()
    with pytest.raises(BrokerUnavailable) as info:
        probes.require("kafka")
    elapsed = time.monotonic() - began
    assert elapsed < FAST, f"took {elapsed:.1f} s"
    error = info.value
    assert isinstance(error, CourseError)
    assert error.spec is KAFKA
    assert error.reason  # e.g. "Connection refused"
    assert error.reason in str(error)
    assert_local_advice(str(error), dead_kafka)
    assert "remote" not in str(error)


def test_require_reports_the_first_broker_that_is_down(dead_kafka, monkeypatch):
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port()}")
    with pytest.raises(BrokerUnavailable) as info:
        probes.require("redis", "kafka")
    assert info.value.spec is REDIS
    message = str(info.value)
    assert "Redis" in message and "make brokers" in message and "REDIS_URL" in message


def test_remote_kafka_gets_remote_advice(monkeypatch):
    url = "192.0.2.1:9092"  # TEST-NET-1: never routed; and the probe below does not connect anyway
    monkeypatch.setenv("KAFKA_URL", url)
    asked = []

    def no_answer(spec, timeout=probes.CONNECT_TIMEOUT):
        asked.append((spec, timeout))
        return f"no answer within {timeout:g} s"

    monkeypatch.setattr(probes, "reachable", no_answer)
    with pytest.raises(BrokerUnavailable) as info:
        probes.require("kafka", timeout=0.1)
    assert asked == [(KAFKA, 0.1)]
    message = str(info.value)
    assert url in message
    assert "no answer within 0.1 s" in message
    assert "remote Kafka" in message
    assert "KAFKA_URL" in message
    assert "VPN" in message and "credentials" in message
    assert "Unset it" in message
    assert "make brokers" not in message


def test_sandbox_open_fails_fast(dead_kafka):
    began = time.monotonic()
    with pytest.raises(BrokerUnavailable) as info:
        Sandbox.open("01", needs=("kafka",))
    assert time.monotonic() - began < FAST
    assert_local_advice(str(info.value), dead_kafka)


def test_sandbox_open_checks_every_broker_it_needs(dead_kafka):
    # Redis (the suite's) answers; Kafka does not: the error is about Kafka.
    with pytest.raises(BrokerUnavailable) as info:
        Sandbox.open("01", needs=("redis", "kafka"))
    assert info.value.spec is KAFKA


def test_sandbox_without_needs_opens_without_brokers(dead_kafka):
    sandbox = Sandbox.open("01", needs=())
    assert sandbox.needs == ()


async def test_sandbox_kafka_broker_fails_fast(dead_kafka):
    sandbox = Sandbox("01", needs=(), run_id="abc123")
    began = time.monotonic()
    with pytest.raises(BrokerUnavailable) as info:
        sandbox.kafka_broker()
    assert time.monotonic() - began < FAST
    assert_local_advice(str(info.value), dead_kafka)
    await sandbox.close()  # nothing was created, so closing has nothing to stop


async def test_real_kafka_broker_fails_on_start(dead_kafka):
    """Without the course's probe, FastStream's own start() must still fail, and not hang."""
    broker = make_broker("kafka", logger=None)
    port = dead_kafka.rsplit(":", 1)[1]
    began = time.monotonic()
    try:
        with pytest.raises(Exception) as info:  # noqa: PT011 - which client error it is does not matter
            await asyncio.wait_for(broker.start(), 10)
        elapsed = time.monotonic() - began
        assert not isinstance(info.value, asyncio.TimeoutError), "broker.start() hung for 10 s"
        assert elapsed < FAST, f"start() took {elapsed:.1f} s to fail"
        assert port in str(info.value)
    finally:
        await broker.stop()


# -- another program on the broker's port -------------------------------------------


@pytest.fixture
def http_server(monkeypatch):
    """A web server on a free port: it answers connections, and speaks HTTP only."""
    import http.server
    import threading

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the test's output is not the place for its requests
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    server.timeout = 0.1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


URL_OF = {"kafka": "127.0.0.1:{}", "redis": "redis://127.0.0.1:{}", "rabbit": "amqp://guest:guest@127.0.0.1:{}/",
          "nats": "nats://127.0.0.1:{}", "mqtt": "mqtt://127.0.0.1:{}"}


@pytest.mark.parametrize("name", sorted(URL_OF))
def test_a_web_server_on_the_port_is_not_taken_for_the_broker(name, http_server, monkeypatch):
    from helpers.settings import BROKERS

    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, URL_OF[name].format(http_server))
    began = time.monotonic()
    with pytest.raises(BrokerUnavailable) as info:
        probes.require(name)
    assert time.monotonic() - began < FAST
    message = str(info.value)
    # A web server answers a line-based greeting (Redis's PING) with an HTTP error, and waits in silence for
    # the end of a binary one: either way the message names the port and both ways out.
    assert info.value.reason in (f"something accepts connections on port {http_server} but does not answer",
                                 f"something answers on port {http_server}, but it does not speak {spec.title}")
    assert f"ss -ltnp 'sport = :{http_server}'" in message and f"set {spec.env_var} to a free port" in message


@pytest.fixture
def chatty_server():
    """A program that greets every connection in its own protocol, whatever it is sent."""
    with tcp_program(lambda conn: conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")) as port:
        yield port


@pytest.mark.parametrize("name", sorted(URL_OF))
def test_another_protocol_on_the_port_is_named_as_another_program(name, chatty_server, monkeypatch):
    from helpers.settings import BROKERS

    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, URL_OF[name].format(chatty_server))
    with pytest.raises(BrokerUnavailable) as info:
        probes.require(name)
    assert info.value.reason == f"something answers on port {chatty_server}, but it does not speak {spec.title}"
    message = str(info.value)
    assert f"Something answers at {spec.shown_url}, but it does not speak {spec.title}." in message
    assert f"Another program holds its port: see which program holds port {chatty_server}" in message


@pytest.mark.parametrize("name", sorted(URL_OF))
def test_the_real_brokers_speak_their_protocol(name):
    from helpers.settings import BROKERS

    if name not in ("kafka", "redis") and probes.reachable(BROKERS[name], timeout=0.5) is not None:
        pytest.skip(f"{BROKERS[name].title} is not running here (optional for the course)")
    assert probes.reachable(BROKERS[name]) is None


def test_a_tls_endpoint_is_only_checked_for_a_connection(http_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", f"rediss://127.0.0.1:{http_server}")
    assert probes.reachable(REDIS) is None  # a plaintext PING would be garbage to a TLS server


# -- a broker that dies while a lesson uses it ---------------------------------------


@pytest.mark.embedded
async def test_a_kafka_that_dies_mid_lesson_is_reported_within_seconds(tmp_path, monkeypatch):
    from helpers import embedded

    monkeypatch.setenv("KAFKA_URL", f"127.0.0.1:{embedded.free_port()}")
    root = tmp_path / "brokers"
    [outcome] = embedded.up(["kafka"], root=root)
    assert outcome.state == "started", outcome.detail
    sandbox = Sandbox.open("99", needs=("kafka",))
    broker = sandbox.kafka_broker()
    topic = sandbox.topic("orders")

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_order(order: dict) -> None: ...

    try:
        await broker.start()
        await broker.publish({"n": 1}, topic)
        await sandbox.handled(on_order)
        embedded.down(["kafka"], root=root)

        began = time.monotonic()
        with pytest.raises(BrokerUnavailable) as published:
            await broker.publish({"n": 2}, topic)
        assert time.monotonic() - began < FAST
        assert "it stopped answering" in str(published.value) and "make brokers" in str(published.value)

        with pytest.raises(BrokerUnavailable, match="Kafka is not reachable"):
            await sandbox.handled(on_order, timeout=0.5)  # not "nothing arrived": the broker is the reason
        began = time.monotonic()
        await broker.stop()
        assert time.monotonic() - began < 15, "stop waits for an unsent batch only up to the request timeout"
    finally:
        embedded.down(root=root)


def test_a_client_retrying_a_dead_broker_logs_each_line_once():
    import logging

    from helpers.brokers import OncePerMessage

    once = OncePerMessage()
    record = lambda node: logging.LogRecord("aiokafka", logging.ERROR, "", 0, "Unable connect to node %s", (node,), None)  # noqa: E731
    assert [once.filter(record(1)), once.filter(record(1)), once.filter(record(2))] == [True, False, False]
    other = logging.LogRecord("aiokafka", logging.ERROR, "", 0, "Unable to update metadata", (), None)
    assert once.filter(other)


async def test_the_setup_check_shows_every_broker_and_the_fix_for_a_dead_one(dead_kafka, monkeypatch):
    from helpers import progress
    from helpers.setup_check import check_setup

    monkeypatch.setenv("COURSE_PROGRESS", "1")  # the suite records none; this test is about recording
    table = await check_setup()
    assert table.title == "Kafka down: the lessons need it. The fix is below the table."
    kafka = next(row for row in table.rows if row[0] == "Kafka")
    assert kafka[2:] == [dead_kafka, "❌ down", "lesson 01"]
    assert next(row for row in table.rows if row[0] == "Redis")[3] == "✅ ok"
    assert [note.splitlines()[0] for note in table.notes] == [f"Kafka is not reachable at {dead_kafka} (Connection refused)."]
    assert "make brokers" in repr(table) and "<pre>" in table._repr_html_()
    assert "00.setup" not in progress.load()


async def test_the_setup_check_counts_when_the_needed_brokers_are_up(monkeypatch):
    from helpers import progress
    from helpers.setup_check import check_setup

    monkeypatch.setenv("COURSE_PROGRESS", "1")
    table = await check_setup()
    assert table.title == "Every broker the lessons need is ready." and table.notes == []
    assert progress.load()["00.setup"]["best"] == "correct"
