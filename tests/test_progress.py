"""Progress: checks record verdicts per learner, the table shows them with the time left, reset forgets."""

import pytest

from helpers import progress
from helpers.catalog import lessons
from helpers.exercises import Verdict
from helpers.lessons import lesson01

from .answers import lesson01 as answers


@pytest.fixture(autouse=True)
def _recording(monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "1")  # the suite turns recording off; these tests test it
    monkeypatch.delenv("COURSE_LEARNER", raising=False)


def status_of(exercise_id: str) -> str:
    table = progress.table()
    return next(row[3] for row in table.rows if row[1] == exercise_id)


def test_the_catalog_lists_lesson_01_and_its_exercises():
    lesson = next(lesson for lesson in lessons() if lesson.number == "01")
    assert lesson.title == "Your first consumer"
    assert lesson.minutes == 35
    assert [exercise_id for exercise_id, _ in lesson.exercises] == ["01.1", "01.2"]


def test_a_correct_answer_stays_correct_after_a_later_mistake():
    progress.record("01.1", "t", "correct")
    progress.record("01.1", "t", "incorrect")
    entry = progress.load()["01.1"]
    assert (entry["last"], entry["best"]) == ("incorrect", "correct")
    assert "✅ correct" in status_of("01.1")


def test_time_left_drops_when_a_lesson_is_done():
    def minutes_left() -> int:
        return int(progress.table().title.split("about ")[1].split(" min")[0])

    before = minutes_left()
    progress.record("01.1", "t", "correct")
    assert minutes_left() == before, "a lesson counts as done only when all its exercises are"
    progress.record("01.2", "t", "correct")
    assert minutes_left() == before - 35


def test_each_learner_has_their_own_progress(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    progress.record("01.1", "t", "correct")
    monkeypatch.setenv("COURSE_LEARNER", "Grace")
    assert "01.1" not in progress.load()
    assert "not started" in status_of("01.1")
    assert progress.table().title.startswith("grace's progress")


def test_reset_forgets_only_this_learner(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    progress.record("01.1", "t", "correct")
    monkeypatch.setenv("COURSE_LEARNER", "Grace")
    progress.record("01.1", "t", "incorrect")
    progress.reset()
    assert progress.load() == {}
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    assert progress.load()["01.1"]["best"] == "correct"


async def test_a_check_records_its_verdict(kafka_sandbox):
    result = await lesson01.HandleUserCreated(kafka_sandbox).check(answers.handler_email_only)
    assert result.verdict is Verdict.INCORRECT
    assert progress.load()["01.1"]["last"] == "incorrect"


def test_recording_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "0")
    progress.record("01.1", "t", "correct")
    assert progress.load() == {}


def test_cli_shows_and_resets(monkeypatch, capsys):
    from helpers.__main__ import main

    progress.record("01.2", "t", "correct")
    assert main(["progress"]) == 0
    assert "01.2" in capsys.readouterr().out
    assert main(["progress", "--reset"]) == 0
    assert progress.load() == {}


def test_reset_says_when_there_was_nothing_to_forget(monkeypatch):
    monkeypatch.setenv("COURSE_LEARNER", "Ada")
    assert progress.reset() is None
    progress.record("01.1", "t", "correct")
    assert progress.reset() == progress.progress_file()
