"""`python -m helpers doctor`: exit 0 when the course can run, 1 with the exact fix when it cannot."""

import os
import subprocess
import sys
import threading

import pytest

from helpers.embedded import free_port

from .conftest import tcp_program
from helpers.settings import REPO_ROOT


def doctor(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers", "doctor"], cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=120, env={**os.environ, **env},
    )


def test_everything_up_exits_0():
    result = doctor()
    assert result.returncode == 0, result.stdout
    assert "✅ Jupyter kernel" in result.stdout
    assert "Ready for the course." in result.stdout


def test_a_stopped_kafka_is_reported_with_its_fix_and_exits_1():
    port = free_port()
    result = doctor(KAFKA_URL=f"127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"❌ Kafka (KAFKA_URL=127.0.0.1:{port}): not reachable" in result.stdout
    assert "   fix: make brokers\n" in result.stdout
    assert "1 problem(s) block the course" in result.stdout


def test_an_optional_broker_down_is_a_warning_only():
    result = doctor(NATS_URL=f"nats://127.0.0.1:{free_port()}")
    assert result.returncode == 0, result.stdout
    assert "⚠️  NATS" in result.stdout and "(optional: no lesson needs it yet)" in result.stdout


@pytest.fixture
def impostor():
    """A program on a port that accepts connections and closes them without a word."""
    with tcp_program(lambda conn: None) as port:
        yield port


def test_a_port_taken_by_another_program_is_named(impostor):
    result = doctor(REDIS_URL=f"redis://127.0.0.1:{impostor}")
    assert result.returncode == 1
    assert f"something answers on port {impostor}, but it does not speak Redis" in result.stdout
    assert f"fix: see which program holds port {impostor} with `ss -ltnp 'sport = :{impostor}'`" in result.stdout
    assert "or set REDIS_URL to a free port, then run `make brokers`" in result.stdout


def test_the_jupyter_port_held_by_a_jupyter_server_is_fine_and_by_another_program_a_warning(impostor, monkeypatch):
    import http.server
    import json

    from helpers import doctor as doc

    class FakeJupyter(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = json.dumps({"version": "2.17.0"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), FakeJupyter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(doc, "JUPYTER_PORT", server.server_address[1])
        finding = doc.check_jupyter_port()
        assert finding.ok and "a Jupyter server runs there already" in finding.detail
    finally:
        server.shutdown()
        server.server_close()
    monkeypatch.setattr(doc, "JUPYTER_PORT", impostor)
    finding = doc.check_jupyter_port()
    assert not finding.ok and not finding.blocking and finding.detail == "taken by another program"
