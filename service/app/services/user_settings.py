"""Per-user preferences. IN-MEMORY STAND-IN for a settings table."""

from __future__ import annotations

DEFAULTS = {"theme": "light", "newsletter": True}

_store: dict[int, dict] = {}


async def create_default_settings(user_id: int) -> dict:
    """Give a new user the default settings. Safe to repeat: existing settings are kept."""
    return _store.setdefault(user_id, dict(DEFAULTS))


async def get_settings(user_id: int) -> dict | None:
    return _store.get(user_id)


def clear() -> None:
    _store.clear()
