"""The HTTP API with its lifespan, on the in-memory test broker."""

import httpx
import pytest
from faststream.kafka import TestKafkaBroker

from app.main import api, app
from app.publishers.notifications import notifications
from app.publishers.user import user_created


@pytest.fixture
async def client():
    async with (
        TestKafkaBroker(app.broker, connect_only=True),
        api.router.lifespan_context(api),  # what uvicorn runs around the API: it starts the broker
        httpx.AsyncClient(transport=httpx.ASGITransport(api), base_url="http://test") as client,
    ):
        yield client


async def test_sign_up_publishes_user_created_and_the_user_is_welcomed(client):
    response = await client.post("/users", json={"email": "ada@example.com", "name": "Ada"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "email": "ada@example.com", "name": "Ada"}
    await user_created.assert_called_once_with({"user_id": 1, "email": "ada@example.com", "name": "Ada"})
    notifications.mock.assert_called_once()

    profile = (await client.get("/users/1")).json()
    assert profile["settings"] == {"theme": "light", "newsletter": True}
    assert profile["notices"] == [{"message": "Welcome aboard, Ada!", "type": "info"}]


async def test_unknown_user_is_404(client):
    assert (await client.get("/users/99")).status_code == 404


async def test_sign_up_rejects_an_incomplete_request(client):
    response = await client.post("/users", json={"email": "ada@example.com"})
    assert response.status_code == 422
    user_created.mock.assert_not_called()


async def test_sign_up_refuses_what_the_event_would_refuse(client):
    # The request follows the rules of the UserCreated it leads to: a bad email or an empty name is
    # the client's mistake (422), not a stored user whose event then fails to build (500, no event).
    response = await client.post("/users", json={"email": "nobody", "name": ""})
    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} == {"email", "name"}
    assert (await client.get("/users/1")).status_code == 404
    user_created.mock.assert_not_called()


async def test_health_says_whether_kafka_is_connected(client):
    response = await client.get("/health")
    assert (response.status_code, response.json()) == (200, {"kafka": "up"})


async def test_health_is_503_without_a_broker():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(api), base_url="http://test") as client:
        response = await client.get("/health")  # no lifespan ran: the broker is not connected
    assert (response.status_code, response.json()) == (503, {"kafka": "down"})
