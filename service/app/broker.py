"""The service's one KafkaBroker, built from the settings.

Every module that consumes or publishes reaches Kafka through this broker: handlers and
publisher objects are declared on routers (see ``events/`` and ``publishers/``), which
``main.py`` includes here.
"""

from __future__ import annotations

import ssl
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from app.config import SERVICE_NAME, Settings, settings

_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def kafka_security(settings: Settings) -> BaseSecurity | None:
    """TLS and SASL as the settings ask; None for a local broker."""
    context = ssl.create_default_context() if settings.kafka_ssl else None
    if settings.kafka_sasl_mechanism:
        return _SASL[settings.kafka_sasl_mechanism](
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value(),
            ssl_context=context,
            use_ssl=settings.kafka_ssl,
        )
    if settings.kafka_ssl:
        return BaseSecurity(ssl_context=context, use_ssl=True)
    return None


def consumer_options(name: str) -> dict[str, Any]:
    """Subscriber options every consumer of this service shares; ``name`` picks its group.

    Each consumer has a group of its own: two groups on one topic each receive every event,
    while replicas of this service join the same groups and split the partitions (the work is
    shared, not repeated).
    """
    return {
        "group_id": settings.group_id(name),
        # Where a *new* group starts reading. "earliest": from the oldest retained event, so
        # events published while the service was first deploying are not skipped (handlers
        # must therefore cope with seeing an event again). Once the group has committed
        # offsets, it resumes there.
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }


broker = KafkaBroker(
    settings.kafka_servers,
    client_id=SERVICE_NAME,
    security=kafka_security(settings),
)
