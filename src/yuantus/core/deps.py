"""FastAPI dependencies: the request session, the current user, role guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core.db import Database
from yuantus.core.errors import PermissionDenied, Unauthorized
from yuantus.core.http import SESSION_KEY
from yuantus.core.settings import Settings
from yuantus.identity.models import User


def get_database(request: Request) -> Database:
    """The service's database."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The service's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Session:
    """The request's session; TransactionalRoute commits or rolls it back."""
    session: Session | None = getattr(request.state, SESSION_KEY, None)
    if session is None:
        session = get_database(request).session()
        setattr(request.state, SESSION_KEY, session)
    return session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]

_bearer = HTTPBearer(auto_error=False, description="JWT from /auth/login or an API token")


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The authenticated, active user; 401 otherwise."""
    from yuantus.identity import service as identity_service

    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("authentication required: send Authorization: Bearer <token>")
    return identity_service.user_for_bearer(
        session, credentials.credentials, settings.secrets.jwt_secret
    )


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: str) -> Callable[..., User]:
    """A dependency answering the current user when it holds one of the roles (or admin)."""

    def guard(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            raise PermissionDenied(
                f"this action needs one of the roles: {', '.join(roles)}",
                code=ec.ROLE_REQUIRED,
                context={"required_roles": list(roles), "user_roles": list(user.roles)},
            )
        return user

    return guard
