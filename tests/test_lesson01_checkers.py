"""Lesson 01's checkers, on real Kafka: the solution passes, the starter is 'not attempted',
and each known mistake gets its own reason."""

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson01

from .answers import lesson01 as answers


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


@pytest.mark.parametrize("answer", [answers.handler_solution, answers.handler_keywords])
async def test_handler_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.sent_emails == [], "the checker must not call the learner's real services"


async def test_handler_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answers.handler_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED
    assert "on_user_created" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.handler_email_only, "created no default settings"),
        (answers.handler_not_awaited, "did not `await` it"),
        (answers.handler_wrong_key, "KeyError('id')"),
        (answers.handler_swapped_args, "the address and then the name"),
        (answers.handler_twice, "sent 2 welcome emails"),
        (answers.handler_sync, "async def"),
    ],
)
async def test_handler_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message


@pytest.mark.parametrize("answer", [answers.app_solution, answers.app_decorator])
async def test_app_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson01.BuildWelcomeApp, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message


async def test_app_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson01.BuildWelcomeApp, answers.app_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.app_hardcoded_topic, "listens on `user.created`"),
        (answers.app_returns_none, "returned None"),
        (answers.app_publisher_only, "registered a *publisher*"),
        (answers.app_own_broker, "different broker"),
    ],
)
async def test_app_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson01.BuildWelcomeApp, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message


async def test_check_without_await_says_how_to_run_it(kafka_sandbox):
    pending = lesson01.HandleUserCreated(kafka_sandbox).check(answers.handler_solution)
    assert "await ex1.check" in repr(pending)
    await pending  # and awaiting it later still runs the check


async def test_checking_twice_judges_the_second_run_on_its_own_messages(kafka_sandbox):
    exercise = lesson01.HandleUserCreated(kafka_sandbox)
    first = await exercise.check(answers.handler_solution)
    second = await exercise.check(answers.handler_solution)
    assert (first.verdict, second.verdict) == (Verdict.CORRECT, Verdict.CORRECT), second.message
    wrong = await exercise.check(answers.handler_email_only)
    assert wrong.verdict is Verdict.INCORRECT
