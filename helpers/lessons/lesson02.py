"""Checkers for lesson 02, publishing events.

Exercise 02.1: ``build_notifier(broker, topic)`` returns ``notify_user(user_id, message)``, plain code
               (not a handler) that publishes one notification to ``topic``.
Exercise 02.2: ``build_welcome_app(broker, user_created, notifications)`` subscribes a handler to
               ``user_created`` whose *return value* FastStream publishes to ``notifications``.

Both checks build the learner's code on a broker of their own, run it on the in-memory test broker,
then through the real Kafka broker, each time with different arguments or a different event (so a
hard-coded answer fits only one), and judge what a consumer of the notifications topic receives.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import inspect
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from aiokafka import AIOKafkaProducer
from faststream import BaseMiddleware
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from ..brokers import silent_logger
from ..exercises import Incorrect, NotAttempted, fail, is_untouched
from ._checks import judge_app, subscribed_topics
from ._services import (
    IN_MEMORY_EVENT,
    ON_REAL,
    REAL_EVENT,
    TIMEOUT,
    SandboxedExercise,
    call_factory,
    deliver_in_memory,
    explain_exception,
    handled_on_real_broker,
    judge_calls,
    judge_left_running,
    judge_only_subscribed,
    left_running,
    publish_before_start,
    real_broker,
    require_async,
    watched,
)

# What `notify_user` is called with: in memory, then on the real broker.
IN_MEMORY_CALL = (42, "Your settings are ready.")
REAL_CALL = (36, "Your weekly summary is ready.")
SAMPLE_EVENT = IN_MEMORY_EVENT

FIX_TRAP = ("Publish from plain code with `await broker.publish(message, topic)`, or with a publisher object: "
            "`notifications = broker.publisher(topic)`, then `await notifications.publish(message)`.")
FROM_EVENT = "`welcome_notification(event[\"user_id\"], event[\"name\"])`"


def notification(user_id: int, message: str) -> dict:
    """The notifications service's contract: exactly these three fields."""
    return {"user_id": user_id, "message": message, "type": "info"}


def welcome(event: dict) -> dict:
    """The notification the welcome service sends for ``event``, as the notebook's `welcome_notification` makes it."""
    return notification(event["user_id"], f"Welcome aboard, {event['name']}!")


def correlation_id(event: dict) -> str:
    return f"signup-{event['user_id']}"


def show_call(args: tuple) -> str:
    return f"`notify_user({', '.join(map(repr, args))})`"


EXPECTED_NOTIFICATION = notification(*IN_MEMORY_CALL)


# -- what the checker observes ---------------------------------------------------------------
@dataclass
class Sent:
    topic: str
    body: Any
    correlation_id: str | None


@dataclass
class Received:
    body: Any
    correlation_id: str | None


@dataclass
class Observed:
    """Everything one run of the learner's code published, and what the notifications consumer got."""

    sent: list[Sent] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    unawaited: list[str] = field(default_factory=list)
    client_sends: list[str] = field(default_factory=list)  # topics any Kafka client sent to, any broker's
    left_running: list[str] = field(default_factory=list)
    lifecycle: list[str] = field(default_factory=list)  # "start", "stop": what the learner did to the broker

    def middleware(self) -> type[BaseMiddleware]:
        observed = self

        class PublishRecorder(BaseMiddleware):
            async def publish_scope(self, call_next, cmd):
                observed.sent.append(Sent(cmd.destination, cmd.body, getattr(cmd, "correlation_id", None)))
                return await call_next(cmd)

        return PublishRecorder

    def listen(self, broker: KafkaBroker, topic: str) -> None:
        """Play the notifications service: a consumer of ``topic`` that records what it receives."""
        received = self.received

        @broker.subscriber(topic, auto_offset_reset="earliest")
        async def notifications_consumer(body, msg: KafkaMessage) -> None:  # noqa: ANN001 - any body
            received.append(Received(body, msg.correlation_id))

    def to(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]


@contextlib.contextmanager
def unawaited_coroutines(observed: Observed):
    """Note every coroutine created and dropped without ``await`` while the learner's code runs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            gc.collect()  # a dropped coroutine warns when it is collected
    for warning in caught:
        match = re.search(r"coroutine '([^']+)' was never awaited", str(warning.message))
        if match:
            observed.unawaited.append(match.group(1))


@contextlib.contextmanager
def kafka_client_sends(observed: Observed, refuse: Any):
    """Note the topic of every message any Kafka client sends meanwhile, through whichever broker.

    The check's broker is watched by a middleware; this also sees a broker the learner made, which
    publishes to the real Kafka even during the in-memory run. ``refuse(topic)`` is called before each
    send, and fails for a topic outside the sandbox, so that Kafka never creates it.
    """
    original = AIOKafkaProducer.send

    async def send(producer, topic, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - aiokafka's own signature
        observed.client_sends.append(topic)
        refuse(topic)
        return await original(producer, topic, *args, **kwargs)

    AIOKafkaProducer.send = send
    try:
        yield
    finally:
        AIOKafkaProducer.send = original


@contextlib.contextmanager
def lifecycle_calls(broker: KafkaBroker, observed: Observed):
    """Note ``start()`` and ``stop()`` of the broker the learner was given, instead of doing them.

    The check owns that broker: started once before the learner's code runs, stopped after it. A second
    start would start its consumers again and leave the first ones unclosed.
    """

    def recorder(name: str) -> Any:
        async def record(*args: Any, **kwargs: Any) -> None:  # stop() takes exception details in `async with`
            observed.lifecycle.append(name)

        return record

    with mock.patch.object(broker, "start", recorder("start")), mock.patch.object(broker, "stop", recorder("stop")):
        yield


def judge_lifecycle(observed: Observed) -> None:
    if "stop" in observed.lifecycle:
        fail("`notify_user` stopped the broker it was given: `async with broker:` starts a broker and *stops* it "
             "when the block ends (as `await broker.stop()` does at once), so after one notification the caller's "
             "broker is closed and its next publish raises IncorrectState. The broker belongs to whoever made it "
             "(here the check; in a service, the app or its lifespan), which starts and stops it: in "
             "`notify_user`, just `await` the publish.")
    if "start" in observed.lifecycle:
        fail("`notify_user` starts the broker it was given; the caller has started it already, so only publish.")


def unattached_publishers(broker: KafkaBroker) -> list[tuple[str, str]]:
    """(function name, topic) for each ``@broker.publisher`` that decorates a function that is not a subscriber."""
    subscribed = {
        id(getattr(call.handler, "_declared_call", None)) for sub in broker.subscribers for call in sub.calls
    }
    found = []
    for publisher in broker.publishers:
        for func in getattr(publisher.specification, "calls", ()):
            if id(func) not in subscribed:
                found.append((getattr(func, "__name__", "your function"), publisher.topic))
    return found


def judge_body(body: Any, where: str, expected: dict, message_from: str) -> None:
    """Fail unless ``body`` is exactly the notification ``expected``: its three fields, nothing else."""
    if body in (b"", None):
        fail(f"{where} was an empty message.")
    if not isinstance(body, dict):
        fail(f"{where} was {body!r}, not a JSON object: publish a dict like {expected}.")
    missing = [k for k in expected if k not in body]
    if missing:
        names = " or ".join(f"`{k}`" for k in missing)
        fail(f"{where} has no {names}: it was {body}. A notification has `user_id`, `message` and `type`.")
    extra = [k for k in body if k not in expected]
    if extra:
        names = ", ".join(f"`{k}`" for k in extra)
        fail(f"{where} has {names} as well: it was {body}. A notification is exactly `user_id`, `message` and "
             "`type`, the notifications service's contract: send nothing else (whatever else is in the message, "
             "every consumer of the topic can read it).")
    user_id = body["user_id"]
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        fail(f"in {where}, `user_id` is {user_id!r} (a {type(user_id).__name__}); it should be the int "
             f"{expected['user_id']}.")
    if user_id != expected["user_id"]:
        fail(f"in {where}, `user_id` is {user_id}; it should be {expected['user_id']}, the user it is for.")
    if body["type"] != "info":
        fail(f"in {where}, `type` is {body['type']!r}; it should be \"info\".")
    if body["message"] != expected["message"]:
        fail(f"in {where}, `message` is {body['message']!r}; it should be {expected['message']!r}, "
             f"{message_from}.")


class _PublishingExercise(SandboxedExercise):
    """Shared parts: topic names for each run and common verdicts."""

    def _names(self, *names: str) -> list[str]:
        """Topic names for one run, new every time and inside the sandbox (shown as ``check-<id>.<name>``).

        The in-memory run uses them too: a learner's code that makes a broker of its own publishes to the
        real Kafka even then, and what it creates there is removed with the sandbox.
        """
        return [self.check_topic(n) for n in names]

    def _real_broker(self, observed: Observed) -> KafkaBroker:
        return real_broker(self.sandbox, middlewares=[observed.middleware()])

    def judge_unawaited(self, observed: Observed) -> None:
        publishes = [name for name in observed.unawaited if name.endswith("publish")]
        if publishes:
            fail(f"your code called `{publishes[0]}(...)` without `await`, so nothing was sent (Python only "
                 "warns, \"coroutine was never awaited\"): write `await` in front of the publish.")

    def judge_trap(self, broker: KafkaBroker, topic: str, what_ran: str, fix: str) -> None:
        """Call when nothing was published: name the decorator trap if that is why."""
        for name, _ in unattached_publishers(broker):
            fail(f"{what_ran}, but nothing was published to `{self.show(topic)}`. That is the decorator trap: "
                 f"`@broker.publisher(...)` only publishes the return value of a *subscriber*, when FastStream "
                 f"calls it for a message. `{name}` is not a subscriber, so calling it is a plain function call "
                 f"that sends nothing and raises nothing. " + fix)

    def not_the_argument(self, topics: list[str], topic: str) -> str:
        where = ", ".join(f"`{self.show(t)}`" for t in sorted(set(topics)))
        return (f"your code published to {where}, but the notification belongs on `{self.show(topic)}`, the "
                "topic this check passed in: publish to the argument, not to a name of your own.")

    def judge_topics(self, observed: Observed, topic: str, once: str = "Publish it once.") -> None:
        elsewhere = sorted({self.show(s.topic) for s in observed.sent if s.topic != topic})
        if elsewhere and not observed.to(topic):
            fail(self.not_the_argument([s.topic for s in observed.sent], topic))
        if elsewhere:
            where = ", ".join(f"`{t}`" for t in elsewhere)
            fail(f"your code published to `{self.show(topic)}` and also to {where}; one notification goes to "
                 f"`{self.show(topic)}` only.")
        count = len(observed.to(topic))
        if count > 1:
            bodies = "; ".join(repr(s.body) for s in observed.to(topic))
            fail(f"one notification was published {count} times to `{self.show(topic)}` ({bodies}); the user "
                 f"would get it {count} times. " + once)


class NotifyFromPlainCode(_PublishingExercise):
    id = "02.1"
    title = "Notify a user from plain code"
    label = "ex1"
    hints = (
        "A plain function that *returns* a dict publishes nothing, decorated or not. Publish explicitly: "
        "`await broker.publish(message, topic)`, or create a publisher object once with "
        "`notifications = broker.publisher(topic)` and call `await notifications.publish(message)`.",
        "The message is `{\"user_id\": user_id, \"message\": message, \"type\": \"info\"}`. Use the `broker` and "
        "`topic` arguments, and `await` the publish: it is a coroutine.",
        "`notifications = broker.publisher(topic)` in `build_notifier`, and in `notify_user`: "
        "`await notifications.publish({\"user_id\": user_id, \"message\": message, \"type\": \"info\"})`.",
    )
    solution_code = '''
def build_notifier(broker: KafkaBroker, topic: str):
    notifications = broker.publisher(topic)

    async def notify_user(user_id: int, message: str) -> None:
        await notifications.publish({"user_id": user_id, "message": message, "type": "info"})

    return notify_user
'''

    async def evaluate(self, factory: Any) -> str:
        if not callable(factory):
            fail(f"pass your function `build_notifier` to check(), not {type(factory).__name__}.")
        await self._in_memory(factory)
        await self._on_real_broker(factory)
        return (f"in memory, {show_call(IN_MEMORY_CALL)} published one notification for user {IN_MEMORY_CALL[0]}; "
                f"through the real Kafka broker, {show_call(REAL_CALL)} published one for user {REAL_CALL[0]}. "
                "Both had the right three fields and arrived on the topic they were given.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> Any:
        notify = call_factory(factory, (broker, topic), "`build_notifier(broker, topic)`")
        if notify is None:
            fail("`build_notifier` returned None: end it with `return notify_user`.")
        if not callable(notify):
            fail(f"`build_notifier` returned a {type(notify).__name__}; return the function `notify_user`.")
        return notify

    def other_broker(self, topics: list[str]) -> str:
        where = ", ".join(f"`{self.show(t)}`" for t in sorted(set(topics)))
        return (f"`notify_user` published to {where} through a different broker than the one `build_notifier` "
                "was given: use the `broker` argument (or a publisher object made from it), which the caller "
                "has connected.")

    def _refuse_outside(self, observed: Observed, topic: str, expected: str) -> None:
        """A Kafka client is about to send to ``topic``: fail first if it is outside the sandbox."""
        if self.sandbox.strip(topic) != topic:
            return
        if any(s.topic == topic for s in observed.sent):  # through the check's broker, whose middleware saw it
            fail(self.not_the_argument([topic], expected))
        fail(self.other_broker([topic]))

    async def _call(self, notify: Any, args: tuple, observed: Observed, broker: KafkaBroker, topic: str,
                    where: str) -> Any:
        """Call ``notify_user(*args)`` as an endpoint would, and note how it published."""
        call = where + show_call(args)
        limit = asyncio.timeout(TIMEOUT)
        refuse = functools.partial(self._refuse_outside, observed, expected=topic)
        with unawaited_coroutines(observed), kafka_client_sends(observed, refuse), lifecycle_calls(broker, observed):
            async with left_running() as observed.left_running:
                try:
                    async with limit:
                        result = notify(*args)
                        if inspect.isawaitable(result):
                            result = await result
                except Incorrect:
                    raise
                except TimeoutError as exc:
                    if limit.expired():
                        fail(f"{call} had not returned {TIMEOUT:g} s later: does it wait for something that never "
                             "happens (an `await` that never returns)?")
                    fail(explain_exception(exc, call))
                except Exception as exc:  # noqa: BLE001 - the learner's code raised: that is the verdict
                    fail(explain_exception(exc, call))
        judge_lifecycle(observed)
        return result

    def _judge(self, notify: Any, args: tuple, returned: Any, observed: Observed, broker: KafkaBroker, topic: str,
               *, real: bool) -> Any:
        """Fail unless ``notify_user(*args)`` published its notification once to ``topic``; return what arrived."""
        where, other = (ON_REAL, notification(*IN_MEMORY_CALL)) if real else ("", None)
        self.judge_unawaited(observed)
        judge_left_running(observed.left_running, "`notify_user`")
        ours = Counter(s.topic for s in observed.sent) if real else Counter()  # the test broker uses no client
        elsewhere = Counter(observed.client_sends) - ours
        if elsewhere:
            fail(self.other_broker(list(elsewhere)))
        if not observed.sent:
            ran = f"`notify_user` ran and returned {returned!r}" if returned is not None else "`notify_user` ran"
            self.judge_trap(broker, topic, ran, FIX_TRAP)
            if returned is None and is_untouched(notify):
                raise NotAttempted("fill in `notify_user` inside `build_notifier`, then run this cell again.")
            if isinstance(returned, dict):
                fail(f"`notify_user` returned {returned!r} but published nothing. Returning a value from a plain "
                     "function sends no message. " + FIX_TRAP)
            fail(f"`notify_user` ran but published nothing to `{self.show(topic)}`. " + FIX_TRAP)
        self.judge_topics(observed, topic)
        if not observed.received:
            fail(f"{where}a message was published to `{self.show(topic)}` but the consumer of that topic never "
                 "received it.")
        body, expected = observed.received[0].body, notification(*args)
        if other is not None and body == other != expected:
            fail(f"`notify_user` published the same notification whatever its arguments say: {show_call(args)} "
                 f"should publish {expected}, but it published {body}. Build the notification from the `user_id` "
                 "and `message` arguments.")
        judge_body(body, f"{where}the notification that arrived on `{self.show(topic)}`", expected,
                   "the text `notify_user` was given")
        return body

    async def _in_memory(self, factory: Any) -> Any:
        observed = Observed()
        broker = KafkaBroker(logger=silent_logger(), middlewares=[observed.middleware()])
        (topic,) = self._names("notifications")
        notify = self._build(factory, broker, topic)
        observed.listen(broker, topic)
        async with TestKafkaBroker(broker, connect_only=False):
            returned = await self._call(notify, IN_MEMORY_CALL, observed, broker, topic, "")
        return self._judge(notify, IN_MEMORY_CALL, returned, observed, broker, topic, real=False)

    async def _on_real_broker(self, factory: Any) -> Any:
        observed = Observed()
        broker = self._real_broker(observed)
        (topic,) = self._names("notifications")
        notify = self._build(factory, broker, topic)
        observed.listen(broker, topic)
        try:  # stopped also when the check is interrupted while it connects
            await broker.start()
            returned = await self._call(notify, REAL_CALL, observed, broker, topic, ON_REAL)
            if observed.to(topic):
                try:
                    await self.sandbox.handled(topic, count=len(observed.to(topic)), timeout=TIMEOUT,
                                               raise_errors=False)
                except TimeoutError:
                    fail(f"it worked in memory, but the notification did not come back through the real Kafka "
                         f"broker within {TIMEOUT:g} s. Run `make status` in a terminal to check the broker.")
        finally:
            await broker.stop()
        return self._judge(notify, REAL_CALL, returned, observed, broker, topic, real=True)


class PublishReturnValue(_PublishingExercise):
    id = "02.2"
    title = "The welcome service publishes its notification"
    label = "ex2"
    hints = (
        "A subscriber's return value is published by `@broker.publisher(topic)` stacked on the same function as "
        "`@broker.subscriber(...)`. The handler then just `return`s the notification.",
        "Use the arguments: `@broker.publisher(notifications)` and "
        "`@broker.subscriber(user_created, auto_offset_reset=\"earliest\")` on one `async def` handler, which "
        "returns `welcome_notification(event[\"user_id\"], event[\"name\"])`.",
        "Stack the two decorators on `async def on_user_created(event: dict) -> dict`, call the services, "
        "`return welcome_notification(...)`, and end `build_welcome_app` with `return FastStream(broker)`.",
    )
    solution_code = '''
def build_welcome_app(
    broker: KafkaBroker, user_created: str, notifications: str
) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)
'''

    async def evaluate(self, factory: Any) -> str:
        if not callable(factory):
            fail(f"pass your function `build_welcome_app` to check(), not {type(factory).__name__}.")
        await self._in_memory(factory)
        await self._on_real_broker(factory)
        return (f"for {IN_MEMORY_EVENT['name']} (in memory) and {REAL_EVENT['name']} (through the real Kafka broker, "
                "an event published before your app started), your handler called both services and returned the "
                "welcome notification; FastStream published it to `notifications` with the event's correlation id.")

    def _build(self, factory: Any, broker: KafkaBroker, user_created: str, notifications: str) -> Any:
        """Build the app and check its shape; return the learner's handler (the function FastStream calls)."""
        app = call_factory(factory, (broker, user_created, notifications),
                           "`build_welcome_app(broker, user_created, notifications)`")
        if not broker.subscribers and not broker.publishers:
            code = getattr(factory, "__code__", None)
            if code is not None and not any(inspect.iscode(c) for c in code.co_consts):
                raise NotAttempted("write the handler inside `build_welcome_app`, then run this cell again.")
        topics = subscribed_topics(broker)
        if not topics:
            fail("no subscriber was registered on the broker you were given: decorate your handler with "
                 "`@broker.subscriber(user_created, ...)`.")
        if user_created not in topics:
            wrong = ", ".join(f"`{self.show(t)}`" for t in topics)
            fail(f"your subscriber listens on {wrong}, but this app's events arrive on `{self.show(user_created)}`, "
                 "the `user_created` argument: subscribe to the argument.")
        judge_only_subscribed(self, broker, user_created)
        judge_app(app, broker, "build_welcome_app")
        subscriber = next(s for s in broker.subscribers if user_created in s.topic_names)
        handler = subscriber.calls[0].handler
        stacked = [p.topic for p in getattr(handler, "_publishers", ())]
        if stacked and notifications not in stacked:
            wrong = ", ".join(f"`{self.show(t)}`" for t in stacked)
            fail(f"your handler's return value is published to {wrong}, but notifications belong on "
                 f"`{self.show(notifications)}`, the `notifications` argument: use it in "
                 "`@broker.publisher(notifications)`.")
        require_async(handler, "your handler is a plain `def`; define it with `async def`, so it can `await` the "
                               "services before it returns the notification.")
        return handler

    async def _in_memory(self, factory: Any) -> Any:
        observed = Observed()
        broker = KafkaBroker(logger=silent_logger(), middlewares=[observed.middleware()])
        user_created, notifications = self._names("user.created", "notifications")
        handler = self._build(factory, broker, user_created, notifications)
        observed.listen(broker, notifications)
        event = IN_MEMORY_EVENT
        with watched(handler) as watch:
            async with TestKafkaBroker(broker, connect_only=False) as test_broker:
                with unawaited_coroutines(observed):
                    await deliver_in_memory(test_broker, event, user_created, watch,
                                            correlation_id=correlation_id(event))
        body = self._judge(observed, broker, user_created, notifications, event)
        judge_calls(watch, event)
        return body

    async def _on_real_broker(self, factory: Any) -> Any:
        observed = Observed()
        broker = self._real_broker(observed)
        user_created, notifications = self._names("user.created", "notifications")
        handler = self._build(factory, broker, user_created, notifications)
        observed.listen(broker, notifications)
        event = REAL_EVENT
        await publish_before_start(self.sandbox, event, user_created, correlation_id=correlation_id(event))
        with watched(handler) as watch:
            try:  # stopped also when the check is interrupted while it connects
                await broker.start()
                await handled_on_real_broker(self.sandbox, broker, user_created, event, self.show(user_created))
                if observed.to(notifications):
                    try:
                        await self.sandbox.handled(notifications, timeout=TIMEOUT, raise_errors=False)
                    except TimeoutError:
                        fail(f"it worked in memory, but the notification did not come back through the real "
                             f"Kafka broker within {TIMEOUT:g} s. Run `make status` in a terminal to check the broker.")
            finally:
                await broker.stop()
        body = self._judge(observed, broker, user_created, notifications, event, other=IN_MEMORY_EVENT,
                           where=ON_REAL)
        judge_calls(watch, event, other=IN_MEMORY_EVENT, where=ON_REAL)
        return body

    def _judge(self, observed: Observed, broker: KafkaBroker, user_created: str, notifications: str, event: dict,
               other: dict | None = None, where: str = "") -> Any:
        """Fail unless the handler's notification for ``event`` arrived once, as FastStream publishes it."""
        self.judge_unawaited(observed)
        handlers_own = [s for s in observed.sent
                        if s.topic != user_created or s.correlation_id != correlation_id(event)]
        if not handlers_own:
            self.judge_trap(broker, notifications, "your handler ran",
                            "Stack `@broker.publisher(notifications)` on the handler itself and `return` the "
                            "notification from it.")
            fail(f"your handler ran but published nothing to `{self.show(notifications)}`: stack "
                 "`@broker.publisher(notifications)` on it and `return` the notification.")
        self.judge_topics(Observed(sent=handlers_own), notifications,
                          once="Returning it is enough: the publisher stacked on the handler sends it.")
        if not observed.received:
            fail(f"{where}a notification was published to `{self.show(notifications)}` but its consumer never "
                 "received it.")
        note = observed.received[0]
        if note.body in (b"", None):
            fail("your handler returned None, so the publisher stacked on it sent an *empty* message to "
                 f"`{self.show(notifications)}` (a consumer expecting a dict would reject it): "
                 "`return` the notification dict from the handler.")
        if note.correlation_id != correlation_id(event):
            fail(f"the notification arrived with a new correlation id, not the event's ({correlation_id(event)!r}): "
                 "your handler published it itself. Return it instead, and let `@broker.publisher(notifications)` "
                 "stacked on the handler publish it; FastStream then copies the event's correlation id, so the "
                 "two messages can be traced together.")
        expected = welcome(event)
        if other is not None and note.body == welcome(other):
            fail(f"your handler returned the same notification whatever the event says: for {event} it should be "
                 f"{expected}, but it was {note.body}. Build it from the event: return {FROM_EVENT}.")
        judge_body(note.body, f"{where}the notification on `{self.show(notifications)}`", expected,
                   f"what {FROM_EVENT} returns")
        return note.body


def exercises(sandbox: Any) -> tuple[NotifyFromPlainCode, PublishReturnValue]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return NotifyFromPlainCode(sandbox), PublishReturnValue(sandbox)


__all__ = ["exercises", "NotifyFromPlainCode", "PublishReturnValue", "EXPECTED_NOTIFICATION", "SAMPLE_EVENT"]
