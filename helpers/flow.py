"""A record of the messages that flow through a sandbox's brokers, and ways to wait on it.

A FastStream middleware notes every publish and every delivery (with the handler's result or the
exception it raised). Lessons and checkers then *await* what they expect to see, with a timeout,
instead of sleeping and hoping; when it does not arrive, the error explains the message flow.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from faststream import BaseMiddleware

from .errors import STOPPED, BrokerUnavailable, HandlerFailed, NothingArrived
from .probes import reachable
from .settings import BrokerSpec


_sequence = itertools.count()


@dataclass
class Publication:
    channel: str
    body: Any
    key: Any = None
    headers: dict = field(default_factory=dict)
    seq: int = field(default_factory=lambda: next(_sequence))


@dataclass
class Delivery:
    channel: str
    handler: str
    body: Any
    result: Any = None
    error: BaseException | None = None
    done: bool = False
    seq: int = field(default_factory=lambda: next(_sequence))

    @property
    def ok(self) -> bool:
        return self.done and self.error is None


def channel_of(raw: Any) -> str:
    """The topic, channel, subject or queue a raw client message arrived on."""
    if isinstance(raw, dict):  # Redis
        return str(raw.get("channel", b"") or "").removeprefix("b'").removesuffix("'")
    for attr in ("topic", "subject", "routing_key"):
        value = getattr(raw, attr, None)
        if value:
            return value.decode() if isinstance(value, bytes) else str(value)
    return "?"


def channels_of(subscriber: Any) -> list[str]:
    """The topics, channels, queues or subjects a subscriber listens on, whatever its broker."""
    topics = getattr(subscriber, "topic_names", None)  # Kafka
    if topics is not None:
        return list(topics)
    for attr in ("list_sub", "stream_sub", "queue", "channel"):  # Redis lists and streams, RabbitMQ, Redis pub/sub
        name = getattr(getattr(subscriber, attr, None), "name", None)
        if isinstance(name, str):
            return [name]
    subject = getattr(getattr(subscriber, "subject", None), "broker_address", None)  # NATS
    return [subject] if isinstance(subject, str) else []


def handler_name(subscriber: Any) -> str:
    for call in getattr(subscriber, "calls", ()):
        target = getattr(call, "handler", None)
        target = getattr(target, "_original_call", target)
        name = getattr(target, "__name__", None)
        if name:
            return name
    return "handler"


class FlowLog:
    """Everything published and delivered through the brokers that carry this log's middleware."""

    def __init__(self, strip: Callable[[str], str] = str) -> None:
        self.publications: list[Publication] = []
        self.deliveries: list[Delivery] = []
        self.strip = strip  # turns a sandbox name back into the name a person wrote
        self._changed = asyncio.Event()
        # How many messages each wait target (a channel or a handler) has already returned, so that
        # every wait is for *new* messages and rerunning a publish-and-wait cell waits for its own.
        self._returned: dict[tuple[str, str], int] = {}

    # -- recording -----------------------------------------------------------------
    @property
    def middleware(self) -> type[BaseMiddleware]:
        return self.recorder()

    def recorder(self, watch: BrokerSpec | None = None) -> type[BaseMiddleware]:
        """The recording middleware; with ``watch``, a publish that waits on a dead broker fails in seconds."""
        log = self

        class FlowRecorder(BaseMiddleware):
            async def consume_scope(self, call_next, msg):
                subscriber = self.context.get_local("handler_")
                try:
                    body = await msg.decode()
                except Exception:  # noqa: BLE001 - an undecodable body is recorded as its bytes
                    body = msg.body
                delivery = Delivery(channel_of(msg.raw_message), handler_name(subscriber), body)
                log.deliveries.append(delivery)
                try:
                    delivery.result = await call_next(msg)
                    return delivery.result
                except BaseException as exc:
                    delivery.error = exc
                    raise
                finally:
                    delivery.done = True
                    log.notify()

            async def publish_scope(self, call_next, cmd):
                # Recorded before it is sent, so the record's order is the order of events;
                # a publish that fails is taken back out.
                publication = Publication(cmd.destination, cmd.body, getattr(cmd, "key", None),
                                          dict(cmd.headers or {}))
                log.publications.append(publication)
                try:
                    sent = call_next(cmd)
                    return await (sent if watch is None else while_answering((watch,), sent))
                except BaseException:
                    log.publications.remove(publication)
                    raise
                finally:
                    log.notify()

        return FlowRecorder

    def notify(self) -> None:
        self._changed.set()

    # -- querying ------------------------------------------------------------------
    def delivered(self, to: Any = None) -> list[Delivery]:
        """Finished deliveries, optionally only those on one channel or to one handler."""
        return [d for d in self.deliveries if d.done and _matches(d, to)]

    def published(self, to: str | None = None) -> list[Publication]:
        return [p for p in self.publications if to is None or p.channel == to]

    async def wait(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``ready()`` is true, waking on every recorded message; False on timeout."""
        deadline = time.monotonic() + timeout
        while not ready():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._changed.clear()
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow an outer cancellation
                # (a check's time limit) when the event fires at the same moment.
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                return ready()
        return True

    async def handled(
        self, to: Any, count: int = 1, timeout: float = 10.0, *, raise_errors: bool = True,
        topics: Iterable[str] = (),
    ) -> list[Delivery]:
        """Wait for the next ``count`` messages sent to ``to`` (a channel name or a handler) to be processed.

        Each call returns messages that no earlier call for the same ``to`` returned. A handler that
        raised is reported as :class:`HandlerFailed` (unless ``raise_errors=False``), so a broken
        handler is a clear error in the cell that waits, not a log line somewhere else. ``topics``, the
        topics a handler listens on, let a wait on a handler say where messages went instead.
        """
        key = ("handled", _key_of(to))
        start = self._returned.get(key, 0)
        if not await self.wait(lambda: len(self.delivered(to)) >= start + count, timeout):
            raise NothingArrived(self.explain(to, count, timeout, earlier=start, topics=topics))
        deliveries = self.delivered(to)[start : start + count]
        self._returned[key] = start + count
        failed = next((d for d in deliveries if d.error is not None), None)
        if raise_errors and failed is not None:
            raise HandlerFailed(
                f"`{failed.handler}` raised {type(failed.error).__name__}: {failed.error} "
                f"while handling {failed.body!r} from `{self.strip(failed.channel)}`."
            ) from failed.error
        return deliveries

    async def publications_to(self, channel: str, count: int = 1, timeout: float = 10.0) -> list[Publication]:
        """Wait for the next ``count`` messages published to ``channel`` (new ones, as in :meth:`handled`)."""
        key = ("published", channel)
        start = self._returned.get(key, 0)
        if await self.wait(lambda: len(self.published(channel)) >= start + count, timeout):
            self._returned[key] = start + count
            return self.published(channel)[start : start + count]
        got = len(self.published(channel)) - start
        elsewhere = sorted({self._shown(p.channel) for p in self.publications if p.channel != channel})
        hint = f" Messages went to: {', '.join(elsewhere)}." if elsewhere else ""
        raise NothingArrived(
            f"Waited {timeout:g} s for {count} new message(s) published to {self._shown(channel)}; "
            f"{got} arrived.{_earlier(start)}{hint}"
        )

    def table(self):
        """What was published and what each handler did with it, in order, as a table."""
        from .display import Table

        rows = [(p.seq, "published", self.strip(p.channel), _short(p.body), "") for p in self.publications]
        for d in self.deliveries:
            outcome = "ok" if d.ok else (f"raised {type(d.error).__name__}" if d.error else "running")
            rows.append((d.seq, f"→\u00a0{d.handler}", self.strip(d.channel), _short(d.body), outcome))  # no break
        return Table(["what", "topic", "body", "outcome"], [row[1:] for row in sorted(rows)], code=["what", "topic", "body"])

    def explain(self, to: Any, count: int, timeout: float, earlier: int = 0, topics: Iterable[str] = ()) -> str:
        """Why fewer messages than expected were handled, in message-flow terms."""
        target = to if isinstance(to, str) else handler_name_of(to)
        done = len(self.delivered(to)) - earlier
        lines = [f"Waited {timeout:g} s for {count} new message(s) handled by `{self.strip(target)}`; "
                 f"{done} arrived.{_earlier(earlier)}"]
        topics = [to] if isinstance(to, str) else list(topics)
        if topics:
            sent = [p for p in self.publications if p.channel in topics]
            lines.append(f"Published to {', '.join(map(self._shown, topics))} in this run: {len(sent)}.")
            if not sent:
                others = sorted({self._shown(p.channel) for p in self.publications if p.channel not in topics})
                if others:
                    lines.append(f"Messages did go to: {', '.join(others)}. Is the topic name right?")
                else:
                    lines.append("Nothing was published at all: did the publish cell run?")
            elif len(sent) > earlier:
                lines.append("Was the broker started (await broker.start()) before publishing, and is a "
                             "subscriber listening on that topic?")
        return " ".join(lines)

    def _shown(self, channel: str) -> str:
        """A channel as the learner wrote it; one outside the sandbox says so, or it would look the same."""
        short = self.strip(channel)
        return f"`{short}`" if short != channel or self.strip is str else f"`{channel}` (not an sb.topic(...) name)"


def _earlier(returned: int) -> str:
    if not returned:
        return ""
    return f" ({returned} earlier one(s) went to previous waits: each wait returns new messages only.)"


async def while_answering(specs: Iterable[BrokerSpec], work: Any, every: float = 1.0) -> Any:
    """Await ``work``, checking every second that the brokers of ``specs`` still answer.

    A Kafka client waits up to its request timeout for a broker that died, and a wait for messages
    waits its whole timeout; the learner should hear within seconds that the broker is the reason.
    A slow but living broker is simply waited for.
    """
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            for spec in specs:
                reason = await asyncio.to_thread(reachable, spec, every)
                if reason is not None:
                    raise BrokerUnavailable(spec, f"{STOPPED}: {reason}")
    finally:
        if not task.done():
            task.cancel()


def _short(body: Any, limit: int = 90) -> str:
    text = body.decode(errors="replace") if isinstance(body, bytes) else repr(body)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key_of(to: Any) -> str:
    return to if isinstance(to, str) else "handler:" + handler_name_of(to)


def _matches(delivery: Delivery, to: Any) -> bool:
    if to is None:
        return True
    if isinstance(to, str):
        return delivery.channel == to
    return delivery.handler == handler_name_of(to)


def handler_name_of(handler: Any) -> str:
    """A handler's function name, also through FastStream's call wrapper."""
    return getattr(getattr(handler, "_original_call", handler), "__name__", str(handler))
