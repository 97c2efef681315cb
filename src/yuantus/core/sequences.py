"""Gap-tolerant, race-safe counters for human numbers (P-000001, ECO-00001, WO-00001)."""

from __future__ import annotations

from sqlalchemy import Integer, String, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from yuantus.core.db import Base


class Sequence(Base):
    """One named counter."""

    __tablename__ = "meta_sequences"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def next_value(session: Session, name: str) -> int:
    """The next value of a counter; the row lock serializes concurrent callers."""
    dialect = session.get_bind().dialect.name
    stmt = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(dialect, insert)
    upsert = stmt(Sequence).values(name=name, value=0)
    if hasattr(upsert, "on_conflict_do_nothing"):
        upsert = upsert.on_conflict_do_nothing(index_elements=["name"])
    session.execute(upsert)
    value = session.scalar(
        update(Sequence)
        .where(Sequence.name == name)
        .values(value=Sequence.value + 1)
        .returning(Sequence.value)
    )
    assert value is not None
    return int(value)


def peek(session: Session, name: str) -> int:
    """The last value handed out (0 when none)."""
    return session.scalar(select(Sequence.value).where(Sequence.name == name)) or 0


def formatted(session: Session, name: str, prefix: str, width: int) -> str:
    """The next number formatted as PREFIX-000123."""
    return f"{prefix}-{next_value(session, name):0{width}d}"
