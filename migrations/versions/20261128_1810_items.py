"""items tables: meta_items, meta_files, meta_item_files

Revision ID: 0002_items
Revises: 0001_foundation
Create Date: 2026-11-28 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0002_items"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OPEN = sa.text("state IN ('Draft', 'InReview')")
CURRENT = sa.text("is_current")


def upgrade() -> None:
    """Create items, files and their links."""
    op.create_table(
        "meta_items",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("item_type", sa.String(16), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("item_number", sa.String(64), nullable=False),
        sa.Column("revision", sa.String(8), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("superseded_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_items_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_items")),
        sa.UniqueConstraint(
            "item_type",
            "item_number",
            "revision",
            name=op.f("uq_meta_items_item_type_item_number_revision"),
        ),
    )
    op.create_index(op.f("ix_meta_items_config_id"), "meta_items", ["config_id"])
    op.create_index(op.f("ix_meta_items_item_number"), "meta_items", ["item_number"])
    op.create_index("ix_meta_items_type_state", "meta_items", ["item_type", "state"])
    op.create_index(
        "uq_meta_items_current_config",
        "meta_items",
        ["config_id"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.create_index(
        "uq_meta_items_open_config",
        "meta_items",
        ["config_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "meta_files",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_files_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_files")),
    )
    op.create_index(op.f("ix_meta_files_sha256"), "meta_files", ["sha256"])
    op.create_table(
        "meta_item_files",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("item_id", sa.String(36), nullable=False),
        sa.Column("file_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_item_files_item_id_meta_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["meta_files.id"], name=op.f("fk_meta_item_files_file_id_meta_files")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_item_files_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_item_files")),
        sa.UniqueConstraint(
            "item_id", "file_id", "role", name=op.f("uq_meta_item_files_item_id_file_id_role")
        ),
    )
    op.create_index(op.f("ix_meta_item_files_item_id"), "meta_item_files", ["item_id"])
    op.create_index(op.f("ix_meta_item_files_file_id"), "meta_item_files", ["file_id"])


def downgrade() -> None:
    """Drop files, links and items."""
    op.drop_table("meta_item_files")
    op.drop_table("meta_files")
    op.drop_table("meta_items")
