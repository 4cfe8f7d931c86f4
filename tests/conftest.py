"""Shared fixtures: a sandbox on the real brokers, and progress kept out of the learner's files."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

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


@contextlib.contextmanager
def tcp_program(greet: Callable[[socket.socket], None]) -> Iterator[int]:
    """Another program on a free port: ``greet`` gets each connection, which is closed after it. Yields the port."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                greet(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        server.close()
