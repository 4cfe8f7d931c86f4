"""Lesson 04's checkers, on real Kafka: the solutions pass, the starters are 'not attempted',
and each known mistake gets its own reason."""

import gc
import warnings

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson04

from .answers import lesson04 as answers


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


# -- Exercise 04.1 -------------------------------------------------------------------
@pytest.mark.parametrize("answer", [answers.lifespan_solution, answers.lifespan_try_around_start])
async def test_lifespan_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson04.SafeLifespan, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.broker.running is False, "the checker must not start the learner's own broker"


async def test_lifespan_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson04.SafeLifespan, answers.lifespan_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED
    assert "safe_lifespan" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.lifespan_never_starts, "a broker that nobody started"),
        (answers.lifespan_never_stops, "after shutdown the broker is still connected"),
        (answers.lifespan_close, "`broker.close()`, which no longer exists"),
        (answers.lifespan_start_after_yield, "you start the broker after `yield`"),
        (answers.lifespan_stop_before_yield, "you stop the broker before `yield`"),
        (answers.lifespan_not_awaited, "`broker.start()` without `await`"),
        (answers.lifespan_no_finally, "when the app failed while serving, the broker was never stopped"),
        (answers.lifespan_swallows, "your lifespan swallowed it"),
        (answers.lifespan_undecorated, "decorate it with `@asynccontextmanager`"),
    ],
)
async def test_lifespan_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a check must not leave un-awaited coroutines behind
        result = await check(lesson04.SafeLifespan, answer, kafka_sandbox)
        gc.collect()
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message


async def test_lifespan_check_restores_the_learners_broker(kafka_sandbox):
    before = answers.broker
    await check(lesson04.SafeLifespan, answers.lifespan_solution, kafka_sandbox)
    assert answers.broker is before


# -- Exercise 04.2 -------------------------------------------------------------------
@pytest.mark.parametrize("answer", [answers.api_solution, answers.api_publisher_object])
async def test_api_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson04.BuildSignupApi, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.created_users == [], "the checker must not call the learner's real service"
    assert answers.create_user.__name__ == "create_user", "the checker must put the learner's service back"


async def test_api_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson04.BuildSignupApi, answers.api_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED
    assert "POST /users" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.api_wrong_topic, "the event went to `user.created`, but this app was built for"),
        (answers.api_publishes_request, "the event carries the user's password"),
        (answers.api_publishes_before_validating, "a request without a password still published"),
        (answers.api_publishes_nothing, "published nothing"),
        (answers.api_forgets_await, "`broker.publish(...)` without `await`"),
        (answers.api_skips_service, "never called `create_user(...)`"),
        (answers.api_wrong_path, "no `POST /users` endpoint; it has POST /user"),
        (answers.api_returns_none, "returned None"),
    ],
)
async def test_api_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = await check(lesson04.BuildSignupApi, answer, kafka_sandbox)
        gc.collect()
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message
