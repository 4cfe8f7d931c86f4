"""Checkers for lesson 03, event contracts with Pydantic.

Exercise 3.1: ``UserCreated`` with the right types and constraints: real events pass, nonsense is rejected.
Exercise 3.2: ``UserCreatedWithPlan`` adds an optional ``plan``: v1 events (none) and v2 events both accepted,
the v1 fields unchanged, and no plan but "free" and "pro".

Both checks publish a set of ``user.created`` payloads to a subscriber typed with the learner's model,
first on FastStream's in-memory test broker, then through the real Kafka broker in the sandbox, and
judge what the consumer accepted (and as what) and what it rejected. Each payload is a :class:`Case`
that says whether it must be accepted, how to name it, and what to change when it is judged wrongly.
"""

from __future__ import annotations

import enum
import inspect
import json
import warnings
from dataclasses import dataclass, fields
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from pydantic import BaseModel, ValidationError

from ..brokers import silent_logger
from ..exercises import Exercise, Incorrect, NotAttempted, fail

TIMEOUT = 10.0
VALID = {"user_id": 42, "email": "grace@example.com", "name": "Grace Hopper"}
PATTERN = 'e.g. `Field(pattern=r"^[^@\\s]+@[^@\\s]+$")`'


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


@dataclass(frozen=True)
class Case:
    """One event the check publishes: whether the contract accepts it, its name in words, and the fix."""

    payload: dict
    accept: bool
    what: str  # "an event with user_id -1"
    fix: str  # what to change when the learner's consumer judges it the other way

    def as_json(self) -> str:
        return json.dumps(self.payload, ensure_ascii=False)


def accept(payload: dict, what: str, fix: str) -> Case:
    return Case(payload, True, what, fix)


def reject(payload: dict, what: str, fix: str) -> Case:
    return Case(payload, False, what, fix)


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


# -- the events both exercises publish ---------------------------------------------------------
# Real events the v1 contract accepts: a consumer that rejects one breaks on real signups.
REAL_EVENTS = {
    "newer": accept(
        {**VALID, "locale": "fr"}, "an event from a newer producer, with an extra `locale` field",
        "Consumers must accept fields they don't know yet (Pydantic ignores them unless the model forbids "
        "extra fields), or every producer upgrade breaks them."),
    "large_id": accept(
        {**VALID, "user_id": 3_000_000_042}, "a valid event with a large user id",
        "User ids keep growing: don't give `user_id` an upper bound."),
    "long_name": accept(
        {**VALID, "name": "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Sr."},
        "a valid event with a long name",
        "Real names can be long: don't cap `name` with a small `max_length` (the contract asks for at least "
        "one character, nothing more)."),
    "accented_name": accept(
        {**VALID, "name": "Amélie Poulain"}, "a valid event with an accented name",
        "Names are not only ASCII letters: require at least one character, nothing more."),
    "plus_email": accept(
        {**VALID, "email": "grace+signup@example.com"}, "a valid event with a plus-addressed email",
        f"`+` is allowed before the @: check for something on both sides of it, no more, {PATTERN}."),
    "subdomain_email": accept(
        {**VALID, "email": "grace@mail.cs.example.ac.uk"}, "a valid event with an email on a subdomain",
        f"Domains can have several dots: check for something on both sides of the @, no more, {PATTERN}."),
    "mixed_case_email": accept(
        {**VALID, "email": "Grace.Hopper@Navy.mil"}, "a valid event with a mixed-case email",
        f"Addresses can have capitals and dots: check for something on both sides of the @, no more, {PATTERN}."),
}

# Events that break the v1 types (a field missing, null or of the wrong type): every version rejects them.
BROKEN_TYPES = {
    "text_id": reject(
        {**VALID, "user_id": "abc"}, "an event with user_id 'abc'",
        "Type `user_id` as `int`, so text that is not a number is rejected."),
    "no_user_id": reject(
        _without(VALID, "user_id"), "an event without `user_id`",
        "Every event names its user: keep `user_id` required (no default, not optional)."),
    "null_user_id": reject(
        {**VALID, "user_id": None}, "an event with user_id null",
        "null is not a user id: type `user_id` as `int`, not `Optional[int]`."),
    "no_email": reject(
        _without(VALID, "email"), "an event without `email`",
        "The welcome email needs an address: keep `email` required (no default, not optional)."),
    "null_email": reject(
        {**VALID, "email": None}, "an event with email null",
        "null is not an address: type `email` as `str`, not `Optional[str]`."),
    "no_name": reject(
        _without(VALID, "name"), "an event without `name`",
        "The welcome email greets the user by name: keep `name` required (no default, not optional)."),
    "null_name": reject(
        {**VALID, "name": None}, "an event with name null",
        "null is not a name: type `name` as `str`, not `Optional[str]`."),
}

# Events with the right types that make no sense: the constraints of exercise 3.1 reject them.
NONSENSE = {
    "negative_id": reject(
        {**VALID, "user_id": -1}, "an event with user_id -1",
        "User ids start at 1: constrain `user_id` with `Field(gt=0)`."),
    "zero_id": reject(
        {**VALID, "user_id": 0}, "an event with user_id 0",
        "User ids start at 1: `gt=0` (greater than 0), not `ge=0`."),
    "no_at": reject(
        {**VALID, "email": "grace example.com"}, "an event whose email has no @",
        f"An address needs an @: constrain `email` with a pattern, {PATTERN}."),
    "nothing_before_at": reject(
        {**VALID, "email": "@example.com"}, "an event whose email has nothing before the @",
        f"An address needs something on both sides of the @ (a pattern `\"@\"` only checks there is one), "
        f"{PATTERN}."),
    "nothing_after_at": reject(
        {**VALID, "email": "grace@"}, "an event whose email has nothing after the @",
        f"An address needs a domain after the @: something on both sides of it, {PATTERN}."),
    "empty_name": reject(
        {**VALID, "name": ""}, "an event with an empty name (\"\")",
        "Require at least one character: `Field(min_length=1)`."),
}


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


def _own_code(model: type[BaseModel]) -> bool:
    """Validators, methods or config in the class body: code that can change what the model accepts."""
    decorators = model.__pydantic_decorators__
    methods = [v for v in vars(model).values()
               if inspect.isfunction(v) or isinstance(v, (classmethod, staticmethod))]
    return bool(methods or model.model_config or any(getattr(decorators, f.name) for f in fields(decorators)))


def types_only(model: type[BaseModel]) -> bool:
    """The starter: the three v1 fields with their plain types, no constraints, validators or config."""
    return (_plain_shape(model) == PLAIN_SHAPE
            and not any(field.metadata for field in model.model_fields.values())
            and not _own_code(model))


def _plan_as_json(event: Any) -> Any:
    """The ``plan`` of a received event as its JSON output says it, or the error that output raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a default the field's type does not expect warns
            return json.loads(event.model_dump_json()).get("plan", _ABSENT)
    except Exception as error:  # noqa: BLE001 - a model that cannot be serialised: reported as such
        return error


class ContractExercise(Exercise):
    """Publishes ``cases`` through a consumer typed with the learner's model and judges each outcome."""

    cases: dict[str, Case] = {}
    model_name = "UserCreated"
    success = ""
    checked_apart: tuple[str, ...] = ()  # fields the subclass's own inspect() judges

    async def evaluate(self, model: Any) -> str:
        self.require_model_class(model)
        self.not_attempted(model)
        self.judge(await self._in_memory(model))
        try:
            self.judge(await self._on_real_broker(model))
        except Incorrect as wrong:
            fail(f"it worked in memory, but through the real Kafka broker {wrong}")
        return self.success

    def require_model_class(self, model: Any) -> None:
        if isinstance(model, BaseModel):
            fail(f"you passed an instance of {type(model).__name__}; pass the class itself, `{self.model_name}`, "
                 f"without calling it: `await {self.label}.check({self.model_name})`.")
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            what = f"the class `{model.__name__}`" if isinstance(model, type) else f"a {type(model).__name__}"
            fail(f"pass your model class `{self.model_name}` (a Pydantic `BaseModel` subclass) to check(); "
                 f"you passed {what}, which is not a Pydantic model.")

    def not_attempted(self, model: type[BaseModel]) -> None:
        raise NotImplementedError

    # -- judging ----------------------------------------------------------------------------
    def judge(self, outcomes: dict[str, Outcome]) -> None:
        for name, case in self.cases.items():
            outcome = outcomes[name]
            if case.accept and not outcome.accepted:
                fail(self.rejected(case, outcome))
            if not case.accept and outcome.accepted:
                fail(f"your consumer accepted {case.what}: `{case.as_json()}`. {case.fix}")
            if case.accept:
                self.inspect(case, outcome)

    def rejected(self, case: Case, outcome: Outcome) -> str:
        """Why a valid event was rejected, as precisely as the error allows."""
        head = f"your consumer rejected {case.what}: `{case.as_json()}`, with `{describe(outcome.error)}`."
        extra = [f for f in outcome.missing() if f not in case.payload]
        if extra:
            names = ", ".join(f"`{f}`" for f in extra)
            return (f"{head} Your model requires {names}, which producers of `user.created` don't send, so "
                    "every existing event breaks your consumer. Leave it out (or give it a default).")
        if any(p["loc"][-1:] == ("user_id",) and p["type"] == "string_type" for p in outcome.problems()):
            return f"{head} Producers send user_id as a JSON number (42), not text: type `user_id` as `int`."
        return f"{head} {case.fix}"

    def inspect(self, case: Case, outcome: Outcome) -> None:
        """An accepted event reaches the handler as it was sent: every field the model keeps, unchanged."""
        for key, sent in case.payload.items():
            if key in self.checked_apart:
                continue
            value = outcome.field(key)
            if value is _ABSENT and key not in VALID:
                continue  # a field the model does not know: ignored, as it should be
            if not (value == sent and type(value) is type(sent)):
                fail(self.changed(case, key, sent, value))

    def changed(self, case: Case, key: str, sent: Any, value: Any) -> str:
        """Why an accepted event reached the handler with another ``key`` than the one sent."""
        head = f"your consumer accepted {case.what}: `{case.as_json()}`, but"
        if value is _ABSENT:
            return (f"{head} the event that reached your handler has no `{key}`: keep the field `{key}`, "
                    "named as the producers name it.")
        if value == sent:  # the same value, as another type
            kind = type(sent).__name__
            return (f"{head} its `{key}` reached your handler as {type(value).__name__} {value!r}, not {kind} "
                    f"{sent!r}: type `{key}` as `{kind}`.")
        return (f"{head} changed its `{key}` from {sent!r} to {value!r} on the way to your handler: a contract "
                "checks data, it does not rewrite it. A validator raises an error for a value it rejects and "
                "returns the others as they came.")

    # -- running the consumer ------------------------------------------------------------------
    async def _in_memory(self, model: type[BaseModel]) -> dict[str, Outcome]:
        broker = KafkaBroker(logger=silent_logger())
        received: list = []
        broker.subscriber("user.created")(_consumer(model, received))
        outcomes: dict[str, Outcome] = {}
        async with TestKafkaBroker(broker, connect_only=False) as test_broker:
            for name, case in self.cases.items():
                before = len(received)
                try:
                    await test_broker.publish(case.payload, "user.created")
                except Exception as exc:  # noqa: BLE001 - a rejected event is an outcome, not a crash
                    outcomes[name] = Outcome(case.payload, error=exc)
                else:
                    event = received[-1] if len(received) > before else None
                    outcomes[name] = Outcome(case.payload, event=event)
        return outcomes

    async def _on_real_broker(self, model: type[BaseModel]) -> dict[str, Outcome]:
        sandbox = self.sandbox
        topic = self.check_topic("user.created")
        broker = sandbox.kafka_broker(logger=silent_logger())
        broker.subscriber(topic, auto_offset_reset="earliest")(_consumer(model, []))
        await broker.start()
        try:
            for case in self.cases.values():
                await broker.publish(case.payload, topic)
            deliveries = await sandbox.handled(topic, count=len(self.cases), timeout=TIMEOUT, raise_errors=False)
        except TimeoutError:
            fail(f"the events did not all come back within {TIMEOUT:g} s. "
                 "Run `make status` in a terminal to check the broker.")
        finally:
            await broker.stop()
        outcomes: dict[str, Outcome] = {}
        unused = list(deliveries)
        for name, case in self.cases.items():
            delivery = next((d for d in unused if d.body == case.payload), None)
            if delivery is None:
                fail(f"the event `{case.as_json()}` did not reach your consumer.")
            unused.remove(delivery)
            outcomes[name] = Outcome(case.payload, event=delivery.result, error=delivery.error)
        return outcomes


class DefineUserCreated(ContractExercise):
    id = "03.1"
    title = "Tighten the UserCreated contract"
    label = "ex1"
    model_name = "UserCreated"
    cases = {
        "valid": accept(VALID, "a valid `user.created` event",
                        "A contract that rejects real events stops the service at the first signup."),
        **REAL_EVENTS,
        **BROKEN_TYPES,
        **NONSENSE,
    }
    hints = (
        "Constraints go in `Field(...)`, written where a default would be: `user_id: int = Field(gt=0)`. "
        "A `Field` without a default keeps the field required.",
        "For `email`, `Field(pattern=r\"...\")` takes a regular expression that the string must match "
        "(`EmailStr` would need the email-validator package, which this course doesn't install): something, "
        "an @, something. For `name`, `min_length=1`. No upper limits (ids grow, names can be long), and don't "
        "forbid extra fields: newer producers add some. A validator of your own raises an error for a bad value "
        "and returns the others unchanged.",
        "`user_id: int = Field(gt=0)`, `email: str = Field(pattern=r\"^[^@\\s]+@[^@\\s]+$\")`, "
        "`name: str = Field(min_length=1)`.",
    )
    solution_code = '''
class UserCreated(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[^@\\s]+@[^@\\s]+$")
    name: str = Field(min_length=1)
'''
    success = ("your consumer accepted real `user.created` events, unchanged (a large user id, long and accented "
               "names, plus-addressed, mixed-case and subdomain emails, an extra `locale` from a newer producer), "
               "and rejected user ids 'abc', -1 and 0, emails without something on both sides of an @, an empty "
               "name, and events with a field missing or null, in memory and through the real Kafka broker.")

    def not_attempted(self, model: type[BaseModel]) -> None:
        if types_only(model):
            raise NotAttempted("`UserCreated` still has types only: add the constraints, then run this cell again.")


# A v1 consumer's rules, kept in v2: every real v1 event accepted, every broken one rejected.
KEEP_V1 = "The new version must judge v1 events as v1 did: keep `user_id`, `email` and `name` exactly as they were."


def _as_v1(cases: dict[str, Case]) -> dict[str, Case]:
    """Exercise 3.1's events, for 3.2: a v1 event wrongly accepted now is a v1 rule that changed."""
    return {name: c if c.accept else reject(c.payload, c.what, f"{c.fix} {KEEP_V1}") for name, c in cases.items()}


def _plan(plan: Any) -> dict:
    return {**VALID, "plan": plan}


ONLY_TWO_PLANS = "The plans are exactly \"free\" and \"pro\": type `plan` as `Literal[\"free\", \"pro\"]`."


def _no_such_plan(plan: str) -> Case:
    return reject(_plan(plan), f"an event with plan \"{plan}\"", f"There is no {plan} plan. {ONLY_TWO_PLANS}")


def _look_alike(plan: str, contained: str) -> Case:
    """A plan that contains a real one: what an unanchored pattern such as `"free|pro"` accepts."""
    return reject(_plan(plan), f"an event with plan \"{plan}\"",
                  f"\"{plan}\" only contains \"{contained}\": the plan is the whole string (a `pattern` matches "
                  f"anywhere in it unless anchored, `^(free|pro)$`). {ONLY_TWO_PLANS}")


class VersionUserCreated(ContractExercise):
    id = "03.2"
    title = "Add a plan without breaking old producers"
    label = "ex2"
    model_name = "UserCreatedWithPlan"
    checked_apart = ("plan",)  # an Enum member may stand for the plan sent: judged in inspect()
    cases = {
        "valid": accept(VALID, "a v1 `user.created` event (no `plan`)", KEEP_V1),
        **_as_v1(REAL_EVENTS),
        "v2_pro": accept(_plan("pro"), "a v2 event with plan \"pro\"", ONLY_TWO_PLANS),
        "v2_free": accept(_plan("free"), "a v2 event with plan \"free\"", ONLY_TWO_PLANS),
        "v2_unknown": reject(_plan("platinum"), "an event with plan \"platinum\"", ONLY_TWO_PLANS),
        "v2_enterprise": _no_such_plan("enterprise"),
        "v2_trial": _no_such_plan("trial"),
        "v2_professional": _look_alike("professional", "pro"),
        "v2_freemium": _look_alike("freemium", "free"),
        "v2_nonfree": _look_alike("nonfree", "free"),
        "v2_empty": reject(_plan(""), "an event with an empty plan (\"\")",
                           f"An empty string is not a plan: a producer without one leaves `plan` out, and the "
                           f"event gets the default. {ONLY_TWO_PLANS}"),
        "v2_upper": reject(_plan("PRO"), "an event with plan \"PRO\"",
                           f"Plans are lower case; a consumer that accepts other spellings lets producers send "
                           f"them to everyone downstream. {ONLY_TWO_PLANS}"),
        "v2_null": reject(_plan(None), "an event with plan null",
                          "A producer that sends a plan sends \"free\" or \"pro\"; one that sends none gets the "
                          "default. Don't make `plan` `Optional`: `plan: Literal[\"free\", \"pro\"] = \"free\"`."),
        **_as_v1(BROKEN_TYPES),
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
               "\"pro\" are all accepted, unchanged; plans \"platinum\", \"enterprise\", \"trial\", \"PRO\", \"\", "
               "null and look-alikes such as \"professional\" are rejected, and so are v1 events with a field "
               "missing, null or of the wrong type, as before, in memory and through the real Kafka broker: old "
               "producers keep working while new ones roll out.")

    def not_attempted(self, model: type[BaseModel]) -> None:
        if "plan" in model.model_fields:
            return
        if types_only(model):
            raise NotAttempted("add the `plan` field to `UserCreatedWithPlan`, then run this cell again.")
        fields = ", ".join(f"`{f}`" for f in model.model_fields)
        fail(f"`UserCreatedWithPlan` has no `plan` field (its fields are {fields}): the new version of the "
             "event adds `plan`.")

    def rejected(self, case: Case, outcome: Outcome) -> str:
        if "plan" not in case.payload and "plan" in outcome.missing():
            return (f"your consumer rejected {case.what}: `{case.as_json()}`, with `{describe(outcome.error)}`. "
                    "v1 producers are still running and don't know about `plan`: give it a default, so the "
                    "field is optional.")
        return super().rejected(case, outcome)

    def inspect(self, case: Case, outcome: Outcome) -> None:
        super().inspect(case, outcome)
        plan = case.payload.get("plan", "free")
        value, as_json = outcome.field("plan"), _plan_as_json(outcome.event)
        # "free" itself, or an Enum member that stands for it (its value, or what it serialises to)
        as_sent = value == plan or getattr(value, "value", None) == plan or (
            isinstance(value, enum.Enum) and as_json == plan)
        if not as_sent:
            if "plan" not in case.payload:
                fail(f"{case.what} reached your handler with plan={value!r}. Every v1 user signed up on the free "
                     "plan: the default must be \"free\".")
            fail(f"{case.what} reached your handler with plan={value!r}: keep the value the producer sent.")
        if isinstance(as_json, Exception):
            fail(f"{case.what} was accepted, but turning it back into JSON failed: `{describe(as_json)}`. "
                 "Events are JSON on the wire: the plan must serialise as \"free\" or \"pro\".")
        if as_json != plan:
            said = "no plan" if as_json is _ABSENT else f"\"plan\": {json.dumps(as_json)}"
            fail(f"{case.what} was accepted with plan={value!r}, but its JSON output says {said}, not "
                 f"\"plan\": {json.dumps(plan)}. Events are JSON on the wire: the plan must serialise as "
                 "\"free\" or \"pro\".")


def exercises(sandbox: Any) -> tuple[DefineUserCreated, VersionUserCreated]:
    """The lesson's exercises, checking on the real broker inside ``sandbox``."""
    return DefineUserCreated(sandbox), VersionUserCreated(sandbox)


__all__ = ["exercises", "DefineUserCreated", "VersionUserCreated", "describe", "types_only", "VALID"]
