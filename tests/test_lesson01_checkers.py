"""Lesson 01's checkers, on real Kafka: the solution passes, the starter is 'not attempted',
and each known mistake gets its own reason."""

import pytest

from helpers.cleanup import kafka_topics
from helpers.exercises import Verdict
from helpers.lessons import _services, lesson01

from .answers import lesson01 as answers

REAL = "{'user_id': 36, 'email': 'katherine@nasa.gov', 'name': 'Katherine Johnson'}"


async def check(exercise_class, answer, sandbox):
    return await exercise_class(sandbox).check(answer)


@pytest.fixture
def short_wait(monkeypatch):
    """Hang tests wait 3 s for a handler instead of 10."""
    monkeypatch.setattr(_services, "TIMEOUT", 3.0)


@pytest.fixture
def real_services_may_run():
    """For answers that write the outbox themselves, or reach the real services behind the check's back."""
    yield
    answers.sent_emails.clear()


# -- Exercise 01.1 -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer", [answers.handler_solution, answers.handler_keywords, answers.handler_logger, answers.handler_timed]
)
async def test_handler_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert "grace@example.com" in result.message and "katherine@nasa.gov" in result.message
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
        (answers.handler_hardcoded, f"you sent the same email whatever the event says: for {REAL} it should go "
                                    "to 'katherine@nasa.gov'"),
        (answers.handler_hardcoded_user, f"you created settings for the same user whatever the event says: for "
                                         f"{REAL} they are for user 36"),
        (answers.handler_extra_args, "TypeError: send_welcome_email(email: str, name: str) -> None cannot be called "
                                     "like that: too many positional arguments"),
        (answers.handler_does_the_work, "`sent_emails` changed while the check had replaced the services with "
                                        "stand-ins, so your handler changed it: the handler does the service's "
                                        "work itself"),
        (answers.handler_timed_does_the_work, "`sent_emails` changed while the check had replaced the services "
                                              "with stand-ins"),
        (answers.handler_decides_by_domain, f"on the real broker, the handler decided not to send the welcome "
                                            f"email for {REAL}: it calls `send_welcome_email` for some events only. "
                                            "A handler translates every event into the service calls; a decision "
                                            "like this belongs in a service."),
        (answers.handler_fire_and_forget, "your handler started `create_default_settings(...)` and "
                                          "`send_welcome_email(...)` as background tasks"),
        (answers.handler_raises_for_other_users, "on the real broker, your handler raised ValueError: no settings "
                                                 f"template for user 36 while handling {REAL}"),
    ],
)
@pytest.mark.usefixtures("real_services_may_run")
async def test_handler_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message


@pytest.mark.usefixtures("real_services_may_run")
@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.handler_only_does_the_work, "`sent_emails` changed, but the check saw no call to "
                                             "`send_welcome_email` or `create_default_settings`"),
        # Not required to pass (the notebook defines the services as globals), but the reason must be true:
        (answers.handler_injected_services, "so it could not see these calls"),
        (answers.handler_through_a_client, "the check saw no call to `send_welcome_email`: your handler calls a "
                                           "`.send_welcome_email` of a module or an object"),
    ],
)
async def test_services_the_check_cannot_see_are_named_honestly(answer, reason, kafka_sandbox):
    result = await check(lesson01.HandleUserCreated, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "sent no welcome email" not in result.message


# -- Exercise 01.2 -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [answers.app_solution, answers.app_decorator, answers.app_logger, answers.app_consumer_group,
     answers.app_timed_handler],
)
async def test_app_solutions_are_correct(answer, kafka_sandbox):
    result = await check(lesson01.BuildWelcomeApp, answer, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message
    assert answers.sent_emails == [], "the checker must not call the learner's real services"


@pytest.mark.parametrize(
    ("answer", "topic"),
    [(answers.app_also_hardcoded_topic, "user.created"), (answers.app_second_subscriber_elsewhere, "user.created.v2")],
)
async def test_app_subscribing_outside_the_sandbox_fails_before_kafka_creates_the_topic(answer, topic, kafka_sandbox):
    before = await kafka_topics("user.created")
    result = await check(lesson01.BuildWelcomeApp, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert (f"your app also subscribes to `{topic}`; it must consume only the topic it was given, "
            "`welcome.user.created`.") == result.message
    assert await kafka_topics("user.created") == before, "nothing created outside the sandbox"


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
        (answers.app_noop_handler, "the handler ran but sent no welcome email"),
        (answers.app_email_only, "the handler ran but created no default settings"),
        (answers.app_hardcoded_handler, f"you sent the same email whatever the event says: for {REAL}"),
        (answers.app_subscribed_twice, "2 subscribers listen on the topic: you subscribed twice, so every event "
                                       "would be handled twice"),
        (answers.app_latest, "on the real broker, nothing reached your handler: your subscriber on "
                             "`check-01.2.user.created` reads from the latest offset (auto_offset_reset='latest'), "
                             "so it missed the event the check published just before your app started, as a new "
                             'consumer does. Pass `auto_offset_reset="earliest"` to `broker.subscriber(...)`'),
        (answers.app_async_factory, "`build_welcome_app` is an `async def`, so calling it returned a coroutine"),
        (answers.app_raises_on_real_broker, "on the real broker, the handler you subscribed raised ValueError: "
                                            "no settings template for user 36"),
    ],
)
async def test_app_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    result = await check(lesson01.BuildWelcomeApp, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message
    assert "lesson99" not in result.message, "topics are shown without the sandbox prefix"


@pytest.mark.usefixtures("short_wait")
@pytest.mark.parametrize(
    ("exercise_class", "answer", "solution", "reason"),
    [
        (lesson01.HandleUserCreated, answers.handler_hangs, answers.handler_solution,
         "your handler received {'user_id': 42"),
        (lesson01.HandleUserCreated, answers.handler_hangs_for_other_users, answers.handler_solution,
         f"on the real broker, your handler received {REAL}"),
        (lesson01.BuildWelcomeApp, answers.app_hangs_on_real_broker, answers.app_solution,
         f"on the real broker, the handler you subscribed received {REAL}"),
    ],
)
async def test_a_hung_handler_gets_a_verdict_and_the_next_check_passes(exercise_class, answer, solution, reason,
                                                                       kafka_sandbox):
    exercise = exercise_class(kafka_sandbox)
    hung = await exercise.check(answer)
    assert hung.verdict is Verdict.INCORRECT
    assert reason in hung.message and "had not finished 3 s later" in hung.message
    fixed = await exercise.check(solution)
    assert fixed.verdict is Verdict.CORRECT, fixed.message


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
