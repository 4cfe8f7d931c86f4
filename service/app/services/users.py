"""Accounts. IN-MEMORY STAND-IN for a users table."""

from __future__ import annotations

import itertools

from pydantic import BaseModel


class User(BaseModel):
    id: int
    email: str
    name: str


_users: dict[int, User] = {}
_ids = itertools.count(1)


async def register(email: str, name: str) -> User:
    """Create an account and return it."""
    user = User(id=next(_ids), email=email, name=name)
    _users[user.id] = user
    return user


async def get(user_id: int) -> User | None:
    return _users.get(user_id)


def clear() -> None:
    global _ids
    _users.clear()
    _ids = itertools.count(1)
