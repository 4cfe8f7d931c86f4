"""The whole service on a real Kafka broker (KAFKA_URL, default 127.0.0.1:9092).

The topics and consumer groups carry this test run's own TOPIC_PREFIX (see conftest.py), so the
test can run on a shared cluster, and again, without meeting old events.
"""

import pytest
from faststream import TestApp
from faststream.kafka import TestKafkaBroker

from app.events.notifications import on_notification
from app.events.user import on_user_created
from app.main import app
from app.publishers.user import user_created
from app.services import email, inbox

ADA = {"user_id": 1, "email": "ada@example.com", "name": "Ada"}

pytestmark = [pytest.mark.kafka, pytest.mark.usefixtures("kafka_cleanup")]


async def test_a_signup_travels_through_kafka_to_the_inbox():
    # with_real=True: the real broker carries the messages, and the handlers still get `.mock`
    # and `wait_call` to wait for them (no sleeping).
    async with TestKafkaBroker(app.broker, with_real=True), TestApp(app):
        await user_created.publish(ADA)

        await on_user_created.wait_call(timeout=15)
        await on_notification.wait_call(timeout=15)

    assert [m.to for m in email.outbox] == ["ada@example.com"]
    assert [n.message for n in await inbox.notices_for(1)] == ["Welcome aboard, Ada!"]
