"""Sandbox names: every run of a lesson gets its own prefix, and lessons see their own names back.

No broker is needed: the sandboxes are built directly, without ``Sandbox.open``'s reachability check.
"""

from __future__ import annotations

import re

import pytest

from helpers.sandbox import Sandbox


def _sanitizer_pattern() -> re.Pattern:
    """The regex nbval's sanitizer uses to mask sandbox names in stored notebook outputs."""
    import configparser
    from pathlib import Path

    config = configparser.ConfigParser()
    config.read(Path(__file__).with_name("sanitize.cfg"))
    return re.compile(config["sandbox run id"]["regex"])


NAME_PATTERN = _sanitizer_pattern()


@pytest.fixture(autouse=True)
def _alone(monkeypatch):
    monkeypatch.delenv("COURSE_LEARNER", raising=False)


def sandbox(lesson: str = "01", run_id: str | None = "abc123") -> Sandbox:
    return Sandbox(lesson, needs=(), run_id=run_id)


def test_prefix_without_learner():
    assert sandbox().prefix == "lesson01-abc123"


def test_prefix_with_learner(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    assert sandbox().prefix == "lesson01-ada-abc123"


def test_prefix_with_learner_slug(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada Lovelace!")
    assert sandbox().prefix == "lesson01-adalovelace-abc123"


def test_learner_without_latin_letters_still_gets_a_name(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "!!!")
    assert re.fullmatch(r"lesson01-u[0-9a-f]{8}-abc123", sandbox().prefix)


def test_topic():
    sb = sandbox()
    assert sb.topic("user.created") == "lesson01-abc123.user.created"
    assert sb.name("orders") == sb.topic("orders")


def test_ident_has_no_dots():
    sb = sandbox()
    ident = sb.ident("user.created")
    assert ident == "lesson01-abc123-user-created"
    assert "." not in ident


def test_ident_has_no_dots_with_learner(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    ident = sandbox().ident("orders.v2.created")
    assert ident == "lesson01-ada-abc123-orders-v2-created"
    assert "." not in ident


@pytest.mark.parametrize("name", ["user.created", "orders", "a.b.c", "with-dash", "lesson01-abc123"])
def test_strip_undoes_topic(name):
    sb = sandbox()
    assert sb.strip(sb.topic(name)) == name


@pytest.mark.parametrize("name", ["orders", "with-dash", "orders_v2"])
def test_strip_undoes_ident(name):
    sb = sandbox()
    assert sb.strip(sb.ident(name)) == name


def test_strip_with_learner(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    sb = sandbox()
    assert sb.strip(sb.topic("user.created")) == "user.created"
    assert sb.strip(sb.ident("users")) == "users"


@pytest.mark.parametrize(
    "foreign",
    [
        "user.created",
        "lesson01-ffffff.user.created",  # another run of the same lesson
        "lesson02-abc123.user.created",  # another lesson
        "lesson01-abc1234.user.created",  # a prefix that merely starts like ours
        "xlesson01-abc123.user.created",
        "lesson01-abc123",  # our bare prefix is not one of our names
    ],
)
def test_strip_leaves_other_names_alone(foreign):
    assert sandbox().strip(foreign) == foreign


def test_sandboxes_get_different_run_ids():
    first, second = Sandbox("01", needs=()), Sandbox("01", needs=())
    assert re.fullmatch(r"[0-9a-f]{6}", first.run_id)
    assert re.fullmatch(r"[0-9a-f]{6}", second.run_id)
    assert first.run_id != second.run_id
    assert first.topic("orders") != second.topic("orders")
    assert first.strip(first.topic("orders")) == second.strip(second.topic("orders")) == "orders"


def test_many_sandboxes_many_run_ids():
    run_ids = {Sandbox("01", needs=()).run_id for _ in range(50)}
    assert len(run_ids) >= 49  # 16.7 million ids: one collision in 50 is already very unlikely


def test_explicit_run_id_is_kept():
    assert sandbox(run_id="0f0f0f").run_id == "0f0f0f"


def test_repr_names_the_prefix_and_brokers():
    sb = Sandbox("01", needs=("kafka", "redis"), run_id="abc123")
    text = repr(sb)
    assert "lesson 01" in text
    assert "lesson01-abc123" in text
    assert "Kafka" in text and "Redis" in text


# -- the sanitizer's pattern for sandbox names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "lesson01-abc123",
        "lesson01-ada-abc123",
        "lesson99-adalovelace-0f9e8d",
        "lesson12-bartholomewmontg-ffffff",
        "lesson01-007-abc123",
    ],
)
def test_name_pattern_matches_sandbox_prefixes(name):
    assert NAME_PATTERN.fullmatch(name)


@pytest.mark.parametrize("learner", [None, "Ada", "Ada Lovelace!", "Bartholomew Montgomery-Smythe", "R2D2"])
def test_name_pattern_matches_what_a_sandbox_makes(learner, monkeypatch):
    if learner is not None:
        monkeypatch.setenv("COURSE_LEARNER", learner)
    sb = Sandbox("07", needs=())
    assert NAME_PATTERN.fullmatch(sb.prefix)
    assert NAME_PATTERN.match(sb.topic("user.created"))
    assert NAME_PATTERN.match(sb.ident("user.created"))


@pytest.mark.parametrize(
    "name",
    [
        "user.created",
        "orders",
        "course-healthcheck-1a2b3c4d",
        "lesson1-abc123",  # lesson numbers have two digits
        "lesson01-abc12",  # run ids have six hex digits
        "lesson01-xyz123",  # and they are hex
        "lesson01-Ada-abc123",  # learner slugs are lower case
        "lesson01_abc123",
    ],
)
def test_name_pattern_rejects_ordinary_names(name):
    assert NAME_PATTERN.match(name) is None
    assert NAME_PATTERN.fullmatch(name) is None
