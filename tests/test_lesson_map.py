"""The lesson map in lesson 00 and the README list every lesson, with the time its own source states."""

import re

from helpers.catalog import lessons
from helpers.settings import REPO_ROOT


def map_rows(text: str) -> dict[str, str]:
    """``| 01 Your first consumer | ... | 35 min |`` rows: lesson number -> the whole row."""
    return {m[1]: m[0] for m in re.finditer(r"^\|\s*\[?(\d\d) [^\n]*\|$", text, re.M)}


def test_lesson_00_maps_every_lesson_with_its_own_time():
    rows = map_rows((REPO_ROOT / "lessons" / "00-welcome.md").read_text())
    assert sorted(rows) == [lesson.number for lesson in lessons()]
    for lesson in lessons():
        assert rows[lesson.number].endswith(f"| {lesson.minutes} min |"), (lesson.number, lesson.minutes)


def test_the_readme_maps_every_lesson():
    rows = map_rows((REPO_ROOT / "README.md").read_text())
    assert sorted(rows) == [lesson.number for lesson in lessons()]


def test_each_exercise_has_the_same_title_in_its_lesson_and_in_progress():
    """The heading a learner reads is the name the progress table shows."""
    headings = {}
    for path in sorted((REPO_ROOT / "lessons").glob("[0-9][0-9]-*.md")):
        headings.update(re.findall(r"^### Exercise (\d\d\.\d) · (.+)$", path.read_text(), re.M))
    checkers = {exercise_id: title for lesson in lessons() for exercise_id, title in lesson.exercises
                if exercise_id in headings or exercise_id[:2] != "00"}
    assert checkers == headings
