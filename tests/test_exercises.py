"""The exercise mechanism itself: every answer gets a verdict, whatever the learner's code does."""

import asyncio

import pytest

from helpers.exercises import Exercise, Verdict, fail
from helpers.lessons._fakes import patched


class RunsTheAnswer(Exercise):
    """An exercise whose check simply awaits the learner's coroutine function."""

    id = "99.1"
    title = "Run the answer"
    time_limit = 0.5

    async def evaluate(self, answer):
        await answer()
        return "it returned"


async def verdict_of(answer):
    return await RunsTheAnswer().check(answer)


async def test_code_that_returns_is_judged_by_the_checker():
    async def returns():
        return None

    result = await verdict_of(returns)
    assert (result.verdict, result.message) == (Verdict.CORRECT, "it returned")


async def test_code_that_never_returns_is_stopped_at_the_time_limit():
    async def hangs():
        await asyncio.Event().wait()

    result = await asyncio.wait_for(verdict_of(hangs), 5)
    assert result.verdict is Verdict.INCORRECT
    assert "did not finish within 0.5 s" in result.message


async def test_a_timeout_inside_the_answer_is_not_blamed_on_the_time_limit():
    async def times_out():
        raise TimeoutError("the answer's own timeout")

    result = await verdict_of(times_out)
    assert result.verdict is Verdict.INCORRECT
    assert result.message == ("the check stopped on TimeoutError: the answer's own timeout, "
                              "raised while running your code.")


async def test_unexpected_exceptions_become_a_verdict():
    async def raises():
        raise ZeroDivisionError("division by zero")

    result = await verdict_of(raises)
    assert result.verdict is Verdict.INCORRECT
    assert "ZeroDivisionError: division by zero" in result.message


async def test_a_cancelled_error_raised_by_the_answer_is_a_verdict():
    async def cancels():
        raise asyncio.CancelledError

    result = await verdict_of(cancels)
    assert result.verdict is Verdict.INCORRECT
    assert "CancelledError" in result.message


async def test_interrupting_a_check_still_cancels_it():
    async def hangs():
        await asyncio.Event().wait()

    task = asyncio.ensure_future(RunsTheAnswer().run(hangs))
    await asyncio.sleep(0)  # let the check start before it is interrupted
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_checker_verdict_passes_through():
    class Fails(RunsTheAnswer):
        async def evaluate(self, answer):
            fail("a reason in messaging terms")

    result = await Fails().check(None)
    assert (result.verdict, result.message) == (Verdict.INCORRECT, "a reason in messaging terms")


async def send_welcome_email(email: str, name: str) -> None:
    raise AssertionError("the real service must not run during a check")


async def handler_with_extra_argument(event: dict) -> None:
    await send_welcome_email(event["email"], event["name"], event["user_id"])


async def handler_with_the_right_arguments(event: dict) -> None:
    await send_welcome_email(event["email"], name=event["name"])


async def test_a_stand_in_service_refuses_arguments_the_real_one_would_refuse():
    with patched(handler_with_extra_argument, "send_welcome_email"):
        with pytest.raises(TypeError, match=r"send_welcome_email\(email: str, name: str\) -> None cannot be called"):
            await handler_with_extra_argument({"email": "a@example.com", "name": "A", "user_id": 1})


async def test_a_stand_in_service_records_a_call_the_real_one_accepts():
    with patched(handler_with_the_right_arguments, "send_welcome_email") as fakes:
        await handler_with_the_right_arguments({"email": "a@example.com", "name": "A"})
    (call,) = fakes["send_welcome_email"].awaited_calls
    assert (call.args, call.kwargs) == (("a@example.com",), {"name": "A"})
    assert send_welcome_email.__name__ == "send_welcome_email", "the real service is put back"
    assert globals()["send_welcome_email"] is send_welcome_email
