"""FastAPI dependencies: the request session, settings and database.

The current user and role guards are identity's (yuantus.identity.deps): core knows no domain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from yuantus.core.db import Database
from yuantus.core.http import SESSION_KEY
from yuantus.core.settings import Settings


def get_database(request: Request) -> Database:
    """The service's database."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The service's settings."""
    settings: Settings = request.app.state.settings
    return settings


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Session:
    """The request's session (read-only for GET/HEAD/OPTIONS); TransactionalRoute ends it."""
    session: Session | None = getattr(request.state, SESSION_KEY, None)
    if session is None:
        session = get_database(request).session(read_only=request.method in READ_METHODS)
        setattr(request.state, SESSION_KEY, session)
    return session


def read_only_session(request: Request) -> None:
    """A route dependency: the request's session only reads, whatever the method.

    For a write route that does its slow work (receiving, hashing, syncing bytes) first and
    then writes in a short transaction of its own: on SQLite the request's session would hold
    the database-wide write lock from its first query (the sign-in) to its end.
    """
    if getattr(request.state, SESSION_KEY, None) is None:
        setattr(request.state, SESSION_KEY, get_database(request).session(read_only=True))


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
