"""The events this service consumes and publishes. They are the contract with other services:
FastStream validates every incoming message against them and documents them in AsyncAPI.

The field types are named, so the HTTP request that leads to an event (``routes.SignUp``)
accepts exactly what the event will: a request the event would reject is refused with 422,
never a 500."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

UserId = Annotated[int, Field(gt=0)]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
Name = Annotated[str, Field(min_length=1)]


class UserCreated(BaseModel):
    """Published on ``user.created`` when someone signs up."""

    user_id: UserId
    email: Email
    name: Name


class NotificationEvent(BaseModel):
    """Published on ``notifications``: a message to show one user."""

    user_id: UserId
    message: str = Field(min_length=1, max_length=280)
    type: Literal["info", "warning", "error"] = "info"
