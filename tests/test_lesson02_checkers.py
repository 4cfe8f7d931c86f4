"""Lesson 02's checkers, on real Kafka: the solutions pass, the starters are 'not attempted',
and each known mistake gets its own reason."""

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson02

from .answers import lesson02 as answers


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


# -- Exercise 02.1: publish from plain code -----------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [answers.notifier_solution, answers.notifier_broker_publish, answers.notifier_publisher_per_call],
)
async def test_notifier_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message


async def test_notifier_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message
    assert "notify_user" in result.message


async def test_notifier_decorator_trap_is_named(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_decorator_trap, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert "decorator trap" in result.message
    assert "only publishes the return value of a *subscriber*" in result.message
    assert "`notify_user` ran and returned {'user_id': 42" in result.message
    assert "nothing was published to `check-02.1.notifications`" in result.message
    assert "await broker.publish(message, topic)" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.notifier_returns_dict, "returned {'user_id': 42, 'message': 'Your settings are ready.', "
                                        "'type': 'info'} but published nothing"),
        (answers.notifier_lesson_topic, "published to `notifications`, but the notification belongs on "
                                        "`check-02.1.notifications`"),
        (answers.notifier_no_type, "has no `type`"),
        (answers.notifier_str_user_id, "`user_id` is '42' (a str)"),
        (answers.notifier_not_awaited, "called `KafkaBroker.publish(...)` without `await`"),
        (answers.notifier_twice, "published 2 times"),
        (answers.notifier_str_key, "on the real broker, `notify_user(42, 'Your settings are ready.')` raised "
                                   "TypeError"),
        (answers.notifier_no_return, "returned None: end it with `return notify_user`"),
    ],
)
async def test_notifier_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "lesson99" not in result.message, "topics are shown without the sandbox prefix"


async def test_notifier_through_a_stopped_broker_says_so(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_lesson_publisher, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert "raised IncorrectState" in result.message
    assert "use the `broker` argument" in result.message


async def test_notifier_through_another_running_broker_says_so(kafka_sandbox, monkeypatch):
    lesson_broker = kafka_sandbox.kafka_broker()
    await lesson_broker.start()
    monkeypatch.setattr(answers, "lesson_broker", lesson_broker)
    monkeypatch.setattr(answers, "NOTIFICATIONS", kafka_sandbox.topic("notifications"))  # the notebook's topic
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_lesson_broker, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert "published to `notifications` through another broker of this notebook" in result.message


async def test_notifier_mistake_on_real_broker_names_bytes_keys(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_str_key, kafka_sandbox)
    assert "Kafka keys are bytes" in result.message


# -- Exercise 02.2: a handler's return value is published ------------------------------------
@pytest.mark.parametrize("answer", [answers.app_solution, answers.app_subscriber_on_top])
async def test_app_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.sent_emails == [], "the checker must not call the learner's real services"


async def test_app_starter_is_not_attempted(kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answers.app_starter, kafka_sandbox)
    assert result.verdict is Verdict.NOT_ATTEMPTED, result.message


async def test_app_decorator_trap_is_named(kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answers.app_decorator_trap, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert "your handler ran, but nothing was published to `check-02.2.notifications`" in result.message
    assert "decorator trap" in result.message
    assert "`publish_notification` is not a subscriber" in result.message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.app_no_return, "returned None, so the publisher stacked on it sent an *empty* message"),
        (answers.app_lesson_topic, "return value is published to `notifications`, but notifications belong on "
                                   "`check-02.2.notifications`"),
        (answers.app_publishes_itself, "arrived with a new correlation id"),
        (answers.app_twice, "published 2 times"),
        (answers.app_no_type, "has no `type`"),
        (answers.app_str_user_id, "`user_id` is '42' (a str)"),
        (answers.app_forwards_event, "has no `message` or `type`"),
        (answers.app_hardcoded_subscription, "listens on `user.created`"),
    ],
)
async def test_app_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "lesson99" not in result.message, "topics are shown without the sandbox prefix"


async def test_rechecking_uses_fresh_topics(kafka_sandbox):
    """A second check of the same answer must not see the first check's messages on the real broker."""
    exercise = lesson02.PublishReturnValue(kafka_sandbox)
    for _ in range(2):
        result = await exercise.check(answers.app_solution)
        assert result.verdict is Verdict.CORRECT, result.message
