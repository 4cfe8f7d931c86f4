"""Lesson 04's checkers, on real Kafka: the solutions pass, the starters are 'not attempted',
and each known mistake gets its own reason."""

import asyncio
import gc
import warnings

import pytest

from helpers.exercises import Verdict
from helpers.lessons import lesson04

from .answers import lesson04 as answers


async def check(exercise_class, answer, sandbox, time_limit=None):
    exercise = exercise_class(sandbox)
    if time_limit is not None:
        exercise.time_limit = time_limit
    return await exercise.check(answer)


@pytest.fixture
def short_lifespan_limit(monkeypatch):
    """A lifespan that hangs is given 1 s instead of 10, so these tests stay quick."""
    monkeypatch.setattr(lesson04, "LIFESPAN_LIMIT", 1.0)


# -- Exercise 04.1 -------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [
        answers.lifespan_solution,
        answers.lifespan_try_around_start,
        answers.lifespan_faststream_app,
        answers.lifespan_bound_method,
        answers.lifespan_exit_stack,
        answers.lifespan_stop_first,
    ],
)
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
        (answers.lifespan_not_awaited, "you called it without `await`"),
        (answers.lifespan_no_finally, "when the app failed while serving, the broker was never stopped"),
        (answers.lifespan_swallows, "your lifespan swallowed it"),
        (answers.lifespan_undecorated, "decorate it with `@asynccontextmanager`"),
        (answers.lifespan_connect_only, "only connects"),
        (answers.lifespan_global_broker, "started another broker"),
        (answers.lifespan_returns_nothing, "returned None"),
        (answers.lifespan_itself, "you passed a lifespan; pass `make_lifespan`"),
        (answers.lifespan_stop_without_time, "`broker.stop()` was cancelled before it could run"),
    ],
)
async def test_lifespan_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a check must not leave un-awaited coroutines behind
        result = await check(lesson04.SafeLifespan, answer, kafka_sandbox)
        gc.collect()
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message
    assert answers.broker.running is False, "a broker the learner's code started must be stopped again"


@pytest.mark.usefixtures("short_lifespan_limit")
@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (answers.lifespan_never_yields, "did not reach `yield` within 1 s"),
        (answers.lifespan_shutdown_never_finishes, "shutdown (the code after `yield`) did not finish within 1 s"),
    ],
)
async def test_a_lifespan_that_hangs_gets_a_verdict(answer, reason, kafka_sandbox):
    result = await check(lesson04.SafeLifespan, answer, kafka_sandbox)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message


async def test_lifespan_passes_after_an_interrupted_check(kafka_sandbox):
    hanging = asyncio.ensure_future(check(lesson04.SafeLifespan, answers.lifespan_never_yields, kafka_sandbox))
    await asyncio.sleep(0.5)  # the check is waiting inside the learner's lifespan
    hanging.cancel()  # as a kernel interrupt does
    with pytest.raises(asyncio.CancelledError):
        await hanging
    result = await check(lesson04.SafeLifespan, answers.lifespan_solution, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message


# -- Exercise 04.2 -------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [
        answers.api_solution,
        answers.api_publisher_object,
        answers.api_router,
        answers.api_router_with_prefix,
        answers.api_background_task,
        answers.api_response_model,
        answers.api_kafka_error_is_503,
        answers.api_ping_first,
        answers.api_service_by_keyword,
    ],
)
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
        (answers.api_skips_service, "never called the notebook's `create_user(...)`"),
        (answers.api_own_service, "never called the notebook's `create_user(...)`"),
        (answers.api_wrong_path, "no `POST /users` endpoint; it has POST /user"),
        (answers.api_returns_none, "returned None"),
        (answers.api_returns_ok, "answered {'ok': True}; it should answer with the new user"),
        (answers.api_answers_nothing, "answered None; it should answer with the new user"),
        (answers.api_hardcoded_event, "the event's user_id is 7, but `create_user` returned the user with id 12"),
        (answers.api_two_topics, "and also to `user.created`"),
        (answers.api_creates_twice, "called `create_user(...)` 2 times"),
        (answers.api_swallows_publish_errors, "answered 201 although the event was never published"),
        (answers.api_swallows_kafka_errors, "raise aiokafka's `KafkaTimeoutError`, as it does when the cluster is "
                                            "unreachable), `POST /users` still answered 201"),
        (answers.api_swallows_lost_connections, "raise aiokafka's `KafkaConnectionError`"),
        (answers.api_async_factory, "`build_api` is an `async def`"),
        (answers.api_service_gets_dict, "`create_user` takes the request model (UserCreate), as the lesson defines "
                                        "it: `create_user(data: UserCreate)`; you passed it a `dict`"),
        (answers.api_service_gets_fields, "`create_user` takes the request model (UserCreate), as the lesson "
                                          "defines it: `create_user(data: UserCreate)`; you called "
                                          "`create_user(email=…, name=…, password=…)`"),
        (answers.api_event_with_pwd, "the event carries the user's password"),
        (answers.api_event_with_reversed_password, "the event has `secret`, which the `UserCreated` contract"),
        (answers.api_event_with_extra_fields, "the event has `id` and `signup_ip`, which the `UserCreated` contract"),
        (answers.api_notebook_broker, "It published through a broker that is not connected"),
    ],
)
async def test_api_mistakes_get_their_reason(answer, reason, kafka_sandbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = await check(lesson04.BuildSignupApi, answer, kafka_sandbox)
        gc.collect()
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message


async def test_an_endpoint_that_never_answers_gets_a_verdict_and_the_service_back(kafka_sandbox):
    result = await check(lesson04.BuildSignupApi, answers.api_never_answers, kafka_sandbox, time_limit=2)
    assert result.verdict is Verdict.INCORRECT
    assert "did not finish within 2 s" in result.message, result.message
    assert answers.create_user.__name__ == "create_user"
    result = await check(lesson04.BuildSignupApi, answers.api_solution, kafka_sandbox)
    assert result.verdict is Verdict.CORRECT, result.message


@pytest.mark.parametrize(
    ("exercise", "answer", "reason"),
    [
        (lesson04.SafeLifespan, answers.lifespan_stop_in_task, "you called `broker.stop()` without `await`"),
        (lesson04.BuildSignupApi, answers.api_publish_in_task, "you called `broker.publish(...)` without `await`"),
    ],
)
async def test_a_task_holding_an_unawaited_call_ends_quietly(exercise, answer, reason, kafka_sandbox):
    """The check finishes the call a learner's task still holds, without "Task exception was never retrieved"."""
    loop = asyncio.get_running_loop()
    reported = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context["message"]))
    try:
        result = await check(exercise, answer, kafka_sandbox)
        for _ in range(3):
            await asyncio.sleep(0)
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
    assert result.verdict is Verdict.INCORRECT
    assert reason in result.message, result.message
    assert reported == []


async def test_publishing_through_another_connected_broker_is_named_and_kept_off_kafka(kafka_sandbox, monkeypatch):
    from helpers.cleanup import _kafka_topics

    before = set(await _kafka_topics(lambda topic: True))
    other = kafka_sandbox.kafka_broker()
    monkeypatch.setattr(answers, "notebook_broker", other)
    await other.start()
    try:
        result = await check(lesson04.BuildSignupApi, answers.api_notebook_broker, kafka_sandbox)
    finally:
        await other.stop()
    assert result.verdict is Verdict.INCORRECT
    assert "published to `signup.user.created` through a different broker than the one `build_api` was given" in (
        result.message), result.message
    created = set(await _kafka_topics(lambda topic: True)) - before
    assert "signup.user.created" not in created, "the check let the other broker publish to the real Kafka"
