"""In a lesson's kernel, a dead broker is a short, actionable error within seconds, not a hang."""

import os
import time

import nbformat
from nbclient import NotebookClient

from helpers.embedded import free_port


def run_cells(*sources: str, **env: str) -> tuple[list[nbformat.NotebookNode], list[float]]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True)
    seconds = []
    with client.setup_kernel(env={**os.environ, **env}):
        for index, cell in enumerate(nb.cells):
            began = time.monotonic()
            client.execute_cell(cell, index)
            seconds.append(time.monotonic() - began)
    return nb.cells, seconds


def error_of(cell) -> nbformat.NotebookNode:
    return next(o for o in cell.outputs if o.output_type == "error")


def test_opening_a_sandbox_with_kafka_down_names_the_fix_quickly():
    port = free_port()
    [cell], [seconds] = run_cells("from helpers import Sandbox\nsb = Sandbox.open('01')", KAFKA_URL=f"127.0.0.1:{port}")
    error = error_of(cell)
    assert seconds < 5
    assert error.ename == "BrokerUnavailable"
    assert f"Kafka is not reachable at 127.0.0.1:{port}" in error.evalue
    assert "make brokers" in error.evalue
    # A course error is written for people: its message, without a traceback through the runtime.
    assert not any("helpers/" in line for line in error.traceback)


def test_starting_a_plain_broker_with_kafka_down_adds_the_fix():
    port = free_port()
    cells, seconds = run_cells(
        "import helpers\nfrom faststream.kafka import KafkaBroker\nbroker = KafkaBroker('127.0.0.1:%d')" % port,
        "await broker.start()",
        KAFKA_URL=f"127.0.0.1:{port}",
    )
    assert seconds[1] < 5
    assert error_of(cells[1]).ename == "KafkaConnectionError"
    printed = "".join(o.get("text", "") for o in cells[1].outputs if o.output_type == "stream")
    assert f"Kafka is not reachable at 127.0.0.1:{port}" in printed
    assert "make brokers" in printed


def test_publishing_through_a_broker_that_was_never_started_says_how_to_start_it():
    cells, _ = run_cells(
        "import helpers\nfrom faststream.kafka import KafkaBroker\nbroker = KafkaBroker()",
        "await broker.publish({'n': 1}, 'orders')",
    )
    assert error_of(cells[1]).ename == "IncorrectState"
    printed = "".join(o.get("text", "") for o in cells[1].outputs if o.output_type == "stream")
    assert "run its `await broker.start()` cell first" in printed


def test_a_check_with_the_broker_down_shows_the_broker_error_and_records_no_verdict(tmp_path):
    port = free_port()
    # The check needs Kafka for a handler that does something (an untouched one is 'not attempted' at once).
    cells, seconds = run_cells(
        "from helpers import Sandbox\nfrom helpers.lessons import lesson01\nsb = Sandbox.open('01')\n"
        "ex1, ex2 = lesson01.exercises(sb)\nasync def send_welcome_email(email, name): ...\n"
        "async def create_default_settings(user_id): ...",
        "async def on_user_created(event: dict) -> None:\n    await send_welcome_email(event['email'], event['name'])\n"
        "    await create_default_settings(event['user_id'])",
        f"import os\nos.environ['KAFKA_URL'] = '127.0.0.1:{port}'  # the broker goes away\n"
        "await ex1.check(on_user_created)",
        "from helpers import progress\nprint(progress.load())",
        COURSE_STATE_DIR=str(tmp_path), COURSE_PROGRESS="1",
    )
    assert seconds[2] < 15
    error = error_of(cells[2])
    assert error.ename == "BrokerUnavailable" and f"127.0.0.1:{port}" in error.evalue
    assert "".join(o.get("text", "") for o in cells[3].outputs) == "{}\n"  # nothing recorded as incorrect
