"""Input rules of identity shared by the API schemas and the CLI: one function per rule."""

from __future__ import annotations

import re
from collections.abc import Sequence

from yuantus.core import error_codes as ec
from yuantus.core.errors import PermissionDenied
from yuantus.identity import codes
from yuantus.identity.models import MACHINE_ROLES, ROLES

PASSWORD_MIN = 8
PASSWORD_MAX = 256
USERNAME_MAX = 64
USERNAME_PATTERN = r"^[\w.@-]+$"
_USERNAME = re.compile(USERNAME_PATTERN)


def check_password(password: str) -> str:
    """The password when it satisfies the rules; ValueError saying which (never echoing it)."""
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"password must have at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"password must have at most {PASSWORD_MAX} characters")
    if not password.strip():
        raise ValueError("password must not be only whitespace")
    return password


def check_username(username: str) -> str:
    """The stripped username when it satisfies the rules; ValueError saying which."""
    name = username.strip()
    if not name or len(name) > USERNAME_MAX:
        raise ValueError(f"username must have 1 to {USERNAME_MAX} characters")
    if not _USERNAME.match(name):
        raise ValueError("username may contain only letters, digits and . @ _ -")
    return name


def token_days(expires_in_days: int | None, never_expires: bool, default_days: int) -> int | None:
    """An API token's lifetime: the days asked for, none only when asked, else the default."""
    if never_expires:
        if expires_in_days is not None:
            raise ValueError("give expires_in_days or never_expires, not both")
        return None
    return expires_in_days if expires_in_days is not None else default_days


def role_required(
    roles: Sequence[str],
    user_roles: Sequence[str],
    *,
    action: str = "this action",
    **context: object,
) -> PermissionDenied:
    """The one 403 for a missing role: it names every role that passes, admin included."""
    required = [*dict.fromkeys(roles)]
    if "admin" not in required:
        required.append("admin")
    return PermissionDenied(
        f"{action} needs one of the roles: {', '.join(required)}",
        code=ec.ROLE_REQUIRED,
        context={"required_roles": required, "user_roles": list(user_roles), **context},
    )


def no_role() -> PermissionDenied:
    """The 403 for a signed-in user without any role."""
    return PermissionDenied(
        "your account has no role yet: ask an admin for a role",
        code=codes.NO_ROLE,
        context={"required_roles": list(ROLES), "user_roles": []},
    )


def machine_only(user_roles: Sequence[str]) -> PermissionDenied:
    """The 403 for a machine account (role `sync` only) anywhere but its own endpoints."""
    human = [r for r in ROLES if r not in MACHINE_ROLES]
    return role_required(
        human, user_roles, action="this endpoint (a sync account calls only /doc-sync/inbound)"
    )
