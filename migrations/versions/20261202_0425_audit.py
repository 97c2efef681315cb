"""audit log: meta_audit_events, append-only (on PostgreSQL guarded by triggers)

Revision ID: 0007_audit
Revises: 0006_manufacturing
Create Date: 2026-12-02 04:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0007_audit"
down_revision: str | None = "0006_manufacturing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# UPDATE and DELETE are refused for every row. TRUNCATE is refused too, unless the session
# says `SET LOCAL yuantus.allow_audit_truncate = 'on'`: the deliberate, visible way to
# empty a test or staging database (the test suite does it between tests)
GUARD_FUNCTION = """
CREATE FUNCTION meta_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('yuantus.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'meta_audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
GUARD_ROWS = """
CREATE TRIGGER meta_audit_events_no_update_delete
BEFORE UPDATE OR DELETE ON meta_audit_events
FOR EACH ROW EXECUTE FUNCTION meta_audit_events_append_only()
"""
GUARD_TRUNCATE = """
CREATE TRIGGER meta_audit_events_no_truncate
BEFORE TRUNCATE ON meta_audit_events
FOR EACH STATEMENT EXECUTE FUNCTION meta_audit_events_append_only()
"""


def upgrade() -> None:
    """Create the audit table and, on PostgreSQL, its append-only guard."""
    op.create_table(
        "meta_audit_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("before", JSONType, nullable=True),
        sa.Column("after", JSONType, nullable=True),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("actor_name", sa.String(100), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_audit_events")),
    )
    op.create_index(
        "ix_meta_audit_events_object",
        "meta_audit_events",
        ["object_type", "object_id", "created_at"],
    )
    op.create_index("ix_meta_audit_events_actor_id", "meta_audit_events", ["actor_id"])
    op.create_index("ix_meta_audit_events_created_at", "meta_audit_events", ["created_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_FUNCTION)
        op.execute(GUARD_ROWS)
        op.execute(GUARD_TRUNCATE)


def downgrade() -> None:
    """Drop the audit table and its guard."""
    # dropping the table drops its triggers; the function goes after them
    op.drop_table("meta_audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION meta_audit_events_append_only()")
