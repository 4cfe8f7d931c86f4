"""Each notebook run gets its own namespace on the shared brokers.

Names are made of the lesson, the learner (in workshop mode) and a random run id, e.g.
``lesson01-3f9a2c.user.created``. Reruns, parallel notebooks and thirty learners on one cluster
therefore never see each other's messages. What the sandbox created is removed by ``close()``.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from . import probes
from .brokers import make_broker
from .cleanup import clean_namespace, delete_rabbit_queues, register_live, unregister_live
from .errors import STOPPED, BrokerUnavailable, NothingArrived, SandboxClosed
from .flow import Delivery, FlowLog, Publication, channels_of, handler_name, handler_name_of, while_answering
from .settings import BROKERS, learner

class Sandbox:
    """Brokers and names that belong to one run of one lesson."""

    def __init__(self, lesson: str, *, needs: tuple[str, ...] = ("kafka",), run_id: str | None = None) -> None:
        self.lesson = lesson
        self.needs = tuple(needs)
        self.run_id = run_id or secrets.token_hex(3)
        who = learner()
        self.prefix = "-".join(p for p in (f"lesson{lesson}", who, self.run_id) if p)
        self.flow = FlowLog(strip=self.strip)
        self._brokers: list[Any] = []
        self._kinds: set[str] = set(needs)
        self._closed = False
        register_live(self.prefix)  # `python -m helpers clean` leaves a running notebook's names alone

    @classmethod
    def open(cls, lesson: str, *, needs: tuple[str, ...] = ("kafka",)) -> "Sandbox":
        """A new sandbox, after checking (within seconds) that every broker it needs answers."""
        probes.require(*needs)
        return cls(lesson, needs=needs)

    # -- names ---------------------------------------------------------------------
    def topic(self, name: str) -> str:
        """A topic, channel, subject or queue name private to this run: ``<prefix>.<name>``."""
        self._require_open()
        return f"{self.prefix}.{name}"

    name = topic

    def ident(self, name: str) -> str:
        """A name without dots, for things that forbid them (JetStream streams, KV buckets)."""
        self._require_open()
        return f"{self.prefix}-{name}".replace(".", "-")

    def strip(self, name: str) -> str:
        """The name as the lesson wrote it, without this sandbox's prefix."""
        for sep in (".", "-"):
            if name.startswith(self.prefix + sep):
                return name[len(self.prefix) + 1 :]
        return name

    # -- brokers -------------------------------------------------------------------
    def broker(self, kind: str, **options: Any):
        """A FastStream broker of ``kind`` whose messages this sandbox records (not started yet)."""
        self._require_open()
        probes.require(kind)
        options["middlewares"] = (*options.get("middlewares", ()), self.flow.recorder(watch=BROKERS[kind]))
        broker = make_broker(kind, **options)
        _start_once(broker)
        self._brokers.append(broker)
        self._kinds.add(kind)
        return broker

    def kafka_broker(self, **options: Any):
        return self.broker("kafka", **options)

    def redis_broker(self, **options: Any):
        return self.broker("redis", **options)

    def rabbit_broker(self, **options: Any):
        return self.broker("rabbit", **options)

    def nats_broker(self, **options: Any):
        return self.broker("nats", **options)

    # -- waiting -------------------------------------------------------------------
    async def handled(self, to: Any, count: int = 1, timeout: float = 10.0, **kw: Any) -> list[Delivery]:
        """Wait for the next ``count`` messages processed on a topic (or by a handler); see FlowLog.handled."""
        return await self._while_brokers_answer(self.flow.handled(to, count, timeout, topics=self._topics_of(to), **kw))

    async def published(self, topic: str, count: int = 1, timeout: float = 10.0) -> list[Publication]:
        """Wait for the next ``count`` messages published to ``topic``."""
        return await self._while_brokers_answer(self.flow.publications_to(topic, count, timeout))

    async def _while_brokers_answer(self, waiting: Any) -> Any:
        """A wait that ends early, with the fix, when one of this sandbox's brokers stops answering."""
        try:
            return await while_answering([BROKERS[kind] for kind in sorted(self._kinds)], waiting)
        except NothingArrived:
            self._require_brokers()  # a broker that died just now is still the better explanation
            raise

    def _topics_of(self, to: Any) -> list[str]:
        """The topics a handler listens on, so that a wait on the handler can say where messages went instead."""
        if isinstance(to, str):
            return [to]
        name = handler_name_of(to)
        return [t for b in self._brokers for sub in b.subscribers if handler_name(sub) == name for t in channels_of(sub)]

    def _require_brokers(self) -> None:
        """After a wait came up empty: a broker of this sandbox that stopped answering is the reason."""
        try:
            probes.require(*sorted(self._kinds), timeout=1.0)
        except BrokerUnavailable as down:
            raise BrokerUnavailable(down.spec, f"{STOPPED}: {down.reason}") from None

    async def wait_assigned(self, subscriber: Any, timeout: float = 15.0) -> None:
        """Wait until a Kafka subscriber owns partitions (a consumer group's join takes seconds)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            consumer = getattr(subscriber, "consumer", None)
            if consumer is not None and consumer.assignment():
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"No partitions assigned within {timeout:g} s: is the broker started?")
            await asyncio.sleep(0.02)  # polling the client's own state; no message can be missed here

    # -- lifecycle -----------------------------------------------------------------
    def _require_open(self) -> None:
        if self._closed:
            raise SandboxClosed(self.prefix)

    async def close(self) -> None:
        """Stop the sandbox's brokers and delete what this run created on the servers.

        With a broker down it says so and does nothing, so running it again once the broker is back
        still cleans up.
        """
        if self._closed:
            return
        probes.require(*sorted(self._kinds), timeout=1.0)
        queues = sorted({q for b in self._brokers for q in _rabbit_queues(b) if q.startswith(self.prefix)})
        for broker in self._brokers:
            await broker.stop()
        await delete_rabbit_queues(queues)
        # Only names under this run's prefix *and a separator* ("." in topics, "-" in idents, which
        # clean_namespace derives): another learner's prefix may start with the same characters
        # (lesson01-deadbe vs lesson01-deadbeef-...).
        await clean_namespace(f"{self.prefix}.", kinds=tuple(sorted(self._kinds)))
        unregister_live(self.prefix)
        self._closed = True

    async def __aenter__(self) -> "Sandbox":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        brokers = ", ".join(BROKERS[n].title for n in self.needs)
        return f"Sandbox for lesson {self.lesson}: names start with {self.prefix} ({brokers} reachable)"


ALREADY_RUNNING = ("This broker is running already, so nothing was done. (A second start would consume every "
                   "message twice.)")


def _start_once(broker: Any) -> None:
    """Make rerunning a notebook's ``await broker.start()`` cell harmless.

    FastStream starts every subscriber again when a running broker is started again: each message is then
    handled twice, and ``stop()`` closes only one of the consumers.
    """
    start = broker.start

    async def start_once(*args: Any, **kwargs: Any) -> None:
        if broker.running:
            print(ALREADY_RUNNING)
            return
        await start(*args, **kwargs)

    broker.start = start_once


def _rabbit_queues(broker: Any) -> list[str]:
    """Names of the queues a RabbitMQ broker's subscribers declared (other brokers have none)."""
    from faststream.rabbit import RabbitBroker

    if not isinstance(broker, RabbitBroker):
        return []
    return [sub.queue.name for sub in broker.subscribers]
