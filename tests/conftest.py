"""Shared fixtures: a sandbox on the real brokers, and progress kept out of the learner's files."""

from __future__ import annotations

import pytest

from helpers.sandbox import Sandbox


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    """Checks record progress; tests keep theirs in a temporary folder."""
    monkeypatch.setenv("COURSE_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
async def kafka_sandbox():
    sandbox = Sandbox.open("99", needs=("kafka",))
    yield sandbox
    await sandbox.close()
