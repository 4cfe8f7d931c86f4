"""Exercises a learner checks from a notebook: ``await ex.check(answer)``, ``ex.hint()``, ``ex.solution()``.

A check gives one of three verdicts: not attempted yet (the starter is untouched), incorrect with
a reason in messaging terms, or correct. Checks test behaviour: they run the learner's code on the
in-memory test broker first (fast, precise feedback), then on the real broker in the sandbox.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from . import progress
from .errors import SetupProblem


class Verdict(enum.Enum):
    NOT_ATTEMPTED = "not attempted"
    INCORRECT = "incorrect"
    CORRECT = "correct"


ICONS = {Verdict.NOT_ATTEMPTED: "⏳", Verdict.INCORRECT: "❌", Verdict.CORRECT: "✅"}
HEADLINES = {Verdict.NOT_ATTEMPTED: "Not attempted yet", Verdict.INCORRECT: "Not yet", Verdict.CORRECT: "Correct"}


@dataclass
class Result:
    exercise: str
    verdict: Verdict
    message: str

    def __str__(self) -> str:
        return f"{ICONS[self.verdict]} {self.exercise} {HEADLINES[self.verdict].lower()}: {self.message}"

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        return f"{ICONS[self.verdict]} **{self.exercise} {HEADLINES[self.verdict].lower()}:** {self.message}"


class NotAttempted(Exception):
    """Raised by a checker when the answer is still the starter."""


class Incorrect(Exception):
    """Raised by a checker with the reason an answer is wrong."""


def fail(reason: str) -> None:
    raise Incorrect(reason)


class Text:
    """Markdown for a notebook, plain text everywhere else."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def __repr__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown


class PendingCheck:
    """What ``check()`` returns: it runs when awaited, and says so when it is not."""

    def __init__(self, run: Callable[[], Awaitable[Result]], label: str) -> None:
        self._run = run
        self._label = label

    def __await__(self):
        return self._run().__await__()

    def __repr__(self) -> str:
        return f"This check has not run: write `await {self._label}.check(...)`, with `await` in front."

    _repr_markdown_ = __repr__


_attempts = itertools.count(1)


class Exercise:
    """One exercise of a lesson. Subclasses implement :meth:`evaluate`, which raises to fail."""

    id = "00.0"
    title = ""
    label = "ex"  # the variable name the notebook gives it, for messages
    time_limit = 30.0  # seconds; a check of working code takes a few, so this only stops code that never returns
    hints: tuple[str, ...] = ()
    solution_code = ""

    def __init__(self, sandbox: Any = None) -> None:
        self.sandbox = sandbox
        self._hints_shown = 0
        self._shown: dict[str, str] = {}

    def check_topic(self, name: str) -> str:
        """A real-broker topic that is new for every check run, so a rerun never sees earlier messages.

        Messages show it as ``check-<id>.<name>``, the same on every run (see :meth:`show`).
        """
        topic = self.sandbox.topic(f"check-{self.id}.{next(_attempts)}.{name}")
        self._shown[topic] = f"check-{self.id}.{name}"
        return topic

    def show(self, topic: str) -> str:
        """A topic as the learner should read it: no sandbox prefix, no attempt number."""
        if topic in self._shown:
            return self._shown[topic]
        return self.sandbox.strip(topic) if self.sandbox is not None else topic

    @property
    def name(self) -> str:
        return f"Exercise {self.id}"

    def check(self, *answer: Any) -> PendingCheck:
        return PendingCheck(lambda: self.run(*answer), self.label)

    async def run(self, *answer: Any) -> Result:
        limit = asyncio.timeout(self.time_limit)
        try:
            async with limit:
                message = await self.evaluate(*answer)
            result = Result(self.name, Verdict.CORRECT, message)
        except NotAttempted as exc:
            result = Result(self.name, Verdict.NOT_ATTEMPTED, str(exc))
        except Incorrect as exc:
            result = Result(self.name, Verdict.INCORRECT, str(exc))
        except SetupProblem:  # a broker down, say: not the learner's fault, and not a verdict to record
            raise
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling():  # the learner interrupted the kernel: stop, as asked
                raise
            result = Result(self.name, Verdict.INCORRECT, "your code raised asyncio.CancelledError; let the "
                            "handler return normally instead.")
        except Exception as exc:  # noqa: BLE001 - the learner's code raised where no checker expected it
            result = Result(self.name, Verdict.INCORRECT, self._unexpected(exc, timed_out=limit.expired()))
        progress.record(self.id, self.title, result.verdict.value)
        return result

    async def evaluate(self, *answer: Any) -> str:
        raise NotImplementedError

    def _unexpected(self, exc: Exception, timed_out: bool) -> str:
        if timed_out:
            return (f"your code did not finish within {self.time_limit:g} s, so the check stopped it. Does a "
                    "handler or function wait for something that never happens (an `await` that never returns?)")
        return f"the check stopped on {type(exc).__name__}: {exc}, raised while running your code."

    def hint(self, level: int | None = None) -> Text:
        """Hints get more specific each time you ask; ``hint(n)`` shows hint n again."""
        if not self.hints:
            return Text("No hints for this one.")
        if level is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            level = self._hints_shown
        level = max(1, min(level, len(self.hints)))
        more = " (ask again for a more specific one)" if level < len(self.hints) else ""
        return Text(f"💡 Hint {level}/{len(self.hints)}{more}: {self.hints[level - 1]}")

    def solution(self) -> Text:
        return Text(f"One solution to {self.name}:\n\n```python\n{self.solution_code.strip()}\n```")


def is_untouched(func: Any) -> bool:
    """True for a function whose body does nothing yet (``...``, ``pass`` or a docstring)."""
    func = getattr(func, "_original_call", func)
    code = getattr(func, "__code__", None)
    if code is None:
        return False
    nested = [c for c in code.co_consts if inspect.iscode(c)]
    return not code.co_names and not nested and not code.co_freevars
