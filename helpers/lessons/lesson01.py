"""Checkers for lesson 01, your first consumer.

Exercise 1.1: ``on_user_created(event)`` turns a ``user.created`` event into two service calls.
Exercise 1.2: ``build_welcome_app(broker, topic)`` wires that handler to a topic and returns the app.

Both run the handler with stand-in services (see ``_services``): on the in-memory test broker for one
person's signup, then through the real Kafka broker for another's, published before the handler's
broker starts.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail, is_untouched
from ._checks import judge_app, subscribed_topics
from ._services import (
    IN_MEMORY_EVENT,
    ON_REAL,
    REAL_EVENT,
    SandboxedExercise,
    call_factory,
    deliver_in_memory,
    handled_on_real_broker,
    judge_calls,
    judge_only_subscribed,
    publish_before_start,
    real_broker,
    require_async,
    watched,
)

SAMPLE_EVENT = IN_MEMORY_EVENT
SUBSCRIBED = "the handler you subscribed"


async def consume_in_memory(broker: KafkaBroker, handler: Any, topic: str, who: str = "your handler") -> None:
    """Run the in-memory event through ``broker``'s subscriber and judge the handler's service calls."""
    with watched(handler) as watch:
        async with TestKafkaBroker(broker, connect_only=False) as test_broker:
            await deliver_in_memory(test_broker, IN_MEMORY_EVENT, topic, watch, who=who)
    judge_calls(watch, IN_MEMORY_EVENT)


async def consume_on_real_broker(exercise: Exercise, broker: KafkaBroker, handler: Any, topic: str,
                                 who: str = "your handler") -> None:
    """The same through the real Kafka broker, for another event, published before ``broker`` starts."""
    sandbox = exercise.sandbox
    await publish_before_start(sandbox, REAL_EVENT, topic)
    with watched(handler) as watch:
        try:  # stopped also when the check is interrupted while it connects
            await broker.start()
            await handled_on_real_broker(sandbox, broker, topic, REAL_EVENT, exercise.show(topic), who)
        finally:
            await broker.stop()
    judge_calls(watch, REAL_EVENT, other=IN_MEMORY_EVENT, where=ON_REAL)


def _people() -> str:
    return (f"in memory, {IN_MEMORY_EVENT['name']}'s `user.created` event sent one welcome email to "
            f"{IN_MEMORY_EVENT['email']} and created settings for user {IN_MEMORY_EVENT['user_id']}; through the "
            f"real Kafka broker, {REAL_EVENT['name']}'s sent one to {REAL_EVENT['email']} and created settings "
            f"for user {REAL_EVENT['user_id']}")


class HandleUserCreated(SandboxedExercise):
    id = "01.1"
    title = "Translate the event into service calls"
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
        if not callable(handler):
            fail(f"pass your handler function to check(), not {type(handler).__name__}.")
        if is_untouched(handler):
            raise NotAttempted("fill in the body of `on_user_created`, then run this cell again.")
        require_async(handler, "define the handler with `async def`, so it can `await` the services.")
        broker = KafkaBroker(logger=silent_logger())
        broker.subscriber("user.created")(handler)
        await consume_in_memory(broker, handler, "user.created")
        topic = self.check_topic("user.created")
        broker = real_broker(self.sandbox)
        broker.subscriber(topic, auto_offset_reset="earliest")(handler)
        await consume_on_real_broker(self, broker, handler, topic)
        return _people() + "."


class BuildWelcomeApp(SandboxedExercise):
    id = "01.2"
    title = "Wire it into an app"
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
        broker = KafkaBroker(logger=silent_logger())
        handler = self._build(factory, broker, "welcome.user.created")
        await consume_in_memory(broker, handler, "welcome.user.created", who=SUBSCRIBED)
        topic = self.check_topic("user.created")
        broker = real_broker(self.sandbox)
        handler = self._build(factory, broker, topic)
        await consume_on_real_broker(self, broker, handler, topic, who=SUBSCRIBED)
        return ("your subscriber reads the topic it was given from its beginning, so even an event published "
                f"before the app started reached it: {_people()}. `faststream run` can run the app you return.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> Any:
        """Build the app and check its shape; return the one handler subscribed to ``topic``."""
        app = call_factory(factory, (broker, topic), "`build_welcome_app(broker, topic)`")
        topics = subscribed_topics(broker)
        publishers = [p.topic for p in broker.publishers]
        if not topics:
            if topic in publishers or "user.created" in publishers:
                fail("you registered a *publisher* on the topic; nothing consumes it. Use `broker.subscriber(topic)`.")
            fail("no subscriber was registered on the broker you were given: use `broker.subscriber(topic)`.")
        if topic not in topics:
            wrong = ", ".join(f"`{self.show(t)}`" for t in topics)
            fail(f"your subscriber listens on {wrong}, but the events for this app arrive on `{self.show(topic)}`: "
                 "subscribe to the `topic` argument instead of a name of your own.")
        judge_only_subscribed(self, broker, topic)
        judge_app(app, broker, "build_welcome_app")
        listening = [s for s in broker.subscribers if topic in s.topic_names]
        if len(listening) > 1:
            fail(f"{len(listening)} subscribers listen on the topic: you subscribed twice, so every event would be "
                 "handled twice (two welcome emails for each new user). Subscribe the handler once.")
        (subscriber,) = listening
        if not subscriber.calls:
            fail("you created a subscriber on the topic but gave it no handler: call it on your handler, "
                 "`broker.subscriber(topic)(on_user_created)`, or use it as a decorator.")
        handler = subscriber.calls[0].handler
        require_async(handler, "the handler you subscribed is a plain `def`; define it with `async def`, so it can "
                               "`await` the services.")
        return handler


def exercises(sandbox: Any) -> tuple[HandleUserCreated, BuildWelcomeApp]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return HandleUserCreated(sandbox), BuildWelcomeApp(sandbox)


__all__ = ["exercises", "HandleUserCreated", "BuildWelcomeApp", "SAMPLE_EVENT", "Incorrect"]
