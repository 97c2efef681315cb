"""Request and answer shapes of the identity endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints

from yuantus.core.schemas import PatchSchema, ReadSchema, Schema

RoleName = Literal["admin", "engineer", "approver", "production", "quality", "viewer"]
Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.@-]+$"),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]


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
    roles: list[RoleName] = Field(default_factory=list, max_length=6)


class UserUpdate(PatchSchema):
    """Changes to a user (admin)."""

    roles: list[RoleName] | None = Field(default=None, max_length=6)
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
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


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
