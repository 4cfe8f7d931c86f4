"""Which exercises a learner has passed, kept on this machine (one file per learner).

    python -m helpers progress            a table of lessons and exercises, and the time left
    python -m helpers progress --reset    forget this learner's results
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .settings import learner, state_dir

ICON = {"correct": "✅", "incorrect": "❌", "not attempted": "⏳", None: "·"}


def progress_file() -> Path:
    return state_dir() / "progress" / f"{learner() or 'me'}.json"


def load() -> dict:
    try:
        return json.loads(progress_file().read_text())
    except (OSError, ValueError):
        return {}


def record(exercise_id: str, title: str, verdict: str) -> None:
    """Remember the latest verdict; a correct answer stays correct when a later attempt fails."""
    if os.environ.get("COURSE_PROGRESS", "1") == "0":
        return
    data = load()
    previous = data.get(exercise_id, {})
    best = "correct" if "correct" in (verdict, previous.get("best")) else verdict
    data[exercise_id] = {"title": title, "last": verdict, "best": best, "at": int(time.time())}
    path = progress_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.replace(path)


def reset() -> Path | None:
    """Forget this learner's results; the file removed, or None when there was none."""
    path = progress_file()
    if not path.exists():
        return None
    path.unlink()
    return path


def table():
    """Lessons and exercises with their best verdict so far, and the estimated time left."""
    from .catalog import lessons
    from .display import Table

    data = load()
    rows, minutes_left = [], 0
    for lesson in lessons():
        name = f"{lesson.number} {lesson.title}"
        done = bool(lesson.exercises) and all(data.get(i, {}).get("best") == "correct" for i, _ in lesson.exercises)
        if not done:
            minutes_left += lesson.minutes
        for exercise_id, title in lesson.exercises:
            best = data.get(exercise_id, {}).get("best")
            rows.append((name, exercise_id, title, f"{ICON[best]} {best or 'not started'}"))
            name = ""  # the lesson is named once, on its first exercise
    who = f"{learner()}'s progress" if learner() else "Your progress"
    title = f"{who}: about {minutes_left} min of lessons left"
    return Table(["lesson", "exercise", "title", "status"], rows, title=title, code=["exercise"])


def show():
    """For a notebook cell: the progress table."""
    return table()
