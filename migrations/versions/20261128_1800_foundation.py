"""foundation: users, API tokens and number sequences

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-28 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create meta_users and meta_api_tokens."""
    op.create_table(
        "meta_users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("full_name", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_users")),
        sa.UniqueConstraint("username", name=op.f("uq_meta_users_username")),
    )
    op.create_table(
        "meta_api_tokens",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("token_prefix", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["meta_users.id"],
            name=op.f("fk_meta_api_tokens_user_id_meta_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_meta_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_meta_api_tokens_user_id"), "meta_api_tokens", ["user_id"])
    op.create_table(
        "meta_sequences",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_meta_sequences")),
    )


def downgrade() -> None:
    """Drop meta_api_tokens and meta_users."""
    op.drop_table("meta_sequences")
    op.drop_table("meta_api_tokens")
    op.drop_table("meta_users")
