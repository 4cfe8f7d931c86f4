"""Two runs of the same lesson on the same brokers at once see only their own messages."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from helpers.build import execute

LESSON = Path(__file__).resolve().parent.parent / "solutions" / "01-first-consumer.ipynb"


def run_lesson(_: int) -> nbformat.NotebookNode:
    nb = nbformat.read(LESSON, as_version=4)
    return execute(nb, LESSON.parent)


def output_of(nb: nbformat.NotebookNode, source_start: str) -> str:
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(source_start))
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_parallel_runs_of_lesson_01_do_not_see_each_other():
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(run_lesson, range(2)))
    prefixes = set()
    for nb in runs:
        # Exactly this run's one event reached its handler: nothing stale, nothing from the other run.
        assert output_of(nb, "await broker.publish(") == "['To ada@example.com: Welcome aboard, Ada Lovelace!']"
        assert "raised KeyError: 'name'" in output_of(nb, "from helpers import HandlerFailed")
        assert "✅ Exercise 01.1 correct" in output_of(nb, "async def on_user_created")
        assert "✅ Exercise 01.2 correct" in output_of(nb, "def build_welcome_app")
        prefixes.add(output_of(nb, "from helpers import Sandbox").split("names start with ")[1].split()[0])
    assert len(prefixes) == 2, "each run must get its own sandbox prefix"
