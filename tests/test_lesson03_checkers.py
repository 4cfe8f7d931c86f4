"""Lesson 03's checkers, on real Kafka: the solutions pass, the starters are 'not attempted',
and each known mistake gets its own reason."""

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson03

from .answers import lesson03 as answers


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


# -- Exercise 03.1 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer", [answers.UserCreated, answers.UserCreatedAnnotated, answers.UserCreatedConint]
)
async def test_contract_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert "through the real Kafka broker" in result.message


async def test_contract_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answers.UserCreatedStarter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message
    assert "constraints" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.UserCreatedIdAsText, "user_id 42 (a JSON number)"),
        (answers.UserCreatedIdAny, "user_id 'abc' was accepted"),
        (answers.UserCreatedNoIdConstraint, "user_id -1 was accepted"),
        (answers.UserCreatedZeroAllowed, "not `ge=0`"),
        (answers.UserCreatedEmailOptional, "without `email` was accepted"),
        (answers.UserCreatedEmailUnchecked, "'grace.example.com' (no @) was accepted"),
        (answers.UserCreatedNameOptional, "without `name` was accepted"),
        (answers.UserCreatedNameEmptyAllowed, "empty name"),
        (answers.UserCreatedForbidsExtra, "newer producer, with an extra `locale`"),
        (answers.UserCreatedRequiresLocale, "requires `locale`, which producers"),
        (answers.user_created_dict, "pass your model class `UserCreated`"),
    ],
)
async def test_contract_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message


# -- Exercise 03.2 -----------------------------------------------------------------------
@pytest.mark.parametrize("answer", [answers.UserCreatedWithPlan, answers.UserCreatedWithPlanSubclass])
async def test_version_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson03.VersionUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message


async def test_version_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson03.VersionUserCreated, answers.UserCreatedWithPlanStarter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message
    assert "`plan`" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.UserCreatedWithPlanPlanRequired, "a v1 `user.created` event without `plan` was rejected"),
        (answers.UserCreatedWithPlanWrongDefault, "plan='pro'. Every v1 user"),
        (answers.UserCreatedWithPlanNoneDefault, "plan=None. Every v1 user"),
        (answers.UserCreatedWithPlanAnyPlan, "plan 'platinum' was accepted"),
        (answers.UserCreatedWithPlanIdRetyped, "must still accept every v1 event"),
        (answers.UserCreatedWithPlanRenamed, "email_address: Field required"),
        (answers.UserCreatedWithPlanIdLoosened, "user_id 'abc' was accepted"),
        (answers.UserCreatedWithPlanSubscription, "has no `plan` field"),
    ],
)
async def test_version_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson03.VersionUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message


# -- the real-broker half of a check ----------------------------------------------------------
async def test_real_broker_outcomes_match_in_memory(kafka_sandbox):
    """The real-broker pass sees every case, and the same outcome as in memory."""
    exercise = lesson03.DefineUserCreated(kafka_sandbox)
    in_memory = await exercise._in_memory(answers.UserCreated)
    real = await exercise._on_real_broker(answers.UserCreated)
    assert set(real) == set(lesson03.DefineUserCreated.cases)
    for name in real:
        assert real[name].accepted == in_memory[name].accepted, name
    assert real["valid"].event == answers.UserCreated(**lesson03.VALID)


async def test_rechecking_uses_a_fresh_topic(kafka_sandbox):
    """Checking twice (a learner fixes the answer and runs the cell again) never sees the first run's events."""
    exercise = lesson03.VersionUserCreated(kafka_sandbox)
    first = await exercise.check(answers.UserCreatedWithPlanPlanRequired)
    second = await exercise.check(answers.UserCreatedWithPlan)
    assert first.verdict is Verdict.INCORRECT
    assert second.verdict is Verdict.CORRECT, second.message
