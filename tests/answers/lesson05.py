"""Answers to lesson 05's exercises as learners write them: the solution, the starter, and mistakes.

Each answer is built by a function, when a test runs: a router is moved into the checker's brokers
(so each test needs a new one), and the service's ``app`` package is imported only once the
service's own test configuration (its unique TOPIC_PREFIX) is in place, never while tests are
being collected. The code inside each function is what the learner writes in the notebook cell.
"""

from typing import Literal

from faststream.kafka import KafkaBroker, KafkaRouter
from pydantic import BaseModel

signups: list[int] = []


async def track_signup(user_id: int) -> None:
    """The analytics service of the lesson; checkers swap in a recording fake while they run."""
    signups.append(user_id)


# -- Exercise 05.1 -------------------------------------------------------------------
def router_solution() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_keyword_group() -> KafkaRouter:
    """Also correct: a group id written out, the service call with a keyword."""
    from app.config import settings
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", group_id=settings.group_id("analytics"), auto_offset_reset="earliest")
    async def on_signup(event: UserCreated) -> None:
        await track_signup(user_id=event.user_id)

    return router


def router_starter() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        ...  # call the analytics service

    return router


def router_empty() -> KafkaRouter:
    """The starter before the learner wrote the subscriber at all."""
    return KafkaRouter()


def router_own_broker() -> KafkaBroker:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    broker = KafkaBroker("127.0.0.1:9092")

    @broker.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return broker


def router_wrong_topic() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("users.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_prefixed_topic() -> KafkaRouter:
    from app.broker import consumer_options
    from app.config import settings
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber(f"{settings.topic_prefix or 'staging.'}user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_no_group() -> KafkaRouter:
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created")
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_welcome_group() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("welcome"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_logic_in_handler() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        if event.user_id not in signups:
            signups.append(event.user_id)

    return router


def router_not_awaited() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        track_signup(event.user_id)

    return router


def router_publisher_only() -> KafkaRouter:
    router = KafkaRouter()
    router.publisher("user.created")
    return router


# -- Exercise 05.2 -------------------------------------------------------------------
def consumer_options_solution(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings.auto_offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }


def consumer_options_starter(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": "earliest",  # read it from the settings instead
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }


def consumer_options_no_group(name: str, settings) -> dict:
    return {"auto_offset_reset": settings.auto_offset_reset}


def settings_solution() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: Literal["earliest", "latest"] = "earliest"

    return ServiceSettings


def settings_starter() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        ...  # add the new setting here

    return ServiceSettings


def settings_wrong_name() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        offset_reset: Literal["earliest", "latest"] = "earliest"

    return ServiceSettings


def settings_plain_str() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: str = "earliest"

    return ServiceSettings


def settings_default_latest() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: Literal["earliest", "latest"] = "latest"

    return ServiceSettings


def settings_env_prefix() -> type:
    from pydantic_settings import SettingsConfigDict

    from app.config import Settings

    class ServiceSettings(Settings):
        model_config = SettingsConfigDict(env_prefix="WELCOME_")

        auto_offset_reset: Literal["earliest", "latest"] = "earliest"

    return ServiceSettings


def settings_base_model() -> type:
    class ServiceSettings(BaseModel):
        auto_offset_reset: Literal["earliest", "latest"] = "earliest"

    return ServiceSettings


# -- more answers to 05.1 ------------------------------------------------------------
def router_untyped() -> KafkaRouter:
    """A plain dict instead of the UserCreated contract."""
    from app.broker import consumer_options

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: dict) -> None:
        await track_signup(event["user_id"])

    return router


def router_hardcoded_id() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(42)

    return router


def router_counts_twice() -> KafkaRouter:
    """Records the signup itself, and calls the service too."""
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        signups.append(event.user_id)
        await track_signup(event.user_id)

    return router


def router_literal_welcome_group() -> KafkaRouter:
    """The welcome handler's group in production, written out."""
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", group_id="welcome-service.welcome", auto_offset_reset="earliest")
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_unprefixed_group() -> KafkaRouter:
    """A group of its own, but without TOPIC_PREFIX."""
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", group_id="welcome-service.analytics", auto_offset_reset="earliest")
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_bound_method() -> KafkaRouter:
    """Also correct: the handler is a method of a class."""
    from app.broker import consumer_options
    from app.models.events import UserCreated

    class AnalyticsHandlers:
        async def on_signup(self, event: UserCreated) -> None:
            await track_signup(event.user_id)

    router = KafkaRouter()
    router.subscriber("user.created", **consumer_options("analytics"))(AnalyticsHandlers().on_signup)
    return router


def router_with_logger() -> KafkaRouter:
    """Also correct: the handler logs with FastStream's injected logger."""
    from faststream import Logger

    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated, logger: Logger) -> None:
        logger.info("signup %s", event.user_id)
        await track_signup(user_id=event.user_id)

    return router


# -- more answers to 05.2 ------------------------------------------------------------
def settings_accepts_none() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: Literal["earliest", "latest", "none"] = "earliest"

    return ServiceSettings


def settings_alias() -> type:
    """Also correct: another field name, reading AUTO_OFFSET_RESET through an alias."""
    from pydantic import Field

    from app.config import Settings

    class ServiceSettings(Settings):
        offset_reset: Literal["earliest", "latest"] = Field(default="earliest", validation_alias="AUTO_OFFSET_RESET")

    return ServiceSettings


def consumer_options_alias(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings.offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }


def settings_validator() -> type:
    """Also correct: a plain str with a validator that normalises and rejects."""
    from pydantic import field_validator

    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: str = "earliest"

        @field_validator("auto_offset_reset")
        @classmethod
        def _known(cls, value: str) -> str:
            value = value.strip().lower()
            if value not in {"earliest", "latest"}:
                raise ValueError("AUTO_OFFSET_RESET is 'earliest' or 'latest'")
            return value

    return ServiceSettings


def consumer_options_one_group(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id("service"),
        "auto_offset_reset": settings.auto_offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }


def consumer_options_swapped(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings.auto_offset_reset,
        "session_timeout_ms": settings.kafka_heartbeat_interval_ms,
        "heartbeat_interval_ms": settings.kafka_session_timeout_ms,
    }


def consumer_options_typo_value(name: str, settings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings.auto_offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
        "isolation_level": "read_commited",
    }


# -- more answers (a second look) -------------------------------------------------------
def router_included_by_hand() -> KafkaRouter:
    """Includes its own router into the shared broker, as main.py would: main.py then includes it again."""
    from app.broker import broker, consumer_options
    from app.config import settings
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    broker.include_router(router, prefix=settings.topic_prefix)
    return router


def router_publishes_what_it_returns() -> KafkaRouter:
    """A publisher stacked on a handler that returns None: an empty message per signup."""
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.publisher("analytics.tracked")
    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_with_a_spare_publisher() -> KafkaRouter:
    from app.broker import consumer_options
    from app.models.events import UserCreated

    router = KafkaRouter()
    router.publisher("analytics.tracked")

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_sandbox_prefixed_topic() -> KafkaRouter:
    """The topic written with TOPIC_PREFIX in front, which main.py adds again."""
    from app.broker import consumer_options
    from app.config import settings
    from app.models.events import UserCreated

    router = KafkaRouter()

    @router.subscriber(f"{settings.topic_prefix}user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await track_signup(event.user_id)

    return router


def router_hangs_on_a_repeated_user() -> KafkaRouter:
    """One signup per user at a time, but the lock is never released: the real broker's event for
    user 42, already seen in memory, waits forever."""
    import asyncio

    from app.broker import consumer_options
    from app.models.events import UserCreated

    locks: dict[int, asyncio.Lock] = {}
    router = KafkaRouter()

    @router.subscriber("user.created", **consumer_options("analytics"))
    async def on_signup(event: UserCreated) -> None:
        await locks.setdefault(event.user_id, asyncio.Lock()).acquire()
        await track_signup(event.user_id)

    return router


def settings_unanchored_pattern() -> type:
    from pydantic import Field

    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: str = Field("earliest", pattern="earliest|latest")

    return ServiceSettings


def settings_anchored_pattern() -> type:
    """Also correct: a pattern that must match the whole value."""
    from pydantic import Field

    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: str = Field("earliest", pattern="^(earliest|latest)$")

    return ServiceSettings


def settings_old_aliases() -> type:
    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: Literal["earliest", "latest", "smallest", "largest"] = "earliest"

    return ServiceSettings


def settings_blocklist() -> type:
    """Refuses the typos someone once made, and lets every other one through."""
    from pydantic import field_validator

    from app.config import Settings

    class ServiceSettings(Settings):
        auto_offset_reset: str = "earliest"

        @field_validator("auto_offset_reset")
        @classmethod
        def _known(cls, value: str) -> str:
            if value in ("newest", "none", "beginning"):
                raise ValueError(f"unknown reset {value!r}")
            return value

    return ServiceSettings


def consumer_options_import_time_group(name: str, settings_) -> dict:
    """The group from the module-level settings, not from the argument."""
    from app.config import settings

    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings_.auto_offset_reset,
        "session_timeout_ms": settings_.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings_.kafka_heartbeat_interval_ms,
    }


def consumer_options_import_time_timeouts(name: str, settings_) -> dict:
    from app.config import settings

    return {
        "group_id": settings_.group_id(name),
        "auto_offset_reset": settings_.auto_offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }
