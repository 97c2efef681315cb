"""eco tables

Revision ID: 0005_eco
Revises: 0004_bom
Create Date: 2026-11-28 18:40:00
"""

from collections.abc import Sequence

revision: str = "0005_eco"
down_revision: str | None = "0004_bom"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the eco tables."""


def downgrade() -> None:
    """Drop the eco tables."""
