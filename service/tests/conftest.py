"""Test settings for the whole run, clean in-memory services for every test, and a way to run the
service as its own process.

The settings are read once, when ``app.config`` is first imported, so the environment is set here,
before any test imports the app:

- ``TOPIC_PREFIX`` gets a unique part per test run, so tests on a shared Kafka cluster never see
  each other's (or an earlier run's) events; a prefix already set is kept in front of it.
- Short Kafka session timeouts let each new consumer group form in about a second instead of five
  on the course broker (Tansu forms a group in about half the session timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

if "app.config" in sys.modules:
    raise RuntimeError(
        "app.config was imported before the service's test settings were applied, so these tests would "
        "run without their own TOPIC_PREFIX. Import the service lazily (inside tests), or run it separately."
    )

SERVICE_DIR = Path(__file__).resolve().parent.parent
RUN_PREFIX = f"{os.environ.get('TOPIC_PREFIX', '')}test-{secrets.token_hex(4)}."
os.environ["TOPIC_PREFIX"] = RUN_PREFIX
os.environ.setdefault("KAFKA_SESSION_TIMEOUT_MS", "2000")
os.environ.setdefault("KAFKA_HEARTBEAT_INTERVAL_MS", "200")


def pytest_configure(config):
    config.addinivalue_line("markers", "kafka: needs the real Kafka broker at KAFKA_URL")


@pytest.fixture(autouse=True)
def _clean_services():
    from app.services import email, inbox, user_settings, users

    for service in (email, inbox, user_settings, users):
        service.clear()


@pytest.fixture(scope="session")
def kafka_cleanup():
    """Delete this run's topics from Kafka when the run ends."""
    yield
    asyncio.run(_delete_topics(RUN_PREFIX))


async def _delete_topics(prefix: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from faststream.kafka.security import parse_security

    from app.broker import kafka_security
    from app.config import settings

    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_servers,
        request_timeout_ms=5000,
        **parse_security(kafka_security(settings)),
    )
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ServiceProcess:
    """The service running as its own process, as in production; its output lines without colours."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        """Read output until a line contains ``text``; fail with the output so far if it never does."""
        async def read() -> str:
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(f"the service exited before printing {text!r}:\n" + "\n".join(self.lines))
                line = ANSI.sub("", raw.decode(errors="replace")).rstrip()
                self.lines.append(line)
                if text in line:
                    return line

        try:
            return await asyncio.wait_for(read(), timeout)
        except TimeoutError:
            raise AssertionError(f"no {text!r} within {timeout:g} s:\n" + "\n".join(self.lines)) from None

    async def stop(self, timeout: float = 30) -> int:
        """Ctrl+C, then wait for a clean exit and collect the rest of the output."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        self.lines += [ANSI.sub("", line).rstrip() for line in rest.decode(errors="replace").splitlines()]
        return self.process.returncode


@contextlib.asynccontextmanager
async def run_service(*command: str, env: dict[str, str]) -> AsyncIterator[ServiceProcess]:
    """Start ``python -m <command>`` in the service's folder; always stopped (Ctrl+C) on exit."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", *command,
        cwd=SERVICE_DIR,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    service = ServiceProcess(process)
    try:
        yield service
    finally:
        if process.returncode is None:
            with contextlib.suppress(TimeoutError):
                await service.stop(timeout=15)
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.fixture
def service_process():
    return run_service
