"""The HTTP API. Endpoints call the services and publish events through publisher objects; only
``/health`` asks the broker itself, whether it is connected."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel

from app.broker import broker
from app.models.events import Email, Name, UserCreated
from app.publishers.user import user_created
from app.services import inbox, user_settings, users

router = APIRouter()


class SignUp(BaseModel):
    """The body of ``POST /users``: the same rules as the ``UserCreated`` it leads to.

    No password: accounts and logging in are another service's job, not this example's.
    """

    email: Email
    name: Name


class Profile(BaseModel):
    user: users.User
    settings: dict | None  # None until the welcome handler has created them
    notices: list[inbox.Notice]


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(request: SignUp) -> users.User:
    user = await users.register(request.email, request.name)
    await user_created.publish(UserCreated(user_id=user.id, email=user.email, name=user.name))
    return user


@router.get("/users/{user_id}")
async def profile(user_id: int) -> Profile:
    user = await users.get(user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
    return Profile(
        user=user,
        settings=await user_settings.get_settings(user_id),
        notices=await inbox.notices_for(user_id),
    )


@router.get("/health")
async def health(response: Response) -> dict[str, str]:
    """200 while the broker is connected, else 503: a load balancer stops sending traffic."""
    if await broker.ping(timeout=1):
        return {"kafka": "up"}
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"kafka": "down"}
