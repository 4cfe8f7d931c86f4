"""Checkers for lesson 03, event contracts with Pydantic.

Exercise 3.1: ``UserCreated`` with the right types and constraints: valid events pass, nonsense is rejected.
Exercise 3.2: ``UserCreatedWithPlan`` adds an optional ``plan``: v1 events (none) and v2 events both accepted.

Both checks publish a set of ``user.created`` payloads to a subscriber typed with the learner's model,
first on FastStream's in-memory test broker, then through the real Kafka broker in the sandbox, and
judge what the consumer accepted (and as what) and what it rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from pydantic import BaseModel, ValidationError

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail

TIMEOUT = 10.0
VALID = {"user_id": 42, "email": "grace@example.com", "name": "Grace Hopper"}


def _without(payload: dict, key: str) -> dict:
    return {k: v for k, v in payload.items() if k != key}


def describe(error: BaseException | None) -> str:
    """A validation error as one line per problem (``where: what``), any other error as ``Type: message``."""
    if error is None:
        return "no error"
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(the body)'}: {e['msg']}"
            for e in error.errors(include_url=False)
        )
    return f"{type(error).__name__}: {error}"


@dataclass
class Outcome:
    """What a consumer typed with the learner's model did with one payload."""

    payload: dict
    event: Any = None
    error: BaseException | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None

    def problems(self) -> list[dict]:
        return self.error.errors(include_url=False) if isinstance(self.error, ValidationError) else []

    def missing(self) -> list[str]:
        """Fields the error says are required but absent."""
        return [str(p["loc"][-1]) for p in self.problems() if p["type"] == "missing" and p["loc"]]

    def field(self, name: str) -> Any:
        return getattr(self.event, name, _ABSENT)


class _Absent:
    def __repr__(self) -> str:
        return "(nothing)"


_ABSENT = _Absent()


def _consumer(model: type[BaseModel], sink: list) -> Any:
    """A handler whose one parameter is typed with ``model``, as ``async def h(event: Model)`` is."""

    async def consumer_typed_with_your_model(event):  # noqa: ANN001 - annotated below, with the learner's model
        sink.append(event)
        return event

    consumer_typed_with_your_model.__annotations__ = {"event": model, "return": Any}
    return consumer_typed_with_your_model


def _plain_shape(model: type[BaseModel]) -> dict:
    try:
        schema = dict(model.model_json_schema())
    except Exception:  # noqa: BLE001 - a field with no JSON schema: not the starter, whatever it is
        return {}
    schema.pop("title", None)
    schema.pop("description", None)
    return schema


class _PlainV1(BaseModel):
    """The brief's contract, types only: the starter of both exercises."""

    user_id: int
    email: str
    name: str


PLAIN_SHAPE = _plain_shape(_PlainV1)


class ContractExercise(Exercise):
    """Publishes ``cases`` through a consumer typed with the learner's model; subclasses judge the outcomes."""

    cases: dict[str, dict] = {}
    model_name = "UserCreated"

    async def evaluate(self, model: Any) -> str:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            fail(f"pass your model class `{self.model_name}` (a Pydantic `BaseModel` subclass) to check(), "
                 f"not {type(model).__name__ if not isinstance(model, type) else model.__name__}.")
        self.not_attempted(model)
        self.judge(await self._in_memory(model))
        try:
            self.judge(await self._on_real_broker(model))
        except Incorrect as wrong:
            fail(f"it worked in memory, but through the real Kafka broker {wrong}")
        return self.success

    success = ""

    def not_attempted(self, model: type[BaseModel]) -> None:
        raise NotImplementedError

    def judge(self, outcomes: dict[str, Outcome]) -> None:
        raise NotImplementedError

    async def _in_memory(self, model: type[BaseModel]) -> dict[str, Outcome]:
        broker = KafkaBroker(logger=silent_logger())
        received: list = []
        broker.subscriber("user.created")(_consumer(model, received))
        outcomes: dict[str, Outcome] = {}
        async with TestKafkaBroker(broker, connect_only=False) as test_broker:
            for name, payload in self.cases.items():
                before = len(received)
                try:
                    await test_broker.publish(payload, "user.created")
                except Exception as exc:  # noqa: BLE001 - a rejected event is an outcome, not a crash
                    outcomes[name] = Outcome(payload, error=exc)
                else:
                    event = received[-1] if len(received) > before else None
                    outcomes[name] = Outcome(payload, event=event)
        return outcomes

    async def _on_real_broker(self, model: type[BaseModel]) -> dict[str, Outcome]:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = sandbox.kafka_broker(logger=silent_logger())
        broker.subscriber(topic, auto_offset_reset="earliest")(_consumer(model, []))
        await broker.start()
        try:
            for payload in self.cases.values():
                await broker.publish(payload, topic)
            deliveries = await sandbox.handled(topic, count=len(self.cases), timeout=TIMEOUT, raise_errors=False)
        except TimeoutError:
            fail(f"the events did not all come back within {TIMEOUT:g} s. "
                 "Run `python -m helpers status` to check the broker.")
        finally:
            await broker.stop()
        outcomes: dict[str, Outcome] = {}
        unused = list(deliveries)
        for name, payload in self.cases.items():
            delivery = next((d for d in unused if d.body == payload), None)
            if delivery is None:
                fail(f"the event {payload} did not reach your consumer.")
            unused.remove(delivery)
            outcomes[name] = Outcome(payload, event=delivery.result, error=delivery.error)
        return outcomes


class DefineUserCreated(ContractExercise):
    id = "03.1"
    title = "Tighten the UserCreated contract"
    label = "ex1"
    model_name = "UserCreated"
    cases = {
        "valid": VALID,
        "newer": {**VALID, "locale": "fr"},
        "text_id": {**VALID, "user_id": "abc"},
        "negative_id": {**VALID, "user_id": -1},
        "zero_id": {**VALID, "user_id": 0},
        "no_email": _without(VALID, "email"),
        "no_at": {**VALID, "email": "grace.example.com"},
        "no_name": _without(VALID, "name"),
        "empty_name": {**VALID, "name": ""},
    }
    hints = (
        "Constraints go in `Field(...)`, written where a default would be: `user_id: int = Field(gt=0)`. "
        "A `Field` without a default keeps the field required.",
        "For `email`, `Field(pattern=r\"...\")` takes a regular expression that the string must match "
        "(`EmailStr` would need the email-validator package, which this course doesn't install). "
        "For `name`, `min_length=1`. Don't forbid extra fields: newer producers add some.",
        "`user_id: int = Field(gt=0)`, `email: str = Field(pattern=r\"^[^@\\s]+@[^@\\s]+$\")`, "
        "`name: str = Field(min_length=1)`.",
    )
    solution_code = '''
class UserCreated(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[^@\\s]+@[^@\\s]+$")
    name: str = Field(min_length=1)
'''
    success = ("your consumer accepted the valid `user.created` event (and one from a newer producer with an "
               "extra `locale`) and rejected user ids 'abc', -1 and 0, a missing or @-less email and a missing or "
               "empty name, in memory and through the real Kafka broker.")

    def not_attempted(self, model: type[BaseModel]) -> None:
        if _plain_shape(model) == PLAIN_SHAPE:
            raise NotAttempted("`UserCreated` still has types only: add the constraints, then run this cell again.")

    def judge(self, o: dict[str, Outcome]) -> None:
        valid = o["valid"]
        if not valid.accepted:
            fail(self._rejected_valid(valid))
        user_id = valid.field("user_id")
        if user_id != 42 or type(user_id) is not int:
            fail(f"the event {VALID} reached your handler with user_id={user_id!r}; it should be the integer 42. "
                 "Type `user_id` as `int`.")
        for key in ("email", "name"):
            if valid.field(key) != VALID[key]:
                fail(f"the event {VALID} reached your handler with {key}={valid.field(key)!r}; "
                     f"it should be {VALID[key]!r}, as sent.")
        if not o["newer"].accepted:
            fail("an event from a newer producer, with an extra `locale` field, was rejected by your consumer: "
                 f"`{describe(o['newer'].error)}`. Consumers must accept fields they don't know yet (Pydantic "
                 "ignores them unless the model forbids extra fields), or every producer upgrade breaks them.")
        if o["text_id"].accepted:
            fail("an event with user_id 'abc' was accepted by your consumer. Type `user_id` as `int`, so text "
                 "that is not a number is rejected.")
        if o["negative_id"].accepted:
            fail("an event with user_id -1 was accepted by your consumer. User ids start at 1: constrain "
                 "`user_id` with `Field(gt=0)`.")
        if o["zero_id"].accepted:
            fail("an event with user_id 0 was accepted by your consumer. User ids start at 1: `gt=0` (greater "
                 "than 0), not `ge=0`.")
        if o["no_email"].accepted:
            fail("an event without `email` was accepted by your consumer. The welcome email needs an address: "
                 "keep `email` required (no default, not optional).")
        if o["no_at"].accepted:
            fail("an event with email 'grace.example.com' (no @) was accepted by your consumer. Constrain "
                 "`email` with a pattern, e.g. `Field(pattern=r\"^[^@\\s]+@[^@\\s]+$\")`.")
        if o["no_name"].accepted:
            fail("an event without `name` was accepted by your consumer. The welcome email greets the user by "
                 "name: keep `name` required.")
        if o["empty_name"].accepted:
            fail("an event with an empty name (\"\") was accepted by your consumer. Require at least one "
                 "character: `Field(min_length=1)`.")

    @staticmethod
    def _rejected_valid(valid: Outcome) -> str:
        head = f"a valid `user.created` event {VALID} was rejected by your consumer: `{describe(valid.error)}`."
        extra = [f for f in valid.missing() if f not in VALID]
        if extra:
            names = ", ".join(f"`{f}`" for f in extra)
            return (f"{head} Your model requires {names}, which producers of `user.created` don't send, so "
                    "every existing event breaks your consumer. Leave it out (or give it a default).")
        if any(p["loc"][-1:] == ("user_id",) and p["type"] == "string_type" for p in valid.problems()):
            return f"{head} Producers send user_id 42 (a JSON number), not text: type `user_id` as `int`."
        return head


class VersionUserCreated(ContractExercise):
    id = "03.2"
    title = "Add a plan without breaking old producers"
    label = "ex2"
    model_name = "UserCreatedWithPlan"
    cases = {
        "v1": VALID,
        "v2_pro": {**VALID, "plan": "pro"},
        "v2_free": {**VALID, "plan": "free"},
        "v2_unknown": {**VALID, "plan": "platinum"},
        "v1_text_id": {**VALID, "user_id": "abc"},
    }
    hints = (
        "A field with a default is optional: an event without it gets the default. That is how v1 events, "
        "which have no `plan`, keep being accepted.",
        "`Literal[\"free\", \"pro\"]` (from `typing`) accepts exactly those two strings. Leave `user_id`, "
        "`email` and `name` exactly as they are.",
        "Add one line: `plan: Literal[\"free\", \"pro\"] = \"free\"`.",
    )
    solution_code = '''
class UserCreatedWithPlan(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro"] = "free"
'''
    success = ("v1 `user.created` events without `plan` (as plan \"free\") and v2 events with plan \"free\" or "
               "\"pro\" are all accepted, and plan \"platinum\" is rejected, in memory and through the real Kafka "
               "broker: old producers keep working while new ones roll out.")

    def not_attempted(self, model: type[BaseModel]) -> None:
        if "plan" in model.model_fields:
            return
        if _plain_shape(model) == PLAIN_SHAPE:
            raise NotAttempted("add the `plan` field to `UserCreatedWithPlan`, then run this cell again.")
        fields = ", ".join(f"`{f}`" for f in model.model_fields)
        fail(f"`UserCreatedWithPlan` has no `plan` field (its fields are {fields}): the new version of the "
             "event adds `plan`.")

    def judge(self, o: dict[str, Outcome]) -> None:
        v1 = o["v1"]
        if not v1.accepted:
            if "plan" in v1.missing():
                fail("a v1 `user.created` event without `plan` was rejected by your consumer: "
                     f"`{describe(v1.error)}`. v1 producers are still running and don't know about `plan`: "
                     "give it a default, so the field is optional.")
            fail(f"a v1 `user.created` event {VALID} was rejected by your consumer: `{describe(v1.error)}`. "
                 "The new version must still accept every v1 event: keep `user_id`, `email` and `name` exactly as "
                 "they were (renaming or retyping a field breaks every consumer that relies on it).")
        user_id = v1.field("user_id")
        if user_id != 42 or type(user_id) is not int:
            fail(f"a v1 event reached your handler with user_id={user_id!r}; it should still be the integer 42. "
                 "Keep `user_id: int`.")
        for key in ("email", "name"):
            if v1.field(key) != VALID[key]:
                fail(f"a v1 event reached your handler with {key}={v1.field(key)!r}; it should still be "
                     f"{VALID[key]!r}. Keep the v1 fields as they were.")
        if v1.field("plan") != "free":
            fail(f"a v1 event without `plan` reached your handler with plan={v1.field('plan')!r}. Every v1 user "
                 "signed up on the free plan: the default must be \"free\".")
        for case, plan in (("v2_pro", "pro"), ("v2_free", "free")):
            outcome = o[case]
            if not outcome.accepted:
                fail(f"a v2 event with plan {plan!r} was rejected by your consumer: `{describe(outcome.error)}`.")
            if outcome.field("plan") != plan:
                fail(f"a v2 event with plan {plan!r} reached your handler with plan={outcome.field('plan')!r}: "
                     "keep the value the producer sent.")
        if o["v2_unknown"].accepted:
            fail("a v2 event with plan 'platinum' was accepted by your consumer. Only \"free\" and \"pro\" exist: "
                 "type `plan` as `Literal[\"free\", \"pro\"]`.")
        if o["v1_text_id"].accepted:
            fail("an event with user_id 'abc' was accepted by your consumer. Keep `user_id: int` as in v1.")


def exercises(sandbox: Any) -> tuple[DefineUserCreated, VersionUserCreated]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return DefineUserCreated(sandbox), VersionUserCreated(sandbox)


__all__ = ["exercises", "DefineUserCreated", "VersionUserCreated", "describe", "VALID"]
