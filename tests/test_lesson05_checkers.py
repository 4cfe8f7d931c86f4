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
@pytest.mark.parametrize(
    "build",
    [answers.router_solution, answers.router_keyword_group, answers.router_bound_method, answers.router_with_logger],
)
async def test_analytics_solutions_are_correct(build, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.signups == [], "the checker must not call the learner's real analytics service"


async def test_the_same_router_can_be_checked_again(kafka_sandbox):
    router = answers.router_solution()
    first = await check(lesson05.AnalyticsConsumer, kafka_sandbox, router)
    assert [t for s in router.subscribers for t in s.topic_names] == ["user.created"], "the check changed the router"
    second = await check(lesson05.AnalyticsConsumer, kafka_sandbox, router)
    assert (first.verdict, second.verdict) == (Verdict.CORRECT, Verdict.CORRECT), second.message


async def test_a_router_already_included_stays_included(kafka_sandbox):
    from faststream.kafka import KafkaBroker

    router, broker = answers.router_solution(), KafkaBroker()
    broker.include_router(router, prefix="staging.")
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, router)
    assert result.verdict is Verdict.INCORRECT
    assert "your router is already included into a broker" in result.message, result.message
    assert router in broker.routers and router.parent is broker
    assert [t for s in router.subscribers for t in s.topic_names] == ["staging.user.created"]


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
        (answers.router_counts_twice, "records the signup itself"),
        (answers.router_untyped, "breaks the `UserCreated` contract"),
        (answers.router_hardcoded_id, "`track_signup` got 42 for the event {'user_id': 7"),
        (answers.router_not_awaited, "did not `await` it"),
        (answers.router_publisher_only, "a *publisher* and no subscriber"),
        (answers.router_publishes_what_it_returns, "your handler is decorated with a publisher (to "
                                                   "`analytics.tracked`)"),
        (answers.router_with_a_spare_publisher, "your router also has a publisher (to `analytics.tracked`)"),
    ],
)
async def test_analytics_mistakes_get_their_reason(build, reason, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message
    assert answers.signups == [], "the checker must leave the learner's data as it was"


@pytest.fixture
def staging(monkeypatch):
    """The service's settings as a deployment with ``TOPIC_PREFIX=staging.`` reads them."""
    from app.config import Settings

    monkeypatch.setattr(lesson05, "_service_settings", lambda: Settings(topic_prefix="staging."))


@pytest.mark.usefixtures("staging")
@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (answers.router_literal_welcome_group,
         "joins the welcome handler's consumer group (`welcome-service.welcome`) in production"),
        (answers.router_unprefixed_group, "does not start with `TOPIC_PREFIX` (`staging.`)"),
    ],
)
async def test_a_group_written_out_is_judged_as_production_sees_it(build, reason, kafka_sandbox):
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, build())
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message, result.message


async def test_analytics_on_the_shared_broker_is_named(kafka_sandbox):
    from app.broker import broker as shared

    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, shared)
    assert result.verdict is Verdict.INCORRECT
    assert "the service's shared broker" in result.message


async def test_a_router_included_by_its_module_is_named(kafka_sandbox):
    router = answers.router_included_by_hand()
    try:
        result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, router)
    finally:
        router.parent = None  # out of the service's shared broker again
    assert result.verdict is Verdict.INCORRECT
    assert "your router is already included into the service's shared broker" in result.message, result.message


async def test_a_prefixed_topic_is_named_without_the_prefix_value(kafka_sandbox, monkeypatch):
    """The notebook's TOPIC_PREFIX is its sandbox's random prefix: a message names it, never shows it."""
    import app.broker
    import app.config

    notebook = app.config.Settings(topic_prefix="lesson05-1a2b3c.")
    monkeypatch.setattr(app.config, "settings", notebook)
    monkeypatch.setattr(app.broker, "settings", notebook)
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, answers.router_sandbox_prefixed_topic())
    assert result.verdict is Verdict.INCORRECT
    assert "listens on `TOPIC_PREFIX` + `user.created`: write the topic as `user.created`" in result.message
    assert "1a2b3c" not in result.message, result.message
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, answers.router_welcome_group())
    assert "the welcome handler's consumer group (`TOPIC_PREFIX` + `welcome-service.welcome`)" in result.message


async def test_a_handler_that_hangs_on_the_real_broker_only_gets_a_verdict(kafka_sandbox, monkeypatch):
    monkeypatch.setattr(lesson05, "TIMEOUT", 3.0)
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, answers.router_hangs_on_a_repeated_user())
    assert result.verdict is Verdict.INCORRECT
    assert "on the real broker your handler received" in result.message
    assert "had not finished 3 s later" in result.message, result.message
    result = await check(lesson05.AnalyticsConsumer, kafka_sandbox, answers.router_solution())
    assert result.verdict is Verdict.CORRECT, result.message


# -- 05.2 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "options"),
    [
        (answers.settings_solution, answers.consumer_options_solution),
        (answers.settings_alias, answers.consumer_options_alias),
        (answers.settings_validator, answers.consumer_options_solution),
        (answers.settings_anchored_pattern, answers.consumer_options_solution),
    ],
)
async def test_setting_solutions_are_correct(build, options, kafka_sandbox):
    result = await check(lesson05.OffsetResetSetting, kafka_sandbox, build(), options)
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
        (answers.settings_wrong_name, answers.consumer_options_solution, "reads `AUTO_OFFSET_RESET` (you added `offset_reset`)"),
        (answers.settings_accepts_none, answers.consumer_options_solution, "`AUTO_OFFSET_RESET=none` was accepted"),
        (answers.settings_solution, answers.consumer_options_one_group, "give the same group"),
        (answers.settings_solution, answers.consumer_options_swapped, "are swapped"),
        (answers.settings_solution, answers.consumer_options_typo_value, "`isolation_level='read_commited'`"),
        (answers.settings_plain_str, answers.consumer_options_solution, "`AUTO_OFFSET_RESET=newest` was accepted"),
        (answers.settings_default_latest, answers.consumer_options_solution, "should default to 'earliest'"),
        (answers.settings_env_prefix, answers.consumer_options_solution, "the field reads another variable"),
        (answers.settings_base_model, answers.consumer_options_solution, "never reads the environment"),
        (answers.settings_solution, answers.consumer_options_starter, "still says `auto_offset_reset='earliest'`"),
        (answers.settings_solution, answers.consumer_options_no_group, "no `group_id`"),
        (answers.settings_unanchored_pattern, answers.consumer_options_solution,
         "`AUTO_OFFSET_RESET=latest2` was accepted (the setting became 'latest2')"),
        (answers.settings_old_aliases, answers.consumer_options_solution,
         "`AUTO_OFFSET_RESET=smallest` was accepted"),
        (answers.settings_blocklist, answers.consumer_options_solution, "`AUTO_OFFSET_RESET=smallest` was accepted"),
        (answers.settings_solution, answers.consumer_options_import_time_group,
         "the one the service's import-time `settings` gives, but the settings it was passed give "
         "`staging.welcome-service.analytics`"),
        (answers.settings_solution, answers.consumer_options_import_time_timeouts,
         "the values of the service's import-time `settings`, but the settings it was passed say 6000 and 600"),
    ],
)
async def test_setting_mistakes_get_their_reason(build, options, reason, kafka_sandbox):
    result = await check(lesson05.OffsetResetSetting, kafka_sandbox, build(), options)
    assert result.verdict is Verdict.INCORRECT, result.message
    assert reason in result.message
