"""Answers of GET /ops/summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class MeasureRead(BaseModel):
    """A watched number, its threshold (default or configured) and whether it crossed it."""

    value: float | None = Field(description="null when there was nothing to measure")
    threshold: float
    alert: bool
    description: str


class SectionRead(BaseModel):
    """One capability's numbers."""

    figures: dict[str, Any]
    measures: dict[str, MeasureRead]


class AlertRead(BaseModel):
    """A measure above its threshold."""

    section: str
    measure: str
    value: float
    threshold: float
    message: str


class OpsSummary(BaseModel):
    """The operations overview over a window of days ending now."""

    window_days: int
    since: datetime
    generated_at: datetime
    sections: dict[str, SectionRead]
    alerts: list[AlertRead]
    errors: dict[str, str] = Field(
        description="sections that could not be computed: domain -> error kind (details in the log)"
    )
