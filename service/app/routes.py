"""The HTTP API. Endpoints call the services and publish events; they never talk to Kafka directly."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel

from app.broker import broker
from app.models.events import UserCreated
from app.publishers.user import user_created
from app.services import inbox, user_settings, users

router = APIRouter()


class SignUp(BaseModel):
    email: str
    name: str


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
async def health() -> dict:
    if not await broker.ping(timeout=2.0):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Kafka is not reachable")
    return {"status": "ok"}
