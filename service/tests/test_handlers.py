"""The handlers and their wiring, on FastStream's in-memory test broker: fast, and no Kafka needed."""

import pytest
from faststream import TestApp
from faststream.kafka import TestKafkaBroker
from pydantic import ValidationError

from app.config import settings
from app.events.notifications import on_notification
from app.events.user import on_user_created
from app.main import app
from app.models.events import NotificationEvent
from app.publishers.notifications import notifications
from app.publishers.user import user_created
from app.services import email, inbox, user_settings

ADA = {"user_id": 1, "email": "ada@example.com", "name": "Ada"}


async def test_user_created_welcomes_the_user():
    async with TestKafkaBroker(app.broker, connect_only=True) as broker, TestApp(app):
        await broker.publish(ADA, f"{settings.topic_prefix}user.created")

        await on_user_created.assert_called_once_with(ADA)
        await notifications.assert_called_once_with(NotificationEvent(user_id=1, message="Welcome aboard, Ada!"))
    assert [m.to for m in email.outbox] == ["ada@example.com"]
    assert await user_settings.get_settings(1) == {"theme": "light", "newsletter": True}


async def test_the_notification_reaches_the_inbox():
    async with TestKafkaBroker(app.broker, connect_only=True), TestApp(app):
        await user_created.publish(ADA)  # the publisher object knows its (prefixed) topic

        on_notification.mock.assert_called_once()
    assert [n.message for n in await inbox.notices_for(1)] == ["Welcome aboard, Ada!"]


async def test_an_event_that_breaks_the_contract_is_rejected():
    async with TestKafkaBroker(app.broker, connect_only=True), TestApp(app):
        with pytest.raises(ValidationError):
            await user_created.publish({"user_id": 1, "email": "ada@example.com"})  # no name

        notifications.mock.assert_not_called()
    assert email.outbox == []


def test_every_topic_carries_the_prefix():
    topics = {t for sub in app.broker.subscribers for t in sub.topic_names}
    topics |= {pub.topic for pub in app.broker.publishers}
    assert topics == {f"{settings.topic_prefix}user.created", f"{settings.topic_prefix}notifications"}


def test_each_consumer_has_its_own_group():
    groups = {sub.group_id for sub in app.broker.subscribers}
    assert groups == {settings.group_id("welcome"), settings.group_id("inbox")}
