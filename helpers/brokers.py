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


def course_logger() -> logging.Logger:
    """Warnings and errors only, one plain line each: what a learner needs to see, nothing that varies."""
    logger = logging.getLogger(COURSE_LOGGER_NAME)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return logger


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

        security = kafka_security()
        if security is not None:
            options.setdefault("security", security)
        return KafkaBroker([host.strip() for host in spec.url.split(",")], **options)
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
