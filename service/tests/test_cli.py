"""The service as it runs in production: `faststream run`, `uvicorn`, and `faststream docs gen`.

Each process gets its own TOPIC_PREFIX under this run's, so its consumer groups are new.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from faststream.kafka import KafkaBroker

from app.broker import kafka_security
from app.config import settings
from app.models.events import NotificationEvent

SERVICE_DIR = Path(__file__).resolve().parent.parent
ADA = {"user_id": 1, "email": "ada@example.com", "name": "Ada"}


@pytest.mark.kafka
@pytest.mark.usefixtures("kafka_cleanup")
async def test_faststream_run_handles_an_event_and_stops_on_ctrl_c(service_process):
    prefix = f"{settings.topic_prefix}cli."
    received: asyncio.Future[NotificationEvent] = asyncio.get_running_loop().create_future()

    probe = KafkaBroker(settings.kafka_servers, security=kafka_security(settings), logger=None)

    @probe.subscriber(f"{prefix}notifications", auto_offset_reset="earliest")
    async def notification_sent(event: NotificationEvent) -> None:
        received.set_result(event)

    async with service_process("faststream", "run", "app.main:app", env={"TOPIC_PREFIX": prefix}) as service:
        await service.wait_for("FastStream app started successfully")
        await probe.start()
        try:
            await probe.publish(ADA, f"{prefix}user.created")
            event = await asyncio.wait_for(received, timeout=15)
        finally:
            await probe.stop()
        returncode = await service.stop()

    assert event == NotificationEvent(user_id=1, message="Welcome aboard, Ada!")
    assert returncode == 0
    assert "FastStream app shut down gracefully." in "\n".join(service.lines)


@pytest.mark.kafka
@pytest.mark.usefixtures("kafka_cleanup")
async def test_uvicorn_serves_the_api_with_the_consumers_running(service_process):
    port = _free_port()
    env = {"TOPIC_PREFIX": f"{settings.topic_prefix}http."}
    async with service_process("uvicorn", "app.main:api", "--port", str(port), env=env) as service:
        await service.wait_for("Application startup complete.")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/health")).json() == {"kafka": "up"}
            created = await client.post("/users", json={"email": "ada@example.com", "name": "Ada"})
            assert created.status_code == 201
            profile = await _until(client, "/users/1", lambda body: body["notices"])
        returncode = await service.stop()

    assert profile["settings"] == {"theme": "light", "newsletter": True}
    assert profile["notices"] == [{"message": "Welcome aboard, Ada!", "type": "info"}]
    assert returncode == 0
    assert "Application shutdown complete." in "\n".join(service.lines)


def test_docs_gen_writes_the_asyncapi_spec(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "faststream", "docs", "gen", "app.main:app", "--app-dir", str(SERVICE_DIR)],
        cwd=tmp_path, env={**os.environ, "TOPIC_PREFIX": ""}, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "asyncapi.json" in done.stdout
    spec = json.loads((tmp_path / "asyncapi.json").read_text())
    assert spec["asyncapi"] == "3.0.0"
    assert spec["info"]["title"] == "welcome-service"
    assert {c["address"] for c in spec["channels"].values()} == {"user.created", "notifications"}
    assert {"UserCreated", "NotificationEvent"} <= set(spec["components"]["schemas"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _until(client: httpx.AsyncClient, path: str, ready, timeout: float = 15) -> dict:
    """GET ``path`` until ``ready(body)`` is true: the API answers at once, the events take a moment."""
    async with asyncio.timeout(timeout):
        while True:
            body = (await client.get(path)).json()
            if ready(body):
                return body
            await asyncio.sleep(0.05)
