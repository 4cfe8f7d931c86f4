"""Email. IN-MEMORY STAND-IN: messages go to ``outbox`` instead of an email provider."""

from __future__ import annotations

from pydantic import BaseModel


class Email(BaseModel):
    to: str
    subject: str
    body: str


outbox: list[Email] = []


async def send_welcome_email(address: str, name: str) -> None:
    outbox.append(Email(to=address, subject="Welcome!", body=f"Hi {name}, welcome aboard."))


def clear() -> None:
    outbox.clear()
