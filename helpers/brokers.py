"""FastStream brokers built from the course settings, with logs fit for a notebook.

FastStream's default access log prints a timestamped, coloured line for every message. In a lesson
that is noise, and it changes on every run. Course brokers log through a plain logger that only
shows warnings and errors (a handler that raises is still reported), without timestamps.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from .settings import BROKERS, kafka_security

COURSE_LOGGER_NAME = "course"


class OneLineFormatter(logging.Formatter):
    """``ERROR KeyError: 'name' in a handler of user.created``: no timestamp, no colour, no traceback.

    In a notebook these lines appear under the cell that started the broker (like ``print`` in a
    handler), so they stay short; the lesson's waiting helpers report the full story where you wait.
    """

    CHANNEL_KEYS = ("topic", "channel", "queue", "subject")

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.getMessage()}"
        channel = next((getattr(record, k) for k in self.CHANNEL_KEYS if getattr(record, k, "")), "")
        return f"{line} in a handler of {channel}" if channel and record.exc_info else line


def course_logger() -> logging.Logger:
    """Warnings and errors only, one plain line each: what a learner needs to see, nothing that varies."""
    logger = logging.getLogger(COURSE_LOGGER_NAME)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLineFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return logger


def silent_logger() -> logging.Logger:
    """A logger that prints nothing, for the exercise checkers' brokers.

    Unlike ``logger=None`` it is still a logger, so a learner's handler that takes ``logger: Logger``
    gets one to call.
    """
    logger = logging.getLogger(f"{COURSE_LOGGER_NAME}.silent")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
    return logger


class OncePerMessage(logging.Filter):
    """Let each kind of client log line through once: a client retrying a dead broker logs the same
    line many times a second, which would bury a notebook's output."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, object]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.msg)
        if kind in self.seen:
            return False
        self.seen.add(kind)
        return True


def _quiet_client_retries() -> None:
    """aiokafka's own warnings, each kind once, in the course's plain one-line form."""
    logger = logging.getLogger("aiokafka")
    if not any(isinstance(f, OncePerMessage) for h in logger.handlers for f in h.filters):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        handler.addFilter(OncePerMessage())
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


_DEFAULT = object()


def make_broker(name: str, *, logger: Any = _DEFAULT, **options: Any):
    """A FastStream broker for the named kind at its configured URL (not connected yet)."""
    spec = BROKERS[name]
    if logger is _DEFAULT:
        logger = course_logger()
    # Access-log lines ("Received", "Processed") go out at DEBUG, below the logger's level.
    options.setdefault("log_level", logging.DEBUG)
    options["logger"] = logger
    if name == "kafka":
        from faststream.kafka import KafkaBroker

        _quiet_client_retries()
        # A request to a dead broker gives up after 10 s instead of aiokafka's 40 (stop() waits that long
        # for a batch it cannot send). Still well above a group join (a few seconds on any broker).
        options.setdefault("request_timeout_ms", 10_000)
        security = kafka_security()
        if security is not None:
            options.setdefault("security", security)
        return KafkaBroker(spec.bootstrap_servers(), **options)
    if name == "redis":
        from faststream.redis import RedisBroker

        return RedisBroker(spec.url, **options)
    if name == "rabbit":
        from faststream.rabbit import RabbitBroker

        return RabbitBroker(spec.url, **options)
    if name == "nats":
        from faststream.nats import NatsBroker

        return NatsBroker(spec.url, **options)
    if name == "mqtt":
        from faststream.mqtt import MQTTBroker

        return MQTTBroker(spec.url, **options)
    raise KeyError(name)
