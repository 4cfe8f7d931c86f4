"""Wiring: the routers go into the one broker, and two ways to run it.

    faststream run app.main:app     the consumers only: a worker process
    uvicorn app.main:api            the HTTP API, and the same consumers (the lifespan)

Both run the same broker with the same consumer groups, so a worker and an API process side by
side share the events between them instead of handling each one twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from faststream import AsyncAPI, FastStream

from app import events, publishers, routes
from app.broker import broker
from app.config import SERVICE_NAME, settings

for router in (*events.routers, *publishers.routers):
    broker.include_router(router, prefix=settings.topic_prefix)

app = FastStream(
    broker,
    specification=AsyncAPI(
        title=SERVICE_NAME,
        version="1.0.0",
        description="Welcomes new users: an email, default settings and a notification.",
    ),
)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    await broker.start()  # connect, and start every consumer
    try:
        yield
    finally:
        await broker.stop()  # finish in-flight messages, commit, disconnect


api = FastAPI(title=SERVICE_NAME, lifespan=lifespan)
api.include_router(routes.router)
