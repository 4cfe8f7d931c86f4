"""Lesson 02's checkers, on real Kafka: the solutions pass, the starters are 'not attempted',
and each known mistake gets its own reason."""

import pytest

from helpers.cleanup import kafka_topics
from helpers.exercises import Verdict
from helpers.lessons import _services, lesson02

from .answers import lesson02 as answers

REAL = "{'user_id': 36, 'email': 'katherine@nasa.gov', 'name': 'Katherine Johnson'}"


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


@pytest.fixture
def short_wait(monkeypatch):
    """Hang tests wait 3 s for the learner's code instead of 10."""
    for module in (_services, lesson02):
        monkeypatch.setattr(module, "TIMEOUT", 3.0)


# -- Exercise 02.1: publish from plain code -----------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [answers.notifier_solution, answers.notifier_broker_publish, answers.notifier_publisher_per_call],
)
async def test_notifier_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert ("through the real Kafka broker, `notify_user(36, 'Your weekly summary is ready.')` published one for "
            "user 36") in result.message


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
        (answers.notifier_str_key, "on the real broker, `notify_user(36, 'Your weekly summary is ready.')` "
                                   "raised TypeError"),
        (answers.notifier_no_return, "returned None: end it with `return notify_user`"),
        (answers.notifier_hardcoded, "`notify_user` published the same notification whatever its arguments say: "
                                     "`notify_user(36, 'Your weekly summary is ready.')` should publish {'user_id': "
                                     "36, 'message': 'Your weekly summary is ready.', 'type': 'info'}, but it "
                                     "published {'user_id': 42, 'message': 'Your settings are ready.', 'type': "
                                     "'info'}"),
        (answers.notifier_extra_field, "has `password` as well: it was {'user_id': 42, 'message': 'Your settings are "
                                       "ready.', 'type': 'info', 'password': 'hunter2'}. A notification is exactly "
                                       "`user_id`, `message` and `type`"),
        (answers.notifier_fire_and_forget, "`notify_user` started `KafkaBroker.publish(...)` as a background task "
                                           "(`asyncio.create_task`) and returned without waiting"),
        (answers.notifier_async_with, "`notify_user` stopped the broker it was given: `async with broker:`"),
        (answers.notifier_starts_broker, "`notify_user` starts the broker it was given; the caller has started it "
                                         "already, so only publish."),
        (answers.notifier_async_factory, "`build_notifier` is an `async def`, so calling it returned a coroutine"),
    ],
)
async def test_notifier_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "lesson99" not in result.message, "topics are shown without the sandbox prefix"


async def test_a_topic_made_from_the_argument_is_shown_the_same_on_every_check(kafka_sandbox):
    exercise = lesson02.NotifyFromPlainCode(kafka_sandbox)
    first, second = [await exercise.check(answers.notifier_derived_topic) for _ in range(2)]
    assert first.verdict is Verdict.INCORRECT
    assert ("your code published to `check-02.1.notifications.v2`, but the notification belongs on "
            "`check-02.1.notifications`, the topic this check passed in") in first.message
    assert second.message == first.message


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
    assert ("`notify_user` published to `notifications` through a different broker than the one `build_notifier` "
            "was given: use the `broker` argument") in result.message


async def test_notifier_through_a_broker_of_its_own_says_so_and_leaves_nothing_outside_the_sandbox(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_own_broker, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert ("`notify_user` published to `check-02.1.notifications` through a different broker than the one "
            "`build_notifier` was given") in result.message
    assert await kafka_topics(f"{kafka_sandbox.prefix}.check-02.1."), "it published inside the sandbox"
    assert await kafka_topics("check-") == [], "nothing outside the sandbox"


async def test_notifier_publishing_outside_the_sandbox_is_stopped_before_kafka_creates_the_topic(kafka_sandbox):
    before = await kafka_topics("notifications")
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_own_broker_hardcoded, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert ("`notify_user` published to `notifications` through a different broker than the one `build_notifier` "
            "was given") in result.message
    assert await kafka_topics("notifications") == before, "nothing created outside the sandbox"


@pytest.mark.usefixtures("short_wait")
@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.notifier_hangs, "`notify_user(42, 'Your settings are ready.')` had not returned 3 s later"),
        (answers.notifier_hangs_for_other_users, "on the real broker, `notify_user(36, 'Your weekly summary is "
                                                 "ready.')` had not returned 3 s later"),
    ],
)
async def test_notifier_that_never_returns_gets_a_verdict_and_the_next_check_passes(answer, reason, kafka_sandbox):
    exercise = lesson02.NotifyFromPlainCode(kafka_sandbox)
    hung = await exercise.check(answer)
    assert hung.verdict is Verdict.INCORRECT
    assert reason in hung.message
    fixed = await exercise.check(answers.notifier_solution)
    assert fixed.verdict is Verdict.CORRECT, fixed.message


async def test_notifier_mistake_on_real_broker_names_bytes_keys(kafka_sandbox):
    result = await check(lesson02.NotifyFromPlainCode, answers.notifier_str_key, kafka_sandbox)
    assert "Kafka keys are bytes" in result.message


# -- Exercise 02.2: a handler's return value is published ------------------------------------
@pytest.mark.parametrize(
    "answer", [answers.app_solution, answers.app_subscriber_on_top, answers.app_logger, answers.app_timed]
)
async def test_app_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert "Katherine Johnson (through the real Kafka broker" in result.message
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
        (answers.app_no_services, "the handler ran but sent no welcome email: call `send_welcome_email(...)`"),
        (answers.app_services_not_awaited, "you called `send_welcome_email(...)` but did not `await` it"),
        (answers.app_emails_twice, "one event sent 2 welcome emails"),
        (answers.app_sync_handler, "your handler is a plain `def`; define it with `async def`"),
        (answers.app_hardcoded_return, f"your handler returned the same notification whatever the event says: for "
                                       f"{REAL} it should be {{'user_id': 36, 'message': 'Welcome aboard, Katherine "
                                       "Johnson!', 'type': 'info'}, but it was {'user_id': 42"),
        (answers.app_nameless_notification, "`message` is 'Welcome aboard, !'; it should be 'Welcome aboard, Grace "
                                            "Hopper!'"),
        (answers.app_extra_field, "has `email` as well"),
        (answers.app_does_the_work, "`sent_emails` changed while the check had replaced the services with "
                                    "stand-ins, so your handler changed it: the handler does the service's "
                                    "work itself"),
        (answers.app_latest, "on the real broker, nothing reached your handler: your subscriber on "
                             "`check-02.2.user.created` reads from the latest offset (auto_offset_reset='latest'), "
                             "so it missed the event the check published just before your app started, as a new "
                             'consumer does. Pass `auto_offset_reset="earliest"` to `broker.subscriber(...)`'),
        (answers.app_async_factory, "`build_welcome_app` is an `async def`, so calling it returned a coroutine"),
        (answers.app_derived_publisher, "your handler's return value is published to "
                                        "`check-02.2.notifications.welcome`, but notifications belong on "
                                        "`check-02.2.notifications`"),
    ],
)
async def test_app_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson02.PublishReturnValue, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "lesson99" not in result.message, "topics are shown without the sandbox prefix"
    answers.sent_emails.clear()  # app_does_the_work writes the test answers' outbox itself


async def test_app_subscribing_outside_the_sandbox_fails_before_kafka_creates_the_topic(kafka_sandbox):
    before = await kafka_topics("user.created")
    result = await check(lesson02.PublishReturnValue, answers.app_also_hardcoded_subscription, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert result.message == ("your app also subscribes to `user.created`; it must consume only the topic it was "
                              "given, `check-02.2.user.created`.")
    assert await kafka_topics("user.created") == before, "nothing created outside the sandbox"


@pytest.mark.usefixtures("short_wait")
@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.app_hangs, "your handler received {'user_id': 42"),
        (answers.app_hangs_for_other_users, f"on the real broker, your handler received {REAL}"),
    ],
)
async def test_app_with_a_hung_handler_gets_a_verdict_and_the_next_check_passes(answer, reason, kafka_sandbox):
    exercise = lesson02.PublishReturnValue(kafka_sandbox)
    hung = await exercise.check(answer)
    assert hung.verdict is Verdict.INCORRECT
    assert reason in hung.message and "had not finished 3 s later" in hung.message
    fixed = await exercise.check(answers.app_solution)
    assert fixed.verdict is Verdict.CORRECT, fixed.message


async def test_rechecking_uses_fresh_topics(kafka_sandbox):
    """A second check of the same answer must not see the first check's messages on the real broker."""
    exercise = lesson02.PublishReturnValue(kafka_sandbox)
    for _ in range(2):
        result = await exercise.check(answers.app_solution)
        assert result.verdict is Verdict.CORRECT, result.message
