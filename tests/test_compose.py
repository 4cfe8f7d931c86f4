"""docker-compose.yml offers the same brokers, on the same addresses, as the course defaults.

No Docker engine is needed: the file is read as YAML and its structure checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers.settings import BROKERS

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"

# broker name in helpers.settings -> compose service
SERVICE_FOR = {
    "kafka": "redpanda",
    "redis": "redis",
    "rabbit": "rabbitmq",
    "nats": "nats",
    "mqtt": "mosquitto",
}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def host_ports(service: dict) -> list[int]:
    """Host ports of '127.0.0.1:HOST:CONTAINER' entries."""
    return [int(str(entry).split(":")[1]) for entry in service.get("ports", [])]


def test_every_broker_has_a_service(services):
    assert set(SERVICE_FOR) == set(BROKERS)
    assert set(SERVICE_FOR.values()) <= set(services)


@pytest.mark.parametrize("name", sorted(SERVICE_FOR.values()))
def test_service_has_image_and_healthcheck(services, name):
    service = services[name]
    assert service.get("image")
    check = service.get("healthcheck") or {}
    assert check.get("test"), f"{name}: healthcheck without a test"
    for key in ("interval", "timeout", "retries"):
        assert check.get(key), f"{name}: healthcheck without {key}"


def test_ports_bound_to_loopback_only(services):
    for name, service in services.items():
        for entry in service.get("ports", []):
            assert str(entry).startswith("127.0.0.1:"), f"{name}: {entry!r} is not loopback-only"


@pytest.mark.parametrize("broker", sorted(SERVICE_FOR))
def test_published_port_matches_course_default(services, broker, monkeypatch):
    spec = BROKERS[broker]
    monkeypatch.delenv(spec.env_var, raising=False)
    host, port = spec.address()
    assert host == "127.0.0.1"
    assert port == spec.default_port
    assert port in host_ports(services[SERVICE_FOR[broker]])


def test_redpanda_advertises_address_reachable_from_host(services):
    command = services["redpanda"]["command"]
    args = command if isinstance(command, list) else command.split()
    advertised = args[args.index("--advertise-kafka-addr") + 1]
    assert advertised.split("://")[-1] in {"127.0.0.1:9092", "localhost:9092"}


def test_redpanda_accepts_the_short_group_session_timeouts_the_lessons_use(services):
    check = " ".join(services["redpanda"]["healthcheck"]["test"])
    assert "group_min_session_timeout_ms 1000" in check
