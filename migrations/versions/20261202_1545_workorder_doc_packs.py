"""work-order document packs: links (unique per routing/operation/document) and the export log

Revision ID: 0017_workorder_doc_packs
Revises: 0016_3d_overlays
Create Date: 2026-12-02 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0017_workorder_doc_packs"
down_revision: str | None = "0016_3d_overlays"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the link table and the controlled-copy log."""
    op.create_table(
        "meta_workorder_document_exports",
        sa.Column("workorder_id", sa.String(length=36), nullable=True),
        sa.Column("routing_id", sa.String(length=36), nullable=False),
        sa.Column("operation_id", sa.String(length=36), nullable=True),
        sa.Column("export_format", sa.String(length=8), nullable=False),
        sa.Column("rule", JSONType, nullable=False),
        sa.Column("generated_by", sa.String(length=36), nullable=True),
        sa.Column("generated_by_name", sa.String(length=100), nullable=True),
        sa.Column("generated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_workorder_document_exports_generated_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["routing_id"],
            ["meta_routings.id"],
            name=op.f("fk_meta_workorder_document_exports_routing_id_meta_routings"),
        ),
        sa.ForeignKeyConstraint(
            ["workorder_id"],
            ["meta_workorders.id"],
            name=op.f("fk_meta_workorder_document_exports_workorder_id_meta_workorders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workorder_document_exports")),
    )
    with op.batch_alter_table("meta_workorder_document_exports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_exports_generated_at"),
            ["generated_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_exports_routing_id"),
            ["routing_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_exports_workorder_id"),
            ["workorder_id"],
            unique=False,
        )

    op.create_table(
        "meta_workorder_document_links",
        sa.Column("routing_id", sa.String(length=36), nullable=False),
        sa.Column("operation_id", sa.String(length=36), nullable=True),
        sa.Column("document_config_id", sa.String(length=36), nullable=False),
        sa.Column("inherit_to_children", sa.Boolean(), nullable=False),
        sa.Column("visible_in_production", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_workorder_document_links_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["meta_operations.id"],
            name=op.f("fk_meta_workorder_document_links_operation_id_meta_operations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["routing_id"],
            ["meta_routings.id"],
            name=op.f("fk_meta_workorder_document_links_routing_id_meta_routings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workorder_document_links")),
    )
    with op.batch_alter_table("meta_workorder_document_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_links_document_config_id"),
            ["document_config_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_links_operation_id"),
            ["operation_id"],
            unique=False,
        )
        batch_op.create_index(
            "uq_meta_workorder_document_links_operation",
            ["routing_id", "operation_id", "document_config_id"],
            unique=True,
            postgresql_where=sa.text("operation_id IS NOT NULL"),
            sqlite_where=sa.text("operation_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_meta_workorder_document_links_routing",
            ["routing_id", "document_config_id"],
            unique=True,
            postgresql_where=sa.text("operation_id IS NULL"),
            sqlite_where=sa.text("operation_id IS NULL"),
        )

    op.create_table(
        "meta_workorder_document_export_items",
        sa.Column("export_id", sa.String(length=36), nullable=False),
        sa.Column("document_config_id", sa.String(length=36), nullable=False),
        sa.Column("item_number", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.String(length=8), nullable=True),
        sa.Column("files", JSONType, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["meta_workorder_document_exports.id"],
            name=op.f(
                "fk_meta_workorder_document_export_items_export_id_meta_workorder_document_exports"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workorder_document_export_items")),
    )
    with op.batch_alter_table("meta_workorder_document_export_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meta_wo_doc_export_items_doc", ["document_config_id", "revision"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_workorder_document_export_items_export_id"),
            ["export_id"],
            unique=False,
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("meta_workorder_document_export_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_export_items_export_id"))
        batch_op.drop_index("ix_meta_wo_doc_export_items_doc")

    op.drop_table("meta_workorder_document_export_items")
    with op.batch_alter_table("meta_workorder_document_links", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meta_workorder_document_links_routing",
            postgresql_where=sa.text("operation_id IS NULL"),
            sqlite_where=sa.text("operation_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_meta_workorder_document_links_operation",
            postgresql_where=sa.text("operation_id IS NOT NULL"),
            sqlite_where=sa.text("operation_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_links_operation_id"))
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_links_document_config_id"))

    op.drop_table("meta_workorder_document_links")
    with op.batch_alter_table("meta_workorder_document_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_exports_workorder_id"))
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_exports_routing_id"))
        batch_op.drop_index(batch_op.f("ix_meta_workorder_document_exports_generated_at"))

    op.drop_table("meta_workorder_document_exports")
