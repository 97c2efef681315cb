"""Request and answer shapes of the identity endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from yuantus.core.schemas import PatchSchema, ReadSchema, Schema
from yuantus.identity import rules

RoleName = Literal["admin", "engineer", "approver", "production", "quality", "viewer", "sync"]
# the rules are functions shared with the CLI (identity/rules.py); the schema documents them
Username = Annotated[
    str,
    AfterValidator(rules.check_username),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": rules.USERNAME_MAX,
            "pattern": rules.USERNAME_PATTERN,
        }
    ),
]
Password = Annotated[
    str,
    AfterValidator(rules.check_password),
    WithJsonSchema(
        {
            "type": "string",
            "format": "password",
            "minLength": rules.PASSWORD_MIN,
            "maxLength": rules.PASSWORD_MAX,
            "writeOnly": True,
        }
    ),
]


class LoginRequest(Schema):
    """Credentials for POST /auth/login."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TokenAnswer(Schema):
    """A bearer access token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class UserCreate(Schema):
    """A new user."""

    username: Username
    password: Password
    email: EmailStr | None = None
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    roles: list[RoleName] = Field(default_factory=list, max_length=7)


class UserUpdate(PatchSchema):
    """Changes to a user (admin)."""

    roles: list[RoleName] | None = Field(default=None, max_length=7)
    is_active: bool | None = None
    password: Password | None = None
    email: EmailStr | None = None
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None


class UserRead(ReadSchema):
    """A user as the API shows it (never the password hash)."""

    id: str
    username: str
    email: str | None
    full_name: str | None
    is_active: bool
    roles: list[str]
    created_at: datetime
    updated_at: datetime


class ApiTokenCreate(Schema):
    """A new API token for the calling user."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Omitted: YUANTUS_API_TOKEN_DEFAULT_DAYS (90)."
    )
    never_expires: bool = Field(default=False, description="A token without expiry (explicit).")

    @model_validator(mode="after")
    def _one_expiry(self) -> Self:
        """An expiry and no expiry at once is a contradiction."""
        if self.never_expires and self.expires_in_days is not None:
            raise ValueError("give expires_in_days or never_expires, not both")
        return self

    def days(self, default_days: int) -> int | None:
        """The token's lifetime in days; None for no expiry."""
        return rules.token_days(self.expires_in_days, self.never_expires, default_days)


class ApiTokenRead(ReadSchema):
    """An API token's metadata (the secret is never shown again)."""

    id: str
    name: str
    token_prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    """A freshly created API token, with its secret shown this once."""

    token: str
