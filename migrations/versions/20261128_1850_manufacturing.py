"""manufacturing tables

Revision ID: 0006_manufacturing
Revises: 0005_eco
Create Date: 2026-11-28 18:50:00
"""

from collections.abc import Sequence

revision: str = "0006_manufacturing"
down_revision: str | None = "0005_eco"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the manufacturing tables."""


def downgrade() -> None:
    """Drop the manufacturing tables."""
