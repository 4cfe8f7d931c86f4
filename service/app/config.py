"""Settings: everything that changes between environments, read from environment variables.

A field's name is its variable's name, case-insensitive: ``kafka_url`` reads ``KAFKA_URL``.
A value that does not validate stops the service at startup, with the field's name
(``topic_prefix`` for ``TOPIC_PREFIX``) in the error, instead of failing on the first message.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAME = "welcome-service"

# Kafka accepts letters, digits, '.', '_' and '-' in topic names.
_TOPIC_CHARACTERS = re.compile(r"[A-Za-z0-9._-]*")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, frozen=True)

    # Where Kafka is: one bootstrap server or several, comma-separated.
    kafka_url: str = "127.0.0.1:9092"

    # Credentials for a cluster that needs them (never in code: from the environment).
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl: bool = False

    # Put in front of every topic and consumer group name this service uses, so several
    # environments (or test runs) can share one cluster: "staging." makes "user.created"
    # "staging.user.created".
    topic_prefix: str = ""

    # How long Kafka waits before it declares a silent consumer dead and rebalances its group
    # (the client's defaults). On the course broker a new consumer group also takes about half
    # the session timeout to form. On Apache Kafka the first join waits for
    # group.initial.rebalance.delay.ms (3 s by default), and sessions shorter than
    # group.min.session.timeout.ms (6 s by default) are refused.
    kafka_session_timeout_ms: int = Field(default=10_000, gt=0)
    kafka_heartbeat_interval_ms: int = Field(default=3_000, gt=0)

    @field_validator("topic_prefix")
    @classmethod
    def _legal_in_topic_names(cls, prefix: str) -> str:
        if not _TOPIC_CHARACTERS.fullmatch(prefix):
            raise ValueError("Kafka topic names allow only letters, digits, '.', '_' and '-'")
        return prefix

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        credentials = self.kafka_sasl_username and self.kafka_sasl_password
        if self.kafka_sasl_mechanism and not credentials:
            raise ValueError(
                "KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
            )
        if self.kafka_heartbeat_interval_ms >= self.kafka_session_timeout_ms:
            raise ValueError(
                "KAFKA_HEARTBEAT_INTERVAL_MS must be lower than KAFKA_SESSION_TIMEOUT_MS"
            )
        return self

    @property
    def kafka_servers(self) -> list[str]:
        return [server.strip() for server in self.kafka_url.split(",") if server.strip()]

    def group_id(self, consumer: str) -> str:
        """A consumer's group, named after the service: ``welcome-service.welcome``."""
        return f"{self.topic_prefix}{SERVICE_NAME}.{consumer}"


settings = Settings()
