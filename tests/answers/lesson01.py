"""Answers to lesson 01's exercises as learners write them: the solution, the starter, and mistakes.

The service functions below are the lesson's; checkers swap in recording fakes while they run.
"""

from faststream import FastStream
from faststream.kafka import KafkaBroker

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
