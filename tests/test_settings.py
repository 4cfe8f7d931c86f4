"""helpers.settings: broker URLs from the environment, addresses, the learner's slug, Kafka security.

Pure unit tests: nothing connects anywhere.
"""

from __future__ import annotations

import ssl

import pytest
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from helpers import settings
from helpers.settings import BROKERS, KAFKA, MQTT, NATS, RABBIT, REDIS

SECURITY_VARS = ("KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SSL")

DEFAULTS = {
    "kafka": ("KAFKA_URL", "127.0.0.1:9092", 9092),
    "redis": ("REDIS_URL", "redis://127.0.0.1:6379", 6379),
    "rabbit": ("RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/", 5672),
    "nats": ("NATS_URL", "nats://127.0.0.1:4222", 4222),
    "mqtt": ("MQTT_URL", "mqtt://127.0.0.1:1883", 1883),
}

# broker -> (a URL someone might set, the host and port it means)
OVERRIDES = {
    "kafka": ("kafka.example.com:19092", ("kafka.example.com", 19092)),
    "redis": ("redis://cache.internal:6380/2", ("cache.internal", 6380)),
    "rabbit": ("amqp://app:s3cret@mq.internal:5673/shop", ("mq.internal", 5673)),
    "nats": ("nats://10.1.2.3:4223", ("10.1.2.3", 4223)),
    "mqtt": ("mqtt://iot.internal:8883", ("iot.internal", 8883)),
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Each test starts from the course defaults, whatever the shell running pytest exports."""
    for spec in BROKERS.values():
        monkeypatch.delenv(spec.env_var, raising=False)
    for var in (*SECURITY_VARS, "COURSE_LEARNER"):
        monkeypatch.delenv(var, raising=False)


def test_every_broker_is_described():
    assert set(BROKERS) == set(DEFAULTS)
    assert [KAFKA, REDIS, RABBIT, NATS, MQTT] == [BROKERS[n] for n in ("kafka", "redis", "rabbit", "nats", "mqtt")]


# -- URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_default_url_and_address(name):
    env_var, url, port = DEFAULTS[name]
    spec = BROKERS[name]
    assert spec.name == name
    assert spec.env_var == env_var
    assert spec.url == url
    assert spec.address() == ("127.0.0.1", port)
    assert spec.addresses() == [("127.0.0.1", port)]
    assert spec.is_local()


@pytest.mark.parametrize("name", sorted(OVERRIDES))
def test_env_var_overrides_the_url(name, monkeypatch):
    url, address = OVERRIDES[name]
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, url)
    assert spec.url == url
    assert spec.address() == address
    assert not spec.is_local()


@pytest.mark.parametrize(
    ("name", "url", "says"),
    [
        ("kafka", "notahost:xx", "KAFKA_URL='notahost:xx' has a port that is not a number; e.g. KAFKA_URL=127.0.0.1:9092."),
        ("kafka", "http://kafka:9092", "KAFKA_URL='http://kafka:9092' is not a Kafka URL: write it as host:port, or "
                                       "several separated by commas, e.g. KAFKA_URL=127.0.0.1:9092."),
        ("kafka", ":9092", "KAFKA_URL=':9092' names no host; e.g. KAFKA_URL=127.0.0.1:9092."),
        ("redis", "notahost:xx", "REDIS_URL='notahost:xx' is not a Redis URL: write it as redis://host:port or "
                                 "rediss://host:port, e.g. REDIS_URL=redis://127.0.0.1:6379."),
        ("rabbit", "amqp://guest:guest@mq:port/", "RABBIT_URL='amqp://guest:guest@mq:port/' has a port that is not a number"),
        ("nats", "localhost:4222", "NATS_URL='localhost:4222' is not a NATS URL: write it as nats://host:port or tls://host:port"),
    ],
)
def test_a_malformed_url_is_a_clear_error_naming_its_variable(name, url, says, monkeypatch):
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, url)
    with pytest.raises(settings.SettingError) as info:
        spec.address()
    assert str(info.value).startswith(says)


def test_kafka_takes_its_servers_with_or_without_a_scheme(monkeypatch):
    monkeypatch.setenv("KAFKA_URL", "kafka://k1.internal:9092, k2.internal")
    assert KAFKA.addresses() == [("k1.internal", 9092), ("k2.internal", 9092)]
    assert KAFKA.bootstrap_servers() == ["k1.internal:9092", "k2.internal:9092"]


@pytest.mark.parametrize(("name", "url", "tls"), [
    ("redis", "rediss://cache:6380", True), ("redis", "redis://cache:6379", False),
    ("rabbit", "amqps://u:p@mq:5671/", True), ("nats", "tls://n:4222", True), ("mqtt", "mqtts://m:8883", True),
])
def test_tls_endpoints_are_recognised(name, url, tls, monkeypatch):
    monkeypatch.setenv(BROKERS[name].env_var, url)
    assert BROKERS[name].uses_tls() is tls


def test_kafka_tls_comes_from_kafka_ssl(monkeypatch):
    assert not KAFKA.uses_tls()
    monkeypatch.setenv("KAFKA_SSL", "1")
    assert KAFKA.uses_tls()


def test_the_command_line_prints_a_malformed_setting_without_a_traceback(monkeypatch):
    import os
    import subprocess
    import sys

    env = {**os.environ, "KAFKA_URL": "notahost:xx"}
    result = subprocess.run([sys.executable, "-m", "helpers", "status", "kafka"], capture_output=True, text=True,
                            env=env, cwd=settings.REPO_ROOT, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "KAFKA_URL='notahost:xx' has a port that is not a number; e.g. KAFKA_URL=127.0.0.1:9092."
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(DEFAULTS))
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_env_var_means_the_default(name, blank, monkeypatch):
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, blank)
    assert spec.url == spec.default_url


def test_env_var_is_trimmed(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "  redis://127.0.0.1:6390  \n")
    assert REDIS.url == "redis://127.0.0.1:6390"
    assert REDIS.address() == ("127.0.0.1", 6390)


def test_url_is_read_at_use_time_not_import_time(monkeypatch):
    assert KAFKA.address() == ("127.0.0.1", 9092)
    monkeypatch.setenv("KAFKA_URL", "127.0.0.1:29092")
    assert KAFKA.address() == ("127.0.0.1", 29092)
    monkeypatch.delenv("KAFKA_URL")
    assert KAFKA.address() == ("127.0.0.1", 9092)


@pytest.mark.parametrize(
    ("name", "url", "address"),
    [
        ("kafka", "kafka1", ("kafka1", 9092)),
        ("redis", "redis://cache", ("cache", 6379)),
        ("rabbit", "amqp://guest:guest@mq/", ("mq", 5672)),
        ("nats", "nats://natsbox", ("natsbox", 4222)),
        ("mqtt", "mqtt://iot", ("iot", 1883)),
    ],
)
def test_url_without_port_uses_the_default_port(name, url, address, monkeypatch):
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, url)
    assert spec.address() == address


# -- addresses -----------------------------------------------------------------------


def test_kafka_bootstrap_list(monkeypatch):
    monkeypatch.setenv("KAFKA_URL", "k1.example.com:9092, k2.example.com:9093 ,k3.example.com")
    assert KAFKA.addresses() == [
        ("k1.example.com", 9092),
        ("k2.example.com", 9093),
        ("k3.example.com", 9092),
    ]
    assert KAFKA.address() == ("k1.example.com", 9092)


def test_kafka_bootstrap_list_with_scheme(monkeypatch):
    monkeypatch.setenv("KAFKA_URL", "tcp://127.0.0.1:9092,tcp://127.0.0.1:9094")
    assert KAFKA.addresses() == [("127.0.0.1", 9092), ("127.0.0.1", 9094)]


@pytest.mark.parametrize(
    ("name", "url", "address"),
    [
        ("rabbit", "amqp://user:pw@host:5673/vh", ("host", 5673)),
        ("rabbit", "amqp://user:p%40ss@broker.internal/vh", ("broker.internal", 5672)),
        ("redis", "redis://:secret@cache:6380/1", ("cache", 6380)),
        ("redis", "rediss://default:tok:en@cache.example.com:6390", ("cache.example.com", 6390)),
        ("nats", "nats://token@127.0.0.1:4333", ("127.0.0.1", 4333)),
        ("mqtt", "mqtt://device:pw@127.0.0.1:1884", ("127.0.0.1", 1884)),
    ],
)
def test_credentials_are_not_taken_for_the_host(name, url, address, monkeypatch):
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, url)
    assert spec.addresses() == [address]


def test_ipv6_loopback(monkeypatch):
    monkeypatch.setenv("KAFKA_URL", "[::1]:9095")
    assert KAFKA.address() == ("::1", 9095)
    assert KAFKA.is_local()


def test_comma_in_password(monkeypatch):
    monkeypatch.setenv("RABBIT_URL", "amqp://user:p,w@mq.internal:5673/")
    assert RABBIT.addresses() == [("mq.internal", 5673)]


# -- is_local ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "local"),
    [
        ("kafka", "127.0.0.1:9092", True),
        ("kafka", "localhost:9092", True),
        ("kafka", "LOCALHOST:9092", True),
        ("kafka", "localhost:9092,127.0.0.1:9093", True),
        ("kafka", "127.0.0.1:9092,kafka.example.com:9092", False),
        ("kafka", "kafka.example.com:9092", False),
        ("kafka", "192.0.2.1:9092", False),
        ("redis", "redis://user:pw@127.0.0.1:6379/0", True),
        ("rabbit", "amqp://guest:guest@localhost:5672/", True),
        ("rabbit", "amqps://user:pw@rabbit.cloud.example:5671/vh", False),
        ("nats", "nats://10.0.0.7:4222", False),
    ],
)
def test_is_local(name, url, local, monkeypatch):
    spec = BROKERS[name]
    monkeypatch.setenv(spec.env_var, url)
    assert spec.is_local() is local


# -- state dir -----------------------------------------------------------------------


def test_state_dir_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_STATE_DIR", str(tmp_path / "elsewhere"))
    assert settings.state_dir() == (tmp_path / "elsewhere").resolve()
    monkeypatch.delenv("COURSE_STATE_DIR")
    assert settings.state_dir() == settings.REPO_ROOT / ".course"


# -- learner -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("", ""),
        ("   ", ""),
        ("ada", "ada"),
        ("Ada Lovelace!", "adalovelace"),
        ("  Grace-Hopper_1906 ", "gracehopper1906"),
        ("Zoë O'Brien", "zoobrien"),
        ("Bartholomew Montgomery-Smythe", "bartholomewmontg"),
        ("a" * 40, "a" * 16),
    ],
)
def test_learner_slug(raw, slug, monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", raw)
    assert settings.learner() == slug


def test_learner_unset_is_empty():
    assert settings.learner() == ""


def test_learner_slug_is_name_safe_and_short(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ünïcode & Spaces / Slashes . Dots: 0123456789")
    slug = settings.learner()
    assert len(slug) == 16
    assert slug.isascii() and slug.isalnum() and slug == slug.lower()


# -- Kafka security ------------------------------------------------------------------


def test_no_kafka_security_by_default():
    assert settings.kafka_security() is None


@pytest.mark.parametrize("value", ["0", "no", "false", ""])
def test_kafka_ssl_off_values(value, monkeypatch):
    monkeypatch.setenv("KAFKA_SSL", value)
    assert settings.kafka_security() is None


@pytest.mark.parametrize(
    ("mechanism", "kind"),
    [
        ("PLAIN", SASLPlaintext),
        ("plain", SASLPlaintext),
        ("SCRAM-SHA-256", SASLScram256),
        ("scram-sha-512", SASLScram512),
    ],
)
def test_kafka_sasl_from_env(mechanism, kind, monkeypatch):
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", mechanism)
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "learner07")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "pa55word")
    security = settings.kafka_security()
    assert type(security) is kind
    assert (security.username, security.password) == ("learner07", "pa55word")
    assert security.use_ssl is False
    assert security.ssl_context is None


@pytest.mark.parametrize("flag", ["1", "true", "YES"])
def test_kafka_sasl_over_tls(flag, monkeypatch):
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "u")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "p")
    monkeypatch.setenv("KAFKA_SSL", flag)
    security = settings.kafka_security()
    assert isinstance(security, SASLScram512)
    assert security.use_ssl is True
    assert isinstance(security.ssl_context, ssl.SSLContext)


def test_kafka_tls_without_sasl(monkeypatch):
    monkeypatch.setenv("KAFKA_SSL", "1")
    security = settings.kafka_security()
    assert type(security) is BaseSecurity
    assert security.use_ssl is True
    assert isinstance(security.ssl_context, ssl.SSLContext)


def test_unknown_sasl_mechanism_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "gssapi")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "u")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "p")
    with pytest.raises(ValueError) as info:
        settings.kafka_security()
    message = str(info.value)
    assert "KAFKA_SASL_MECHANISM" in message
    assert "GSSAPI" in message
    for known in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        assert known in message


def test_missing_sasl_username_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "PLAIN")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "p")
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        settings.kafka_security()


def test_a_name_without_latin_letters_still_gets_its_own_slug(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Алиса")
    alice = settings.learner()
    monkeypatch.setenv("COURSE_LEARNER", "Борис")
    assert alice != settings.learner() and alice.startswith("u") and len(alice) == 9
    monkeypatch.setenv("COURSE_LEARNER", "!!!")
    assert settings.learner().startswith("u"), "a name is never silently dropped"
