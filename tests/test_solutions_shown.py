"""What ``ex.solution()`` shows is the code the solved notebook runs, so it is checked under nbval too.

Without this, the solution a learner copies could drift from the one that passes the checker.
"""

import importlib

import nbformat
import pytest

from helpers.catalog import lessons
from helpers.exercises import Exercise
from helpers.settings import REPO_ROOT


def exercises():
    for lesson in lessons():
        try:
            module = importlib.import_module(f"helpers.lessons.lesson{lesson.number}")
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Exercise) and obj.id.startswith(f"{lesson.number}."):
                yield pytest.param(obj, id=obj.id)


def code_lines(source: str) -> list[str]:
    """Lines that carry code: blank lines and the build's markers do not count."""
    return [line.rstrip() for line in source.splitlines() if line.strip() and "### " not in line]


def solved_cells(number: str) -> list[list[str]]:
    (path,) = (REPO_ROOT / "solutions").glob(f"{number}-*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    return [code_lines(cell.source) for cell in notebook.cells if cell.cell_type == "code"]


def contains(cell: list[str], part: list[str]) -> bool:
    return any(cell[i : i + len(part)] == part for i in range(len(cell) - len(part) + 1))


@pytest.mark.parametrize("exercise", list(exercises()))
def test_shown_solution_is_the_solved_notebooks_code(exercise):
    shown = code_lines(exercise.solution_code)
    assert shown, f"{exercise.__name__} has no solution to show"
    assert exercise.hints, f"{exercise.__name__} has no hints"
    cells = solved_cells(exercise.id[:2])
    assert any(contains(cell, shown) for cell in cells), (
        f"{exercise.__name__}.solution_code is not the code in the solved notebook's exercise cell"
    )
