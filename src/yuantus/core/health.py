"""GET /health: liveness plus a database round trip."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from yuantus import __version__
from yuantus.core.deps import DatabaseDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: DatabaseDep) -> JSONResponse:
    """Service status and version; 503 when the database does not answer."""
    body: dict[str, Any] = {"status": "ok", "version": __version__, "database": "ok"}
    try:
        # the read engine: on SQLite a health check must not queue behind a writer
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        body.update(status="degraded", database=f"error: {type(exc).__name__}")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
