"""The lessons of the course, with their estimated time and their exercises.

Exercises are found in ``helpers/lessons/lessonNN.py`` (every ``Exercise`` subclass with an id), so a new
lesson's checkers appear in progress tables without being listed twice.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field

from .exercises import Exercise
from .settings import REPO_ROOT


@dataclass
class Lesson:
    number: str
    title: str
    minutes: int
    exercises: list[tuple[str, str]] = field(default_factory=list)  # (id, title)


SETUP_CHECK = "00.setup"


def _front(path) -> tuple[str, int]:
    """A lesson source's title and its 'about N minutes' estimate."""
    text = path.read_text()
    title = re.search(r"^# Lesson \d\d · (.+)$", text, re.M)
    minutes = re.search(r"\*\*Time:\*\*\s*(?:about\s*)?(\d+)\s*min", text)
    return (title[1].strip() if title else path.stem), (int(minutes[1]) if minutes else 30)


def _exercises(number: str) -> list[tuple[str, str]]:
    try:
        module = importlib.import_module(f"helpers.lessons.lesson{number}")
    except ModuleNotFoundError:
        return []
    found = {
        obj.id: obj.title
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Exercise) and obj.id.startswith(f"{number}.")
    }
    return sorted(found.items())


def brokers_needed() -> dict[str, str]:
    """Each broker some lesson needs, with the first lesson that does (from its ``Sandbox.open`` call)."""
    first: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "lessons").glob("[0-9][0-9]-*.md")):
        for needs in re.findall(r"Sandbox\.open\([^)]*needs=\(([^)]*)\)", path.read_text()):
            for name in re.findall(r"[\"'](\w+)[\"']", needs):
                first.setdefault(name, path.name[:2])
    return first


def lessons() -> list[Lesson]:
    result = []
    for path in sorted((REPO_ROOT / "lessons").glob("[0-9][0-9]-*.md")):
        number = path.name[:2]
        title, minutes = _front(path)
        exercises = _exercises(number) or ([(SETUP_CHECK, "Check your setup")] if number == "00" else [])
        result.append(Lesson(number, title, minutes, exercises))
    return result
