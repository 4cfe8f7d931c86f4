"""Verdicts that several lessons' checkers share."""

from __future__ import annotations

from typing import Any

from faststream import FastStream

from ..exercises import fail


def subscribed_topics(broker: Any) -> list[str]:
    """Every topic a subscriber on ``broker`` listens on."""
    return [topic for sub in broker.subscribers for topic in sub.topic_names]


def judge_app(app: Any, broker: Any, factory: str) -> FastStream:
    """The learner's factory must return ``FastStream(broker)`` for the broker it was given."""
    if app is None:
        fail(f"`{factory}` returned None: end it with `return FastStream(broker)`.")
    if not isinstance(app, FastStream):
        fail(f"`{factory}` returned a {type(app).__name__}; return `FastStream(broker)`.")
    if broker not in app.brokers:
        fail("the app you returned runs a different broker than the one you were given: "
             "pass that `broker` to `FastStream(...)`.")
    return app
