"""FastAPI dependencies of identity: the current user and role guards.

They live here, not in core: core sits below every domain and must not know what a user
is. Routers of the domains above identity import CurrentUser and require_role from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from yuantus.core.context import note_request_user
from yuantus.core.db import READ_ONLY
from yuantus.core.deps import DatabaseDep, SessionDep, SettingsDep
from yuantus.core.errors import Unauthorized
from yuantus.core.openapi import raises
from yuantus.identity import rules
from yuantus.identity import service as identity_service
from yuantus.identity.models import MACHINE_ROLES, User

_bearer = HTTPBearer(auto_error=False, description="JWT from /auth/login or an API token")


@raises(401)
def get_signed_in_user(
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The authenticated, active user (roles or not); 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("authentication required: send Authorization: Bearer <token>")
    user, token_id = identity_service.authenticate_bearer(
        session, credentials.credentials, settings.secrets.jwt_secret
    )
    note_request_user(user.username)  # the access log line names who asked
    if token_id is not None:
        if session.info.get(READ_ONLY):
            # a read request's transaction never writes: stamp the token's use in a short
            # transaction of its own (kept even if the request then fails: the token was used)
            with database.scope() as own:
                identity_service.record_token_use(own, token_id)
        else:
            identity_service.record_token_use(session, token_id)
    return user


SignedInUser = Annotated[User, Depends(get_signed_in_user)]


@raises(401, 403)
def get_current_user(user: SignedInUser) -> User:
    """The signed-in user holding a role; 403 for a user without any or with a machine role only."""
    if not user.roles:
        raise rules.no_role()
    if set(user.roles) <= MACHINE_ROLES:
        # another site's token does its one job and nothing else, not even reads
        raise rules.machine_only(user.roles)
    return user


# every read and write needs a role: a user created without one sees nothing but /auth/me
CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: str) -> Callable[..., User]:
    """A dependency answering the current user when it holds one of the roles (or admin)."""

    @raises(403)
    def guard(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            raise rules.role_required(roles, user.roles)
        return user

    return guard


@raises(401, 403)
def get_sync_user(user: SignedInUser) -> User:
    """The signed-in user holding the `sync` role (or admin): another site's token."""
    if not user.roles:
        raise rules.no_role()
    if not user.has_role("sync"):
        raise rules.role_required(("sync",), user.roles)
    return user


# the doc-sync endpoints another site calls: a sync token passes here and nowhere else
SyncUser = Annotated[User, Depends(get_sync_user)]
