"""Answers to lesson 04's exercises as learners write them: the solution, the starter, and mistakes.

The models, the service and the broker below are the lesson's; checkers give the factories brokers of
their own and swap in a recording stand-in for ``create_user`` while they run.
"""

import asyncio
import contextlib
from contextlib import AsyncExitStack, asynccontextmanager

from aiokafka.errors import KafkaConnectionError, KafkaError
from fastapi import APIRouter, BackgroundTasks, FastAPI, HTTPException, Request, status
from faststream import FastStream
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, Field

from helpers.brokers import make_broker

# The notebook's broker, on the course's Kafka (wherever KAFKA_URL points); only the answer that wrongly
# uses it instead of its argument starts it.
broker = make_broker("kafka", logger=None)
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
def lifespan_solution(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_try_around_start(broker: KafkaBroker):
    """Also correct: the whole body in try/finally."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        try:
            await broker.start()
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_faststream_app(broker: KafkaBroker):
    """Also correct: the FastStream app runs its hooks and starts and stops the broker (lesson 05)."""
    app = FastStream(broker)

    @asynccontextmanager
    async def safe_lifespan(_: FastAPI):
        async with app:
            yield

    return safe_lifespan


class SignupService:
    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker

    @asynccontextmanager
    async def lifespan(self, app: FastAPI):
        await self.broker.start()
        try:
            yield
        finally:
            await self.broker.stop()


def lifespan_bound_method(broker: KafkaBroker):
    """Also correct: a method of a class that holds the broker."""
    return SignupService(broker).lifespan


def lifespan_exit_stack(broker: KafkaBroker):
    """Also correct: the stop registered on an exit stack."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        async with AsyncExitStack() as stack:
            await broker.start()
            stack.push_async_callback(broker.stop)
            yield

    return safe_lifespan


def lifespan_stop_first(broker: KafkaBroker):
    """Also correct: a harmless stop before the start ("make sure it is clean")."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.stop()
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_starter(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        yield  # start `broker` before this line; stop it after, even when the app fails

    return safe_lifespan


def lifespan_never_starts(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_never_stops(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        yield

    return safe_lifespan


def lifespan_close(broker: KafkaBroker):
    """The original brief's version, with try/finally added."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.close()

    return safe_lifespan


def lifespan_start_after_yield(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        yield
        await broker.start()
        await broker.stop()

    return safe_lifespan


def lifespan_stop_before_yield(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        await broker.stop()
        yield

    return safe_lifespan


def lifespan_not_awaited(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_no_finally(broker: KafkaBroker):
    """The lesson's first lifespan: right until the app fails while serving."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        yield
        await broker.stop()

    return safe_lifespan


def lifespan_swallows(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        except Exception:
            pass
        await broker.stop()

    return safe_lifespan


def lifespan_undecorated(broker: KafkaBroker):
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_connect_only(broker: KafkaBroker):
    """`async with broker:` connects, but starts no subscriber."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        async with broker:
            yield

    return safe_lifespan


def lifespan_global_broker(_: KafkaBroker):
    """Ignores its argument and starts the notebook's broker instead."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    return safe_lifespan


def lifespan_returns_nothing(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()


@asynccontextmanager
async def lifespan_itself(app: FastAPI):
    """The lifespan passed instead of the factory."""
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


def lifespan_never_yields(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        await asyncio.Event().wait()
        yield

    return safe_lifespan


def lifespan_shutdown_never_finishes(broker: KafkaBroker):
    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()
            await asyncio.Event().wait()

    return safe_lifespan


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


def api_returns_ok(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> dict:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return {"ok": True}

    return api


def api_answers_nothing(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> None:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)

    return api


def api_hardcoded_event(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish({"user_id": 7, "email": "grace@example.com", "name": "Grace Hopper"}, topic)
        return user

    return api


def api_two_topics(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        event = UserCreated(user_id=user.id, email=user.email, name=user.name)
        await broker.publish(event, topic)
        await broker.publish(event, "user.created")
        return user

    return api


def api_creates_twice(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        await create_user(data)
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_swallows_publish_errors(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        try:
            await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        except Exception:
            pass
        return user

    return api


class UserService:
    """A service of the learner's own, instead of the notebook's `create_user`."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}

    async def create_user(self, data: UserCreate) -> User:
        user = User(id=len(self.users) + 1, email=data.email, name=data.name)
        self.users[user.id] = user
        return user


service = UserService()


def api_own_service(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await service.create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_router_with_prefix(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: an APIRouter with a prefix, and a publisher object."""
    api = FastAPI(title="Signup API")
    router = APIRouter(prefix="/users", tags=["users"])
    publisher = broker.publisher(topic)

    @router.post("", status_code=status.HTTP_201_CREATED)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await publisher.publish(UserCreated(user_id=user.id, email=user.email, name=user.name))
        return user

    api.include_router(router)
    return api


def api_router(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: an APIRouter included into the app, as service/app/routes.py does."""
    api = FastAPI(title="Signup API")
    router = APIRouter()

    @router.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    api.include_router(router)
    return api


def api_background_task(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: the publish runs as a background task, after the response."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate, tasks: BackgroundTasks) -> User:
        user = await create_user(data)
        tasks.add_task(broker.publish, UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_response_model(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: a dict with the password, filtered out by the response model."""
    api = FastAPI()

    @api.post("/users", status_code=201, response_model=User)
    async def post_user(data: UserCreate):
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return {**data.model_dump(), "id": user.id}

    return api


def api_never_answers(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        await asyncio.Event().wait()
        return user

    return api


async def api_async_factory(broker: KafkaBroker, topic: str) -> FastAPI:
    return FastAPI()


# -- more answers (a second look) -------------------------------------------------------
def lifespan_stop_in_task(broker: KafkaBroker):
    """Stops the broker in a task nobody waits for, "so shutdown is not blocked"."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            asyncio.create_task(broker.stop())

    return safe_lifespan


def lifespan_stop_without_time(broker: KafkaBroker):
    """A time limit of 0 cancels the stop before it runs; the TimeoutError is swallowed."""

    @asynccontextmanager
    async def safe_lifespan(app: FastAPI):
        await broker.start()
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(broker.stop(), timeout=0)

    return safe_lifespan


def api_swallows_kafka_errors(broker: KafkaBroker, topic: str) -> FastAPI:
    """Catches only Kafka's own errors, to answer 201 "since the user exists anyway"."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        try:
            await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        except (KafkaError, asyncio.TimeoutError):
            pass
        return user

    return api


def api_swallows_lost_connections(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        try:
            await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        except KafkaConnectionError:
            pass
        return user

    return api


def api_kafka_error_is_503(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: Kafka's errors become a 503 for the client."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        try:
            await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        except KafkaError as exc:
            raise HTTPException(status_code=503, detail="the signup could not be announced") from exc
        return user

    return api


def api_ping_first(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: 503 before creating anyone when the broker does not answer."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        if not await broker.ping(timeout=1):
            raise HTTPException(status_code=503, detail="Kafka is not reachable")
        user = await create_user(data)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_service_by_keyword(broker: KafkaBroker, topic: str) -> FastAPI:
    """Also correct: the service called with its parameter's name, the event as a dict."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data=data)
        await broker.publish({"user_id": user.id, "email": user.email, "name": user.name}, topic)
        return user

    return api


def api_service_gets_dict(broker: KafkaBroker, topic: str) -> FastAPI:
    """The real create_user reads data.email: a dict fails there."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data.model_dump())
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_service_gets_fields(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(email=data.email, name=data.name, password=data.password)
        await broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api


def api_event_with_pwd(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        event = {"user_id": user.id, "email": user.email, "name": user.name, "pwd": data.password}
        await broker.publish(event, topic)
        return user

    return api


def api_event_with_reversed_password(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        event = {"user_id": user.id, "email": user.email, "name": user.name, "secret": data.password[::-1]}
        await broker.publish(event, topic)
        return user

    return api


def api_event_with_extra_fields(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await broker.publish({**user.model_dump(), "user_id": user.id, "signup_ip": "10.0.0.1"}, topic)
        return user

    return api


def api_publish_in_task(broker: KafkaBroker, topic: str) -> FastAPI:
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        event = UserCreated(user_id=user.id, email=user.email, name=user.name)
        asyncio.create_task(broker.publish(event, topic))
        return user

    return api


notebook_broker = broker  # a test swaps in a connected one, as the notebook's still is after its uvicorn cell


def api_notebook_broker(_: KafkaBroker, topic: str) -> FastAPI:
    """Publishes through the notebook's broker, not the one it was given."""
    api = FastAPI()

    @api.post("/users", status_code=201)
    async def post_user(data: UserCreate) -> User:
        user = await create_user(data)
        await notebook_broker.publish(UserCreated(user_id=user.id, email=user.email, name=user.name), topic)
        return user

    return api
