"""meta_workflow_custom_action_rules and their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, UTCDateTime, utcnow

TARGETS = ("ECO", "ITEM")
PHASES = ("before", "after")
ACTION_TYPES = ("emit_event", "create_job", "set_eco_priority")
STRATEGIES = ("block", "warn", "retry")
RUN_STATES = ("completed", "warning", "failed")
RESULT_CODES = ("OK", "WARN", "RETRY_EXHAUSTED", "BLOCK", "TIMEOUT")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ActionRule(IdMixin, Base):
    """When (target, from, to, phase) do what (action, params), and what a failure means."""

    __tablename__ = "meta_workflow_custom_action_rules"
    __table_args__ = (
        CheckConstraint(_in("target_object", TARGETS), name="target_object"),
        CheckConstraint(_in("trigger_phase", PHASES), name="trigger_phase"),
        CheckConstraint(_in("action_type", ACTION_TYPES), name="action_type"),
        CheckConstraint(_in("fail_strategy", STRATEGIES), name="fail_strategy"),
        Index("ix_meta_workflow_custom_action_rules_match", "target_object", "trigger_phase"),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    target_object: Mapped[str] = mapped_column(String(8))
    # stage names for an ECO, lifecycle states for an item; null means any
    from_state: Mapped[str | None] = mapped_column(String(100))
    to_state: Mapped[str | None] = mapped_column(String(100))
    trigger_phase: Mapped[str] = mapped_column(String(8))
    action_type: Mapped[str] = mapped_column(String(32))
    action_params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    fail_strategy: Mapped[str] = mapped_column(String(8), default="block")
    max_retries: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    timeout_s: Mapped[float] = mapped_column(Float, default=5.0)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActionRun(IdMixin, Base):
    """One rule run on one transition: outcome, attempts, error and duration."""

    __tablename__ = "meta_workflow_custom_action_runs"
    __table_args__ = (
        CheckConstraint(_in("status", RUN_STATES), name="status"),
        CheckConstraint(_in("result_code", RESULT_CODES), name="result_code"),
        Index("ix_meta_workflow_custom_action_runs_rule", "rule_id", "created_at"),
        Index("ix_meta_workflow_custom_action_runs_object", "object_id", "created_at"),
    )

    # no foreign key: runs stay readable after their rule is deleted
    rule_id: Mapped[str] = mapped_column(String(36))
    rule_name: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(8))
    object_id: Mapped[str] = mapped_column(String(36))
    from_state: Mapped[str | None] = mapped_column(String(100))
    to_state: Mapped[str | None] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    result_code: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    duration_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
