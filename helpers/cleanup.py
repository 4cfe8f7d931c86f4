"""Remove what a sandbox created on the brokers: Kafka topics, Redis keys, JetStream streams.

A sandbox deletes its own names when it closes. A run that was interrupted (a kernel restarted
mid-lesson) leaves its names behind; ``leftovers`` finds those of one learner that no live
notebook on this machine still uses, for ``python -m helpers clean``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

from .settings import KAFKA, NATS, RABBIT, REDIS, kafka_security, learner, state_dir

Match = Callable[[str], bool]


def _kafka_admin():
    from aiokafka.admin import AIOKafkaAdminClient

    extra = {}
    security = kafka_security()
    if security is not None:
        from faststream.kafka.security import parse_security

        extra = parse_security(security)
    return AIOKafkaAdminClient(bootstrap_servers=KAFKA.bootstrap_servers(), request_timeout_ms=5000, **extra)


async def delete_kafka_topics(topics: list[str]) -> None:
    if not topics:
        return
    admin = _kafka_admin()
    await admin.start()
    try:
        await admin.delete_topics(topics, timeout_ms=5000)
    finally:
        await admin.close()


async def kafka_topics(prefix: str | tuple[str, ...]) -> list[str]:
    return await _kafka_topics(_starts_with(prefix))


async def _kafka_topics(match: Match) -> list[str]:
    admin = _kafka_admin()
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if match(t))
    finally:
        await admin.close()


async def clean_kafka(match: Match) -> None:
    await delete_kafka_topics(await _kafka_topics(match))


async def clean_redis(match: Match) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS.url)
    try:
        keys = [key async for key in client.scan_iter(count=1000) if match(key.decode(errors="replace"))]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def clean_nats(match: Match) -> None:
    import nats

    client = await nats.connect(NATS.url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        for info in await js.streams_info():
            if match(info.config.name):
                await js.delete_stream(info.config.name)
    finally:
        await client.close()


async def delete_rabbit_queues(names: list[str]) -> None:
    """RabbitMQ cannot list queues over AMQP, so the sandbox names the queues it declared."""
    if not names:
        return
    import aio_pika

    connection = await aio_pika.connect(RABBIT.url, timeout=5)
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
    finally:
        await connection.close()


CLEANERS = {"kafka": clean_kafka, "redis": clean_redis, "nats": clean_nats}


async def clean_namespace(prefix: str | tuple[str, ...], kinds: tuple[str, ...] = tuple(CLEANERS)) -> None:
    """Delete everything whose name starts with ``prefix`` (or one of several) on the named kinds of broker."""
    await clean_matching(_starts_with(prefix), kinds)


async def clean_matching(match: Match, kinds: tuple[str, ...] = tuple(CLEANERS)) -> None:
    for kind in kinds:
        cleaner = CLEANERS.get(kind)
        if cleaner is not None:
            await cleaner(match)


def _starts_with(prefix: str | tuple[str, ...]) -> Match:
    prefixes = (prefix,) if isinstance(prefix, str) else tuple(prefix)
    # JetStream names use "-" where topics use "." (Sandbox.ident)
    prefixes += tuple(p.replace(".", "-") for p in prefixes)
    return lambda name: name.startswith(prefixes)


# -- leftovers of interrupted runs ---------------------------------------------------


def _live_dir():
    return state_dir() / "sandboxes"


def register_live(prefix: str) -> None:
    """Note that this process uses ``prefix``, so ``clean`` leaves it alone."""
    path = _live_dir()
    path.mkdir(parents=True, exist_ok=True)
    (path / f"{prefix}.json").write_text(json.dumps({"pid": os.getpid()}))


def unregister_live(prefix: str) -> None:
    (_live_dir() / f"{prefix}.json").unlink(missing_ok=True)


def live_prefixes() -> set[str]:
    """Sandboxes of notebooks that still run on this machine."""
    from .embedded import process_alive

    live = set()
    for path in _live_dir().glob("*.json"):
        try:
            pid = json.loads(path.read_text())["pid"]
        except (OSError, ValueError, KeyError):
            continue
        if process_alive(pid):
            live.add(path.stem)
        else:
            path.unlink(missing_ok=True)
    return live


def leftovers() -> Match:
    """This learner's sandbox names (``COURSE_LEARNER``, or the runs without a learner) not in use here.

    A run without a learner is ``lessonNN-<run id>``; one of a learner whose name looks like a run id
    (``lessonNN-123456-<run id>``) must not pass for it, hence the look-ahead.
    """
    who = learner()
    if who:
        pattern = re.compile(rf"^(lesson\d\d-{re.escape(who)}-[0-9a-f]{{6}})[.-]")
    else:
        pattern = re.compile(r"^(lesson\d\d-[0-9a-f]{6})[.-](?![0-9a-f]{6}[.-])")
    live = live_prefixes()

    def match(name: str) -> bool:
        found = pattern.match(name)
        return bool(found) and found[1] not in live

    return match
