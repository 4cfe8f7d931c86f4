"""Lesson 00's "check your setup" cell: every broker, its URL, and a real round trip."""

from __future__ import annotations

from . import progress
from .catalog import SETUP_CHECK
from .display import Table
from .errors import CourseError, fix_message
from .roundtrip import check_all
from .settings import BROKERS

USED_FROM = {"kafka": "01", "redis": "03"}  # the others are for lessons still to come


async def check_setup(required: tuple[str, ...] = ("kafka", "redis")) -> Table:
    """A table of every broker's health; raises if a broker the first lessons need is down."""
    results = await check_all()
    rows = []
    for h in results:
        mark = "✅ ok" if h.ok else ("❌ down" if h.spec.name in required else "⚪ not running (optional)")
        rows.append((h.spec.title, h.spec.env_var, h.spec.url, mark, USED_FROM.get(h.spec.name, "later lessons")))
    missing = [h for h in results if not h.ok and h.spec.name in required]
    if missing:
        raise CourseError("\n\n".join(fix_message(h.spec, h.detail) for h in missing))
    progress.record(SETUP_CHECK, "Check your setup", "correct")
    return Table(["broker", "setting", "URL", "round trip", "used from lesson"], rows, code=["setting", "URL"])


__all__ = ["check_setup", "BROKERS"]
