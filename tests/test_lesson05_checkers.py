"""Lesson 05's checkers, on real Kafka: the solution passes, the starter is 'not attempted', and each
known mistake gets its own reason. The answers import the service package (``service/app``) only
when a test runs."""

import sys

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson05

from .answers import lesson05 as answers

if str(lesson05.SERVICE_DIR) not in sys.path:
    sys.path.insert(0, str(lesson05.SERVICE_DIR))


async def check(exercise_class, sandbox, *answer):
    return await exercise_class(sandbox).check(*answer)


# -- 05.1 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [answers.router_solution, answers.router_keyword_group])
async def test_analytics_solutions_are_correct(build, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.signups == [], "the checker must not call the learner's real analytics service"


@pytest.mark.parametrize("build", [answers.router_starter, answers.router_empty])
async def test_analytics_starter_is_not_attempted(build, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (answers.router_own_broker, "a `KafkaBroker` of your own"),
        (answers.router_wrong_topic, "listens on `users.created`"),
        (answers.router_prefixed_topic, "would be doubled"),
        (answers.router_no_group, "no consumer group"),
        (answers.router_welcome_group, "joins the welcome handler's consumer group"),
        (answers.router_logic_in_handler, "records the signup itself"),
        (answers.router_not_awaited, "did not `await` it"),
        (answers.router_publisher_only, "a *publisher* and no subscriber"),
    ],
)
async def test_analytics_mistakes_get_their_reason(build, reason, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message


async def test_analytics_on_the_shared_broker_is_named(kafka_sandbox):
    from app.broker import broker as shared

    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, shared)
    assert result.verdict is Verdict.INCORRECT
    assert "the service's shared broker" in result.message


# -- 05.2 --------------------------------------------------------------------------------------------
async def test_setting_solution_is_correct(kafka_sandbox):
    result = await check(
        lesson05.OffsetResetSetting, kafka_sandbox, answers.settings_solution(), answers.consumer_options_solution
    )
    assert result.verdict is Verdict.CORRECT, result.message


async def test_setting_starter_is_not_attempted(kafka_sandbox):
    result = await check(
        lesson05.OffsetResetSetting, kafka_sandbox, answers.settings_starter(), answers.consumer_options_starter
    )
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message
    assert "add the new setting" in result.message


@pytest.mark.parametrize(
    ("build", "options", "reason"),
    [
        (answers.settings_wrong_name, answers.consumer_options_solution, "no field `auto_offset_reset`"),
        (answers.settings_plain_str, answers.consumer_options_solution, "`AUTO_OFFSET_RESET=newest` was accepted"),
        (answers.settings_default_latest, answers.consumer_options_solution, "should default to 'earliest'"),
        (answers.settings_env_prefix, answers.consumer_options_solution, "the field reads another variable"),
        (answers.settings_base_model, answers.consumer_options_solution, "never reads the environment"),
        (answers.settings_solution, answers.consumer_options_starter, "still says `auto_offset_reset='earliest'`"),
        (answers.settings_solution, answers.consumer_options_no_group, "no `group_id`"),
    ],
)
async def test_setting_mistakes_get_their_reason(build, options, reason, kafka_sandbox):
    result = await check(lesson05.OffsetResetSetting, kafka_sandbox, build(), options)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message
