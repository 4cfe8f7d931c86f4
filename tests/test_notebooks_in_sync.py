"""Learner and solved notebooks are generated from one lesson source; they must not drift."""

import pytest

from helpers.build import drift, lessons, split_source


def test_every_lesson_has_both_notebooks_matching_its_source():
    assert lessons(), "no lesson sources found in lessons/"
    assert drift() == []


SOURCE = """\
async def handler(event):
    ### BEGIN SOLUTION
    await work(event)
    ### END SOLUTION
    ### BEGIN STARTER
    ...  # call work()
    ### END STARTER

await ex.check(handler)"""


def test_learner_version_keeps_the_starter_only():
    assert split_source(SOURCE, "learner") == (
        "async def handler(event):\n    ...  # call work()\n\nawait ex.check(handler)"
    )


def test_solved_version_keeps_the_solution_only():
    assert split_source(SOURCE, "solved") == (
        "async def handler(event):\n    await work(event)\n\nawait ex.check(handler)"
    )


def test_a_solution_without_starter_becomes_a_placeholder():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert split_source(source, "learner") == "def f():\n    ...  # your code here"


@pytest.mark.parametrize(
    "broken",
    ["### BEGIN SOLUTION\nx = 1", "### END SOLUTION", "### BEGIN SOLUTION\n### BEGIN STARTER\n"],
)
def test_unbalanced_markers_are_an_error(broken):
    with pytest.raises(ValueError):
        split_source(broken, "learner")
