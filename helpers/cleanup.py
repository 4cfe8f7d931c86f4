"""Remove what a sandbox created on the brokers: Kafka topics, Redis keys, JetStream streams."""

from __future__ import annotations

from .settings import KAFKA, NATS, RABBIT, REDIS, kafka_security


def _kafka_admin():
    from aiokafka.admin import AIOKafkaAdminClient

    extra = {}
    security = kafka_security()
    if security is not None:
        from faststream.kafka.security import parse_security

        extra = parse_security(security)
    return AIOKafkaAdminClient(bootstrap_servers=KAFKA.url, request_timeout_ms=5000, **extra)


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
    admin = _kafka_admin()
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(prefix))
    finally:
        await admin.close()


async def clean_kafka(prefix: tuple[str, ...]) -> None:
    await delete_kafka_topics(await kafka_topics(prefix))


async def clean_redis(prefix: tuple[str, ...]) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS.url)
    try:
        keys = [key for p in prefix async for key in client.scan_iter(match=f"{p}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def clean_nats(prefix: tuple[str, ...]) -> None:
    import nats

    client = await nats.connect(NATS.url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        stream_prefix = tuple(p.replace(".", "-") for p in prefix)
        for info in await js.streams_info():
            if info.config.name.startswith(stream_prefix):
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
    prefix = (prefix,) if isinstance(prefix, str) else prefix
    for kind in kinds:
        cleaner = CLEANERS.get(kind)
        if cleaner is not None:
            await cleaner(prefix)
