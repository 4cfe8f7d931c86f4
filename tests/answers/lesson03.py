"""Answers to lesson 03's exercises as learners write them: the solution, the starter, and mistakes."""

import enum
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StringConstraints,
    conint,
    constr,
    field_serializer,
    field_validator,
    model_validator,
)

EMAIL = r"^[^@\s]+@[^@\s]+$"


# -- Exercise 03.1: the UserCreated contract -------------------------------------------
class UserCreated(BaseModel):
    """The solution."""

    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedAnnotated(BaseModel):
    """Also correct: constraints as Annotated types, a stricter address pattern, an optional extra field."""

    user_id: Annotated[int, Field(gt=0)]
    email: Annotated[str, StringConstraints(pattern=r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")]
    name: Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
    locale: str = "en"


class UserCreatedConint(BaseModel):
    """Also correct: conint and ge=1, an unanchored pattern, a generous upper bound on the name."""

    user_id: conint(ge=1)
    email: str = Field(pattern=".+@.+")
    name: str = Field(min_length=1, max_length=200)


class UserCreatedFieldValidators(BaseModel):
    """Also correct: the constraints as field validators."""

    user_id: int
    email: str
    name: str

    @field_validator("user_id")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("user ids start at 1")
        return value

    @field_validator("email")
    @classmethod
    def _has_at(cls, value: str) -> str:
        local, at, domain = value.partition("@")
        if not (local and at and domain):
            raise ValueError("an address is something@something")
        return value

    @field_validator("name")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("name is empty")
        return value


class UserCreatedModelValidator(BaseModel):
    """Also correct: one model validator."""

    user_id: int
    email: str
    name: str

    @model_validator(mode="after")
    def _makes_sense(self):
        if self.user_id < 1 or not self.name or not re.fullmatch(r"[^@\s]+@[^@\s]+", self.email):
            raise ValueError("not a sensible user.created event")
        return self


def _address(value: str) -> str:
    if "@" not in value.strip("@"):
        raise ValueError("an address needs an @ between two parts")
    return value


class UserCreatedAfterValidator(BaseModel):
    """Also correct: PositiveInt and an AfterValidator."""

    user_id: PositiveInt
    email: Annotated[str, AfterValidator(_address)]
    name: Annotated[str, StringConstraints(min_length=1)]


class UserCreatedExtraAllowed(BaseModel):
    """Also correct: extra fields kept, whitespace stripped, a pattern that wants a dot in the domain."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    user_id: int = Field(ge=1)
    email: str = Field(pattern=r"^\S+@\S+\.\S+$")
    name: str = Field(min_length=1, max_length=200)


class UserCreatedClassicRegex(BaseModel):
    """Also correct: the classic address regex, strict ints, frozen, whitespace stripped."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    user_id: int = Field(ge=1, strict=True)
    email: str = Field(pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
    name: str = Field(min_length=1)


class UserCreatedStarter(BaseModel):
    """The starter: types only."""

    user_id: int
    email: str
    name: str


class UserCreatedStarterDocumented(BaseModel):
    """The starter with a docstring: still types only."""

    user_id: int
    email: str
    name: str


class UserCreatedIdAsText(BaseModel):
    user_id: str = Field(min_length=1)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedIdAny(BaseModel):
    user_id: Any
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedNoIdConstraint(BaseModel):
    user_id: int
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedZeroAllowed(BaseModel):
    user_id: int = Field(ge=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedEmailOptional(BaseModel):
    user_id: int = Field(gt=0)
    email: Optional[str] = None
    name: str = Field(min_length=1)


class UserCreatedEmailUnchecked(BaseModel):
    user_id: int = Field(gt=0)
    email: str
    name: str = Field(min_length=1)


class UserCreatedNameOptional(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = ""


class UserCreatedNameEmptyAllowed(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str


class UserCreatedForbidsExtra(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedRequiresLocale(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)
    locale: str


class UserCreatedEmailJustAt(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern="@")  # "@example.com" and "grace@" match
    name: str = Field(min_length=1)


class UserCreatedEmailNoDomain(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[^@\s]+@")  # "grace@" matches
    name: str = Field(min_length=1)


class UserCreatedEmailTooStrict(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[a-z]+@[a-z]+\.[a-z]+$")  # no "+", no subdomains
    name: str = Field(min_length=1)


class UserCreatedEmailLowercaseOnly(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=r"^[a-z0-9._+-]+@[a-z0-9.-]+$")  # Grace.Hopper@Navy.mil fails
    name: str = Field(min_length=1)


class UserCreatedEmailLowercased(BaseModel):
    user_id: int = Field(gt=0)
    email: constr(pattern=EMAIL, to_lower=True)  # accepted, but rewritten
    name: str = Field(min_length=1)


class UserCreatedNameTruncated(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _shorten(cls, value: str) -> str:
        return value[:20]  # long names accepted, but cut


class UserCreatedNameAsciiFolded(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _ascii(cls, value: str) -> str:
        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()  # Amélie -> Amelie


class UserCreatedIdWrapped(BaseModel):
    user_id: int
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)

    @field_validator("user_id")
    @classmethod
    def _positive_int32(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("user ids start at 1")
        return value % 2**31  # large ids wrap around


class UserCreatedIdFloat(BaseModel):
    user_id: float = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedIdOptional(BaseModel):
    user_id: Optional[int] = Field(None, gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedIdUpperBound(BaseModel):
    user_id: int = Field(gt=0, lt=100)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)


class UserCreatedNameMaxLength(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1, max_length=12)


class UserCreatedNameAsciiOnly(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(pattern=r"^[A-Za-z .-]+$")


class UserCreatedNameNullable(BaseModel):
    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: Optional[str] = Field(min_length=1)


class UserCreatedValidatorRaises(BaseModel):
    user_id: int
    email: str
    name: str

    @model_validator(mode="after")
    def _check(self):
        raise RuntimeError("validator not finished")


class UserCreatedSlowValidator(BaseModel):
    """Blocks the event loop for 0.3 s per event: with a short time limit the check stops it."""

    user_id: int = Field(gt=0)
    email: str = Field(pattern=EMAIL)
    name: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _slow(cls, data):
        time.sleep(0.3)
        return data


user_created_dict = {"user_id": int, "email": str, "name": str}
user_created_instance = UserCreated(user_id=1, email="ada@example.com", name="Ada")


@dataclass
class UserCreatedDataclass:
    user_id: int
    email: str
    name: str


# -- Exercise 03.2: the next version adds `plan` ---------------------------------------------
class UserCreatedWithPlan(BaseModel):
    """The solution."""

    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanSubclass(UserCreated):
    """Also correct: extend the constrained v1 model from Exercise 03.1."""

    plan: Literal["free", "pro"] = Field(default="free", description="added in v2")


class Plan(enum.Enum):
    FREE = "free"
    PRO = "pro"


class UserCreatedWithPlanEnum(BaseModel):
    """Also correct: a plain Enum; its JSON output is "free" or "pro"."""

    user_id: int
    email: str
    name: str
    plan: Plan = Plan.FREE


class StrPlan(str, enum.Enum):
    FREE = "free"
    PRO = "pro"


class UserCreatedWithPlanStrEnum(BaseModel):
    """Also correct: a str Enum."""

    user_id: int
    email: str
    name: str
    plan: StrPlan = StrPlan.FREE


class UserCreatedWithPlanValidator(BaseModel):
    """Also correct: a str checked by a validator."""

    user_id: int
    email: str
    name: str
    plan: str = Field(default="free", description="free or pro")

    @field_validator("plan")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in ("free", "pro"):
            raise ValueError("plan is free or pro")
        return value


class UserCreatedWithPlanAnchoredPattern(BaseModel):
    """Also correct: a str with an anchored pattern."""

    user_id: int
    email: str
    name: str
    plan: str = Field(default="free", pattern=r"^(free|pro)$")


class UserCreatedWithPlanEnumValues(BaseModel):
    """Also correct: an Enum, stored as its value."""

    model_config = ConfigDict(use_enum_values=True)

    user_id: int
    email: str
    name: str
    plan: Plan = Plan.FREE


class UserCreatedWithPlanStarter(BaseModel):
    """The starter: still v1."""

    user_id: int
    email: str
    name: str


class UserCreatedWithPlanPlanRequired(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro"]


class UserCreatedWithPlanWrongDefault(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro"] = "pro"


class UserCreatedWithPlanNoneDefault(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Optional[Literal["free", "pro"]] = None


class UserCreatedWithPlanAnyPlan(BaseModel):
    user_id: int
    email: str
    name: str
    plan: str = "free"


class UserCreatedWithPlanIdRetyped(BaseModel):
    user_id: str
    email: str
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanRenamed(BaseModel):
    user_id: int
    email_address: str
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanIdLoosened(BaseModel):
    user_id: int | str
    email: str
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanSubscription(BaseModel):
    user_id: int
    email: str
    name: str
    subscription: Literal["free", "pro"] = "free"


class UserCreatedWithPlanNullable(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Optional[Literal["free", "pro"]] = "free"


class UserCreatedWithPlanThirdPlan(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro", "enterprise"] = "free"


class UserCreatedWithPlanUnanchored(BaseModel):
    user_id: int
    email: str
    name: str
    plan: str = Field("free", pattern="free|pro")  # "professional" matches too


class UserCreatedWithPlanTrial(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro", "trial"] = "free"


class UserCreatedWithPlanEmptyAllowed(BaseModel):
    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro", ""] = "free"


class UserCreatedWithPlanNameTruncated(UserCreatedWithPlan):
    @field_validator("name")
    @classmethod
    def _shorten(cls, value: str) -> str:
        return value[:20]


class UserCreatedWithPlanAnyCase(BaseModel):
    user_id: int
    email: str
    name: str
    plan: str = "free"

    @field_validator("plan")
    @classmethod
    def _known(cls, value: str) -> str:
        if value.lower() not in ("free", "pro"):
            raise ValueError("unknown plan")
        return value  # "PRO" stays "PRO"


class UserCreatedWithPlanNameLoosened(BaseModel):
    user_id: int
    email: str
    name: Optional[str] = None
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanEmailDefault(BaseModel):
    user_id: int
    email: str = ""
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanForbidsExtra(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int
    email: str
    name: str
    plan: Literal["free", "pro"] = "free"


class UserCreatedWithPlanEnumByName(BaseModel):
    """The plan is right in Python, but its JSON output is "FREE"/"PRO"."""

    user_id: int
    email: str
    name: str
    plan: Plan = Plan.FREE

    @field_serializer("plan")
    def _by_name(self, plan: Plan) -> str:
        return plan.name


user_created_with_plan_instance = UserCreatedWithPlan(user_id=1, email="ada@example.com", name="Ada")
