"""item search: meta_items.search_text, a pg_trgm GIN index (PostgreSQL), FTS5 + triggers (SQLite)

Revision ID: 0019_item_search
Revises: 0018_job_canceled
Create Date: 2026-12-02 16:00:00

SQLite: `meta_items_fts` (FTS5, trigram tokenizer: substring matches) holds each revision's
search text under the rowid `meta_items_fts_map` gives its id (an INTEGER PRIMARY KEY, which
VACUUM keeps, unlike meta_items' implicit rowid). Triggers on meta_items keep both in step.
A later migration that rebuilds meta_items in batch mode drops these triggers: it must call
`create_sqlite_triggers()` again (tests/item/test_search.py checks they exist at head).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.item.searchtext import search_text

revision: str = "0019_item_search"
down_revision: str | None = "0018_job_canceled"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAP = "SELECT rowid FROM meta_items_fts_map WHERE item_id = {ref}.id"
SQLITE_TRIGGERS = {
    "meta_items_fts_ai": f"""
        CREATE TRIGGER meta_items_fts_ai AFTER INSERT ON meta_items BEGIN
            INSERT INTO meta_items_fts_map (item_id) VALUES (new.id);
            INSERT INTO meta_items_fts (rowid, search_text)
                VALUES (({_MAP.format(ref="new")}), new.search_text);
        END""",
    "meta_items_fts_au": f"""
        CREATE TRIGGER meta_items_fts_au AFTER UPDATE OF search_text ON meta_items BEGIN
            UPDATE meta_items_fts SET search_text = new.search_text
                WHERE rowid = ({_MAP.format(ref="new")});
        END""",
    "meta_items_fts_ad": f"""
        CREATE TRIGGER meta_items_fts_ad AFTER DELETE ON meta_items BEGIN
            DELETE FROM meta_items_fts WHERE rowid = ({_MAP.format(ref="old")});
            DELETE FROM meta_items_fts_map WHERE item_id = old.id;
        END""",
}


def create_sqlite_triggers() -> None:
    """The triggers that mirror meta_items.search_text into meta_items_fts."""
    for ddl in SQLITE_TRIGGERS.values():
        op.execute(ddl)


def upgrade() -> None:
    """Add and backfill the search text, then index it for the backend."""
    # plain ALTERs on SQLite too: a batch rebuild would turn meta_items' column constraints
    # into table constraints, which the native DROP COLUMN of older downgrades cannot drop
    op.add_column(
        "meta_items", sa.Column("search_text", sa.Text(), server_default="", nullable=False)
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, item_number, name, description, properties FROM meta_items")
    ).all()
    items = sa.table("meta_items", sa.column("id", sa.String), sa.column("search_text", sa.Text))
    for row in rows:
        # SQLite answers the JSON column as text through a plain SELECT
        properties = row.properties
        if isinstance(properties, str):
            properties = json.loads(properties)
        text = search_text(row.item_number, row.name, row.description, properties)
        bind.execute(items.update().where(items.c.id == row.id).values(search_text=text))
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_meta_items_search_trgm ON meta_items "
            "USING gin (search_text gin_trgm_ops)"
        )
    else:
        op.execute(
            "CREATE TABLE meta_items_fts_map ("
            "rowid INTEGER PRIMARY KEY, item_id VARCHAR(36) NOT NULL UNIQUE)"
        )
        op.execute(
            "CREATE VIRTUAL TABLE meta_items_fts USING fts5(search_text, tokenize='trigram')"
        )
        op.execute("INSERT INTO meta_items_fts_map (item_id) SELECT id FROM meta_items")
        op.execute(
            "INSERT INTO meta_items_fts (rowid, search_text) SELECT m.rowid, i.search_text "
            "FROM meta_items_fts_map m JOIN meta_items i ON i.id = m.item_id"
        )
        create_sqlite_triggers()


def downgrade() -> None:
    """Drop the index (or the FTS table and its triggers) and the column."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_meta_items_search_trgm")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS meta_items_fts")
        op.execute("DROP TABLE IF EXISTS meta_items_fts_map")
    op.execute("ALTER TABLE meta_items DROP COLUMN search_text")
