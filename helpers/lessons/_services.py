"""The welcome service's checks, shared by lessons 01 and 02: events, watched services, real-broker runs.

A check replaces the notebook's service functions with stand-ins (``_fakes.patched``) while the learner's
handler runs, once on the in-memory test broker and once on the real broker, each time with a *different*
event: a handler that hard-codes values fits one of them only. While the stand-ins are in place, the
learner's real services cannot run, so their state (the notebook's ``outbox`` and ``settings_store``) must
not change either. If it does, the handler did the services' work itself, or reached them some way the
check cannot see.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dis
import functools
import inspect
import os
import re
from dataclasses import dataclass
from typing import Any

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, fail
from ._fakes import FakeService, patched

# Two people, two email domains: a handler that decides by the address (only @example.com gets a welcome)
# fits one of them only.
IN_MEMORY_EVENT = {"user_id": 42, "email": "grace@example.com", "name": "Grace Hopper"}
REAL_EVENT = {"user_id": 36, "email": "katherine@nasa.gov", "name": "Katherine Johnson"}
SERVICES = ("send_welcome_email", "create_default_settings")
DECIDED = {"send_welcome_email": "send the welcome email", "create_default_settings": "create the default settings"}
TIMEOUT = 10.0  # seconds for one event to be handled; working code takes a fraction of that
MISSED_EVENT_WAIT = 3.0  # seconds to wait before concluding a consumer that reads from the latest offset missed it
ON_REAL = "on the real broker, "


# -- topics as the learner reads them ----------------------------------------------------------
ATTEMPT = re.compile(r"\bcheck-(\d+\.\d+)\.\d+\.")  # check-02.1.7.notifications -> check-02.1.notifications


class SandboxedExercise(Exercise):
    """An exercise whose messages name topics without the sandbox prefix or the per-process attempt number.

    That holds for a name the learner derived from a check's topic too (``f"{topic}.v2"``), so a rerun
    of the same answer gets the same message.
    """

    def show(self, topic: str) -> str:
        return ATTEMPT.sub(r"check-\1.", super().show(topic))


def judge_only_subscribed(exercise: Exercise, broker: Any, topic: str) -> None:
    """Fail if the learner's app subscribes to any topic but ``topic``, before a real broker creates it."""
    others = sorted({t for sub in broker.subscribers for t in sub.topic_names if t != topic})
    if others:
        names = " and ".join(f"`{exercise.show(t)}`" for t in others)
        fail(f"your app also subscribes to {names}; it must consume only the topic it was given, "
             f"`{exercise.show(topic)}`.")


# -- the learner's handler -----------------------------------------------------------------
def handler_function(handler: Any) -> Any:
    """The plain function behind a handler: through FastStream's wrapper, a bound method, a callable object."""
    handler = getattr(handler, "_original_call", handler)
    if isinstance(handler, functools.partial):
        return handler_function(handler.func)
    if inspect.ismethod(handler):
        return handler.__func__
    call = getattr(type(handler), "__call__", None)
    if not inspect.isfunction(handler) and inspect.isfunction(call):  # an object with a `__call__` method
        return call
    return handler


def handler_code(handler: Any) -> Any:
    """The function whose code and globals are the learner's: :func:`handler_function`, through decorators.

    A decorator from another module (``functools.wraps``) has that module's globals; the services the
    handler calls are names in the handler's own module.
    """
    return inspect.unwrap(handler_function(handler))


def require_async(handler: Any, reason: str) -> None:
    if not inspect.iscoroutinefunction(handler_function(handler)):
        fail(reason)


def call_factory(factory: Any, args: tuple, call: str) -> Any:
    """What the learner's factory returns; it must be a plain ``def`` that builds and returns."""
    try:
        built = factory(*args)
    except Exception as exc:  # noqa: BLE001 - the learner's code raised: that is the verdict
        fail(explain_exception(exc, call))
    if inspect.iscoroutine(built):
        built.close()
        name = call.strip("`").split("(")[0]
        fail(f"`{name}` is an `async def`, so calling it returned a coroutine and ran none of its body. "
             "The factory must be a plain `def`: it only wires things up and returns them, no `await` needed.")
    return built


def explain_exception(exc: BaseException, what: str, event: dict | None = None) -> str:
    """``what raised ...``, with what the learner needs to know to fix the usual causes."""
    if isinstance(exc, KeyError) and event is not None:
        return (f"{what} raised KeyError({exc.args[0]!r}): the event has no such key. Its keys are "
                f"{', '.join(event)}: {event}.")
    text = f"{what} raised {type(exc).__name__}: {str(exc).rstrip('.')}"
    if event is not None:
        text += f" while handling {event}"
    if isinstance(exc, TypeError) and "bytes-like" in str(exc):
        text += (". Kafka keys are bytes on a real broker (the in-memory broker is lenient): "
                 "write `key=str(user_id).encode()`")
    elif type(exc).__name__ == "IncorrectState":
        text += (". It published through a broker that is not connected: use the `broker` argument "
                 "(the check connects it), or a publisher object made from it")
    return text + "."


# -- watching the services ------------------------------------------------------------------
@dataclass
class Watch:
    """The stand-ins for one run, and the learner's service state as it was before the run."""

    handler: Any
    fakes: dict[str, FakeService]
    state: dict[str, Any]
    before: dict[str, Any]

    def changed(self) -> list[str]:
        return [name for name, value in self.state.items() if value != self.before[name]]


@contextlib.contextmanager
def watched(handler: Any):
    """Swap stand-ins into the handler's globals; yield a :class:`Watch`."""
    func = handler_code(handler)
    state = service_state(getattr(func, "__globals__", {}))
    before = {name: _copy(value) for name, value in state.items()}
    with patched(func, *SERVICES) as fakes:
        yield Watch(func, fakes, state, before)


def _copy(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - what cannot be copied is compared by identity of its items
        return copy.copy(value)


def service_state(namespace: dict) -> dict[str, Any]:
    """The lists, dicts and sets the real services keep their results in (``outbox``, ...), by name."""
    state = {}
    for service in SERVICES:
        real = namespace.get(service)
        for name in _global_names(real):
            value = getattr(real, "__globals__", {}).get(name)
            if isinstance(value, (list, dict, set)):
                state[name] = value
    return state


def _codes(func: Any) -> list[Any]:
    """A function's code object and the code of everything defined inside it."""
    code = getattr(func, "__code__", None)
    found, todo = [], [code] if code is not None else []
    while todo:
        code = todo.pop()
        found.append(code)
        todo += [c for c in code.co_consts if inspect.iscode(c)]
    return found


def _global_names(func: Any) -> set[str]:
    return {i.argval for code in _codes(func) for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"}


def _reads_attribute(func: Any, name: str) -> bool:
    """True when the code reads ``something.name`` (a module's or an object's), not the global ``name``."""
    return any(i.opname in ("LOAD_ATTR", "LOAD_METHOD") and i.argval == name
               for code in _codes(func) for i in dis.get_instructions(code))


def _arg(call: Any, position: int, keyword: str) -> Any:
    if len(call.args) > position:
        return call.args[position]
    return call.kwargs.get(keyword)


def _describe_args(call: Any) -> str:
    return ", ".join([repr(a) for a in call.args] + [f"{k}={v!r}" for k, v in call.kwargs.items()])


def judge_calls(watch: Watch, event: dict, *, other: dict | None = None, where: str = "") -> None:
    """Fail unless the handler made exactly the two service calls ``event`` asks for, and nothing else.

    ``other`` is the event of the run before: getting its values now means they were hard-coded.
    """
    email, settings = watch.fakes["send_welcome_email"], watch.fakes["create_default_settings"]
    for fake in (email, settings):
        if fake.calls and not fake.awaited_calls:
            fail(f"{where}you called `{fake.name}(...)` but did not `await` it, so it never ran.")
    changed = ", ".join(f"`{name}`" for name in watch.changed())
    if changed and (email.calls or settings.calls):
        them = "them" if len(watch.changed()) > 1 else "it"
        fail(f"{where}{changed} changed while the check had replaced the services with stand-ins, so your "
             f"handler changed {them}: the handler does the service's work itself. Keep it a translator: call "
             f"`send_welcome_email(...)` and `create_default_settings(...)`, and let them change {changed}.")
    if changed:
        fail(f"{where}{changed} changed, but the check saw no call to `send_welcome_email` or "
             "`create_default_settings`. The check watches the services through those names (the notebook's "
             "functions), so it could not see these calls: either the handler does the services' work "
             "itself, or it reaches them another way (a module, an object, a closure). Call the notebook's "
             "service functions by name.")
    for fake, does in ((email, "sent no welcome email"), (settings, "created no default settings")):
        if not fake.calls and _reads_attribute(watch.handler, fake.name):
            fail(f"{where}the check saw no call to `{fake.name}`: your handler calls a `.{fake.name}` of a module "
                 f"or an object, which the check cannot watch. Call the notebook's `{fake.name}(...)` by name.")
        if not fake.calls and fake.name in _global_names(watch.handler):
            fail(f"{where}the handler decided not to {DECIDED[fake.name]} for {event}: it calls `{fake.name}` for "
                 "some events only. A handler translates every event into the service calls; a decision like "
                 "this belongs in a service.")
        if not fake.calls:
            fail(f"{where}the handler ran but {does}: call `{fake.name}(...)`.")
    if len(email.calls) > 1:
        fail(f"{where}one event sent {len(email.calls)} welcome emails; a new user should get exactly one.")
    if len(settings.calls) > 1:
        fail(f"{where}one event created settings {len(settings.calls)} times; once is enough.")
    _judge_email(email.calls[0], event, other, where)
    _judge_settings(settings.calls[0], event, other, where)


def _judge_email(sent: Any, event: dict, other: dict | None, where: str) -> None:
    got = (_arg(sent, 0, "email"), _arg(sent, 1, "name"))
    wanted = (event["email"], event["name"])
    if got == wanted:
        return
    if other is not None and got == (other["email"], other["name"]):
        fail(f"you sent the same email whatever the event says: for {event} it should go to "
             f"{event['email']!r}, for {event['name']!r}, but `send_welcome_email` got ({_describe_args(sent)}). "
             "Take the address and the name from the event.")
    fail(f"{where}`send_welcome_email` got ({_describe_args(sent)}); for {event} it should get the address and "
         f"then the name: {wanted!r}.")


def _judge_settings(created: Any, event: dict, other: dict | None, where: str) -> None:
    user_id = _arg(created, 0, "user_id")
    if user_id == event["user_id"] and not isinstance(user_id, bool):
        return
    if other is not None and user_id == other["user_id"]:
        fail(f"you created settings for the same user whatever the event says: for {event} they are for user "
             f"{event['user_id']}, but `create_default_settings` got ({_describe_args(created)}). Take the user "
             "id from the event.")
    fail(f"{where}`create_default_settings` got ({_describe_args(created)}); for {event} it should get the user "
         f"id, {event['user_id']}.")


# -- running the learner's code ---------------------------------------------------------------
@contextlib.asynccontextmanager
async def left_running(fakes: dict[str, FakeService] | None = None):
    """Yield a list that names, on exit, the tasks the learner's code started and did not wait for.

    ``asyncio.create_task(...)`` without ``await`` returns before the work is done (or even begun);
    those tasks are cancelled here, so they cannot run after the check and print errors later.
    """
    names: list[str] = []
    before = asyncio.all_tasks()
    try:
        yield names
    finally:
        tasks = [t for t in asyncio.all_tasks() - before if not t.done() and not _client_task(t)]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        names += [_task_name(task, fakes or {}) for task in tasks]


def _client_task(task: asyncio.Task) -> bool:
    """The Kafka client's own background work (fetching, reading), not the learner's."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and f"{os.sep}aiokafka{os.sep}" in code.co_filename


def _task_name(task: asyncio.Task, fakes: dict[str, FakeService]) -> str:
    coro = task.get_coro()
    for fake in fakes.values():
        if any(call.coroutine is coro for call in fake.calls):
            return fake.name
    return getattr(coro, "__qualname__", "a coroutine")


def judge_left_running(names: list[str], who: str) -> None:
    if names:
        started = sorted(set(names))
        tasks = "a background task" if len(started) == 1 else "background tasks"
        fail(f"{who} started {' and '.join(f'`{name}(...)`' for name in started)} as {tasks} "
             "(`asyncio.create_task`) and returned without waiting, so the work was not done when it returned (and "
             "an error in it would go unnoticed): `await` the call itself.")


async def deliver_in_memory(test_broker: Any, event: dict, topic: str, watch: Watch, *,
                            who: str = "your handler", **publish: Any) -> None:
    """Publish ``event`` through the test broker (which runs the handler inline) and fail on what goes wrong."""
    limit = asyncio.timeout(TIMEOUT)
    try:
        async with left_running(watch.fakes) as background:
            async with limit:
                await test_broker.publish(event, topic, **publish)
    except TimeoutError as exc:
        if not limit.expired():
            fail(explain_exception(exc, who, event))
        fail(hung(who, event))
    except Incorrect:
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the learner's handler raised: that is the verdict
        fail(explain_exception(exc, who, event))
    judge_left_running(background, who)


def hung(who: str, event: dict, where: str = "") -> str:
    return (f"{where}{who} received {event} but had not finished {TIMEOUT:g} s later: does it wait for something "
            "that never happens (an `await` that never returns)?")


def _offset_reset(subscriber: Any) -> str:
    return getattr(subscriber, "_connection_args", {}).get("auto_offset_reset", "latest")


def real_broker(sandbox: Any, **options: Any) -> Any:
    """A checker's broker on the real Kafka: silent, and its stop() does not wait for a handler that hangs."""
    return sandbox.kafka_broker(logger=silent_logger(), graceful_timeout=None, **options)


async def stopped(broker: Any) -> None:
    """Stop ``broker`` to the end, even when the check is cancelled meanwhile (its time limit, an interrupt)."""
    stopping = asyncio.ensure_future(broker.stop())
    try:
        await asyncio.shield(stopping)
    except asyncio.CancelledError:
        await stopping
        raise


async def publish_before_start(sandbox: Any, event: dict, topic: str, **publish: Any) -> None:
    """Publish ``event`` from a producer of the check's own, *before* the learner's broker starts.

    A consumer that reads from the earliest offset receives it; one that reads from the latest misses it.
    """
    producer = real_broker(sandbox)
    try:  # stopped also when the check is interrupted while it connects
        await producer.start()
        await producer.publish(event, topic, **publish)
    finally:
        await producer.stop()


async def handled_on_real_broker(sandbox: Any, broker: Any, topic: str, event: dict, shown: str,
                                 who: str = "your handler") -> Any:
    """Wait for the learner's subscriber to handle ``event`` on ``topic``; fail with the reason when it does not."""
    resets = {_offset_reset(sub) for sub in broker.subscribers if topic in sub.topic_names}
    # The event went out before the app started: a consumer reading from the earliest offset gets it within a
    # second, one reading from the latest never does, so waiting the full time for that one only wastes it.
    wait = TIMEOUT if resets == {"earliest"} else min(TIMEOUT, MISSED_EVENT_WAIT)
    try:
        (delivery,) = await sandbox.handled(topic, timeout=wait, raise_errors=False)
    except TimeoutError:
        if any(d.channel == topic and not d.done for d in sandbox.flow.deliveries):
            fail(hung(who, event, ON_REAL))
        for reset in resets - {"earliest"}:
            fail(f"{ON_REAL}nothing reached your handler: your subscriber on `{shown}` reads from the {reset} "
                 f"offset (auto_offset_reset={reset!r}), so it missed the event the check published just "
                 "before your app started, as a new consumer does. Pass `auto_offset_reset=\"earliest\"` to "
                 "`broker.subscriber(...)` so it reads the topic from its beginning.")
        fail(f"it worked in memory, but nothing came back through the real Kafka broker within {wait:g} s. "
             "Run `make status` in a terminal to check the broker.")
    if delivery.error is not None:
        fail(ON_REAL + explain_exception(delivery.error, who, event))
    return delivery
