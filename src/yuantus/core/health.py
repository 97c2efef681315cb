"""GET /health: liveness plus a database round trip."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from yuantus import __version__
from yuantus.core.deps import DatabaseDep

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
