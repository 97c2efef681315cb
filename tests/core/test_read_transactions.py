"""Read requests run in read-only transactions: on SQLite they never wait for the write lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text, update

from tests.conftest import bearer, make_settings
from yuantus.app import create_app
from yuantus.core.db import Database, ReadOnlyViolation
from yuantus.identity import service as identity_service
from yuantus.identity.models import ApiToken, User
from yuantus.item import service as item_service
from yuantus.item.models import Item


@pytest.fixture
def impatient(database: Database, backend_url: str, tmp_path: Path) -> Iterator[Database]:
    """A second service database on the same data whose writers give up after 0.2 s."""
    db = Database(make_settings(tmp_path / "data", backend_url, sqlite_busy_timeout_ms=200))
    yield db
    db.dispose()


@pytest.fixture
def part(database: Database) -> str:
    """A committed Draft part's id."""
    with database.scope() as s:
        return item_service.create(s, "Part", "Bracket", item_number="P-READ").id


def test_get_answers_while_another_writer_holds_the_lock(
    impatient: Database, database: Database, users: dict[str, User], part: str
) -> None:
    app = create_app(impatient.settings, database=impatient)
    with TestClient(app, headers=bearer(users["viewer"])) as viewer:
        # an open write transaction (BEGIN IMMEDIATE on SQLite) holds the write lock while
        # the reads run; before, each GET also began IMMEDIATE and failed after 0.2 s
        with database.engine.begin() as writer:
            writer.execute(
                text("UPDATE meta_items SET name = 'renamed' WHERE id = :id"), {"id": part}
            )
            item = viewer.get(f"/api/v1/items/{part}")
            tree = viewer.get(f"/api/v1/bom/{part}/tree")
            health = viewer.get("/api/v1/health")
        assert item.status_code == 200, item.text
        assert item.json()["name"] == "Bracket"  # the committed state, not the open write
        assert tree.status_code == 200, tree.text
        assert health.json()["database"] == "ok"
        assert viewer.get(f"/api/v1/items/{part}").json()["name"] == "renamed"


def test_reads_begin_deferred_and_writes_immediate_on_sqlite(
    impatient: Database, users: dict[str, User], part: str
) -> None:
    if impatient.dialect != "sqlite":
        pytest.skip("PostgreSQL has no BEGIN modes")
    begins: list[str] = []

    def seen(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    app = create_app(impatient.settings, database=impatient)
    with TestClient(app, headers=bearer(users["engineer"])) as eng:
        event.listen(impatient.engine, "before_cursor_execute", seen)
        try:
            assert eng.get(f"/api/v1/items/{part}").status_code == 200
            assert eng.patch(f"/api/v1/items/{part}", json={"name": "B"}).status_code == 200
            with impatient.scope() as s:  # CLI, worker and demo scopes write
                item_service.get(s, part)
        finally:
            event.remove(impatient.engine, "before_cursor_execute", seen)
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]


def test_a_read_only_session_refuses_every_write(database: Database, part: str) -> None:
    with database.session(read_only=True) as s:
        item = item_service.get(s, part)
        item.name = "changed"
        with pytest.raises(ReadOnlyViolation):
            s.flush()
        s.rollback()
        with pytest.raises(ReadOnlyViolation):
            s.execute(text("DELETE FROM meta_items"))
        s.rollback()
    with database.session() as s:
        assert item_service.get(s, part).name == "Bracket"


def test_a_get_with_an_api_token_records_its_use_in_its_own_transaction(
    client: TestClient, database: Database, users: dict[str, User], part: str
) -> None:
    with database.scope() as s:
        row, secret = identity_service.create_api_token(s, users["viewer"], "ci")
        token_id = row.id
    machine = {"Authorization": f"Bearer {secret}"}
    # a GET whose request transaction is read-only: the stamp is the one write it causes
    answer = client.get(f"/api/v1/items/{part}", headers=machine)
    assert answer.status_code == 200, answer.text
    with database.session() as s:
        used = s.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
    assert used is not None
    # a failing GET still counts as a use of the token (404 here), the stamp stays
    with database.scope() as s:
        s.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=None))
    assert client.get("/api/v1/items/no-such-item", headers=machine).status_code == 404
    with database.session() as s:
        assert s.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id)) is not None
        assert s.scalar(select(Item.name).where(Item.id == part)) == "Bracket"
