"""Checkers for lesson 04, FastAPI + FastStream.

Exercise 4.1: ``safe_lifespan(app)`` starts the broker before the app serves and stops it after, also when the
app fails while serving.
Exercise 4.2: ``build_api(broker, topic)`` returns a FastAPI app whose ``POST /users`` validates the body,
creates the user through the service and publishes ``UserCreated`` to ``topic``.

Both checks run the learner's code with a FastAPI app on a broker of their own: in memory first
(``TestKafkaBroker``), then through the real Kafka broker in the sandbox.
"""

from __future__ import annotations

import contextlib
import inspect
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from faststream.kafka import KafkaBroker, TestKafkaBroker
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail, is_untouched
from ..flow import FlowLog

TIMEOUT = 10.0
SIGNUP = {"email": "grace@example.com", "name": "Grace Hopper", "password": "correct horse battery staple"}
NO_PASSWORD = {"email": "grace@example.com", "name": "Grace Hopper"}
CHECK_USER_ID = 7  # the id the check's stand-in for `create_user` gives the new user
EXPECTED_EVENT = {"user_id": CHECK_USER_ID, "email": SIGNUP["email"], "name": SIGNUP["name"]}
_MISSING = object()


# -- recording stand-ins -------------------------------------------------------------
@dataclass
class _Call:
    args: tuple
    kwargs: dict
    awaited: bool = False
    coroutine: Any = None


class _Spy:
    """Stands in for an async function: records each call and whether it was awaited.

    The real function only runs when the call is awaited, so a call nobody awaits does nothing,
    exactly like the original; the check closes it afterwards so Python does not warn later.
    """

    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self.target = target
        self.calls: list[_Call] = []

    def __call__(self, *args: Any, **kwargs: Any):
        call = _Call(args, kwargs)
        self.calls.append(call)

        async def run() -> Any:
            call.awaited = True
            return await self.target(*args, **kwargs)

        call.coroutine = run()
        return call.coroutine

    @property
    def awaited(self) -> list[_Call]:
        return [c for c in self.calls if c.awaited]

    @property
    def forgotten(self) -> list[_Call]:
        """Calls whose coroutine nobody awaited."""
        return [c for c in self.calls if not c.awaited]

    def close(self) -> None:
        for call in self.calls:
            call.coroutine.close()


@contextlib.contextmanager
def _spied(targets: list[tuple[Any, str, str]]):
    """Replace ``obj.attr`` by a spy for each (obj, attr, label); yield the spies by label."""
    saved = [(obj, attr, obj.__dict__.get(attr, _MISSING)) for obj, attr, _ in targets]
    spies = {}
    for obj, attr, label in targets:
        spies[label] = spy = _Spy(label, getattr(obj, attr))
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


def _code_names(code: Any) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _code_names(const)
    return names


@contextlib.contextmanager
def _brokers_swapped(func: Any, broker: KafkaBroker):
    """Point every broker ``func`` refers to (a global or a closure variable) at ``broker`` for a while.

    The learner's lifespan uses the notebook's ``broker``; the check runs it on a broker of its own.
    Yields the names it swapped.
    """
    target = inspect.unwrap(func)
    namespace = target.__globals__
    names = sorted(n for n in _code_names(target.__code__) if isinstance(namespace.get(n), KafkaBroker))
    saved = {n: namespace[n] for n in names}
    cells = [
        (cell, cell.cell_contents)
        for cell in (target.__closure__ or ())
        if isinstance(getattr(cell, "cell_contents", None), KafkaBroker)
    ]
    namespace.update({n: broker for n in names})
    for cell, _ in cells:
        cell.cell_contents = broker
    try:
        yield names + [f"closure:{i}" for i in range(len(cells))]
    finally:
        namespace.update(saved)
        for cell, original in cells:
            cell.cell_contents = original


class _ServingFailed(Exception):
    """What the check raises while the app serves, as a failing app (or test) would."""


# -- Exercise 04.1 -------------------------------------------------------------------
@dataclass
class _LifespanRun:
    """What one run of a lifespan did, as the check saw it."""

    entered: bool = False
    started_inside: int = 0
    start_forgotten_inside: int = 0
    stopped_inside: int = 0
    started_after: int = 0
    stopped_after: int = 0
    stop_forgotten_after: int = 0
    error: BaseException | None = None
    propagated: bool = False


class SafeLifespan(Exercise):
    id = "04.1"
    title = "A lifespan that always stops the broker"
    label = "ex1"
    hints = (
        "Before `yield`: `await broker.start()`. After `yield`: `await broker.stop()` (there is no "
        "`broker.close()` any more).",
        "An exception raised while the app serves comes out of your lifespan's `yield`. Code after `yield` "
        "only runs if you catch it, or if it sits in a `finally:` block.",
        "`await broker.start()`, then `try:` / `yield` / `finally:` / `await broker.stop()`.",
    )
    solution_code = '''
@asynccontextmanager
async def safe_lifespan(app: FastAPI):
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()
'''

    async def evaluate(self, lifespan: Any) -> str:
        if not callable(lifespan):
            fail(f"pass your lifespan function to check(), not {type(lifespan).__name__}.")
        target = inspect.unwrap(lifespan)
        if is_untouched(target):
            raise NotAttempted("fill in `safe_lifespan`, then run this cell again.")
        if inspect.isasyncgenfunction(lifespan):
            fail("`safe_lifespan` is a bare async generator: decorate it with `@asynccontextmanager`, as FastAPI "
                 "expects (it warns that undecorated generator lifespans are deprecated).")
        if not inspect.isasyncgenfunction(target):
            fail("write the lifespan as an `async def` with one `yield`, decorated with `@asynccontextmanager`.")
        with _brokers_swapped(lifespan, KafkaBroker(logger=silent_logger())) as names:
            if not names:
                fail("your lifespan never uses `broker`: start the notebook's `broker` before `yield` and stop "
                     "it after.")
        self._judge_normal(await self._in_memory(lifespan, fail_while_serving=False))
        self._judge_failure(await self._in_memory(lifespan, fail_while_serving=True))
        await self._on_real_broker(lifespan)
        return ("the broker was connected while the app served and stopped at shutdown, also when the app "
                "failed while serving: in memory and on the real Kafka broker.")

    async def _in_memory(self, lifespan: Any, *, fail_while_serving: bool) -> _LifespanRun:
        broker = KafkaBroker(logger=silent_logger())
        run = _LifespanRun()
        async with TestKafkaBroker(broker, connect_only=True):
            with _brokers_swapped(lifespan, broker), \
                    _spied([(broker, "start", "start"), (broker, "stop", "stop")]) as spies:
                api = FastAPI(lifespan=lifespan)
                try:
                    async with api.router.lifespan_context(api):
                        run.entered = True
                        run.started_inside = len(spies["start"].awaited)
                        run.start_forgotten_inside = len(spies["start"].forgotten)
                        run.stopped_inside = len(spies["stop"].awaited)
                        if fail_while_serving:
                            raise _ServingFailed("the app failed while serving")
                except _ServingFailed:
                    run.propagated = True
                except Exception as exc:  # noqa: BLE001 - the learner's lifespan raised: that is the verdict
                    run.error = exc
                run.started_after = len(spies["start"].awaited)
                run.stopped_after = len(spies["stop"].awaited)
                run.stop_forgotten_after = len(spies["stop"].forgotten)
        return run

    @staticmethod
    def _judge_errors(run: _LifespanRun) -> None:
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
        if not run.started_inside:
            if run.start_forgotten_inside:
                fail("you called `broker.start()` without `await`, so it never ran: the app served with a "
                     "broker that was not connected. Write `await broker.start()`.")
            if run.started_after:
                fail("you start the broker after `yield`, that is at shutdown: the app served requests with a "
                     "broker that was not connected. Start it before `yield`.")
            fail("the app began serving with a broker that nobody started: `await broker.start()` before "
                 "`yield`.")
        if run.stopped_inside:
            fail("you stop the broker before `yield`: the app then serves with a stopped broker, and publishing "
                 "fails. Stop it after `yield`.")
        if run.started_after > 1:
            fail(f"the broker was started {run.started_after} times; start it once, before `yield`.")
        if not run.stopped_after:
            if run.stop_forgotten_after:
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
        if not run.stopped_after:
            fail("when the app failed while serving, the broker was never stopped: the exception comes out of "
                 "`yield` and skips the lines after it. Put `yield` in a `try:` block and "
                 "`await broker.stop()` in its `finally:`.")

    async def _on_real_broker(self, lifespan: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("ready")
        broker = sandbox.kafka_broker(logger=silent_logger())
        broker.subscriber(topic, auto_offset_reset="earliest")(lifespan_check_probe)
        connected = consumed = False
        disconnected = None
        try:
            with _brokers_swapped(lifespan, broker):
                api = FastAPI(lifespan=lifespan)
                async with api.router.lifespan_context(api):
                    connected = await broker.ping(timeout=5)
                    if connected:
                        await broker.publish({"ready": True}, topic)
                        try:
                            await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
                            consumed = True
                        except TimeoutError:
                            consumed = False
                disconnected = not await broker.ping(timeout=1)
        finally:
            await broker.stop()  # whatever the lifespan did, the check leaves nothing connected
        if not connected:
            fail("in memory it worked, but on the real Kafka broker `broker.ping()` failed while the app was "
                 "serving. Run `python -m helpers status` to check the broker.")
        if not consumed:
            fail(f"the broker was connected, but its subscriber did not receive a test event within {TIMEOUT:g} s "
                 "on the real Kafka broker. Run `python -m helpers status` to check the broker.")
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


class _FakeCreateUser:
    """Stands in for the lesson's ``create_user``: records calls, returns a user with id 7, stores nothing."""

    def __init__(self) -> None:
        self.calls: list[_Call] = []

    def __call__(self, data: Any = None, *args: Any, **kwargs: Any):
        call = _Call((data, *args), kwargs)
        self.calls.append(call)

        async def run() -> _CheckedUser:
            call.awaited = True
            return _CheckedUser(id=CHECK_USER_ID, email=_field(data, "email"), name=_field(data, "name"))

        call.coroutine = run()
        return call.coroutine

    @property
    def awaited(self) -> list[_Call]:
        return [c for c in self.calls if c.awaited]

    def close(self) -> None:
        for call in self.calls:
            call.coroutine.close()


def _field(data: Any, name: str) -> str:
    value = data.get(name) if isinstance(data, dict) else getattr(data, name, None)
    return str(value) if value is not None else ""


@contextlib.contextmanager
def _create_user_replaced(factory: Any):
    namespace = inspect.unwrap(factory).__globals__
    saved = namespace.get("create_user", _MISSING)
    fake = namespace["create_user"] = _FakeCreateUser()
    try:
        yield fake
    finally:
        fake.close()
        if saved is _MISSING:
            namespace.pop("create_user", None)
        else:
            namespace["create_user"] = saved


@dataclass
class _Answer:
    """One HTTP exchange with the learner's app: the response, or the exception the app raised."""

    response: Any = None
    error: BaseException | None = None

    @property
    def status(self) -> int | None:
        return None if self.response is None else self.response.status_code


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


class BuildSignupApi(Exercise):
    id = "04.2"
    title = "The signup endpoint, built by a function"
    label = "ex2"
    hints = (
        "Inside `build_api`, decorate an `async def` with `@api.post(\"/users\")`. Type its parameter as "
        "`UserCreate`: FastAPI then validates the body and answers 422 by itself.",
        "In the endpoint: `user = await create_user(data)`, then publish a `UserCreated` built from `user` "
        "(not from `data`, which has the password) to `topic`, with `await`.",
        "`await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)`, "
        "then `return user`.",
    )
    solution_code = '''
def build_api(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI(title="Signup API")

    @api.post("/users", status_code=status.HTTP_201_CREATED)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api
'''

    async def evaluate(self, factory: Any) -> str:
        if not callable(factory):
            fail(f"pass your function `build_api` to check(), not {type(factory).__name__}.")
        await self._in_memory(factory)
        await self._on_real_broker(factory)
        return ("a bad request got 422 and published nothing; a good one got the user back and published one "
                "`UserCreated` with its id, email and name (and no password) to the topic it was given: in "
                "memory and through the real Kafka broker.")

    def _build(self, factory: Any, broker: KafkaBroker, topic: str) -> FastAPI:
        try:
            api = factory(broker, topic)
        except Exception as exc:  # noqa: BLE001
            fail(f"`build_api(broker, topic)` raised {type(exc).__name__}: {exc}.")
        if api is None:
            fail("`build_api` returned None: end it with `return api`.")
        if not isinstance(api, FastAPI):
            fail(f"`build_api` returned a {type(api).__name__}; return the `FastAPI` app.")
        routes = [r for r in api.routes if isinstance(r, APIRoute)]
        if not routes:
            raise NotAttempted("add the `POST /users` endpoint inside `build_api`, then run this cell again.")
        if not any(r.path == "/users" and "POST" in r.methods for r in routes):
            listing = ", ".join(f"{'/'.join(sorted(r.methods))} {r.path}" for r in routes)
            fail(f"your app has no `POST /users` endpoint; it has {listing}. Use `@api.post(\"/users\")`.")
        return api

    # -- in memory ---------------------------------------------------------------------
    async def _in_memory(self, factory: Any) -> None:
        log = FlowLog(strip=self.show)
        broker = KafkaBroker(logger=silent_logger(), middlewares=[log.middleware])
        topic = "signup.user.created"
        api = self._build(factory, broker, topic)
        broker.subscriber(topic)(signup_check_probe)
        with _create_user_replaced(factory) as create_user:
            async with TestKafkaBroker(broker, connect_only=False):
                with _spied(_publish_spies(broker)) as spies:
                    bad = await _post(api, NO_PASSWORD)
                    self._judge_bad(bad, log, create_user)
                    good = await _post(api, SIGNUP)
                    self._judge_good(good, log, create_user, spies, topic)

    def _judge_bad(self, answer: _Answer, log: FlowLog, create_user: _FakeCreateUser) -> None:
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

    def _judge_good(self, answer: _Answer, log: FlowLog, create_user: _FakeCreateUser,
                    spies: dict[str, _Spy], topic: str) -> None:
        error = answer.error
        if error is not None:
            if isinstance(error, AttributeError) and "coroutine" in str(error):
                fail(f"{type(error).__name__}: {error}. An `async` function returns a coroutine until you "
                     "`await` it: write `user = await create_user(data)`.")
            fail(f"a valid request made `POST /users` raise {type(error).__name__}: {error}.")
        if not 200 <= answer.status < 300:
            fail(f"a valid request got HTTP {answer.status} ({answer.response.text}); expected 201 (or 200) "
                 "with the new user.")
        if not create_user.awaited:
            fail("the endpoint never called `create_user(...)`: let the service create the user; the endpoint "
                 "only translates the request into that call and the event.")
        for spy in spies.values():
            if spy.forgotten:
                fail(f"you called `{spy.name}(...)` without `await`, so it never ran and nothing was published "
                     "(Python only warns \"coroutine was never awaited\"). Write `await` in front of it.")
        published = log.published()
        if not published:
            fail(f"`POST /users` answered {answer.status} but published nothing: after creating the user, "
                 "`await broker.publish(UserCreated(...), topic)`.")
        ours = log.published(topic)
        if not ours:
            where = ", ".join(sorted({f"`{self.show(p.channel)}`" for p in published}))
            fail(f"the event went to {where}, but this app was built for `{self.show(topic)}`: publish to "
                 "the `topic` argument of `build_api`, not a name of your own.")
        if len(ours) > 1:
            fail(f"one request published {len(ours)} events to `{self.show(topic)}`; one signup is one event.")
        delivered = log.delivered(topic)
        body = delivered[-1].body if delivered else None
        self._judge_event(body)
        if "password" in answer.response.text:
            fail("the response contains the password: return the `User` from `create_user`, not the request.")

    @staticmethod
    def _judge_event(body: Any) -> None:
        if not isinstance(body, dict):
            fail(f"the event's body was {body!r}; publish a `UserCreated`, which goes out as a JSON object.")
        if any("password" in str(key).lower() for key in body):
            fail(f"the event carries the user's password ({sorted(body)}): publish a `UserCreated` (user_id, "
                 "email, name) built from the created user, never the request body.")
        missing = [key for key in EXPECTED_EVENT if key not in body]
        if missing:
            fail(f"the event {body} has no {', '.join(f'`{k}`' for k in missing)}: publish "
                 "`UserCreated(user_id=user.id, email=user.email, name=user.name)`.")
        if body["user_id"] != CHECK_USER_ID:
            fail(f"the event's user_id is {body['user_id']!r}, but `create_user` returned the user with id "
                 f"{CHECK_USER_ID}: build the event from the user the service returned.")
        for key in ("email", "name"):
            if body[key] != EXPECTED_EVENT[key]:
                fail(f"the event's {key} is {body[key]!r}; the request said {EXPECTED_EVENT[key]!r}.")

    # -- on the real broker --------------------------------------------------------------
    async def _on_real_broker(self, factory: Any) -> None:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = sandbox.kafka_broker(logger=silent_logger())
        api = self._build(factory, broker, topic)
        broker.subscriber(topic, auto_offset_reset="earliest")(signup_check_probe)
        with _create_user_replaced(factory):
            await broker.start()
            try:
                good = await _post(api, SIGNUP)
                if good.error is not None or not 200 <= good.status < 300:
                    shown = good.error if good.error is not None else f"HTTP {good.status}"
                    fail(f"in memory it worked, but with the real Kafka broker a valid request got {shown}.")
                try:
                    deliveries = await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
                except TimeoutError:
                    fail(f"in memory it worked, but no event arrived on the real Kafka topic within {TIMEOUT:g} s. "
                         "Run `python -m helpers status` to check the broker.")
                self._judge_event(deliveries[0].body)
                bad = await _post(api, NO_PASSWORD)
                if bad.status != 422 or len(sandbox.flow.published(topic)) != 1:
                    fail("in memory it worked, but on the real Kafka broker a request without a password was "
                         "not rejected with 422 before publishing.")
            finally:
                await broker.stop()


async def signup_check_probe(event: Any) -> None:
    """The check's own subscriber: it receives the events as the welcome service would."""


def exercises(sandbox: Any) -> tuple[SafeLifespan, BuildSignupApi]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return SafeLifespan(sandbox), BuildSignupApi(sandbox)


__all__ = ["exercises", "SafeLifespan", "BuildSignupApi", "SIGNUP", "NO_PASSWORD", "Incorrect"]
