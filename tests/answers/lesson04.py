"""Answers to lesson 04's exercises as learners write them: the solution, the starter, and mistakes.

The models, the service and the broker below are the lesson's; checkers run the lifespans on brokers of
their own and swap in a recording stand-in for ``create_user`` while they run.
"""

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, Field

broker = KafkaBroker(logger=None)  # the notebook's broker; never started by these tests
created_users: list[str] = []


class UserCreate(BaseModel):
    email: str
    name: str = Field(min_length=1)
    password: str = Field(min_length=8)


class User(BaseModel):
    id: int
    email: str
    name: str


class UserCreated(BaseModel):
    user_id: int
    email: str
    name: str


async def create_user(data: UserCreate) -> User:
    created_users.append(data.email)
    return User(id=len(created_users), email=data.email, name=data.name)


# -- Exercise 04.1 -------------------------------------------------------------------
@asynccontextmanager
async def lifespan_solution(app: FastAPI):
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


@asynccontextmanager
async def lifespan_try_around_start(app: FastAPI):
    """Also correct: the whole body in try/finally."""
    try:
        await broker.start()
        yield
    finally:
        await broker.stop()


@asynccontextmanager
async def lifespan_starter(app: FastAPI):
    yield  # start `broker` before this line; stop it after, even when the app fails


@asynccontextmanager
async def lifespan_never_starts(app: FastAPI):
    try:
        yield
    finally:
        await broker.stop()


@asynccontextmanager
async def lifespan_never_stops(app: FastAPI):
    await broker.start()
    yield


@asynccontextmanager
async def lifespan_close(app: FastAPI):
    """The original brief's version, with try/finally added."""
    await broker.start()
    try:
        yield
    finally:
        await broker.close()


@asynccontextmanager
async def lifespan_start_after_yield(app: FastAPI):
    yield
    await broker.start()
    await broker.stop()


@asynccontextmanager
async def lifespan_stop_before_yield(app: FastAPI):
    await broker.start()
    await broker.stop()
    yield


@asynccontextmanager
async def lifespan_not_awaited(app: FastAPI):
    broker.start()
    try:
        yield
    finally:
        await broker.stop()


@asynccontextmanager
async def lifespan_no_finally(app: FastAPI):
    """The lesson's first lifespan: right until the app fails while serving."""
    await broker.start()
    yield
    await broker.stop()


@asynccontextmanager
async def lifespan_swallows(app: FastAPI):
    await broker.start()
    try:
        yield
    except Exception:
        pass
    await broker.stop()


async def lifespan_undecorated(app: FastAPI):
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


# -- Exercise 04.2 -------------------------------------------------------------------
def api_solution(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI(title="Signup API")

    @api.post("/users", status_code=status.HTTP_201_CREATED)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_publisher_object(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: a publisher object (documented in AsyncAPI), and a lifespan of its own."""
    user_created = broker.publisher(topic)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    api = FastAPI(lifespan=lifespan)

    @api.post("/users")
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await user_created.publish(UserCreated(user_id=user.id, email=user.email, name=user.name))
        return user

    return api


def api_starter(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI(title="Signup API")
    ...  # add POST /users: validate with UserCreate, call create_user, publish a UserCreated to `topic`
    return api


def api_wrong_topic(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), "user.created")
        return user

    return api


def api_publishes_request(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(data, topic)
        return user

    return api


def api_publishes_before_validating(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(request: Request) -> User:
        body = await request.json()
        await broker.publish({"email": body.get("email"), "name": body.get("name")}, topic)
        return await create_user(UserCreate(**body))

    return api


def api_publishes_nothing(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        return await create_user(data)

    return api


def api_forgets_await(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_skips_service(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()
    ids = iter(range(1, 1000))

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = User(id=next(ids), email=data.email, name=data.name)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_wrong_path(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/user", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_returns_none(broker: KafkaBroker, topic: str) -> None:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user
