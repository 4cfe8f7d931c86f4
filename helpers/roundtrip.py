"""A real publish → consume round trip through each broker, for ``status`` and lesson 00."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from .probes import reachable
from .settings import BROKERS, BrokerSpec

ROUND_TRIP_TIMEOUT = 10.0


@dataclass
class Health:
    spec: BrokerSpec
    ok: bool
    detail: str
    latency_ms: float | None = None
    reason: str = ""  # why it is not ok, for errors.fix_message


def _broker(spec: BrokerSpec):
    """A FastStream broker for ``spec`` that logs nothing (status output stays readable)."""
    from .brokers import make_broker

    return make_broker(spec.name, logger=None)


async def _exchange(spec: BrokerSpec) -> float:
    """Publish one message to a fresh channel and wait for it to come back; return the latency in ms."""
    name = f"course-healthcheck-{uuid.uuid4().hex[:8]}"
    broker = _broker(spec)
    arrived: asyncio.Future = asyncio.get_running_loop().create_future()
    options = {}
    if spec.name == "kafka":
        options = {"auto_offset_reset": "earliest"}
    elif spec.name == "rabbit":
        from faststream.rabbit import RabbitQueue

        name = RabbitQueue(name, auto_delete=True)

    @broker.subscriber(name, **options)
    async def echo(body: str) -> None:
        if not arrived.done():
            arrived.set_result(body)

    try:
        await broker.start()  # inside the try: a start that fails must still close what it opened
        began = time.perf_counter()
        await broker.publish("ping", name)
        body = await asyncio.wait_for(arrived, ROUND_TRIP_TIMEOUT)
        latency = (time.perf_counter() - began) * 1000
        if body != "ping":
            raise RuntimeError(f"sent 'ping', received {body!r}")
        if spec.name == "kafka":
            await _delete_kafka_topics([name])
        return latency
    finally:
        await broker.stop()


async def _delete_kafka_topics(topics: list[str]) -> None:
    from .cleanup import delete_kafka_topics

    await delete_kafka_topics(topics)


async def check(spec: BrokerSpec) -> Health:
    """Check one broker: is it reachable, and does a message really go round?"""
    reason = await asyncio.to_thread(reachable, spec)
    if reason is not None:
        return Health(spec, False, f"not reachable ({reason})", reason=reason)
    try:
        latency = await asyncio.wait_for(_exchange(spec), ROUND_TRIP_TIMEOUT + 5)
    except Exception as exc:  # noqa: BLE001 - any failure is the answer here
        reason = f"round trip failed: {type(exc).__name__}: {exc}".strip().rstrip(":")
        return Health(spec, False, reason, reason=reason)
    return Health(spec, True, "round trip ok", latency)


async def check_all(names: list[str] | None = None) -> list[Health]:
    return list(await asyncio.gather(*(check(BROKERS[n]) for n in (names or BROKERS))))
