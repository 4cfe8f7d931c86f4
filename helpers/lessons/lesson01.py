"""Checkers for lesson 01, your first consumer.

Exercise 1.1: ``on_user_created(event)`` turns a ``user.created`` event into two service calls.
Exercise 1.2: ``build_welcome_app(broker, topic)`` wires that handler to a topic and returns the app.
"""

from __future__ import annotations

import inspect
from typing import Any

from faststream import FastStream
from faststream.kafka import KafkaBroker, TestKafkaBroker

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail, is_untouched
from ._checks import judge_app, subscribed_topics
from ._fakes import patched

SAMPLE_EVENT = {"user_id": 42, "email": "grace@example.com", "name": "Grace Hopper"}
SERVICES = ("send_welcome_email", "create_default_settings")
TIMEOUT = 10.0


def _describe_args(call) -> str:
    parts = [repr(a) for a in call.args] + [f"{k}={v!r}" for k, v in call.kwargs.items()]
    return ", ".join(parts)


def _arg(call, position: int, keyword: str) -> Any:
    if len(call.args) > position:
        return call.args[position]
    return call.kwargs.get(keyword)


class HandleUserCreated(Exercise):
    id = "01.1"
    title = "Translate user.created into service calls"
    label = "ex1"
    hints = (
        "The handler gets the event as a dict: `event[\"email\"]`, `event[\"name\"]`, `event[\"user_id\"]`.",
        "Call both services, and `await` each one: they are `async def` functions.",
        "`await send_welcome_email(event[\"email\"], event[\"name\"])`, then "
        "`await create_default_settings(event[\"user_id\"])`.",
    )
    solution_code = '''
async def on_user_created(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])
'''

    async def evaluate(self, handler: Any) -> str:
        handler = getattr(handler, "_original_call", handler)
        if not callable(handler):
            fail(f"pass your handler function to check(), not {type(handler).__name__}.")
        if is_untouched(handler):
            raise NotAttempted("fill in the body of `on_user_created`, then run this cell again.")
        if not inspect.iscoroutinefunction(handler):
            fail("define the handler with `async def`, so it can `await` the services.")
        await self._in_memory(handler)
        await self._on_real_broker(handler)
        return ("one `user.created` event sent one welcome email to grace@example.com and created settings "
                "for user 42, in memory and through the real Kafka broker.")

    async def _in_memory(self, handler: Any) -> None:
        broker = KafkaBroker(logger=silent_logger())
        broker.subscriber("user.created")(handler)
        with patched(handler, *SERVICES) as fakes:
            async with TestKafkaBroker(broker, connect_only=False) as test_broker:
                try:
                    await test_broker.publish(SAMPLE_EVENT, "user.created")
                except Exception as exc:  # noqa: BLE001 - the learner's handler raised: that is the verdict
                    fail(self._explain_exception(exc))
            self._judge(fakes)

    async def _on_real_broker(self, handler: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = sandbox.kafka_broker(logger=silent_logger())
        broker.subscriber(topic, auto_offset_reset="earliest")(handler)
        with patched(handler, *SERVICES) as fakes:
            await broker.start()
            try:
                await broker.publish(SAMPLE_EVENT, topic)
                deliveries = await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
            except TimeoutError:
                fail("it worked in memory, but nothing came back through the real Kafka broker within "
                     f"{TIMEOUT:g} s. Run `python -m helpers status` to check the broker.")
            finally:
                await broker.stop()
            if deliveries[0].error is not None:
                fail("on the real broker: " + self._explain_exception(deliveries[0].error))
            self._judge(fakes)

    @staticmethod
    def _explain_exception(exc: BaseException) -> str:
        if isinstance(exc, KeyError):
            return (f"your handler raised KeyError({exc.args[0]!r}). The event's keys are "
                    f"{', '.join(SAMPLE_EVENT)}: {SAMPLE_EVENT}.")
        return f"your handler raised {type(exc).__name__}: {exc} while handling {SAMPLE_EVENT}."

    @staticmethod
    def _judge(fakes) -> None:
        email, settings = fakes["send_welcome_email"], fakes["create_default_settings"]
        for fake in (email, settings):
            if fake.calls and not fake.awaited_calls:
                fail(f"you called `{fake.name}(...)` but did not `await` it, so it never ran.")
        if not email.awaited_calls:
            fail("the handler ran but sent no welcome email: call `send_welcome_email(...)`.")
        if not settings.awaited_calls:
            fail("the handler ran but created no default settings: call `create_default_settings(...)`.")
        if len(email.awaited_calls) > 1:
            fail(f"one event sent {len(email.awaited_calls)} welcome emails; a new user should get exactly one.")
        if len(settings.awaited_calls) > 1:
            fail(f"one event created settings {len(settings.awaited_calls)} times; once is enough.")
        sent = email.awaited_calls[0]
        address, name = _arg(sent, 0, "email"), _arg(sent, 1, "name")
        if (address, name) != (SAMPLE_EVENT["email"], SAMPLE_EVENT["name"]):
            fail(f"`send_welcome_email` got ({_describe_args(sent)}); for {SAMPLE_EVENT} it should get "
                 f"the address and then the name: ('grace@example.com', 'Grace Hopper').")
        created = settings.awaited_calls[0]
        user_id = _arg(created, 0, "user_id")
        if user_id != SAMPLE_EVENT["user_id"] or isinstance(user_id, bool):
            fail(f"`create_default_settings` got ({_describe_args(created)}); it should get the user id, 42.")


class BuildWelcomeApp(Exercise):
    id = "01.2"
    title = "Wire the handler into an app"
    label = "ex2"
    hints = (
        "A subscriber is registered with `broker.subscriber(topic)`; used as a decorator or called on a "
        "function, it connects that function to the topic.",
        "Use the `topic` argument, not a name of your own, and return `FastStream(broker)`.",
        "`broker.subscriber(topic, auto_offset_reset=\"earliest\")(on_user_created)` then "
        "`return FastStream(broker)`.",
    )
    solution_code = '''
def build_welcome_app(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(on_user_created)
    return FastStream(broker)
'''

    async def evaluate(self, factory: Any) -> str:
        if not callable(factory):
            fail(f"pass your function `build_welcome_app` to check(), not {type(factory).__name__}.")
        if is_untouched(factory):
            raise NotAttempted("fill in `build_welcome_app`, then run this cell again.")
        await self._in_memory(factory)
        await self._on_real_broker(factory)
        return ("the app's broker consumes the topic it was given, in memory and on the real Kafka broker, "
                "and `faststream run` could run the app you return.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> FastStream:
        try:
            app = factory(broker, topic)
        except Exception as exc:  # noqa: BLE001
            fail(f"`build_welcome_app(broker, topic)` raised {type(exc).__name__}: {exc}.")
        topics = subscribed_topics(broker)
        publishers = [p.topic for p in broker.publishers]
        if not topics:
            if topic in publishers or "user.created" in publishers:
                fail("you registered a *publisher* on the topic; nothing consumes it. Use `broker.subscriber(topic)`.")
            fail("no subscriber was registered on the broker you were given: use `broker.subscriber(topic)`.")
        if topic not in topics:
            wrong = ", ".join(f"`{t}`" for t in topics)
            fail(f"your subscriber listens on {wrong}, but the events for this app arrive on `{topic}`: "
                 "subscribe to the `topic` argument instead of a name of your own.")
        judge_app(app, broker, "build_welcome_app")
        return app

    async def _in_memory(self, factory: Any) -> None:
        broker = KafkaBroker(logger=silent_logger())
        topic = "welcome.user.created"
        self._build(factory, broker, topic)
        handler = broker.subscribers[0]
        with patched(_first_call(handler), *SERVICES):
            async with TestKafkaBroker(broker, connect_only=False) as test_broker:
                try:
                    await test_broker.publish(SAMPLE_EVENT, topic)
                except Exception as exc:  # noqa: BLE001
                    fail(f"the handler you subscribed raised {type(exc).__name__}: {exc}. "
                         "Check Exercise 01.1 first.")

    async def _on_real_broker(self, factory: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = sandbox.kafka_broker(logger=silent_logger())
        self._build(factory, broker, topic)
        with patched(_first_call(broker.subscribers[0]), *SERVICES):
            await broker.start()
            try:
                await broker.publish(SAMPLE_EVENT, topic)
                await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
            except TimeoutError:
                fail(f"the app's broker did not consume the event from the real Kafka topic within {TIMEOUT:g} s.")
            finally:
                await broker.stop()


def _first_call(subscriber: Any) -> Any:
    call = subscriber.calls[0].handler
    return getattr(call, "_original_call", call)


def exercises(sandbox: Any) -> tuple[HandleUserCreated, BuildWelcomeApp]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return HandleUserCreated(sandbox), BuildWelcomeApp(sandbox)


__all__ = ["exercises", "HandleUserCreated", "BuildWelcomeApp", "SAMPLE_EVENT", "Incorrect"]
