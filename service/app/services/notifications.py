"""What the service tells its users: the notices, worded here, not in the handlers."""

from __future__ import annotations

from app.models.events import NotificationEvent


def welcome_notification(user_id: int, name: str) -> NotificationEvent:
    """The notice a new user finds in their inbox."""
    return NotificationEvent(user_id=user_id, message=f"Welcome aboard, {name}!")
