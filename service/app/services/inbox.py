"""In-app notifications a user sees. IN-MEMORY STAND-IN for a notifications table."""

from __future__ import annotations

from pydantic import BaseModel


class Notice(BaseModel):
    message: str
    type: str


_inboxes: dict[int, list[Notice]] = {}


async def deliver(user_id: int, message: str, type: str = "info") -> None:
    _inboxes.setdefault(user_id, []).append(Notice(message=message, type=type))


async def notices_for(user_id: int) -> list[Notice]:
    return list(_inboxes.get(user_id, []))


def clear() -> None:
    _inboxes.clear()
