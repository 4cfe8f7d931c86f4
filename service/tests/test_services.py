"""The business logic on its own: no broker, no HTTP."""

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.models.events import NotificationEvent
from app.services import email, inbox, user_settings, users
from app.services.notifications import welcome_notification


async def test_register_gives_each_user_a_new_id():
    ada = await users.register("ada@example.com", "Ada")
    grace = await users.register("grace@example.com", "Grace")
    assert (ada.id, grace.id) == (1, 2)
    assert await users.get(2) == grace


async def test_welcome_email_goes_to_the_user():
    await email.send_welcome_email("ada@example.com", "Ada")
    assert [(m.to, m.subject) for m in email.outbox] == [("ada@example.com", "Welcome!")]
    assert "Ada" in email.outbox[0].body


async def test_default_settings_are_created_once():
    first = await user_settings.create_default_settings(7)
    first["theme"] = "dark"  # the user changes a setting...
    again = await user_settings.create_default_settings(7)  # ...and the event is seen again
    assert again["theme"] == "dark"
    assert await user_settings.get_settings(8) is None


def test_the_welcome_notification_greets_the_user_by_name():
    assert welcome_notification(7, "Ada") == NotificationEvent(user_id=7, message="Welcome aboard, Ada!", type="info")


async def test_inbox_keeps_notices_per_user():
    await inbox.deliver(1, "hello")
    await inbox.deliver(2, "careful", "warning")
    assert [n.message for n in await inbox.notices_for(1)] == ["hello"]
    assert (await inbox.notices_for(2))[0].type == "warning"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KAFKA_URL", "kafka-1:9092, kafka-2:9092")
    monkeypatch.setenv("TOPIC_PREFIX", "staging.")
    settings = Settings()
    assert settings.kafka_servers == ["kafka-1:9092", "kafka-2:9092"]
    assert settings.group_id("welcome") == "staging.welcome-service.welcome"


def test_settings_defaults_match_a_local_broker(monkeypatch):
    for name in ("KAFKA_URL", "TOPIC_PREFIX", "KAFKA_SASL_MECHANISM", "KAFKA_SSL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.kafka_servers == ["127.0.0.1:9092"]
    assert settings.group_id("welcome") == "welcome-service.welcome"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"TOPIC_PREFIX": "my team/"}, "topic_prefix"),
        ({"KAFKA_SASL_MECHANISM": "GSSAPI"}, "kafka_sasl_mechanism"),
        ({"KAFKA_SASL_MECHANISM": "PLAIN"}, "KAFKA_SASL_USERNAME"),
        ({"KAFKA_HEARTBEAT_INTERVAL_MS": "20000"}, "KAFKA_HEARTBEAT_INTERVAL_MS"),
    ],
)
def test_bad_settings_stop_the_service_at_startup(monkeypatch, env, problem):
    for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=problem):
        Settings()
