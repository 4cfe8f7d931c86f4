"""Where the course finds its brokers.

Every broker URL comes from one environment variable with a local default, so the same
notebook runs against the embedded brokers, docker compose, or a shared workshop cluster.
Credentials for a remote cluster come from the environment only, never from a notebook.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BrokerSpec:
    """One kind of broker the course can use."""

    name: str  # short id used on the command line: kafka, redis, ...
    title: str  # how people call it
    env_var: str
    default_url: str
    default_port: int

    @property
    def url(self) -> str:
        return os.environ.get(self.env_var, "").strip() or self.default_url

    def address(self) -> tuple[str, int]:
        """The first host and port of the configured URL (Kafka may list several)."""
        return self.addresses()[0]

    def addresses(self) -> list[tuple[str, int]]:
        result = []
        # Only Kafka takes a list of bootstrap servers; other URLs may have a comma in a password.
        parts = self.url.split(",") if self.name == "kafka" else [self.url]
        for part in parts:
            part = part.strip()
            if "://" not in part:
                part = "tcp://" + part
            split = urlsplit(part)
            result.append((split.hostname or "127.0.0.1", split.port or self.default_port))
        return result

    def is_local(self) -> bool:
        return all(host in {"127.0.0.1", "localhost", "::1"} for host, _ in self.addresses())


KAFKA = BrokerSpec("kafka", "Kafka", "KAFKA_URL", "127.0.0.1:9092", 9092)
REDIS = BrokerSpec("redis", "Redis", "REDIS_URL", "redis://127.0.0.1:6379", 6379)
RABBIT = BrokerSpec("rabbit", "RabbitMQ", "RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/", 5672)
NATS = BrokerSpec("nats", "NATS", "NATS_URL", "nats://127.0.0.1:4222", 4222)
MQTT = BrokerSpec("mqtt", "MQTT", "MQTT_URL", "mqtt://127.0.0.1:1883", 1883)

BROKERS: dict[str, BrokerSpec] = {b.name: b for b in (KAFKA, REDIS, RABBIT, NATS, MQTT)}


def state_dir() -> Path:
    """Where the course keeps embedded brokers' pids and logs, and learners' progress."""
    return Path(os.environ.get("COURSE_STATE_DIR", REPO_ROOT / ".course")).resolve()


def learner() -> str:
    """The learner's name in workshop mode (``COURSE_LEARNER``), as a name-safe slug; '' when alone."""
    raw = os.environ.get("COURSE_LEARNER", "").strip().lower()
    return re.sub(r"[^a-z0-9]+", "", raw)[:16]


def kafka_security():
    """SASL/TLS for a remote Kafka cluster, read from the environment; None for a local broker.

    KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD, and KAFKA_SSL=1 for TLS.
    """
    mechanism = os.environ.get("KAFKA_SASL_MECHANISM", "").strip().upper()
    use_ssl = os.environ.get("KAFKA_SSL", "").lower() in {"1", "true", "yes"}
    if not mechanism and not use_ssl:
        return None
    import ssl

    from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

    context = ssl.create_default_context() if use_ssl else None
    if not mechanism:
        return BaseSecurity(ssl_context=context, use_ssl=True)
    kinds = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    if mechanism not in kinds:
        raise ValueError(f"KAFKA_SASL_MECHANISM={mechanism!r}: use one of {', '.join(kinds)}")
    missing = [v for v in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD") if not os.environ.get(v)]
    if missing:
        raise ValueError(f"KAFKA_SASL_MECHANISM={mechanism} needs {' and '.join(missing)} in the environment")
    return kinds[mechanism](
        username=os.environ["KAFKA_SASL_USERNAME"],
        password=os.environ["KAFKA_SASL_PASSWORD"],
        ssl_context=context,
        use_ssl=use_ssl,
    )
