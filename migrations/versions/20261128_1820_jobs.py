"""jobs tables

Revision ID: 0003_jobs
Revises: 0002_items
Create Date: 2026-11-28 18:20:00
"""

from collections.abc import Sequence

revision: str = "0003_jobs"
down_revision: str | None = "0002_items"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the jobs tables."""


def downgrade() -> None:
    """Drop the jobs tables."""
