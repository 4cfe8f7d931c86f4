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
    assert "python -m helpers up kafka" in message
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
    assert "Redis" in message and "python -m helpers up redis" in message and "REDIS_URL" in message


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
    assert "python -m helpers up" not in message


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
