"""bom tables

Revision ID: 0004_bom
Revises: 0003_jobs
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

revision: str = "0004_bom"
down_revision: str | None = "0003_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the bom tables."""


def downgrade() -> None:
    """Drop the bom tables."""
