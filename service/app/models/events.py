"""The events this service consumes and publishes. They are the contract with other services:
FastStream validates every incoming message against them and documents them in AsyncAPI."""

from typing import Literal

from pydantic import BaseModel, Field


class UserCreated(BaseModel):
    """Published on ``user.created`` when someone signs up."""

    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1)


class NotificationEvent(BaseModel):
    """Published on ``notifications``: a message to show one user."""

    user_id: int = Field(gt=0)
    message: str = Field(min_length=1, max_length=280)
    type: Literal["info", "warning", "error"] = "info"
