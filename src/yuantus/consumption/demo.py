"""Demo plans placeholder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext


def load(session: Session, ctx: DemoContext) -> None:
    """Nothing yet."""
