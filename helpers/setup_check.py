"""Lesson 00's "check your setup" cell: every broker, its URL, and a real round trip."""

from __future__ import annotations

from . import progress
from .catalog import SETUP_CHECK, brokers_needed
from .display import Table
from .errors import fix_message
from .roundtrip import check_all


async def check_setup() -> Table:
    """A table of every broker's health, with the fix for each one that is down.

    The setup counts as checked (in your progress) when every broker a lesson needs is green.
    """
    needed = brokers_needed()
    results = await check_all()
    rows = []
    for h in results:
        mark = "✅ ok" if h.ok else ("❌ down" if h.spec.name in needed else "⚪ not running (optional)")
        used = f"lesson {needed[h.spec.name]}" if h.spec.name in needed else "optional: no lesson needs it yet"
        rows.append((h.spec.title, h.spec.env_var, h.spec.shown_url, mark, used))
    missing = [h for h in results if not h.ok and h.spec.name in needed]
    if missing:
        title = f"{', '.join(h.spec.title for h in missing)} down: the lessons need it. The fix is below the table."
    else:
        title = "Every broker the lessons need is ready."
        progress.record(SETUP_CHECK, "Check your setup", "correct")
    notes = [fix_message(h.spec, h.reason) for h in missing]
    return Table(["broker", "setting", "URL", "round trip", "used from"], rows, title=title,
                 code=["setting", "URL"], notes=notes)


__all__ = ["check_setup"]
