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

from .errors import SetupProblem

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingError(SetupProblem, ValueError):
    """A broker setting that cannot be a URL of that broker."""


@dataclass(frozen=True)
class BrokerSpec:
    """One kind of broker the course can use."""

    name: str  # short id used on the command line: kafka, redis, ...
    title: str  # how people call it
    env_var: str
    default_url: str
    default_port: int
    schemes: tuple[str, ...]  # the URL schemes the setting may use; "" for none (Kafka's host:port)
    tls_schemes: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return os.environ.get(self.env_var, "").strip() or self.default_url

    @property
    def shown_url(self) -> str:
        """The URL with its password masked, for tables and messages that may be saved or shared."""
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", self.url)

    def address(self) -> tuple[str, int]:
        """The first host and port of the configured URL (Kafka may list several)."""
        return self.addresses()[0]

    def addresses(self) -> list[tuple[str, int]]:
        """Every host and port of the URL; a :class:`SettingError` saying how to write it when it is malformed."""
        return [self._host_port(part.strip()) for part in self._parts()]

    def _parts(self) -> list[str]:
        # Only Kafka takes a list of bootstrap servers; other URLs may have a comma in a password.
        return self.url.split(",") if self.name == "kafka" else [self.url]

    def _host_port(self, part: str) -> tuple[str, int]:
        scheme = part.split("://")[0].lower() if "://" in part else ""
        example = f"{self.env_var}={self.default_url}"
        if scheme not in self.schemes + self.tls_schemes:
            if "" in self.schemes:
                form = "host:port, or several separated by commas"
            else:
                form = " or ".join(f"{s}://host:port" for s in self.schemes + self.tls_schemes)
            raise SettingError(f"{self.env_var}={self.url!r} is not a {self.title} URL: write it as {form}, "
                               f"e.g. {example}.")
        split = urlsplit(part if scheme else "tcp://" + part)
        try:
            port = split.port
        except ValueError:
            raise SettingError(f"{self.env_var}={self.url!r} has a port that is not a number; e.g. {example}.") from None
        if not split.hostname:
            raise SettingError(f"{self.env_var}={self.url!r} names no host; e.g. {example}.")
        return split.hostname, port or self.default_port

    def bootstrap_servers(self) -> list[str]:
        """Kafka's ``host:port`` list, as clients take it (a ``kafka://`` in the setting is dropped)."""
        return [f"{host}:{port}" for host, port in self.addresses()]

    def uses_tls(self) -> bool:
        if self.name == "kafka":
            return os.environ.get("KAFKA_SSL", "").lower() in {"1", "true", "yes"}
        return any(part.strip().lower().startswith(f"{s}://") for part in self._parts() for s in self.tls_schemes)

    def is_local(self) -> bool:
        return all(host in {"127.0.0.1", "localhost", "::1"} for host, _ in self.addresses())


KAFKA = BrokerSpec("kafka", "Kafka", "KAFKA_URL", "127.0.0.1:9092", 9092, ("", "kafka", "tcp"))
REDIS = BrokerSpec("redis", "Redis", "REDIS_URL", "redis://127.0.0.1:6379", 6379, ("redis",), ("rediss",))
RABBIT = BrokerSpec("rabbit", "RabbitMQ", "RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/", 5672, ("amqp",), ("amqps",))
NATS = BrokerSpec("nats", "NATS", "NATS_URL", "nats://127.0.0.1:4222", 4222, ("nats",), ("tls",))
MQTT = BrokerSpec("mqtt", "MQTT", "MQTT_URL", "mqtt://127.0.0.1:1883", 1883, ("mqtt",), ("mqtts",))

BROKERS: dict[str, BrokerSpec] = {b.name: b for b in (KAFKA, REDIS, RABBIT, NATS, MQTT)}


def state_dir() -> Path:
    """Where the course keeps embedded brokers' pids and logs, and learners' progress."""
    return Path(os.environ.get("COURSE_STATE_DIR", REPO_ROOT / ".course")).resolve()


def learner() -> str:
    """The learner's name in workshop mode (``COURSE_LEARNER``), as a name-safe slug; '' when alone.

    A name with no letters a-z or digits (in another script, say) gets a slug made from its hash, so
    that it still names its own sandboxes and progress.
    """
    raw = os.environ.get("COURSE_LEARNER", "").strip()
    slug = re.sub(r"[^a-z0-9]+", "", raw.lower())[:16]
    if raw and not slug:
        import hashlib

        slug = "u" + hashlib.sha1(raw.encode()).hexdigest()[:8]
    return slug


def kafka_security():
    """SASL/TLS for a remote Kafka cluster, read from the environment; None for a local broker.

    KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD, and KAFKA_SSL=1 for TLS.
    """
    mechanism = os.environ.get("KAFKA_SASL_MECHANISM", "").strip().upper()
    use_ssl = KAFKA.uses_tls()
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
