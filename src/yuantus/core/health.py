"""GET /health (status and a database round trip), /health/live and /health/ready."""

from __future__ import annotations

import logging
from functools import cache
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from yuantus import __version__
from yuantus.core import manifest, migrate
from yuantus.core.db import Database
from yuantus.core.deps import DatabaseDep, SettingsDep

log = logging.getLogger("yuantus.health")
router = APIRouter(tags=["health"])


class HealthRead(BaseModel):
    """The service's status."""

    status: Literal["ok", "degraded"]
    version: str
    database: str = Field(description='"ok", or "error: <kind>" when the database does not answer')


@router.get(
    "/health",
    response_model=HealthRead,
    responses={503: {"model": HealthRead, "description": "The database does not answer."}},
)
def health(db: DatabaseDep) -> HealthRead | JSONResponse:
    """Service status and version; 503 when the database does not answer."""
    body = HealthRead(status="ok", version=__version__, database="ok")
    try:
        # the read engine: on SQLite a health check must not queue behind a writer
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        body = HealthRead(
            status="degraded", version=__version__, database=f"error: {type(exc).__name__}"
        )
        return JSONResponse(body.model_dump(), status_code=503)
    return body


class LiveRead(BaseModel):
    """The process answers (nothing else is checked)."""

    status: Literal["ok"]
    version: str


class ReadyRead(BaseModel):
    """Whether this process can serve: each check, and the names of those that failed."""

    status: Literal["ok", "failed"]
    version: str
    checks: dict[str, str] = Field(
        description='each check: "ok", or what is wrong (database, migrations, then the '
        "domains' own checks such as storage)"
    )
    failed: list[str]


@router.get("/health/live", response_model=LiveRead)
def live() -> LiveRead:
    """Liveness: the process is up; touches no database (restart it if this fails)."""
    return LiveRead(status="ok", version=__version__)


@router.get(
    "/health/ready",
    response_model=ReadyRead,
    responses={503: {"model": ReadyRead, "description": "A check failed: see `failed`."}},
)
def ready(db: DatabaseDep, settings: SettingsDep) -> ReadyRead | JSONResponse:
    """Readiness: database reachable, migrations at head, storage writable; 503 naming a failure."""
    checks = {"database": _database_check(db)}
    checks["migrations"] = _migrations_check(db) if checks["database"] == "ok" else "not checked"
    for domain, check in manifest.hooks("ready_check"):
        try:
            answers: dict[str, str | None] = check(settings)
        except Exception as exc:
            log.exception("readiness check of %s raised", domain)
            answers = {domain: f"error: {type(exc).__name__}"}
        checks.update({name: problem or "ok" for name, problem in answers.items()})
    failed = [name for name, value in checks.items() if value != "ok"]
    body = ReadyRead(
        status="failed" if failed else "ok", version=__version__, checks=checks, failed=failed
    )
    if failed:
        return JSONResponse(body.model_dump(), status_code=503)
    return body


def _database_check(db: Database) -> str:
    try:
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@cache
def _head(engine: Engine) -> str | None:
    """The newest migration this code ships (read once: the code does not change under us)."""
    return migrate.head_revision(engine)


def _migrations_check(db: Database) -> str:
    try:
        current = migrate.current_revision(db.read_engine)
    except SQLAlchemyError as exc:
        return f"error: {type(exc).__name__}"
    head = _head(db.engine)
    return "ok" if current == head else f"at {current}, head is {head}: run yuantus db upgrade"
