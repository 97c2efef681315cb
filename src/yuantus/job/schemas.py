"""Answer shapes of the job endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from yuantus.core.schemas import ReadSchema


class JobRead(ReadSchema):
    """A job with its attempts, errors, result and progress."""

    id: str
    task_type: str
    # the API's `state`; the column keeps the seed's name `status`
    state: str = Field(validation_alias="status")
    priority: int
    payload: dict[str, Any]
    attempts: int = Field(validation_alias="attempt_count")
    max_attempts: int
    remaining_attempts: int
    is_dead_letter: bool
    last_error: str | None
    error_history: list[dict[str, Any]]
    result: dict[str, Any] | None
    progress: dict[str, Any] | None
    dedupe_key: str | None
    worker_id: str | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    scheduled_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    completed_at: datetime | None
