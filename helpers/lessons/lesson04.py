"""Checkers for lesson 04, FastAPI + FastStream.

Exercise 4.1: ``make_lifespan(broker)`` returns a lifespan that starts that broker before the app serves and
stops it after, also when the app fails while serving.
Exercise 4.2: ``build_api(broker, topic)`` returns a FastAPI app whose ``POST /users`` validates the body,
creates the user through the service, publishes ``UserCreated`` to ``topic`` and answers with the user.

Both checks give the learner's factory a broker of their own and judge what the app does with it: in memory
first (``TestKafkaBroker``), then through the real Kafka broker in the sandbox. Nothing of the notebook is
swapped, except the lesson's ``create_user`` service, replaced by a recording stand-in while 4.2 runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import typing
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from fastapi import FastAPI
from faststream.kafka import KafkaBroker, TestKafkaBroker
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail, is_untouched
from ..flow import FlowLog
from ._fakes import finish_unawaited
from ._services import real_broker, stopped

TIMEOUT = 10.0
LIFESPAN_LIMIT = 10.0  # seconds a lifespan may take to start, or to shut down, before the check gives up on it
SIGNUP = {"email": "grace@example.com", "name": "Grace Hopper", "password": "correct horse battery staple"}
SECOND_SIGNUP = {"email": "ada@example.com", "name": "Ada Lovelace", "password": "analytical engine"}
NO_PASSWORD = {"email": "grace@example.com", "name": "Grace Hopper"}
CHECK_USER_IDS = (7, 12)  # the ids the check's stand-in for `create_user` gives the users it creates, in order
_MISSING = object()


def _async_callable(func: Any) -> Any:
    """Mark ``func``, which returns a coroutine, as a coroutine function.

    Code that asks before calling (Starlette's ``BackgroundTasks``) then awaits it, as it would the
    real ``async def`` it stands in for, instead of running it in a thread.
    """
    mark = getattr(inspect, "markcoroutinefunction", None)
    if mark is not None:  # Python 3.12+
        return mark(func)
    func._is_coroutine = asyncio.coroutines._is_coroutine  # what asyncio.iscoroutinefunction looks for on 3.11
    return func


# -- recording stand-ins -------------------------------------------------------------
@dataclass
class _Call:
    args: tuple
    kwargs: dict
    awaited: bool = False
    coroutine: Any = None
    result: Any = None

    @property
    def cancelled(self) -> bool:
        """Handed to something that cancelled it before it ran: ``wait_for`` with no time left, a cancelled task."""
        return not self.awaited and inspect.getcoroutinestate(self.coroutine) == inspect.CORO_CLOSED


class _Recorder:
    """Records each call of an async function and whether it was awaited.

    The work (``_run``) only happens when the call is awaited, so a call nobody awaits does nothing,
    exactly like the original; ``close()`` finishes those calls so Python does not warn later.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[_Call] = []

    @_async_callable
    def __call__(self, *args: Any, **kwargs: Any):
        self._accept(args, kwargs)
        call = _Call(args, kwargs)
        self.calls.append(call)

        async def run() -> Any:
            call.awaited = True
            call.result = await self._run(call)
            return call.result

        call.coroutine = run()
        return call.coroutine

    def _accept(self, args: tuple, kwargs: dict) -> None:
        """Raise what the original raises for a call it does not take (nothing, here)."""

    async def _run(self, call: _Call) -> Any:
        raise NotImplementedError

    @property
    def awaited(self) -> list[_Call]:
        return [c for c in self.calls if c.awaited]

    @property
    def forgotten(self) -> list[_Call]:
        """Calls whose coroutine never ran: nobody awaited it, or it was cancelled first."""
        return [c for c in self.calls if not c.awaited]

    @property
    def unrun(self) -> str:
        """"cancelled" or "forgotten" when a call of it never ran (see :func:`_cancelled`), else ""."""
        if any(c.cancelled for c in self.forgotten):
            return "cancelled"
        return "forgotten" if self.forgotten else ""

    def close(self) -> None:
        """A call nobody awaited must not warn later, nor break a learner's task that still holds it."""
        finish_unawaited([c.coroutine for c in self.calls if not c.awaited])


def _cancelled(call: str) -> str:
    return (f"`{call}` was cancelled before it could run (by `asyncio.wait_for` with no time left, or by "
            "cancelling the task that held it)")


class _Spy(_Recorder):
    """Stands in for a broker's (or publisher's) async method and calls it when awaited."""

    def __init__(self, name: str, target: Any, timeline: list[str] | None = None) -> None:
        super().__init__(name)
        self.target = target
        self.timeline = timeline  # shared by the spies of one check: the order the calls ran in

    async def _run(self, call: _Call) -> Any:
        if self.timeline is not None:
            self.timeline.append(self.name)
        return await self.target(*call.args, **call.kwargs)


@contextlib.contextmanager
def _spied(targets: list[tuple[Any, str, str]], timeline: list[str] | None = None):
    """Replace ``obj.attr`` by a spy for each (obj, attr, label); yield the spies by label."""
    saved = [(obj, attr, obj.__dict__.get(attr, _MISSING)) for obj, attr, _ in targets]
    spies = {}
    for obj, attr, label in targets:
        spies[label] = spy = _Spy(label, getattr(obj, attr), timeline)
        setattr(obj, attr, spy)
    try:
        yield spies
    finally:
        for spy in spies.values():
            spy.close()
        for obj, attr, value in saved:
            if value is _MISSING:
                delattr(obj, attr)
            else:
                setattr(obj, attr, value)


class _ServingFailed(Exception):
    """What the check raises while the app serves, as a failing app (or test) would."""


# -- running a lifespan ---------------------------------------------------------------
@dataclass
class _LifespanRun:
    """What one run of a lifespan did, as the check saw it."""

    timeline: list[str] = field(default_factory=list)  # "start" and "stop", in the order they ran
    entered: bool = False
    serving_at: int = 0  # how much of the timeline had happened when the app began serving
    start_unrun: str = ""  # a start() call that had not run when the app began serving: "forgotten", "cancelled"
    stop_unrun: str = ""
    hung: str = ""  # "startup" or "shutdown": that half did not finish within LIFESPAN_LIMIT
    error: BaseException | None = None
    propagated: bool = False
    other_brokers: list[KafkaBroker] = field(default_factory=list)  # brokers it started that were not given

    @property
    def before_serving(self) -> list[str]:
        return self.timeline[: self.serving_at]

    @property
    def after_serving(self) -> list[str]:
        return self.timeline[self.serving_at:]

    @property
    def running_while_serving(self) -> bool:
        return _running(self.before_serving)

    @property
    def running_after(self) -> bool:
        return _running(self.timeline)


def _running(timeline: list[str]) -> bool:
    """Whether a broker is running after these start/stop calls (a stop of a stopped broker does nothing)."""
    running = False
    for step in timeline:
        running = step == "start"
    return running


async def _serve(lifespan: Any, run: _LifespanRun, *, fail_while_serving: bool,
                 while_serving: Any = None) -> _LifespanRun:
    """Run ``lifespan`` around a FastAPI app, as uvicorn does; ``while_serving(run)`` runs once it serves.

    Each half (startup, shutdown) gets LIFESPAN_LIMIT seconds, so a lifespan that never yields, or
    never finishes, ends in a verdict instead of a hang.
    """
    api = FastAPI(lifespan=lifespan)
    try:
        context = api.router.lifespan_context(api)
        async with asyncio.timeout(LIFESPAN_LIMIT):
            await context.__aenter__()
    except TimeoutError:
        run.hung = "startup"
    except Exception as exc:  # noqa: BLE001 - the learner's lifespan raised before serving: that is the verdict
        run.error = exc
    if run.hung or run.error:
        run.serving_at = len(run.timeline)
        return run
    run.entered = True
    run.serving_at = len(run.timeline)
    if while_serving is not None:
        await while_serving(run)
    problem = _ServingFailed("the app failed while serving") if fail_while_serving else None
    try:
        async with asyncio.timeout(LIFESPAN_LIMIT):
            if problem is None:
                await context.__aexit__(None, None, None)
            else:
                run.propagated = not await context.__aexit__(type(problem), problem, problem.__traceback__)
    except TimeoutError:
        run.hung = "shutdown"
    except _ServingFailed:
        run.propagated = True
    except Exception as exc:  # noqa: BLE001 - the learner's lifespan raised at shutdown: that is the verdict
        run.error = exc
    return run


def _code_names(code: Any) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _code_names(const)
    return names


def _brokers_in_reach(*functions: Any) -> list[KafkaBroker]:
    """The Kafka brokers these functions could use other than their arguments: globals and closure variables."""
    found: dict[int, KafkaBroker] = {}
    for function in functions:
        target = inspect.unwrap(getattr(function, "__func__", function))
        code = getattr(target, "__code__", None)
        if code is None:
            continue
        namespace = getattr(target, "__globals__", {})
        values = [namespace.get(name) for name in _code_names(code)]
        values += [getattr(cell, "cell_contents", None) for cell in target.__closure__ or ()]
        found.update((id(v), v) for v in values if isinstance(v, KafkaBroker))
    return list(found.values())


# -- Exercise 04.1 -------------------------------------------------------------------
class SafeLifespan(Exercise):
    id = "04.1"
    title = "A lifespan that always stops the broker"
    label = "ex1"
    hints = (
        "Inside `safe_lifespan`, before `yield`: `await broker.start()`. After `yield`: `await broker.stop()` "
        "(there is no `broker.close()` any more). `broker` is the argument of `make_lifespan`.",
        "An exception raised while the app serves comes out of your lifespan's `yield`. Code after `yield` "
        "only runs if you catch it, or if it sits in a `finally:` block.",
        "`await broker.start()`, then `try:` / `yield` / `finally:` / `await broker.stop()`.",
    )
    solution_code = '''
def make_lifespan(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan
'''

    async def evaluate(self, factory: Any) -> str:
        self._lifespan_from(factory, KafkaBroker(logger=silent_logger()))
        self._judge_normal(await self._in_memory(factory, fail_while_serving=False))
        self._judge_failure(await self._in_memory(factory, fail_while_serving=True))
        await self._on_real_broker(factory)
        return ("the broker you were given was connected while the app served and stopped at shutdown, also "
                "when the app failed while serving: in memory and on the real Kafka broker.")

    # -- what the factory returns -----------------------------------------------------
    @staticmethod
    def _lifespan_from(factory: Any, broker: KafkaBroker) -> Any:
        if not callable(factory):
            fail(f"pass your function `make_lifespan` to check(), not {type(factory).__name__}.")
        if inspect.isasyncgenfunction(inspect.unwrap(factory)):
            fail("you passed a lifespan; pass `make_lifespan`, the function that takes a broker and returns "
                 "the lifespan: `await ex1.check(make_lifespan)`.")
        try:
            lifespan = factory(broker)
        except Exception as exc:  # noqa: BLE001
            fail(f"`make_lifespan(broker)` raised {type(exc).__name__}: {exc}.")
        if lifespan is None:
            fail("`make_lifespan` returned None: end it with `return safe_lifespan`.")
        if inspect.iscoroutine(lifespan) or hasattr(lifespan, "__aenter__"):
            if inspect.iscoroutine(lifespan):
                lifespan.close()
            fail(f"`make_lifespan` returned {type(lifespan).__name__}, not a function: return the lifespan "
                 "itself (`return safe_lifespan`), and let FastAPI call it with the app.")
        if not callable(lifespan):
            fail(f"`make_lifespan` returned {type(lifespan).__name__}; return the lifespan function.")
        if is_untouched(inspect.unwrap(getattr(lifespan, "__func__", lifespan))):
            raise NotAttempted("fill in `safe_lifespan` inside `make_lifespan`, then run this cell again.")
        if inspect.isasyncgenfunction(lifespan):
            fail("`safe_lifespan` is a bare async generator: decorate it with `@asynccontextmanager`, as FastAPI "
                 "expects (it warns that undecorated generator lifespans are deprecated).")
        return lifespan

    # -- in memory -------------------------------------------------------------------
    async def _in_memory(self, factory: Any, *, fail_while_serving: bool) -> _LifespanRun:
        broker = KafkaBroker(logger=silent_logger())
        lifespan = self._lifespan_from(factory, broker)
        others = [b for b in _brokers_in_reach(factory, lifespan) if b is not broker and not b.running]
        run = _LifespanRun()
        async with TestKafkaBroker(broker, connect_only=True):
            with _spied([(broker, "start", "start"), (broker, "stop", "stop")], run.timeline) as spies:

                async def serving(run: _LifespanRun) -> None:
                    run.start_unrun = spies["start"].unrun
                    run.other_brokers = [b for b in others if b.running]

                await _serve(lifespan, run, fail_while_serving=fail_while_serving, while_serving=serving)
                run.stop_unrun = spies["stop"].unrun
        for other in run.other_brokers:
            if other.running:
                await other.stop()  # the learner's own broker, started by this check: leave it as it was
        return run

    @staticmethod
    def _judge_errors(run: _LifespanRun) -> None:
        if run.hung == "startup":
            fail(f"your lifespan did not reach `yield` within {LIFESPAN_LIMIT:g} s, so the app never began "
                 "serving: does something before `yield` wait forever?")
        if run.hung == "shutdown":
            fail(f"your lifespan's shutdown (the code after `yield`) did not finish within {LIFESPAN_LIMIT:g} s: "
                 "uvicorn would hang at every shutdown. Does something after `yield` wait forever?")
        error = run.error
        if error is None:
            return
        if isinstance(error, AttributeError) and "close" in str(error):
            fail("your lifespan calls `broker.close()`, which no longer exists in FastStream 0.7 "
                 f"(AttributeError: {error}). Shutdown fails there and the broker stays connected: "
                 "use `await broker.stop()`.")
        when = "after `yield`, at shutdown" if run.entered else "before the app could serve"
        fail(f"your lifespan raised {type(error).__name__}: {error} {when}.")

    @classmethod
    def _judge_normal(cls, run: _LifespanRun) -> None:
        cls._judge_errors(run)
        if not run.running_while_serving:
            if run.other_brokers:
                fail("your lifespan started another broker (the notebook's `broker`?), not the one "
                     "`make_lifespan` was given: inside `make_lifespan`, start and stop its `broker` argument.")
            if run.start_unrun == "cancelled":
                fail(f"{_cancelled('broker.start()')}, so the app served with a broker that was not connected. "
                     "`await broker.start()` and let it finish.")
            if run.start_unrun:
                fail("`broker.start()` had not run when the app began serving: you called it without `await` "
                     "(or in a task nobody waited for), so the app served with a broker that was not "
                     "connected. Write `await broker.start()`.")
            if "start" in run.after_serving:
                fail("you start the broker after `yield`, that is at shutdown: the app served requests with a "
                     "broker that was not connected. Start it before `yield`.")
            if "start" in run.before_serving:
                fail("you stop the broker before `yield`: the app then serves with a stopped broker, and "
                     "publishing fails. Stop it after `yield`.")
            fail("the app began serving with a broker that nobody started: `await broker.start()` before "
                 "`yield`, on the broker `make_lifespan` was given (`async with broker:` or `broker.connect()` "
                 "alone only connects: its subscribers do not run).")
        starts = run.before_serving.count("start")
        if starts > 1:
            fail(f"the broker was started {starts} times before the app served; start it once, before `yield`.")
        if run.running_after:
            if run.stop_unrun == "cancelled":
                fail(f"{_cancelled('broker.stop()')}: the broker stayed connected after shutdown. "
                     "`await broker.stop()` and let it finish.")
            if run.stop_unrun:
                fail("you called `broker.stop()` without `await`, so it never ran: the broker stayed connected "
                     "after shutdown. Write `await broker.stop()`.")
            fail("after shutdown the broker is still connected: nothing stopped it, so its consumers keep "
                 "running and its connections stay open. `await broker.stop()` after `yield`.")

    @classmethod
    def _judge_failure(cls, run: _LifespanRun) -> None:
        cls._judge_errors(run)
        if not run.propagated:
            fail("the check raised an error while the app was serving, and your lifespan swallowed it: the "
                 "failure went unnoticed. Stop the broker in `finally:`, not in `except:`, so the error still "
                 "propagates.")
        if run.running_after:
            fail("when the app failed while serving, the broker was never stopped: the exception comes out of "
                 "`yield` and skips the lines after it. Put `yield` in a `try:` block and "
                 "`await broker.stop()` in its `finally:`.")

    # -- on the real broker --------------------------------------------------------------
    async def _on_real_broker(self, factory: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("ready")
        broker = real_broker(sandbox)
        broker.subscriber(topic, auto_offset_reset="earliest")(lifespan_check_probe)
        seen = {"connected": False, "consumed": False}

        async def serving(run: _LifespanRun) -> None:
            seen["connected"] = await broker.ping(timeout=5)
            if seen["connected"]:
                await broker.publish({"ready": True}, topic)
                with contextlib.suppress(TimeoutError):
                    await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
                    seen["consumed"] = True

        run = _LifespanRun()
        try:
            await _serve(self._lifespan_from(factory, broker), run, fail_while_serving=False,
                         while_serving=serving)
            disconnected = not await broker.ping(timeout=1)
        finally:
            await stopped(broker)  # whatever the lifespan did, the check leaves nothing connected
        self._judge_errors(run)
        if not seen["connected"]:
            fail("in memory it worked, but on the real Kafka broker `broker.ping()` failed while the app was "
                 "serving. Run `make status` in a terminal to check the broker.")
        if not seen["consumed"]:
            fail(f"the broker was connected, but its subscriber did not receive a test event within {TIMEOUT:g} s "
                 "on the real Kafka broker. Run `make status` in a terminal to check the broker.")
        if not disconnected:
            fail("on the real Kafka broker the broker still answered `ping` after shutdown: stop it after "
                 "`yield`.")


async def lifespan_check_probe(body: Any) -> None:
    """The check's own subscriber: it proves the broker consumes while the app serves."""


# -- Exercise 04.2 -------------------------------------------------------------------
class _CheckedUser(BaseModel):
    id: int
    email: str
    name: str


class _FakeCreateUser(_Recorder):
    """Stands in for the lesson's ``create_user``: records calls, returns users with ids 7, then 12; stores nothing.

    It takes what the real one takes (its signature, and the request model its parameter is typed with), so a
    call the real service would fail on fails here too, and ``misuse`` says why.
    """

    def __init__(self, real: Any) -> None:
        super().__init__("create_user")
        self.signature = _signature(real)
        self.model = _request_model(real, self.signature)
        self.misuse = ""

    def _accept(self, args: tuple, kwargs: dict) -> None:
        if self.signature is None:
            return
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            self._refuse(f"you called `create_user({_shown_args(args, kwargs)})`", exc)
        if self.model is None or not bound.arguments:
            return
        value = next(iter(bound.arguments.values()))
        if not _is_instance(value, self.model):
            self._refuse(f"you passed it {_a(type(value).__name__)}", None)

    def _refuse(self, what: str, error: TypeError | None) -> None:
        model = self.model.__name__ if self.model is not None else "the request"
        self.misuse = (f"`create_user` takes the request model ({model}), as the lesson defines it: "
                       f"`create_user{_shown_signature(self.signature)}`; {what}. Pass the validated body as it is: "
                       "`user = await create_user(data)`.")
        raise TypeError(str(error) if error is not None else self.misuse)

    async def _run(self, call: _Call) -> _CheckedUser:
        number = len(self.awaited) - 1
        user_id = CHECK_USER_IDS[number] if number < len(CHECK_USER_IDS) else 100 + number
        data = call.args[0] if call.args else next(iter(call.kwargs.values()), None)
        return _CheckedUser(id=user_id, email=_field(data, "email"), name=_field(data, "name"))


def _signature(func: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(func) if callable(func) else None
    except (TypeError, ValueError):
        return None


def _request_model(func: Any, signature: inspect.Signature | None) -> type | None:
    """The pydantic model the service's first parameter is typed with (``UserCreate``), if it says so."""
    if signature is None or not signature.parameters:
        return None
    first = next(iter(signature.parameters))
    try:
        annotation = typing.get_type_hints(func).get(first)
    except Exception:  # noqa: BLE001 - an annotation that does not resolve: judge by the signature alone
        annotation = signature.parameters[first].annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _is_instance(value: Any, model: type) -> bool:
    """An instance of ``model``, or of a model of the same name (the cell that defines it was run again)."""
    return isinstance(value, model) or (isinstance(value, BaseModel) and type(value).__name__ == model.__name__)


def _shown_args(args: tuple, kwargs: dict) -> str:
    return ", ".join([_a(type(a).__name__) for a in args] + [f"{k}=…" for k in kwargs])


def _shown_signature(signature: inspect.Signature | None) -> str:
    """``(data: UserCreate)``: the parameters, their types by name only."""
    if signature is None:
        return "(data)"
    shown = []
    for parameter in signature.parameters.values():
        annotation = parameter.annotation
        typed = "" if annotation is parameter.empty else f": {getattr(annotation, '__name__', annotation)}"
        shown.append(parameter.name + typed)
    return f"({', '.join(shown)})"


def _and(keys: list[str]) -> str:
    names = [f"`{key}`" for key in keys]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _a(type_name: str) -> str:
    return f"an `{type_name}`" if type_name[:1].lower() in "aeiou" else f"a `{type_name}`"


def _field(data: Any, name: str) -> str:
    value = data.get(name) if isinstance(data, dict) else getattr(data, name, None)
    return str(value) if value is not None else ""


@contextlib.contextmanager
def _create_user_replaced(factory: Any):
    namespace = inspect.unwrap(factory).__globals__
    saved = namespace.get("create_user", _MISSING)
    fake = namespace["create_user"] = _FakeCreateUser(None if saved is _MISSING else saved)
    try:
        yield fake
    finally:
        fake.close()
        if saved is _MISSING:
            namespace.pop("create_user", None)
        else:
            namespace["create_user"] = saved


@contextlib.contextmanager
def _foreign_sends():
    """Yield the topics any real Kafka producer was asked to send to meanwhile; none of them is sent.

    In memory the broker the factory was given sends through no Kafka client, so a send is another
    broker's: the notebook's, still connected. Refusing it keeps the check's messages off the real
    cluster (the in-memory topics have no sandbox prefix).
    """
    topics: list[str] = []
    original = AIOKafkaProducer.send

    async def send(producer: Any, topic: str, *args: Any, **kwargs: Any) -> Any:
        topics.append(topic)
        raise _ForeignBroker(f"the check did not let another broker publish to {topic!r}")

    AIOKafkaProducer.send = send
    try:
        yield topics
    finally:
        AIOKafkaProducer.send = original


class _ForeignBroker(Exception):
    """Raised in place of a send through a broker the factory was not given."""


class _KafkaDown:
    """Stands in for aiokafka's producer when the cluster does not answer: every send raises ``error``."""

    _closed = False

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self._closed = True

    async def flush(self) -> None:
        pass

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    async def send_batch(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    def create_batch(self) -> Any:
        raise self.error


@contextlib.asynccontextmanager
async def _unreachable(broker: KafkaBroker, error: Exception):
    """Connect ``broker``'s producer as ``broker.start()`` would, to a Kafka that raises ``error`` at every send."""
    producer, config = broker.config.producer, broker.config
    await producer.connect(_KafkaDown(error), serializer=config.fd_config._serializer, codec=config.broker_codec)
    try:
        yield
    finally:
        await producer.disconnect()


UNREACHABLE = (  # what aiokafka raises when the cluster stops answering: a send that times out, a lost connection
    KafkaTimeoutError(),
    KafkaConnectionError("Connection at 127.0.0.1:9092 closed"),
)


@dataclass
class _Answer:
    """One HTTP exchange with the learner's app: the response, or the exception the app raised."""

    response: Any = None
    error: BaseException | None = None

    @property
    def status(self) -> int | None:
        return None if self.response is None else self.response.status_code

    @property
    def succeeded(self) -> bool:
        return self.error is None and 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return self.response.json()
        except ValueError:
            return self.response.text


@dataclass
class _Exchange:
    """One valid request in memory: what it sent, and what happened because of it."""

    request: dict
    created_before: int
    published_before: int
    delivered_before: int
    answer: _Answer = field(default_factory=_Answer)
    created: list[_Call] = field(default_factory=list)  # the calls of `create_user` it awaited
    published: list[Any] = field(default_factory=list)  # publications, to any topic
    events: list[Any] = field(default_factory=list)  # deliveries on the app's topic

    def finish(self, create_user: _FakeCreateUser, log: FlowLog, topic: str) -> None:
        self.created = create_user.awaited[self.created_before:]
        self.published = log.published()[self.published_before:]
        self.events = log.delivered(topic)[self.delivered_before:]


async def _post(api: FastAPI, body: dict) -> _Answer:
    transport = ASGITransport(app=api)
    async with AsyncClient(transport=transport, base_url="http://signup.check") as client:
        try:
            return _Answer(response=await client.post("/users", json=body))
        except Exception as exc:  # noqa: BLE001 - the endpoint raised: that is the verdict
            return _Answer(error=exc)


def _publish_spies(broker: KafkaBroker) -> list[tuple[Any, str, str]]:
    targets = [(broker, "publish", "broker.publish")]
    targets += [(pub, "publish", f"publisher({pub.topic!r}).publish") for pub in broker.publishers]
    return targets


def _endpoints(api: FastAPI) -> list[str]:
    """The app's endpoints as ``METHOD /path``, from its OpenAPI schema (included routers too)."""
    try:
        paths = api.openapi().get("paths", {})
    except Exception:  # noqa: BLE001 - a schema FastAPI cannot build: judge by the requests alone
        return []
    return [f"{method.upper()} {path}" for path, methods in paths.items() for method in methods]


class BuildSignupApi(Exercise):
    id = "04.2"
    title = "The signup endpoint, built by a function"
    label = "ex2"
    hints = (
        "Inside `build_api`, decorate an `async def` with `@api.post(\"/users\")`. Type its parameter as "
        "`UserCreate`: FastAPI then validates the body and answers 422 by itself.",
        "In the endpoint: `user = await create_user(data)`, then publish a `UserCreated` built from `user` "
        "(not from `data`, which has the password) to `topic`, with `await`; answer with the user.",
        "`event = UserCreated(user_id=user.id, email=user.email, name=user.name)`, then "
        "`await broker.publish(event, topic)` and `return user`.",
    )
    solution_code = '''
def build_api(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI(title="Signup API")

    @api.post("/users", status_code=status.HTTP_201_CREATED)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        event = UserCreated(user_id=user.id, email=user.email, name=user.name)
        await broker.publish(event, topic)
        return user

    return api
'''

    async def evaluate(self, factory: Any) -> str:
        if not callable(factory):
            fail(f"pass your function `build_api` to check(), not {type(factory).__name__}.")
        await self._in_memory(factory)
        await self._when_publishing_fails(factory)
        await self._on_real_broker(factory)
        return ("a bad request got 422 and published nothing; each good one got its user back and published one "
                "`UserCreated` with that user's id, email and name (and no password) to the topic it was given, "
                "and a failed publish was not answered as a success: in memory and through the real Kafka broker.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> FastAPI:
        try:
            api = factory(broker, topic)
        except Exception as exc:  # noqa: BLE001
            fail(f"`build_api(broker, topic)` raised {type(exc).__name__}: {exc}.")
        if inspect.iscoroutine(api):
            api.close()
            fail("`build_api` is an `async def`, so calling it gives a coroutine, not an app: make it a plain "
                 "`def` (only the endpoint inside is async).")
        if api is None:
            fail("`build_api` returned None: end it with `return api`.")
        if not isinstance(api, FastAPI):
            fail(f"`build_api` returned a {type(api).__name__}; return the `FastAPI` app.")
        return api

    # -- in memory ---------------------------------------------------------------------
    async def _in_memory(self, factory: Any) -> None:
        log = FlowLog(strip=self.show)
        broker = KafkaBroker(logger=silent_logger(), middlewares=[log.middleware])
        topic = "signup.user.created"
        api = self._build(factory, broker, topic)
        broker.subscriber(topic)(signup_check_probe)
        with _create_user_replaced(factory) as create_user, _foreign_sends() as foreign:
            async with TestKafkaBroker(broker, connect_only=False):
                with _spied(_publish_spies(broker)) as spies:
                    bad = await _post(api, NO_PASSWORD)
                    self._judge_foreign(foreign)
                    self._judge_bad(api, bad, log, create_user)
                    for request in (SIGNUP, SECOND_SIGNUP):
                        exchange = _Exchange(request, len(create_user.awaited), len(log.published()),
                                             len(log.delivered(topic)))
                        exchange.answer = await _post(api, request)
                        exchange.finish(create_user, log, topic)
                        self._judge_foreign(foreign)
                        self._judge_good(exchange, spies, topic, create_user)

    def _judge_foreign(self, topics: list[str]) -> None:
        if topics:
            shown = ", ".join(sorted({f"`{self.show(t)}`" for t in topics}))
            fail(f"`POST /users` published to {shown} through a different broker than the one `build_api` was "
                 "given (the notebook's `broker`?): use the `broker` argument (or a publisher object made from "
                 "it), which the caller connects. The check did not let that message out.")

    def _judge_bad(self, api: FastAPI, answer: _Answer, log: FlowLog, create_user: _FakeCreateUser) -> None:
        if answer.status in (404, 405):
            self._judge_missing_endpoint(api)
        published = log.published()
        if published:
            where = ", ".join(sorted({f"`{self.show(p.channel)}`" for p in published}))
            fail(f"a request without a password still published to {where}: an invalid request must publish "
                 "nothing. Type the endpoint's body parameter as `UserCreate`, so FastAPI rejects the body with "
                 "422 before your code runs.")
        if create_user.calls:
            fail("a request without a password reached `create_user(...)`: type the body parameter as "
                 "`UserCreate`, so FastAPI validates it before your code runs.")
        if answer.error is not None:
            fail(f"a request without a password made `POST /users` raise {type(answer.error).__name__}: "
                 f"{answer.error}. Typed as `UserCreate`, the body is validated by FastAPI, which answers 422.")
        if answer.status != 422:
            fail(f"a request without a password got HTTP {answer.status}; expected 422, which FastAPI sends "
                 "by itself when the body parameter is typed `UserCreate`.")

    @staticmethod
    def _judge_missing_endpoint(api: FastAPI) -> None:
        endpoints = _endpoints(api)
        if not endpoints:
            raise NotAttempted("add the `POST /users` endpoint inside `build_api`, then run this cell again.")
        fail(f"your app has no `POST /users` endpoint; it has {', '.join(endpoints)}. Use `@api.post(\"/users\")`.")

    def _judge_good(self, exchange: _Exchange, spies: dict[str, _Spy], topic: str,
                    create_user: _FakeCreateUser) -> None:
        answer = exchange.answer
        error = answer.error
        if create_user.misuse:
            fail(create_user.misuse)
        if error is not None:
            if isinstance(error, AttributeError) and "coroutine" in str(error):
                fail(f"{type(error).__name__}: {error}. An `async` function returns a coroutine until you "
                     "`await` it: write `user = await create_user(data)`.")
            if type(error).__name__ == "IncorrectState":
                fail(f"a valid request made `POST /users` raise IncorrectState: {error}. It published through a "
                     "broker that is not connected (the notebook's `broker`?): use the `broker` argument of "
                     "`build_api`, which the caller connects.")
            fail(f"a valid request made `POST /users` raise {type(error).__name__}: {error}.")
        if not 200 <= answer.status < 300:
            fail(f"a valid request got HTTP {answer.status} ({answer.response.text}); expected 201 (or 200) "
                 "with the new user.")
        created = exchange.created
        if not created:
            fail("the endpoint never called the notebook's `create_user(...)` (the check puts a stand-in in its "
                 "place to see each call). If you created the user another way (in the endpoint, or with a "
                 "service of your own), call `user = await create_user(data)`: the endpoint only translates the "
                 "request into that call and the event.")
        if len(created) > 1:
            fail(f"one request called `create_user(...)` {len(created)} times: that creates {len(created)} "
                 "accounts for one signup. Call it once and use the user it returns.")
        for spy in spies.values():
            if spy.unrun == "cancelled":
                fail(f"{_cancelled(spy.name + '(...)')}, so nothing was published. Write `await` in front of it "
                     "and let it finish.")
            if spy.unrun:
                fail(f"you called `{spy.name}(...)` without `await`, so it never ran and nothing was published "
                     "(Python only warns \"coroutine was never awaited\"). Write `await` in front of it.")
        user = created[0].result
        self._judge_publications(answer, exchange.published, topic)
        self._judge_response(answer, user)
        self._judge_event(exchange.events[-1].body if exchange.events else None, user, exchange.request)

    def _judge_publications(self, answer: _Answer, published: list[Any], topic: str) -> None:
        if not published:
            fail(f"`POST /users` answered {answer.status} but published nothing: after creating the user, "
                 "`await broker.publish(UserCreated(...), topic)`.")
        ours = [p for p in published if p.channel == topic]
        elsewhere = ", ".join(sorted({f"`{self.show(p.channel)}`" for p in published if p.channel != topic}))
        if not ours:
            fail(f"the event went to {elsewhere}, but this app was built for `{self.show(topic)}`: publish to "
                 "the `topic` argument of `build_api`, not a name of your own.")
        if elsewhere:
            fail(f"one request published to `{self.show(topic)}` and also to {elsewhere}: one signup is one "
                 "event, on the topic `build_api` was given. Consumers of the other topic would see signups "
                 "nobody meant to announce there.")
        if len(ours) > 1:
            fail(f"one request published {len(ours)} events to `{self.show(topic)}`; one signup is one event.")

    @staticmethod
    def _judge_response(answer: _Answer, user: _CheckedUser) -> None:
        body = answer.json()
        if "password" in answer.response.text:
            fail("the response contains the password: return the `User` from `create_user`, not the request.")
        expected = user.model_dump()
        if not isinstance(body, dict) or any(body.get(key) != value for key, value in expected.items()):
            fail(f"`POST /users` answered {body!r}; it should answer with the new user, {expected}, as "
                 "`create_user` returned it (the client needs its id): end the endpoint with `return user`.")

    @staticmethod
    def _judge_event(body: Any, user: _CheckedUser, request: dict) -> None:
        if not isinstance(body, dict):
            fail(f"the event's body was {body!r}; publish a `UserCreated`, which goes out as a JSON object.")
        if any("password" in str(key).lower() for key in body) or request["password"] in map(str, body.values()):
            fail(f"the event carries the user's password ({sorted(body)}): publish a `UserCreated` (user_id, "
                 "email, name) built from the created user, never the request body.")
        expected = {"user_id": user.id, "email": request["email"], "name": request["name"]}
        missing = [key for key in expected if key not in body]
        if missing:
            fail(f"the event {body} has no {', '.join(f'`{k}`' for k in missing)}: publish "
                 "`UserCreated(user_id=user.id, email=user.email, name=user.name)`.")
        extra = [key for key in body if key not in expected]
        if extra:
            fail(f"the event has {_and(extra)}, which the `UserCreated` contract (user_id, "
                 "email, name) does not: every consumer of `user.created` receives what you add, and anything "
                 "taken from the request can carry what must not leave the API. Publish exactly "
                 "`UserCreated(user_id=user.id, email=user.email, name=user.name)`.")
        if body["user_id"] != user.id:
            fail(f"the event's user_id is {body['user_id']!r}, but `create_user` returned the user with id "
                 f"{user.id}: build the event from the user the service returned.")
        for key in ("email", "name"):
            if body[key] != expected[key]:
                fail(f"the event's {key} is {body[key]!r}, but the request said {expected[key]!r}: build the "
                     "event from the user the service returned, for every request.")

    # -- when Kafka is not there -----------------------------------------------------------
    async def _when_publishing_fails(self, factory: Any) -> None:
        """Each publish raises what aiokafka raises when the cluster stops answering; no answer may be a success."""
        for error in UNREACHABLE:
            broker = KafkaBroker(logger=silent_logger())
            api = self._build(factory, broker, "signup.user.created")
            with _create_user_replaced(factory), _foreign_sends() as foreign:
                async with _unreachable(broker, error):
                    answer = await _post(api, SIGNUP)
            self._judge_foreign(foreign)
            if answer.succeeded:
                fail(f"when Kafka did not answer (the check made the publish raise aiokafka's "
                     f"`{type(error).__name__}`, as it does when the cluster is unreachable), `POST /users` still "
                     f"answered {answer.status} although the event was never published: the client is told the "
                     "signup was announced, the `user.created` event is lost, and nothing says so. Don't catch "
                     "the publish error and carry on: let it propagate (the client gets a 500), or answer an "
                     "error status yourself (503).")

    # -- on the real broker --------------------------------------------------------------
    async def _on_real_broker(self, factory: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = real_broker(sandbox)
        api = self._build(factory, broker, topic)
        broker.subscriber(topic, auto_offset_reset="earliest")(signup_check_probe)
        with _create_user_replaced(factory) as create_user:
            try:
                await broker.start()
                good = await _post(api, SIGNUP)
                if not good.succeeded:
                    shown = good.error if good.error is not None else f"HTTP {good.status}"
                    fail(f"in memory it worked, but with the real Kafka broker a valid request got {shown}.")
                try:
                    deliveries = await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
                except TimeoutError:
                    fail(f"in memory it worked, but no event arrived on the real Kafka topic within {TIMEOUT:g} s. "
                         "Run `make status` in a terminal to check the broker.")
                self._judge_event(deliveries[0].body, create_user.awaited[0].result, SIGNUP)
                bad = await _post(api, NO_PASSWORD)
                if bad.status != 422 or len(sandbox.flow.published(topic)) != 1:
                    fail("in memory it worked, but on the real Kafka broker a request without a password was "
                         "not rejected with 422 before publishing.")
            finally:
                await stopped(broker)


async def signup_check_probe(event: Any) -> None:
    """The check's own subscriber: it receives the events as the welcome service would."""


def exercises(sandbox: Any) -> tuple[SafeLifespan, BuildSignupApi]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return SafeLifespan(sandbox), BuildSignupApi(sandbox)


__all__ = ["exercises", "SafeLifespan", "BuildSignupApi", "SIGNUP", "NO_PASSWORD", "Incorrect"]
