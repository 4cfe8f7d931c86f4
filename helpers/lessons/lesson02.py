"""Checkers for lesson 02, publishing events.

Exercise 02.1: ``build_notifier(broker, topic)`` returns ``notify_user(user_id, message)``, plain code
               (not a handler) that publishes one notification to ``topic``.
Exercise 02.2: ``build_welcome_app(broker, user_created, notifications)`` subscribes a handler to
               ``user_created`` whose *return value* FastStream publishes to ``notifications``.

Both checks build the learner's code on a broker of their own, run it on the in-memory test broker,
then through the real Kafka broker, and judge what a consumer of the notifications topic receives.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from faststream import BaseMiddleware, FastStream
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail, is_untouched
from ._checks import judge_app, subscribed_topics
from ._fakes import patched

TIMEOUT = 10.0
SERVICES = ("send_welcome_email", "create_default_settings")

USER_ID = 42
MESSAGE = "Your settings are ready."
EXPECTED_NOTIFICATION = {"user_id": USER_ID, "message": MESSAGE, "type": "info"}
SAMPLE_EVENT = {"user_id": USER_ID, "email": "grace@example.com", "name": "Grace Hopper"}
EVENT_CORRELATION_ID = "signup-42"

FIX_TRAP = ("Publish from plain code with `await broker.publish(message, topic)`, or with a publisher object: "
            "`notifications = broker.publisher(topic)`, then `await notifications.publish(message)`.")



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
    elsewhere: list[str] = field(default_factory=list)  # published through other brokers of the sandbox

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


def judge_body(body: Any, where: str, *, exact_message: str | None) -> None:
    """Fail unless ``body`` is a notification for user 42 (with ``exact_message``, if given)."""
    if body in (b"", None):
        fail(f"{where} was an empty message.")
    if not isinstance(body, dict):
        fail(f"{where} was {body!r}, not a JSON object: publish a dict like {EXPECTED_NOTIFICATION}.")
    missing = [k for k in EXPECTED_NOTIFICATION if k not in body]
    if missing:
        names = " or ".join(f"`{k}`" for k in missing)
        fail(f"{where} has no {names}: it was {body}. A notification has `user_id`, `message` and `type`.")
    user_id = body["user_id"]
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        fail(f"in {where}, `user_id` is {user_id!r} (a {type(user_id).__name__}); it should be the int {USER_ID}.")
    if user_id != USER_ID:
        fail(f"in {where}, `user_id` is {user_id}; it should be {USER_ID}, the user it is for.")
    if body["type"] != "info":
        fail(f"in {where}, `type` is {body['type']!r}; it should be \"info\".")
    message = body["message"]
    if exact_message is not None and message != exact_message:
        fail(f"in {where}, `message` is {message!r}; it should be the text `notify_user` was given, "
             f"{exact_message!r}.")
    if not isinstance(message, str) or not message.strip():
        fail(f"in {where}, `message` is {message!r}; it should be the text the user will read.")


def explain_exception(exc: BaseException, what: str) -> str:
    text = f"{what} raised {type(exc).__name__}: {str(exc).rstrip('.')}"
    if isinstance(exc, TypeError) and "bytes-like" in str(exc):
        text += (". Kafka keys are bytes on a real broker (the in-memory broker is lenient): "
                 "write `key=str(user_id).encode()`")
    elif type(exc).__name__ == "IncorrectState":
        text += (". It published through a broker that is not connected: use the `broker` argument "
                 "(the check connects it), or a publisher object made from it")
    elif isinstance(exc, KeyError):
        text += f". The event is {SAMPLE_EVENT}"
    return text + "."


class _PublishingExercise(Exercise):
    """Shared parts: topic names for each run and common verdicts."""

    def _names(self, *names: str, real: bool) -> list[str]:
        """Topic names for one run: fixed in memory, new on the real broker every time (shown the same)."""
        if not real:
            return [f"check-{self.id}.{n}" for n in names]
        return [self.check_topic(n) for n in names]

    def _real_broker(self, observed: Observed) -> KafkaBroker:
        return self.sandbox.kafka_broker(logger=silent_logger(), middlewares=[observed.middleware()])

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

    def judge_topics(self, observed: Observed, topic: str, once: str = "Publish it once.") -> None:
        elsewhere = sorted({self.show(s.topic) for s in observed.sent if s.topic != topic})
        if elsewhere and not observed.to(topic):
            where = ", ".join(f"`{t}`" for t in elsewhere)
            fail(f"your code published to {where}, but the notification belongs on `{self.show(topic)}`, the "
                 "topic this check passed in: publish to the argument, not to a name of your own.")
        if elsewhere:
            where = ", ".join(f"`{t}`" for t in elsewhere)
            fail(f"your code published to `{self.show(topic)}` and also to {where}; one notification goes to "
                 f"`{self.show(topic)}` only.")
        count = len(observed.to(topic))
        if count > 1:
            fail(f"one notification was published {count} times to `{self.show(topic)}`; the user would get it "
                 f"{count} times. " + once)


class NotifyFromPlainCode(_PublishingExercise):
    id = "02.1"
    title = "Publish a notification from plain code"
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
        return (f"`notify_user({USER_ID}, {MESSAGE!r})` published one notification, "
                f"{EXPECTED_NOTIFICATION}, to the topic it was given, in memory and through the real Kafka broker.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> Any:
        try:
            notify = factory(broker, topic)
        except Exception as exc:  # noqa: BLE001 - the learner's code raised: that is the verdict
            fail(explain_exception(exc, "`build_notifier(broker, topic)`"))
        if notify is None:
            fail("`build_notifier` returned None: end it with `return notify_user`.")
        if not callable(notify):
            fail(f"`build_notifier` returned a {type(notify).__name__}; return the function `notify_user`.")
        return notify

    async def _call(self, notify: Any, observed: Observed, where: str) -> Any:
        flow = getattr(self.sandbox, "flow", None)
        before = len(flow.publications) if flow is not None else 0
        with unawaited_coroutines(observed):
            try:
                result = notify(USER_ID, MESSAGE)
                if inspect.isawaitable(result):
                    result = await result
            except Incorrect:
                raise
            except Exception as exc:  # noqa: BLE001
                fail(explain_exception(exc, f"{where}`notify_user({USER_ID}, {MESSAGE!r})`"))
        if flow is not None:  # what the lesson's own brokers published meanwhile
            observed.elsewhere = [p.channel for p in flow.publications[before:]]
        return result

    def _judge(self, notify: Any, returned: Any, observed: Observed, broker: KafkaBroker, topic: str,
               where: str = "") -> None:
        self.judge_unawaited(observed)
        if not observed.sent:
            ran = f"`notify_user` ran and returned {returned!r}" if returned is not None else "`notify_user` ran"
            self.judge_trap(broker, topic, ran, FIX_TRAP)
            if observed.elsewhere:
                topics = ", ".join(sorted({f"`{self.show(t)}`" for t in observed.elsewhere}))
                fail(f"`notify_user` published to {topics} through another broker of this notebook, not through "
                     "the `broker` that `build_notifier` was given: publish with that broker, or a publisher "
                     "object made from it.")
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
        judge_body(observed.received[0].body, f"{where}the notification that arrived on `{self.show(topic)}`",
                   exact_message=MESSAGE)

    async def _in_memory(self, factory: Any) -> None:
        observed = Observed()
        broker = KafkaBroker(logger=silent_logger(), middlewares=[observed.middleware()])
        (topic,) = self._names("notifications", real=False)
        notify = self._build(factory, broker, topic)
        observed.listen(broker, topic)
        async with TestKafkaBroker(broker, connect_only=False):
            returned = await self._call(notify, observed, "")
        self._judge(notify, returned, observed, broker, topic)

    async def _on_real_broker(self, factory: Any) -> None:
        observed = Observed()
        broker = self._real_broker(observed)
        (topic,) = self._names("notifications", real=True)
        notify = self._build(factory, broker, topic)
        observed.listen(broker, topic)
        await broker.start()
        try:
            returned = await self._call(notify, observed, "on the real broker, ")
            if observed.to(topic):
                try:
                    await self.sandbox.handled(topic, count=len(observed.to(topic)), timeout=TIMEOUT,
                                               raise_errors=False)
                except TimeoutError:
                    fail(f"it worked in memory, but the notification did not come back through the real Kafka "
                         f"broker within {TIMEOUT:g} s. Run `python -m helpers status` to check the broker.")
        finally:
            await broker.stop()
        self._judge(notify, returned, observed, broker, topic, where="on the real broker, ")


class PublishReturnValue(_PublishingExercise):
    id = "02.2"
    title = "Publish a handler's return value"
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
def build_welcome_app(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
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
        return ("one `user.created` event made your handler return a notification for user 42, and FastStream "
                "published it to `notifications` with the event's correlation id, in memory and through the "
                "real Kafka broker.")

    def _build(self, factory: Any, broker: KafkaBroker, user_created: str, notifications: str) -> Any:
        """Build the app and check its shape; return the learner's handler (the function FastStream calls)."""
        try:
            app = factory(broker, user_created, notifications)
        except Exception as exc:  # noqa: BLE001
            fail(explain_exception(exc, "`build_welcome_app(broker, user_created, notifications)`"))
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
        judge_app(app, broker, "build_welcome_app")
        subscriber = next(s for s in broker.subscribers if user_created in s.topic_names)
        handler = subscriber.calls[0].handler
        stacked = [p.topic for p in getattr(handler, "_publishers", ())]
        if stacked and notifications not in stacked:
            wrong = ", ".join(f"`{self.show(t)}`" for t in stacked)
            fail(f"your handler's return value is published to {wrong}, but notifications belong on "
                 f"`{self.show(notifications)}`, the `notifications` argument: use it in "
                 "`@broker.publisher(notifications)`.")
        return getattr(handler, "_original_call", handler)

    async def _in_memory(self, factory: Any) -> None:
        observed = Observed()
        broker = KafkaBroker(logger=silent_logger(), middlewares=[observed.middleware()])
        user_created, notifications = self._names("user.created", "notifications", real=False)
        handler = self._build(factory, broker, user_created, notifications)
        observed.listen(broker, notifications)
        with patched(handler, *SERVICES):
            async with TestKafkaBroker(broker, connect_only=False) as test_broker:
                with unawaited_coroutines(observed):
                    try:
                        await test_broker.publish(SAMPLE_EVENT, user_created, correlation_id=EVENT_CORRELATION_ID)
                    except Incorrect:
                        raise
                    except Exception as exc:  # noqa: BLE001
                        fail(explain_exception(exc, "your handler"))
        self._judge(observed, broker, user_created, notifications)

    async def _on_real_broker(self, factory: Any) -> None:
        observed = Observed()
        broker = self._real_broker(observed)
        user_created, notifications = self._names("user.created", "notifications", real=True)
        handler = self._build(factory, broker, user_created, notifications)
        observed.listen(broker, notifications)
        where = "on the real broker, "
        with patched(handler, *SERVICES):
            await broker.start()
            try:
                await broker.publish(SAMPLE_EVENT, user_created, correlation_id=EVENT_CORRELATION_ID)
                try:
                    await self.sandbox.handled(notifications, timeout=TIMEOUT, raise_errors=False)
                except TimeoutError:
                    failed = [d for d in self.sandbox.flow.delivered(user_created) if d.error is not None]
                    if failed:
                        fail(where + explain_exception(failed[0].error, "your handler"))
                    fail(f"it worked in memory, but no notification came back through the real Kafka broker "
                         f"within {TIMEOUT:g} s. Run `python -m helpers status` to check the broker.")
            finally:
                await broker.stop()
        self._judge(observed, broker, user_created, notifications, where=where)

    def _judge(self, observed: Observed, broker: KafkaBroker, user_created: str, notifications: str,
               where: str = "") -> None:
        self.judge_unawaited(observed)
        handlers_own = list(observed.sent)
        event = next(s for s in handlers_own if s.topic == user_created and s.correlation_id == EVENT_CORRELATION_ID)
        handlers_own.remove(event)  # the check's own user.created event
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
        if note.correlation_id != EVENT_CORRELATION_ID:
            fail(f"the notification arrived with a new correlation id, not the event's ({EVENT_CORRELATION_ID!r}): "
                 "your handler published it itself. Return it instead, and let `@broker.publisher(notifications)` "
                 "stacked on the handler publish it; FastStream then copies the event's correlation id, so the "
                 "two messages can be traced together.")
        judge_body(note.body, f"{where}the notification on `{self.show(notifications)}`", exact_message=None)


def exercises(sandbox: Any) -> tuple[NotifyFromPlainCode, PublishReturnValue]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return NotifyFromPlainCode(sandbox), PublishReturnValue(sandbox)


__all__ = ["exercises", "NotifyFromPlainCode", "PublishReturnValue", "EXPECTED_NOTIFICATION", "SAMPLE_EVENT"]
