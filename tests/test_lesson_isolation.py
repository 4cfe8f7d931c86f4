"""Two runs of the same lesson on the same brokers at once see only their own messages."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from helpers.build import execute

REPO = Path(__file__).resolve().parent.parent
LESSON = REPO / "solutions" / "01-first-consumer.ipynb"


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


def test_two_learners_share_the_brokers_and_keep_their_own_progress(tmp_path, monkeypatch):
    """Workshop mode: Ada runs the solved lesson, Grace the untouched one, at the same time."""
    from helpers import progress

    state = str(tmp_path / "workshop")
    runs = {
        "ada": (REPO / "solutions" / "01-first-consumer.ipynb"),
        "grace": (REPO / "notebooks" / "01-first-consumer.ipynb"),
    }

    def run(name: str) -> nbformat.NotebookNode:
        nb = nbformat.read(runs[name], as_version=4)
        env = {"COURSE_LEARNER": name, "COURSE_STATE_DIR": state, "COURSE_PROGRESS": "1"}
        return execute(nb, runs[name].parent, env=env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        ada, grace = pool.map(run, ["ada", "grace"])

    assert "names start with lesson01-ada-" in output_of(ada, "from helpers import Sandbox")
    assert "names start with lesson01-grace-" in output_of(grace, "from helpers import Sandbox")
    for nb in (ada, grace):
        assert output_of(nb, "await broker.publish(") == "['To ada@example.com: Welcome aboard, Ada Lovelace!']"

    monkeypatch.setenv("COURSE_STATE_DIR", state)
    monkeypatch.setenv("COURSE_LEARNER", "ada")
    assert {k: v["best"] for k, v in progress.load().items()} == {"01.1": "correct", "01.2": "correct"}
    monkeypatch.setenv("COURSE_LEARNER", "grace")
    assert {k: v["best"] for k, v in progress.load().items()} == {"01.1": "not attempted", "01.2": "not attempted"}
