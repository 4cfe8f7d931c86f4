"""Answers to lesson 03's exercises as learners write them: the solution, the starter, and mistakes."""

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, conint

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
    """Also correct: conint and ge=1."""

    user_id: conint(ge=1)
    email: str = Field(pattern="@")
    name: str = Field(min_length=1, max_length=200)


class UserCreatedStarter(BaseModel):
    """The starter: types only."""

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


user_created_dict = {"user_id": int, "email": str, "name": str}


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
