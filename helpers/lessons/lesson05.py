"""Lesson 05, project structure: the runtime the notebook uses around ``service/``, and the checkers.

The notebook imports the real service package (``service/app``) with the sandbox's topic prefix,
shows its files, runs it in the kernel and as its own process (``faststream run``, ``uvicorn``),
and checks two exercises:

Exercise 5.1: an analytics consumer as a module of its own: a ``KafkaRouter`` with one subscriber
              on ``user.created``, its own consumer group, calling ``track_signup``.
Exercise 5.2: a new setting, ``AUTO_OFFSET_RESET``, read and validated by pydantic-settings, and
              used by ``consumer_options(name, settings)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import html
import inspect
import logging
import os
import re
import secrets
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker, KafkaRouter, TestKafkaBroker

from ..display import Table
from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, Text, fail, is_untouched
from ..flow import handler_name
from ..settings import REPO_ROOT
from ._fakes import patched
from ._services import real_broker, stopped

SERVICE_DIR = REPO_ROOT / "service"
TIMEOUT = 15.0
SAMPLE_EVENT = {"user_id": 42, "email": "grace@example.com", "name": "Grace Hopper"}
FAST_GROUP_JOIN = {"session_timeout_ms": 2000, "heartbeat_interval_ms": 200}


# -- the service in the notebook -----------------------------------------------------------------
def observe(sandbox: Any, broker: KafkaBroker) -> None:
    """Let the lesson see the service's messages: the sandbox's flow recorder joins the broker's
    middlewares, and FastStream's per-message access log (timestamps, colours) stays out of the
    notebook; warnings and errors still show. Nothing in the service changes."""
    if getattr(broker, "_course_flow", None) is not sandbox.flow:
        broker.add_middleware(sandbox.flow.middleware)
        broker._course_flow = sandbox.flow
    access = logging.getLogger("faststream.access.kafka")
    if not any(isinstance(f, _WarningsOnly) for f in access.filters):
        access.addFilter(_WarningsOnly())


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


class Listing:
    """A file of the service, or the part of it a section talks about: code in a frame, under its name."""

    def __init__(self, path: str, code: str, first: int, last: int, total: int) -> None:
        self.path, self.code = path, code
        where = f" · lines {first}–{last} of {total}" if (first, last) != (1, total) else ""
        self.header = f"service/{path}{where}"

    def __repr__(self) -> str:
        return f"{self.header}\n\n{self.code}"

    def _repr_markdown_(self) -> str:
        language = "python" if self.path.endswith(".py") else ""
        return f"**`{self.header}`**\n\n```{language}\n{self.code}\n```"

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer, TextLexer

        lexer = PythonLexer() if self.path.endswith(".py") else TextLexer()
        code = highlight(self.code, lexer, HtmlFormatter(nowrap=True, noclasses=True, style="default"))
        return (f"<div style='{_FRAME}'><div style='{_HEADER}'>{html.escape(self.header)}</div>"
                f"<pre style='{_CODE}'>{code}</pre></div>")


_FRAME = "border:1px solid #d0d7de;border-radius:6px;margin:0.25em 0;overflow:hidden"
_HEADER = ("background:#eef1f4;color:#24292f;border-bottom:1px solid #d0d7de;padding:4px 10px;"
           "font-family:monospace;font-size:0.9em")
_CODE = "background:#f8f8f8;color:#24292f;margin:0;padding:8px 10px;overflow-x:auto;line-height:1.35"


def show(path: str, start: str | None = None, end: str | None = None) -> Listing:
    """A file of the service, framed and named; only from the line containing ``start`` (when given) up to,
    not including, the next line containing ``end``."""
    lines = (SERVICE_DIR / path).read_text().rstrip().splitlines()
    first = next(i for i, line in enumerate(lines) if start in line) if start else 0
    last = next((i for i in range(first + 1, len(lines)) if end in lines[i]), len(lines)) if end else len(lines)
    while last > first and not lines[last - 1].strip():
        last -= 1
    return Listing(path, "\n".join(lines[first:last]), first + 1, last, len(lines))


def tree(folder: str = "app") -> Text:
    """The service's files under ``folder``, as ``tree`` would print them."""
    root = SERVICE_DIR / folder
    lines = [f"service/{folder}/"]

    def walk(directory: Path, indent: str) -> None:
        entries = sorted(
            (p for p in directory.iterdir() if p.name != "__pycache__" and not p.name.startswith(".")),
            key=lambda p: (p.is_dir(), p.name),
        )
        for entry in entries:
            lines.append(f"{indent}{entry.name}{'/' if entry.is_dir() else ''}")
            if entry.is_dir():
                walk(entry, indent + "    ")

    walk(root, "    ")
    return Text("```\n" + "\n".join(lines) + "\n```")


def wiring(broker: Any, strip: Callable[[str], str] = str) -> Table:
    """What a broker will consume and publish: handler, topic and consumer group."""
    rows = [
        ("consumes", strip(topic), strip(sub.group_id or "(none)"), handler_name(sub))
        for sub in broker.subscribers
        for topic in sub.topic_names
    ]
    rows += [("publishes", strip(pub.topic), "", "") for pub in broker.publishers]
    return Table(["", "topic", "consumer group", "handler"], rows, code=["topic", "consumer group", "handler"])


# -- the service as its own process ------------------------------------------------------------------
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FASTSTREAM_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} +\w+ +- (?P<rest>.*)$")
_UVICORN_LINE = re.compile(r"^(?:INFO|WARNING|ERROR): +(?P<rest>.*)$")
LIFECYCLE = (
    "FastStream app", "waiting for messages", "application startup", "Application startup",
    "Shutting down", "application shutdown", "Application shutdown",
)


class ServiceProcess:
    """A process running the service, and its output (merged stdout and stderr, without colours)."""

    def __init__(self, command: list[str], process: asyncio.subprocess.Process) -> None:
        self.command = command
        self.process = process
        self.lines: list[str] = []

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def wait_for(self, text: str, *also: str, timeout: float = 30.0) -> str:
        """Read the output until a line contains ``text`` (and every one of ``also``)."""

        async def read() -> str:
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise RuntimeError(
                        f"`{' '.join(self.command)}` exited before printing {text!r}:\n" + "\n".join(self.lines[-20:])
                    )
                line = _ANSI.sub("", raw.decode(errors="replace")).rstrip()
                self.lines.append(line)
                if text in line and all(a in line for a in also):
                    return line

        try:
            return await asyncio.wait_for(read(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"`{' '.join(self.command)}` printed no {text!r} within {timeout:g} s:\n" + "\n".join(self.lines[-20:])
            ) from None

    async def stop(self, timeout: float = 30.0) -> int:
        """Ctrl+C (SIGINT), as in a terminal; wait for the process to exit and keep the rest of its output."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        self.lines += [_ANSI.sub("", line).rstrip() for line in rest.decode(errors="replace").splitlines()]
        return self.process.returncode

    def excerpt(self, strip: Callable[[str], str] = str, keep: tuple[str, ...] = LIFECYCLE) -> str:
        """The lines about starting and stopping, without timestamps, process ids or ports."""
        out = []
        for line in self.lines:
            match = _FASTSTREAM_LINE.match(line) or _UVICORN_LINE.match(line)
            if not match:
                continue
            rest = match["rest"]
            topic = ""
            if " | " in rest:  # FastStream's access log: topic | group | message id - message
                topic = rest.split(" | ", 1)[0].strip()
                rest = rest.rsplit(" - ", 1)[-1]
            if any(k in rest for k in keep):
                out.append(f"{rest}  ({strip(topic)})" if topic else rest)
        return "\n".join(out)


@contextlib.asynccontextmanager
async def run_service(*command: str, env: dict[str, str] | None = None) -> AsyncIterator[ServiceProcess]:
    """Run ``command`` (e.g. ``faststream run app.main:app``) in ``service/`` with this Python; the
    process is always stopped on the way out, with Ctrl+C first."""
    argv = [sys.executable, "-m", *command]
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=SERVICE_DIR,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    service = ServiceProcess(list(command), process)
    try:
        yield service
    finally:
        if process.returncode is None:
            with contextlib.suppress(TimeoutError):
                await service.stop(timeout=15)
        if process.returncode is None:
            process.kill()
            await process.wait()


def free_port() -> int:
    """A TCP port nobody listens on right now, for a server started next."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def summary(pytest_output: str) -> str:
    """pytest's last line, without the time it took."""
    last = _ANSI.sub("", pytest_output).strip().splitlines()[-1]
    return re.sub(r" in [0-9.]+s.*$", "", last.strip("= "))


# -- environment for a check ------------------------------------------------------------------------
@contextlib.contextmanager
def _environment(**values: str | None):
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _service_settings() -> Any:
    """The service's settings object, as the notebook imported it (or freshly read)."""
    module = sys.modules.get("app.config")
    if module is None:
        if str(SERVICE_DIR) not in sys.path:
            sys.path.insert(0, str(SERVICE_DIR))
        import app.config as module  # noqa: PLC0415
    return module.settings


def _service_broker() -> Any:
    module = sys.modules.get("app.broker")
    return getattr(module, "broker", None)


# -- Exercise 05.1 ---------------------------------------------------------------------------------
SECOND_EVENT = {"user_id": 7, "email": "alan@example.com", "name": "Alan Turing"}
BROKEN_EVENT = {"user_id": 8, "email": "not an email address", "name": "Eve"}  # breaks UserCreated's email rule


class AnalyticsConsumer(Exercise):
    id = "05.1"
    title = "An analytics consumer, as a module of its own"
    label = "ex1"
    hints = (
        "A handler module creates a `KafkaRouter()` and declares its subscriber on it with "
        "`@router.subscriber(...)`; `main.py` includes the router into the one broker.",
        "Subscribe to `\"user.created\"` as written (main.py adds the prefix), with `**consumer_options(\"analytics\")` "
        "so the consumer has a consumer group of its own; type the parameter as `UserCreated`.",
        "`@router.subscriber(\"user.created\", **consumer_options(\"analytics\"))` on "
        "`async def on_signup(event: UserCreated) -> None:` whose body is `await track_signup(event.user_id)`.",
    )
    solution_code = '''
from faststream.kafka import KafkaRouter

from app.broker import consumer_options
from app.models.events import UserCreated

router = KafkaRouter()


@router.subscriber("user.created", **consumer_options("analytics"))
async def on_signup(event: UserCreated) -> None:
    await track_signup(event.user_id)
'''

    async def evaluate(self, router: Any) -> str:
        self._judge_kind(router)
        subscriber = self._judge_wiring(router)
        handler = _handler_of(subscriber)
        if is_untouched(handler):
            raise NotAttempted("fill in the body of your handler, then run this cell again.")
        if not inspect.iscoroutinefunction(handler):
            fail("define the handler with `async def`, so it can `await track_signup(...)`.")
        with _borrowed(router):
            await self._in_memory(router, handler)
            await self._on_real_broker(router, subscriber, handler)
        return ("your router's consumer, in a consumer group of its own, received `user.created`: it called "
                "`track_signup` once with each event's user id, and rejected an event that breaks the "
                "`UserCreated` contract, in memory and through the real Kafka broker. In the service this is "
                "`app/events/analytics.py`, plus one entry in `app/events/__init__.py`'s `routers`.")

    # -- what was built ---------------------------------------------------------------------------
    def _judge_kind(self, router: Any) -> None:
        if isinstance(router, KafkaBroker):
            shared = router is _service_broker()
            where = "the service's shared broker" if shared else "a `KafkaBroker` of your own"
            fail(f"you passed {where}. A handler module must not create a broker, nor register on the shared one "
                 "directly: a second broker is a second connection that `faststream run` never starts, and "
                 "subscribers registered as an import side effect vanish when nobody imports the module. "
                 "Declare the subscriber on a `KafkaRouter()` and pass the router.")
        if not isinstance(router, KafkaRouter):
            fail(f"pass your `KafkaRouter` to check(), not {type(router).__name__}.")
        if router.parent is not None:
            into = "the service's shared broker" if router.parent is _service_broker() else "a broker"
            fail(f"your router is already included into {into} (`include_router(router, ...)`). A handler module "
                 "only declares its router; including it is main.py's job, once, for every router listed in "
                 "`app/events/__init__.py`'s `routers`, with the prefix. Remove the `include_router(...)` call, "
                 "run the cell again (a new `router`), and pass that router.")

    def _judge_wiring(self, router: KafkaRouter) -> Any:
        subscribers = list(router.subscribers)
        if not subscribers:
            publishers = [p.topic for p in router.publishers]
            if publishers:
                fail("your router has a *publisher* and no subscriber: nothing on it consumes `user.created`. "
                     "Use `@router.subscriber(...)`.")
            broker = _service_broker()
            if broker is not None and any(s not in _router_subscribers(broker) for s in broker.subscribers):
                fail("your router has no subscriber, but the service's shared `broker` gained one: you decorated "
                     "with `@broker.subscriber`. Declare it on the router (`@router.subscriber`), so main.py "
                     "decides where it is included.")
            raise NotAttempted("your router has no subscriber yet: declare one with `@router.subscriber(...)`.")
        if len(subscribers) > 1:
            fail(f"your router has {len(subscribers)} subscribers; the analytics consumer is one subscriber.")
        subscriber = subscribers[0]
        self._judge_topics(list(subscriber.topic_names))
        self._judge_publishers(router, subscriber)
        self._judge_group(subscriber.group_id)
        return subscriber

    def _judge_topics(self, topics: list[str]) -> None:
        if topics == ["user.created"]:
            return
        prefix = _service_settings().topic_prefix
        named = ", ".join(_named(t, prefix) for t in topics) or "no topic"
        if any(t.endswith(".user.created") for t in topics):
            fail(f"your subscriber listens on {named}: write the topic as `user.created`. main.py puts "
                 "`settings.topic_prefix` in front of every topic when it includes the router, so a prefix "
                 "of your own would be doubled.")
        fail(f"your subscriber listens on {named}, but signups are published on `user.created`.")

    def _judge_publishers(self, router: KafkaRouter, subscriber: Any) -> None:
        """The analytics consumer only counts: a publisher on it would put a message on Kafka per signup."""
        stacked = [p for call in subscriber.calls for p in getattr(call.handler, "_publishers", ())]
        publishers = stacked + [p for p in router.publishers if p not in stacked]
        if not publishers:
            return
        topics = ", ".join(sorted({f"`{self.show(p.topic)}`" for p in publishers}))
        if stacked:
            fail(f"your handler is decorated with a publisher (to {topics}): FastStream publishes whatever the "
                 "handler returns, so every signup would put a message there, an empty one when the handler "
                 "returns None (lesson 02's trap). The analytics consumer only counts signups: remove the "
                 "`@router.publisher(...)` line.")
        fail(f"your router also has a publisher (to {topics}); the analytics consumer publishes nothing, it only "
             "counts signups: remove it.")

    def _judge_group(self, group: str | None) -> None:
        if not group:
            fail("your consumer has no consumer group: it would commit no offsets (a restart re-reads or skips "
                 "events) and every replica of the service would count each signup. Pass "
                 "`**consumer_options(\"analytics\")` to the subscriber.")
        settings = _service_settings()
        prefix = settings.topic_prefix
        welcome = settings.group_id("welcome")
        unprefixed = group[len(prefix):] if group.startswith(prefix) else group
        if unprefixed == welcome[len(prefix):]:
            where = "" if group == welcome else " in production, where `TOPIC_PREFIX` is empty"
            fail(f"your consumer joins the welcome handler's consumer group ({_named(group, prefix)}){where}. "
                 "Kafka gives each partition of `user.created` to one member of a group, so `on_user_created` "
                 "and your handler would split the events between them: some new users would get no welcome "
                 "email, and analytics would miss the others. Give analytics a group of its own: "
                 "`consumer_options(\"analytics\")`.")
        if prefix and not group.startswith(prefix):
            shown = f"`{prefix}`" if self.show(prefix) == prefix else "here this notebook's sandbox prefix"
            fail(f"your consumer's group `{group}` does not start with `TOPIC_PREFIX` ({shown}): staging and "
                 "production on one cluster would share it and split the signups between them. Name it with "
                 "`settings.group_id(\"analytics\")`, as `consumer_options(\"analytics\")` does.")

    # -- behaviour ---------------------------------------------------------------------------------
    async def _in_memory(self, router: KafkaRouter, handler: Any) -> None:
        broker = KafkaBroker(logger=silent_logger())
        broker.include_router(router)
        with patched(handler, "track_signup") as fakes, _kept(handler, "signups") as recorded_itself:
            fake = fakes["track_signup"]
            async with TestKafkaBroker(broker, connect_only=False) as test_broker:
                for event in (SAMPLE_EVENT, SECOND_EVENT):
                    before = len(fake.calls)
                    try:
                        await test_broker.publish(event, "user.created")
                    except Exception as exc:  # noqa: BLE001 - the learner's handler raised: that is the verdict
                        fail(f"your handler raised {type(exc).__name__}: {exc} while handling {event}.")
                    self._judge_calls(fake.calls[before:], event, recorded_itself())
                before = len(fake.awaited_calls)
                with contextlib.suppress(Exception):  # a ValidationError is the contract at work
                    await test_broker.publish(BROKEN_EVENT, "user.created")
                if len(fake.awaited_calls) > before:
                    fail(f"your handler accepted {BROKEN_EVENT}, whose email breaks the `UserCreated` contract, and "
                         "counted it. Type the parameter as the service's `UserCreated` (`event: UserCreated`, "
                         "from `app.models.events`): FastStream then validates every event before your handler "
                         "runs, and documents the contract in AsyncAPI.")

    async def _on_real_broker(self, router: KafkaRouter, subscriber: Any, handler: Any) -> None:
        sandbox = self.sandbox
        prefix = sandbox.topic(f"check-{self.id}-{secrets.token_hex(2)}") + "."
        broker = real_broker(sandbox)
        broker.include_router(router, prefix=prefix)
        # A fresh group per check (so a rerun does not wait for Kafka to rebalance an old one), joining fast.
        saved = subscriber.group_id, dict(subscriber._connection_args)
        subscriber.group_id = f"{prefix}analytics"
        subscriber._connection_args.update(FAST_GROUP_JOIN, auto_offset_reset="earliest")
        topic = f"{prefix}user.created"
        try:
            with patched(handler, "track_signup") as fakes, _kept(handler, "signups") as recorded_itself:
                try:
                    await broker.start()
                    await broker.publish(SAMPLE_EVENT, topic)
                    delivery = await self._handled(topic)
                finally:
                    await stopped(broker)
                if delivery.error is not None:
                    error = delivery.error
                    fail(f"on the real broker your handler raised {type(error).__name__}: {error}.")
                self._judge_calls(fakes["track_signup"].calls, SAMPLE_EVENT, recorded_itself())
        finally:
            subscriber.group_id, subscriber._connection_args = saved[0], saved[1]

    async def _handled(self, topic: str) -> Any:
        sandbox = self.sandbox
        try:
            (delivery,) = await sandbox.handled(topic, timeout=TIMEOUT, raise_errors=False)
        except TimeoutError:
            if any(d.channel == topic and not d.done for d in sandbox.flow.deliveries):
                fail(f"on the real broker your handler received {SAMPLE_EVENT} but had not finished {TIMEOUT:g} s "
                     "later (in memory it did): does it wait for something that never happens, such as a lock "
                     "taken for this user and never released?")
            fail(f"it worked in memory, but nothing came back through the real Kafka broker within "
                 f"{TIMEOUT:g} s. Run `make status` in a terminal to check the broker.")
        return delivery

    @staticmethod
    def _judge_calls(calls: list[Any], event: dict, recorded_itself: bool) -> None:
        """Judge the calls of `track_signup` that one event caused."""
        if recorded_itself:
            fail("your handler records the signup itself (it changed `signups`). That is the analytics service's "
                 "job: the handler only translates the event into `await track_signup(event.user_id)`; doing both "
                 "counts each signup twice.")
        awaited = [c for c in calls if c.awaited]
        if calls and not awaited:
            fail("you called `track_signup(...)` but did not `await` it, so it never ran.")
        if not awaited:
            fail("your handler ran but did not call `track_signup(...)`.")
        if len(awaited) > 1:
            fail(f"one event called `track_signup` {len(awaited)} times; once per signup.")
        call = awaited[0]
        user_id = call.args[0] if call.args else call.kwargs.get("user_id")
        if user_id != event["user_id"] or isinstance(user_id, bool):
            fail(f"`track_signup` got {user_id!r} for the event {event}; it should get that event's user id, "
                 f"{event['user_id']}: `track_signup(event.user_id)`.")


def _named(name: str, prefix: str) -> str:
    """A topic or group as a message shows it: the service's ``TOPIC_PREFIX`` (in this notebook, the
    sandbox's random prefix) by name, not by value, so the message is the same on every run."""
    if prefix and name.startswith(prefix):
        return f"`TOPIC_PREFIX` + `{name[len(prefix):]}`"
    return f"`{name}`"


def _router_subscribers(broker: Any) -> set[Any]:
    return {s for r in broker.routers for s in r.subscribers}


def _handler_of(subscriber: Any) -> Any:
    call = subscriber.calls[0].handler
    return getattr(call, "_original_call", call)


@contextlib.contextmanager
def _borrowed(router: KafkaRouter):
    """Include ``router`` into the check's brokers for a while, then give it back as it was.

    Including a router re-parents it and adds the broker's prefix to its subscribers' topics; without
    this, a second check of the same router would see the first check's prefix on its topic.
    """
    parent, configs = router.parent, router.config.configs
    place = parent.routers.index(router) if parent is not None and router in parent.routers else None
    try:
        yield
    finally:
        if router.parent is not parent:
            router.parent = parent  # leaves the check's broker (and drops its configuration)
        router.config.configs = configs
        if place is not None and router not in parent.routers:
            parent.routers.insert(place, router)


@contextlib.contextmanager
def _kept(handler: Any, name: str):
    """Watch the list ``name`` in the handler's globals; yield a function telling whether it changed.

    The list is put back as it was afterwards, so the check leaves the learner's data alone.
    """
    namespace = getattr(handler, "__globals__", {})
    watched = namespace.get(name)
    if not isinstance(watched, list):
        yield lambda: False
        return
    before = list(watched)
    try:
        yield lambda: watched != before
    finally:
        watched[:] = before


# -- Exercise 05.2 ---------------------------------------------------------------------------------
class OffsetResetSetting(Exercise):
    id = "05.2"
    title = "A setting from the environment: where a new consumer group starts"
    label = "ex2"
    hints = (
        "A pydantic-settings field reads the environment variable of the same name, case-insensitively: "
        "a field `auto_offset_reset` reads `AUTO_OFFSET_RESET`.",
        "Type it `Literal[\"earliest\", \"latest\"]` with the default `\"earliest\"`, so a typo stops the "
        "service when it starts; in `consumer_options`, use `settings.auto_offset_reset`.",
        "In the class: `auto_offset_reset: Literal[\"earliest\", \"latest\"] = \"earliest\"`; in the dict: "
        "`\"auto_offset_reset\": settings.auto_offset_reset`.",
    )
    solution_code = '''
class ServiceSettings(Settings):
    auto_offset_reset: Literal["earliest", "latest"] = "earliest"


def consumer_options(name: str, settings: ServiceSettings) -> dict:
    return {
        "group_id": settings.group_id(name),
        "auto_offset_reset": settings.auto_offset_reset,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
    }
'''

    async def evaluate(self, settings_class: Any, options: Any) -> str:
        self._judge_kinds(settings_class, options)
        setting = self._setting(settings_class)
        default = self._read(settings_class, None)
        if setting.value(default) != "earliest":
            fail(f"without `AUTO_OFFSET_RESET`, your setting is {setting.value(default)!r}; it should default "
                 "to 'earliest', so a new consumer group does not skip events published before it joined.")
        latest = self._read(settings_class, "latest")
        if setting.value(latest) != "latest":
            fail(f"with `AUTO_OFFSET_RESET=latest` in the environment, your setting is still "
                 f"{setting.value(latest)!r}: the field reads another variable. Keep the service's "
                 "configuration (no `env_prefix` of your own), so `auto_offset_reset` reads "
                 "`AUTO_OFFSET_RESET` like `kafka_url` reads `KAFKA_URL`.")
        for typo, why in INVALID_RESETS.items():
            self._judge_rejected(settings_class, setting, typo, why)

        for settings in (default, latest):
            self._judge_options(options, settings, setting)
        await self._in_memory(options, default)
        await self._on_real_broker(settings_class, options)
        return ("`AUTO_OFFSET_RESET` is read from the environment, defaults to 'earliest' and rejects anything "
                "but 'earliest' and 'latest'; `consumer_options` keeps each consumer's group and the session "
                "settings; on the real broker a new group with 'earliest' read an event published before it "
                "joined, and with 'latest' it skipped it.")

    # -- the settings class ----------------------------------------------------------------------
    @staticmethod
    def _judge_kinds(settings_class: Any, options: Any) -> None:
        from pydantic import BaseModel
        from pydantic_settings import BaseSettings

        if not (isinstance(settings_class, type) and issubclass(settings_class, BaseModel)):
            fail(f"pass your settings class (not an instance, not {type(settings_class).__name__}) and your "
                 "function: `await ex2.check(ServiceSettings, consumer_options)`.")
        if not callable(options):
            fail("pass your `consumer_options` function as the second argument.")
        if not issubclass(settings_class, BaseSettings):
            fail(f"`{settings_class.__name__}` is a plain pydantic `BaseModel`: it never reads the environment. "
                 "Subclass the service's `Settings` (a pydantic-settings `BaseSettings`).")

    def _setting(self, settings_class: Any) -> _Setting:
        """The field that holds the new setting: ``auto_offset_reset``, or another one that reads the variable."""
        new_fields = sorted(set(settings_class.model_fields) - set(type(_service_settings()).model_fields))
        if not new_fields:
            raise NotAttempted(f"add the new setting to `{settings_class.__name__}`, then run this cell again.")
        if "auto_offset_reset" in new_fields:
            return _Setting("auto_offset_reset")
        unset, latest = self._read(settings_class, None), self._read(settings_class, "latest")
        reading = [f for f in new_fields if _plain(getattr(unset, f)) != _plain(getattr(latest, f))]
        if len(reading) == 1:
            return _Setting(reading[0])
        fail(f"no field of `{settings_class.__name__}` reads `AUTO_OFFSET_RESET` (you added "
             f"{', '.join(f'`{f}`' for f in new_fields)}). A field reads the environment variable of its own "
             "name: `AUTO_OFFSET_RESET` is read by a field called `auto_offset_reset`.")

    @staticmethod
    def _read(settings_class: Any, value: str | None) -> Any:
        """``settings_class()`` with ``AUTO_OFFSET_RESET=value``, in an environment of the check's own (see
        :func:`_check_environment`), so options taken from anywhere but these settings show."""
        from pydantic import ValidationError

        with _environment(AUTO_OFFSET_RESET=value, **_check_environment()):
            try:
                return settings_class()
            except ValidationError as exc:
                shown = f"AUTO_OFFSET_RESET={value}" if value else "no AUTO_OFFSET_RESET"
                fail(f"with {shown} in the environment, `{settings_class.__name__}()` fails: {exc}. Give the "
                     "setting the default 'earliest', and accept 'earliest' and 'latest'.")

    @staticmethod
    def _judge_rejected(settings_class: Any, setting: _Setting, typo: str, why: str) -> None:
        from pydantic import ValidationError

        with _environment(AUTO_OFFSET_RESET=typo, **_check_environment()):
            try:
                accepted = settings_class()
            except ValidationError:
                return
        fail(f"`AUTO_OFFSET_RESET={typo}` was accepted (the setting became {setting.value(accepted)!r}). {why} "
             "Accept only 'earliest' and 'latest' (type the field `Literal[\"earliest\", \"latest\"]`), so a "
             "wrong value in a deployment stops the service at startup.")

    # -- the options -----------------------------------------------------------------------------
    def _options(self, options: Any, name: str, settings: Any) -> dict:
        try:
            result = options(name, settings)
        except Exception as exc:  # noqa: BLE001
            fail(f"`consumer_options({name!r}, settings)` raised {type(exc).__name__}: {exc}.")
        if not isinstance(result, dict):
            fail(f"`consumer_options` returned {type(result).__name__}; return the dict of subscriber options.")
        return result

    def _judge_options(self, options: Any, settings: Any, setting: _Setting) -> None:
        result = self._options(options, "analytics", settings)
        self._judge_group(options, settings, result)
        value = setting.value(settings)
        if result.get("auto_offset_reset") != value:
            fail(f"with `AUTO_OFFSET_RESET={value}`, `consumer_options` still says "
                 f"`auto_offset_reset={result.get('auto_offset_reset')!r}`: read it from the settings "
                 f"(`settings.{setting.name}`).")
        session, heartbeat = settings.kafka_session_timeout_ms, settings.kafka_heartbeat_interval_ms
        got = result.get("session_timeout_ms"), result.get("heartbeat_interval_ms")
        if got == (heartbeat, session):
            fail(f"`session_timeout_ms` and `heartbeat_interval_ms` are swapped: the consumer would send a heartbeat "
                 f"every {session} ms while Kafka declares it dead after {heartbeat} ms of silence, so its group "
                 "would rebalance over and over. Keep `\"session_timeout_ms\": settings.kafka_session_timeout_ms` "
                 "and `\"heartbeat_interval_ms\": settings.kafka_heartbeat_interval_ms`.")
        service = _service_settings()
        if got == (service.kafka_session_timeout_ms, service.kafka_heartbeat_interval_ms):
            fail(f"`consumer_options` gives `session_timeout_ms={got[0]!r}, heartbeat_interval_ms={got[1]!r}`, "
                 f"the values of the service's import-time `settings`, but the settings it was passed say {session} "
                 f"and {heartbeat}. {FROM_THE_ARGUMENT}")
        if got != (session, heartbeat):
            fail(f"`consumer_options` gives `session_timeout_ms={got[0]!r}, heartbeat_interval_ms={got[1]!r}`; the "
                 f"settings say {session} and {heartbeat}. Keep both read from the settings, as in the starter.")

    def _judge_group(self, options: Any, settings: Any, result: dict) -> None:
        group = result.get("group_id")
        if not group:
            fail("`consumer_options` returns no `group_id`: a consumer without a group commits no offsets, and "
                 "`auto_offset_reset` then applies on every start. Keep `\"group_id\": settings.group_id(name)`.")
        other = self._options(options, "welcome", settings).get("group_id")
        if other == group:
            fail(f"`consumer_options(\"analytics\", ...)` and `consumer_options(\"welcome\", ...)` give the same "
                 f"group, `{group}`: every consumer of the service would join one group, and Kafka would split "
                 "each topic's partitions among them instead of giving each consumer every event. Keep "
                 "`\"group_id\": settings.group_id(name)`.")
        wanted, service = settings.group_id("analytics"), _service_settings()
        shown = _named(group, service.topic_prefix)
        if group == service.group_id("analytics") != wanted:
            fail(f"`consumer_options(\"analytics\", settings)` gives the group {shown}, the one the service's "
                 f"import-time `settings` gives, but the settings it was passed give `{wanted}`. "
                 f"{FROM_THE_ARGUMENT}")
        if group != wanted:
            fail(f"`consumer_options(\"analytics\", ...)` gives the group {shown}; keep "
                 f"`\"group_id\": settings.group_id(name)`, which gives `{wanted}`.")

    # -- behaviour -------------------------------------------------------------------------------
    async def _in_memory(self, options: Any, settings: Any) -> None:
        broker = KafkaBroker(logger=silent_logger())
        seen: list[Any] = []
        try:
            broker.subscriber("user.created", **self._options(options, "analytics", settings))(_recorder(seen))
        except TypeError as exc:
            fail(f"a subscriber does not accept your options: {exc}.")
        async with TestKafkaBroker(broker, connect_only=False) as test_broker:
            await test_broker.publish(SAMPLE_EVENT, "user.created")
        if seen != [SAMPLE_EVENT]:
            fail("a subscriber built with your options did not receive the event in memory.")

    async def _on_real_broker(self, settings_class: Any, options: Any) -> None:
        sandbox = self.sandbox
        run = sandbox.topic(f"check-{self.id}-{secrets.token_hex(2)}")
        topic = f"{run}.user.created"
        producer = real_broker(sandbox)
        try:
            await producer.start()
            # The first event is on the topic before any consumer of this check exists. Both events
            # carry one key, so they share a partition and keep their order.
            await producer.publish({**SAMPLE_EVENT, "user_id": 1}, topic, key=b"signups")
            for mode in ("earliest", "latest"):
                with _environment(AUTO_OFFSET_RESET=mode, TOPIC_PREFIX=f"{run}.{mode}.",
                                  KAFKA_SESSION_TIMEOUT_MS="2000", KAFKA_HEARTBEAT_INTERVAL_MS="200"):
                    settings = settings_class()
                seen = await self._consume(options, settings, topic, producer)
                if mode == "earliest" and seen[0] != 1:
                    fail("with `AUTO_OFFSET_RESET=earliest`, a new consumer group on the real broker skipped the "
                         "event published before it joined.")
                if mode == "latest" and 1 in seen:
                    fail("with `AUTO_OFFSET_RESET=latest`, a new consumer group on the real broker still read the "
                         "event published before it joined: the setting does not reach the subscriber.")
        finally:
            await stopped(producer)

    async def _consume(self, options: Any, settings: Any, topic: str, producer: Any) -> list[int]:
        seen: list[dict] = []
        second = asyncio.Event()
        broker = real_broker(self.sandbox)

        async def on_event(event: dict) -> None:
            seen.append(event)
            if event["user_id"] == 2:
                second.set()

        chosen = self._options(options, "analytics", settings)
        subscriber = broker.subscriber(topic, **chosen)
        subscriber(on_event)
        try:
            try:
                await broker.start()
            except Exception as exc:  # noqa: BLE001 - the Kafka client refused an option: that is the verdict
                extra = ", ".join(f"`{k}={v!r}`" for k, v in chosen.items() if k not in EXPECTED_OPTIONS)
                also = f" Your options also set {extra}: is one of them misspelt?" if extra else ""
                fail(f"the real Kafka consumer refused your options when it started: {type(exc).__name__}: "
                     f"{exc}.{also}")
            consumer = subscriber.consumer
            for partition in consumer.assignment():
                await consumer.position(partition)  # the start position is settled: 'latest' means from here
            await producer.publish({**SAMPLE_EVENT, "user_id": 2}, topic, key=b"signups")
            try:
                await asyncio.wait_for(second.wait(), TIMEOUT)
            except TimeoutError:
                fail(f"a consumer built with your options received nothing from the real Kafka broker within "
                     f"{TIMEOUT:g} s.")
        finally:
            await stopped(broker)
        return [event["user_id"] for event in seen]


EXPECTED_OPTIONS = ("group_id", "auto_offset_reset", "session_timeout_ms", "heartbeat_interval_ms")
_FALLS_BACK = ("aiokafka does not know it: it logs a warning and uses 'none', so a new consumer group, having no "
               "committed offset, fails instead of starting somewhere.")
# Values a deployment might set by mistake, and why each must stop the service. aiokafka compares the value
# in lower case, so 'Earliest' or 'LATEST' work: a setting may accept them, or refuse them, as it likes.
INVALID_RESETS = {
    "newest": "Kafka knows no 'newest'.",
    "none": "Kafka clients know 'none', but with it a new consumer group, having no committed offset, fails "
            "instead of starting somewhere: the service's consumers would never start.",
    "beginning": "Kafka knows no 'beginning' (it says 'earliest').",
    "smallest": "'smallest' is librdkafka's old name for 'earliest', and " + _FALLS_BACK,
    "largest": "'largest' is librdkafka's old name for 'latest', and " + _FALLS_BACK,
    "latest2": _FALLS_BACK + " (A `pattern` matches anywhere in the value unless it is anchored: "
               "`^(earliest|latest)$`.)",
    "not-latest": _FALLS_BACK + " (A `pattern` matches anywhere in the value unless it is anchored: "
                  "`^(earliest|latest)$`.)",
}
FROM_THE_ARGUMENT = ("Read every option from the `settings` argument: the caller passes the settings to use "
                     "(a test, or a second environment), which need not be the ones the service read at import.")


def _check_environment() -> dict[str, str]:
    """A prefix and session settings unlike the service's own, for the settings a check makes: options taken from
    the module-level ``settings`` instead of the argument then differ from what they should be."""
    service = _service_settings()
    return {
        "TOPIC_PREFIX": "staging." if service.topic_prefix != "staging." else "qa.",
        "KAFKA_SESSION_TIMEOUT_MS": "6000" if service.kafka_session_timeout_ms != 6000 else "7000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "600" if service.kafka_heartbeat_interval_ms != 600 else "700",
    }


@dataclass
class _Setting:
    """The learner's field for AUTO_OFFSET_RESET, read as the plain string Kafka expects."""

    name: str

    def value(self, settings: Any) -> Any:
        return _plain(getattr(settings, self.name))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _recorder(seen: list) -> Callable:
    async def on_event(event: dict) -> None:
        seen.append(event)

    return on_event


def exercises(sandbox: Any) -> tuple[AnalyticsConsumer, OffsetResetSetting]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return AnalyticsConsumer(sandbox), OffsetResetSetting(sandbox)


__all__ = [
    "SERVICE_DIR", "observe", "show", "Listing", "tree", "wiring", "handler_name", "run_service", "free_port",
    "summary", "exercises", "AnalyticsConsumer", "OffsetResetSetting", "Incorrect",
]
