"""Answers to lesson 01's exercises as learners write them: the solution, the starter, and mistakes.

The service functions below are the lesson's; checkers swap in recording fakes while they run.
"""

import asyncio

from faststream import FastStream, Logger
from faststream.kafka import KafkaBroker

from . import utils

sent_emails: list[str] = []


async def send_welcome_email(email: str, name: str) -> None:
    sent_emails.append(email)


async def create_default_settings(user_id: int) -> None:
    pass


# -- Exercise 01.1 -------------------------------------------------------------------
async def handler_solution(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


async def handler_keywords(event: dict) -> None:
    """Also correct: keyword arguments."""
    await create_default_settings(user_id=event["user_id"])
    await send_welcome_email(name=event["name"], email=event["email"])


async def handler_starter(event: dict) -> None:
    """Translate the event into the two service calls."""
    ...  # your code here


async def handler_email_only(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])


async def handler_not_awaited(event: dict) -> None:
    send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


async def handler_wrong_key(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["id"])


async def handler_swapped_args(event: dict) -> None:
    await send_welcome_email(event["name"], event["email"])
    await create_default_settings(event["user_id"])


async def handler_twice(event: dict) -> None:
    for _ in range(2):
        await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


def handler_sync(event: dict) -> None:
    send_welcome_email(event["email"], event["name"])


async def handler_logger(event: dict, logger: Logger) -> None:
    """Also correct: FastStream gives a handler that asks for it a logger."""
    logger.info("welcoming user %s", event["user_id"])
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


@utils.timed
async def handler_timed(event: dict) -> None:
    """Also correct: wrapped in a decorator from another module."""
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


@utils.timed
async def handler_timed_does_the_work(event: dict) -> None:
    """Writes the outbox itself, behind a decorator from another module."""
    sent_emails.append(event["email"])
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


async def handler_decides_by_domain(event: dict) -> None:
    """A business rule in the handler: only addresses of one domain are welcomed."""
    if event["email"].endswith("@example.com"):
        await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


async def handler_hardcoded(event: dict) -> None:
    """Fits the first event it was tried with, and no other."""
    await send_welcome_email("grace@example.com", "Grace Hopper")
    await create_default_settings(42)


async def handler_hardcoded_user(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(42)


async def handler_extra_args(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"], event["user_id"])
    await create_default_settings(event["user_id"])


async def handler_does_the_work(event: dict) -> None:
    """Business logic in the handler: it writes the service's outbox itself, as well as calling it."""
    sent_emails.append(event["email"])
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


async def handler_only_does_the_work(event: dict) -> None:
    sent_emails.append(event["email"])


async def handler_fire_and_forget(event: dict) -> None:
    asyncio.create_task(send_welcome_email(event["email"], event["name"]))
    asyncio.create_task(create_default_settings(event["user_id"]))


async def handler_hangs(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])
    await asyncio.Event().wait()  # never returns


async def handler_hangs_for_other_users(event: dict) -> None:
    """Works for user 42 (the in-memory event), hangs for anyone else: on the real broker."""
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])
    if event["user_id"] != 42:
        await asyncio.Event().wait()


async def handler_raises_for_other_users(event: dict) -> None:
    """Works for user 42 (the in-memory event), raises for anyone else: on the real broker."""
    if event["user_id"] != 42:
        raise ValueError(f"no settings template for user {event['user_id']}")
    await send_welcome_email(event["email"], event["name"])
    await create_default_settings(event["user_id"])


class WelcomeHandler:
    """A callable object given its services: they never go through the notebook's names."""

    def __init__(self, email_service, settings_service) -> None:
        self.email_service, self.settings_service = email_service, settings_service

    async def __call__(self, event: dict) -> None:
        await self.email_service(event["email"], event["name"])
        await self.settings_service(event["user_id"])


handler_injected_services = WelcomeHandler(send_welcome_email, create_default_settings)


class ServiceClient:
    """Services of another module, reached as attributes."""

    async def send_welcome_email(self, email: str, name: str) -> None:
        pass

    async def create_default_settings(self, user_id: int) -> None:
        pass


client = ServiceClient()


async def handler_through_a_client(event: dict) -> None:
    await client.send_welcome_email(event["email"], event["name"])
    await client.create_default_settings(event["user_id"])


# -- Exercise 01.2 -------------------------------------------------------------------
def app_solution(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)


def app_decorator(broker: KafkaBroker, topic: str) -> FastStream:
    """Also correct: a decorated inner handler that delegates to the service layer."""

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None:
        await handler_solution(event)

    return FastStream(broker)


def app_starter(broker: KafkaBroker, topic: str) -> FastStream:
    """Subscribe on_user_created to `topic` on `broker`, and return the app."""
    ...  # your code here


def app_hardcoded_topic(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber("user.created", auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)


def app_returns_none(broker: KafkaBroker, topic: str) -> None:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)


def app_publisher_only(broker: KafkaBroker, topic: str) -> FastStream:
    broker.publisher(topic)(handler_solution)
    return FastStream(broker)


def app_own_broker(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    return FastStream(KafkaBroker())


def app_logger(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_logger)
    return FastStream(broker)


def app_consumer_group(broker: KafkaBroker, topic: str) -> FastStream:
    """Also correct: a consumer group, which reads from the earliest offset when it is new."""
    broker.subscriber(topic, group_id=f"{topic}.welcome", auto_offset_reset="earliest",
                      session_timeout_ms=2000, heartbeat_interval_ms=200)(handler_solution)
    return FastStream(broker)


async def handler_does_nothing(event: dict) -> None:
    pass


def app_noop_handler(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_does_nothing)
    return FastStream(broker)


def app_email_only(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_email_only)
    return FastStream(broker)


def app_subscribed_twice(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)


def app_latest(broker: KafkaBroker, topic: str) -> FastStream:
    """The default offset reset: a new consumer starts after the events already on the topic."""
    broker.subscriber(topic)(handler_solution)
    return FastStream(broker)


async def app_async_factory(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)


def app_raises_on_real_broker(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_raises_for_other_users)
    return FastStream(broker)


def app_hangs_on_real_broker(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_hangs_for_other_users)
    return FastStream(broker)


def app_hardcoded_handler(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_hardcoded)
    return FastStream(broker)


def app_timed_handler(broker: KafkaBroker, topic: str) -> FastStream:
    """Also correct: the handler is wrapped in a decorator from another module."""
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_timed)
    return FastStream(broker)


def app_also_hardcoded_topic(broker: KafkaBroker, topic: str) -> FastStream:
    """Subscribes to the argument and to the name from the brief (outside the sandbox on a real broker)."""
    broker.subscriber(topic, "user.created", auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)


def app_second_subscriber_elsewhere(broker: KafkaBroker, topic: str) -> FastStream:
    broker.subscriber(topic, auto_offset_reset="earliest")(handler_solution)
    broker.subscriber("user.created.v2", auto_offset_reset="earliest")(handler_solution)
    return FastStream(broker)
