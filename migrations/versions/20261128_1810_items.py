"""items tables

Revision ID: 0002_items
Revises: 0001_foundation
Create Date: 2026-11-28 18:10:00
"""

from collections.abc import Sequence

revision: str = "0002_items"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the items tables."""


def downgrade() -> None:
    """Drop the items tables."""
