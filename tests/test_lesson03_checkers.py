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
    "answer",
    [
        answers.UserCreated,
        answers.UserCreatedAnnotated,
        answers.UserCreatedConint,
        answers.UserCreatedFieldValidators,
        answers.UserCreatedModelValidator,
        answers.UserCreatedAfterValidator,
        answers.UserCreatedExtraAllowed,
        answers.UserCreatedClassicRegex,
    ],
)
async def test_contract_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert "through the real Kafka broker" in result.message


@pytest.mark.parametrize("answer", [answers.UserCreatedStarter, answers.UserCreatedStarterDocumented])
async def test_contract_starter_is_not_attempted(answer, kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message
    assert "constraints" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.UserCreatedIdAsText, "user_id as a JSON number (42), not text"),
        (answers.UserCreatedIdAny, "accepted an event with user_id 'abc'"),
        (answers.UserCreatedNoIdConstraint, "accepted an event with user_id -1"),
        (answers.UserCreatedZeroAllowed, "not `ge=0`"),
        (answers.UserCreatedIdOptional, "accepted an event without `user_id`"),
        (answers.UserCreatedIdUpperBound, "rejected a valid event with a large user id"),
        (answers.UserCreatedEmailOptional, "accepted an event without `email`"),
        (answers.UserCreatedEmailUnchecked, 'accepted an event whose email has no @: `{"user_id": 42, '
                                            '"email": "grace example.com"'),
        (answers.UserCreatedEmailJustAt, 'nothing before the @: `{"user_id": 42, "email": "@example.com"'),
        (answers.UserCreatedEmailNoDomain, 'nothing after the @: `{"user_id": 42, "email": "grace@"'),
        (answers.UserCreatedEmailTooStrict, "rejected a valid event with a plus-addressed email"),
        (answers.UserCreatedEmailLowercaseOnly, "rejected a valid event with a mixed-case email"),
        (answers.UserCreatedEmailLowercased, "changed its `email` from 'Grace.Hopper@Navy.mil' to "
                                             "'grace.hopper@navy.mil' on the way to your handler: a contract "
                                             "checks data, it does not rewrite it"),
        (answers.UserCreatedNameTruncated, "a valid event with a long name: `{\"user_id\": 42, "
                                           "\"email\": \"grace@example.com\", \"name\": \"Hubert Blaine "
                                           "Wolfeschlegelsteinhausenbergerdorff Sr.\"}`, but changed its `name` "
                                           "from 'Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Sr.' to "
                                           "'Hubert Blaine Wolfes'"),
        (answers.UserCreatedNameAsciiFolded, "changed its `name` from 'Amélie Poulain' to 'Amelie Poulain'"),
        (answers.UserCreatedIdWrapped, "changed its `user_id` from 3000000042 to 852516394"),
        (answers.UserCreatedIdFloat, "its `user_id` reached your handler as float 42.0, not int 42: type "
                                     "`user_id` as `int`"),
        (answers.UserCreatedNameOptional, "accepted an event without `name`"),
        (answers.UserCreatedNameNullable, 'accepted an event with name null: `{"user_id": 42, '
                                          '"email": "grace@example.com", "name": null}`'),
        (answers.UserCreatedNameEmptyAllowed, "empty name"),
        (answers.UserCreatedNameMaxLength, "rejected a valid event with a long name"),
        (answers.UserCreatedNameAsciiOnly, "rejected a valid event with an accented name"),
        (answers.UserCreatedForbidsExtra, "newer producer, with an extra `locale`"),
        (answers.UserCreatedRequiresLocale, "requires `locale`, which producers"),
        (answers.UserCreatedValidatorRaises, "RuntimeError: validator not finished"),
        (answers.user_created_dict, "you passed a dict, which is not a Pydantic model"),
        (answers.UserCreatedDataclass, "you passed the class `UserCreatedDataclass`, which is not a Pydantic"),
        (answers.user_created_instance, "you passed an instance of UserCreated; pass the class itself, "
                                        "`UserCreated`, without calling it"),
    ],
)
async def test_contract_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson03.DefineUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message


def test_only_the_untouched_starter_counts_as_types_only():
    assert lesson03.types_only(answers.UserCreatedStarter)
    assert not lesson03.types_only(answers.UserCreatedFieldValidators)
    assert not lesson03.types_only(answers.UserCreatedModelValidator)
    assert not lesson03.types_only(answers.UserCreatedAfterValidator)
    assert not lesson03.types_only(answers.UserCreatedForbidsExtra)


async def test_a_validator_that_blocks_ends_in_a_verdict(kafka_sandbox):
    exercise = lesson03.DefineUserCreated(kafka_sandbox)
    exercise.time_limit = 2.0
    result = await exercise.check(answers.UserCreatedSlowValidator)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert "did not finish within 2 s" in result.message, result.message


# -- Exercise 03.2 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [
        answers.UserCreatedWithPlan,
        answers.UserCreatedWithPlanSubclass,
        answers.UserCreatedWithPlanEnum,
        answers.UserCreatedWithPlanStrEnum,
        answers.UserCreatedWithPlanValidator,
        answers.UserCreatedWithPlanAnchoredPattern,
        answers.UserCreatedWithPlanEnumValues,
    ],
)
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
        (answers.UserCreatedWithPlanPlanRequired, "v1 producers are still running and don't know about `plan`"),
        (answers.UserCreatedWithPlanWrongDefault, "plan='pro'. Every v1 user"),
        (answers.UserCreatedWithPlanNoneDefault, "plan=None. Every v1 user"),
        (answers.UserCreatedWithPlanAnyPlan, 'accepted an event with plan "platinum"'),
        (answers.UserCreatedWithPlanThirdPlan, 'accepted an event with plan "enterprise"'),
        (answers.UserCreatedWithPlanAnyCase, 'accepted an event with plan "PRO"'),
        (answers.UserCreatedWithPlanUnanchored, 'accepted an event with plan "professional"'),
        (answers.UserCreatedWithPlanUnanchored, "anchored, `^(free|pro)$`"),
        (answers.UserCreatedWithPlanTrial, 'accepted an event with plan "trial"'),
        (answers.UserCreatedWithPlanEmptyAllowed, 'accepted an event with an empty plan ("")'),
        (answers.UserCreatedWithPlanNameTruncated, "changed its `name` from 'Hubert Blaine "
                                                   "Wolfeschlegelsteinhausenbergerdorff Sr.' to 'Hubert Blaine "
                                                   "Wolfes'"),
        (answers.UserCreatedWithPlanNullable, "accepted an event with plan null"),
        (answers.UserCreatedWithPlanEnumByName, 'its JSON output says "plan": "FREE", not "plan": "free"'),
        (answers.UserCreatedWithPlanIdRetyped, "user_id as a JSON number (42), not text"),
        (answers.UserCreatedWithPlanRenamed, "email_address: Field required"),
        (answers.UserCreatedWithPlanIdLoosened, "accepted an event with user_id 'abc'"),
        (answers.UserCreatedWithPlanNameLoosened, "accepted an event without `name`"),
        (answers.UserCreatedWithPlanEmailDefault, "accepted an event without `email`"),
        (answers.UserCreatedWithPlanForbidsExtra, "newer producer, with an extra `locale`"),
        (answers.UserCreatedWithPlanSubscription, "has no `plan` field"),
        (answers.user_created_with_plan_instance, "you passed an instance of UserCreatedWithPlan; pass the "
                                                  "class itself, `UserCreatedWithPlan`, without calling it"),
    ],
)
async def test_version_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson03.VersionUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message


async def test_loosened_v1_fields_are_named_as_a_v1_rule_that_changed(kafka_sandbox):
    result = await check(lesson03.VersionUserCreated, answers.UserCreatedWithPlanNameLoosened, kafka_sandbox)
    assert "judge v1 events as v1 did" in result.message, result.message


# -- the real-broker half of a check ----------------------------------------------------------
async def test_real_broker_outcomes_match_in_memory(kafka_sandbox):
    """The real-broker pass sees every case, and the same outcome as in memory."""
    exercise = lesson03.DefineUserCreated(kafka_sandbox)
    in_memory = await exercise._in_memory(answers.UserCreated)
    real = await exercise._on_real_broker(answers.UserCreated)
    assert set(real) == set(lesson03.DefineUserCreated.cases)
    for name, case in lesson03.DefineUserCreated.cases.items():
        assert real[name].accepted == in_memory[name].accepted == case.accept, name
    assert real["valid"].event == answers.UserCreated(**lesson03.VALID)


async def test_rechecking_uses_a_fresh_topic(kafka_sandbox):
    """Checking twice (a learner fixes the answer and runs the cell again) never sees the first run's events."""
    exercise = lesson03.VersionUserCreated(kafka_sandbox)
    first = await exercise.check(answers.UserCreatedWithPlanPlanRequired)
    second = await exercise.check(answers.UserCreatedWithPlan)
    assert first.verdict is Verdict.INCORRECT
    assert second.verdict is Verdict.CORRECT, second.message
