"""Stand-ins for the service functions a handler calls, recording how they were called.

A checker swaps them into the handler's module globals for the duration of one check, the way
``unittest.mock.patch`` would in a test, and puts the learner's own functions back afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    args: tuple
    kwargs: dict
    awaited: bool = False
    coroutine: Any = None


@dataclass
class FakeService:
    name: str
    signature: inspect.Signature | None = None  # the real service's, so a wrong call fails as it would
    calls: list[Call] = field(default_factory=list)

    def __call__(self, *args: Any, **kwargs: Any):
        if self.signature is not None:
            try:
                self.signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{self.name}{self.signature} cannot be called like that: {exc}") from None
        call = Call(args, kwargs)
        self.calls.append(call)

        async def run() -> None:
            call.awaited = True

        call.coroutine = run()
        return call.coroutine

    @property
    def awaited_calls(self) -> list[Call]:
        return [c for c in self.calls if c.awaited]


@contextlib.contextmanager
def patched(func: Any, *names: str):
    """Replace ``names`` in ``func``'s globals with fakes; yield them by name.

    A handler wrapped by a decorator from another module (``functools.wraps``) is unwrapped first:
    the services it calls are names in *its* module, not the decorator's.
    """
    func = inspect.unwrap(getattr(func, "_original_call", func))
    namespace = func.__globals__
    saved = {n: namespace[n] for n in names if n in namespace}
    fakes = {n: FakeService(n, _signature(saved.get(n))) for n in names}
    namespace.update(fakes)
    try:
        yield fakes
    finally:
        finish_unawaited([call.coroutine for fake in fakes.values() for call in fake.calls if not call.awaited])
        for n in names:
            if n in saved:
                namespace[n] = saved[n]
            else:
                namespace.pop(n, None)


def finish_unawaited(coroutines: list[Any]) -> None:
    """A call that was never awaited must not warn later: close it, or cancel the task that holds it.

    (Closing a coroutine that a learner's ``create_task`` still holds would make that task fail
    noisily with "cannot reuse already awaited coroutine".)
    """
    try:
        tasks = {task.get_coro(): task for task in asyncio.all_tasks()}
    except RuntimeError:  # no running loop
        tasks = {}
    for coroutine in coroutines:
        if coroutine in tasks:
            tasks[coroutine].cancel()
        else:
            coroutine.close()


def _signature(func: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(func) if callable(func) else None
    except (TypeError, ValueError):
        return None
