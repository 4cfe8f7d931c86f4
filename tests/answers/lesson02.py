"""Answers to lesson 02's exercises as learners write them: the solutions, the starters, and mistakes.

The service functions below are the lesson's; checkers swap in recording fakes while they run.
"""

import asyncio

from faststream import FastStream, Logger
from faststream.kafka import KafkaBroker

from helpers.settings import BROKERS

from . import utils

NOTIFICATIONS = "notifications"  # the name from the brief, as a learner might hardcode it
sent_emails: list[str] = []

# The notebook's own broker and publisher, which a learner may reach for instead of the arguments.
# Tests set `lesson_broker` to a started broker of the sandbox; `idle_notifications` is never connected.
lesson_broker: KafkaBroker | None = None
idle_notifications = KafkaBroker().publisher(NOTIFICATIONS)


async def send_welcome_email(email: str, name: str) -> None:
    sent_emails.append(email)


async def create_default_settings(user_id: int) -> None:
    pass


def welcome_notification(user_id: int, name: str) -> dict:
    return {"user_id": user_id, "message": f"Welcome aboard, {name}!", "type": "info"}


# -- Exercise 02.1 -------------------------------------------------------------------
def notifier_solution(broker: KafkaBroker, topic: str):
    notifications = broker.publisher(topic)

    async def notify_user(user_id: int, message: str) -> None:
        await notifications.publish({"user_id": user_id, "message": message, "type": "info"})

    return notify_user


def notifier_broker_publish(broker: KafkaBroker, topic: str):
    """Also correct: publish through the broker itself."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_publisher_per_call(broker: KafkaBroker, topic: str):
    """Also correct (if wasteful): a publisher object made on every call, with a key."""

    async def notify_user(user_id: int, message: str) -> None:
        note = {"user_id": user_id, "message": message, "type": "info"}
        await broker.publisher(topic).publish(note, key=str(user_id).encode())

    return notify_user


def notifier_starter(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        ...  # publish {"user_id": ..., "message": ..., "type": "info"} to `topic`

    return notify_user


def notifier_decorator_trap(broker: KafkaBroker, topic: str):
    """The original brief's snippet: decorated, called directly, publishes nothing."""

    @broker.publisher(topic)
    async def notify_user(user_id: int, message: str) -> dict:
        return {"user_id": user_id, "message": message, "type": "info"}

    return notify_user


def notifier_returns_dict(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> dict:
        return {"user_id": user_id, "message": message, "type": "info"}

    return notify_user


def notifier_lesson_topic(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, NOTIFICATIONS)

    return notify_user


def notifier_no_type(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message}, topic)

    return notify_user


def notifier_str_user_id(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": str(user_id), "message": message, "type": "info"}, topic)

    return notify_user


def notifier_not_awaited(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_twice(broker: KafkaBroker, topic: str):
    notifications = broker.publisher(topic)

    async def notify_user(user_id: int, message: str) -> None:
        note = {"user_id": user_id, "message": message, "type": "info"}
        await broker.publish(note, topic)
        await notifications.publish(note)

    return notify_user


def notifier_str_key(broker: KafkaBroker, topic: str):
    """Passes in memory; the real Kafka client wants the key as bytes."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic, key=str(user_id))

    return notify_user


def notifier_no_return(broker: KafkaBroker, topic: str):
    notifications = broker.publisher(topic)

    async def notify_user(user_id: int, message: str) -> None:
        await notifications.publish({"user_id": user_id, "message": message, "type": "info"})


def notifier_lesson_publisher(broker: KafkaBroker, topic: str):
    """Uses the notebook's publisher object, whose broker is stopped by now."""

    async def notify_user(user_id: int, message: str) -> None:
        await idle_notifications.publish({"user_id": user_id, "message": message, "type": "info"})

    return notify_user


def notifier_lesson_broker(broker: KafkaBroker, topic: str):
    """Publishes through the notebook's (running) broker instead of the one it was given."""

    async def notify_user(user_id: int, message: str) -> None:
        await lesson_broker.publish({"user_id": user_id, "message": message, "type": "info"}, NOTIFICATIONS)

    return notify_user


def notifier_hardcoded(broker: KafkaBroker, topic: str):
    """Fits the first call it was tried with, and no other."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": 42, "message": "Your settings are ready.", "type": "info"}, topic)

    return notify_user


def notifier_extra_field(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info", "password": "hunter2"}, topic)

    return notify_user


def notifier_fire_and_forget(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        asyncio.create_task(broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic))

    return notify_user


def notifier_async_with(broker: KafkaBroker, topic: str):
    """`async with broker:` as a publish-only script writes it: stops the caller's broker on exit."""

    async def notify_user(user_id: int, message: str) -> None:
        async with broker:
            await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_own_broker(broker: KafkaBroker, topic: str):
    """Publishes through a broker of its own, not the one it was given."""

    async def notify_user(user_id: int, message: str) -> None:
        async with KafkaBroker(BROKERS["kafka"].url, logger=None) as mine:
            await mine.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_hangs(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)
        await asyncio.Event().wait()  # never returns

    return notify_user


def notifier_hangs_for_other_users(broker: KafkaBroker, topic: str):
    """Returns for user 42 (the in-memory call), hangs for anyone else: on the real broker."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)
        if user_id != 42:
            await asyncio.Event().wait()

    return notify_user


async def notifier_async_factory(broker: KafkaBroker, topic: str):
    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_starts_broker(broker: KafkaBroker, topic: str):
    """Starts the caller's broker again: "it must be connected"."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.start()
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, topic)

    return notify_user


def notifier_derived_topic(broker: KafkaBroker, topic: str):
    """Publishes to a name made from the argument."""

    async def notify_user(user_id: int, message: str) -> None:
        await broker.publish({"user_id": user_id, "message": message, "type": "info"}, f"{topic}.v2")

    return notify_user


def notifier_own_broker_hardcoded(broker: KafkaBroker, topic: str):
    """A broker of its own and the name from the brief: the topic would be created outside the sandbox."""
    return notifier_own_broker(broker, NOTIFICATIONS)


# -- Exercise 02.2 -------------------------------------------------------------------
def app_solution(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_subscriber_on_top(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Also correct: the other decorator order, keyword arguments."""

    @broker.subscriber(user_created, auto_offset_reset="earliest")
    @broker.publisher(notifications)
    async def on_user_created(event: dict) -> dict:
        await create_default_settings(user_id=event["user_id"])
        await send_welcome_email(email=event["email"], name=event["name"])
        return welcome_notification(user_id=event["user_id"], name=event["name"])

    return FastStream(broker)


def app_logger(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Also correct: FastStream gives a handler that asks for it a logger."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict, logger: Logger) -> dict:
        logger.info("welcoming user %s", event["user_id"])
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_starter(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    ...  # a subscriber on `user_created` whose return value is published to `notifications`
    return FastStream(broker)


def app_decorator_trap(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """The brief's publisher, called from the handler: nothing is published."""

    @broker.publisher(notifications)
    async def publish_notification(user_id: int, message: str) -> dict:
        return {"user_id": user_id, "message": message, "type": "info"}

    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None:
        await send_welcome_email(event["email"], event["name"])
        await publish_notification(event["user_id"], "Welcome!")

    return FastStream(broker)


def app_no_return(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None:
        await send_welcome_email(event["email"], event["name"])
        welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_lesson_topic(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(NOTIFICATIONS)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_publishes_itself(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None:
        await broker.publish(welcome_notification(event["user_id"], event["name"]), notifications)

    return FastStream(broker)


def app_twice(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        note = welcome_notification(event["user_id"], event["name"])
        await broker.publish(note, notifications)
        return note

    return FastStream(broker)


def app_no_type(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return {"user_id": event["user_id"], "message": "Welcome!"}

    return FastStream(broker)


def app_str_user_id(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return welcome_notification(str(event["user_id"]), event["name"])

    return FastStream(broker)


def app_forwards_event(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return event

    return FastStream(broker)


def app_hardcoded_subscription(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber("user.created", auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_no_services(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_services_not_awaited(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        send_welcome_email(event["email"], event["name"])
        create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_emails_twice(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_sync_handler(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    def on_user_created(event: dict) -> dict:
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_hardcoded_return(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Fits the first event it was tried with, and no other."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return {"user_id": 42, "message": "Welcome aboard, Grace Hopper!", "type": "info"}

    return FastStream(broker)


def app_nameless_notification(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(42, "")

    return FastStream(broker)


def app_extra_field(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return {**welcome_notification(event["user_id"], event["name"]), "email": event["email"]}

    return FastStream(broker)


def app_does_the_work(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Business logic in the handler: it writes the service's outbox itself, as well as calling it."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        sent_emails.append(event["email"])
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_latest(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """The default offset reset: a new consumer starts after the events already on the topic."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created)
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


async def app_async_factory(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_hangs(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await asyncio.Event().wait()  # never returns

    return FastStream(broker)


def app_hangs_for_other_users(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Works for user 42 (the in-memory event), hangs for anyone else: on the real broker."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        if event["user_id"] != 42:
            await asyncio.Event().wait()
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_timed(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Also correct: the handler is wrapped in a decorator from another module."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    @utils.timed
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_also_hardcoded_subscription(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Subscribes to the argument and to the name from the brief (outside the sandbox on a real broker)."""

    @broker.publisher(notifications)
    @broker.subscriber(user_created, "user.created", auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)


def app_derived_publisher(broker: KafkaBroker, user_created: str, notifications: str) -> FastStream:
    """Publishes to a name made from the argument."""

    @broker.publisher(f"{notifications}.welcome")
    @broker.subscriber(user_created, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> dict:
        await send_welcome_email(event["email"], event["name"])
        await create_default_settings(event["user_id"])
        return welcome_notification(event["user_id"], event["name"])

    return FastStream(broker)
