"""part-document links (meta_item_document_links); submitted_by and released_by on meta_items

Revision ID: 20261202_0535_doclinks
Revises: 0008_effectivity
Create Date: 2026-12-02 05:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import UTCDateTime

revision: str = "20261202_0535_doclinks"
down_revision: str | None = "0008_effectivity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_COLUMNS = ("submitted_by", "released_by")


def upgrade() -> None:
    """Add the release signatures to items and the part-document link table."""
    for column in USER_COLUMNS:
        name = f"fk_meta_items_{column}_meta_users"
        if op.get_bind().dialect.name == "sqlite":
            # SQLite cannot ALTER constraints; a column constraint is its one way to add a FK
            op.execute(
                f"ALTER TABLE meta_items ADD COLUMN {column} VARCHAR(36) "
                f"CONSTRAINT {name} REFERENCES meta_users (id)"
            )
        else:
            op.add_column("meta_items", sa.Column(column, sa.String(36), nullable=True))
            op.create_foreign_key(op.f(name), "meta_items", "meta_users", [column], ["id"])
    op.create_table(
        "meta_item_document_links",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("part_id", sa.String(36), nullable=False),
        sa.Column("document_config_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_item_document_links_part_id_meta_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_item_document_links_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_item_document_links")),
        sa.UniqueConstraint(
            "part_id",
            "document_config_id",
            "role",
            name=op.f("uq_meta_item_document_links_part_id_document_config_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_meta_item_document_links_part_id"), "meta_item_document_links", ["part_id"]
    )
    op.create_index(
        op.f("ix_meta_item_document_links_document_config_id"),
        "meta_item_document_links",
        ["document_config_id"],
    )


def downgrade() -> None:
    """Drop the link table and the release signatures."""
    op.drop_table("meta_item_document_links")
    for column in USER_COLUMNS:
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(
                op.f(f"fk_meta_items_{column}_meta_users"), "meta_items", type_="foreignkey"
            )
        # SQLite (3.35+) drops a column together with its column constraint
        op.drop_column("meta_items", column)
