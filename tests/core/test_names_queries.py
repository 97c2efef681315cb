"""Names cost no query per row: a 50-row page runs as many statements as a 5-row page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.core.test_names import API, Client, ok
from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.eco import service as eco_service
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.job import service as job_service
from yuantus.manufacturing import routing_service, workorder_service

ROWS = 50
# the users the rows are spread over: every page names several different people
AUTHORS = ("engineer", "admin", "production")


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run on the database while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def _seed(database: Database, users: dict[str, User]) -> None:
    """50 items, ECOs, work orders and jobs by three authors (and their audit rows)."""
    with database.scope() as s:
        product = item_service.create(s, "Part", "Gearbox", item_number="GB-1")
        release_four_eyes(s, product)
        routing = routing_service.create(s, product.id, "RT-1", "Gearbox routing", is_primary=True)
        for n in range(ROWS):
            author = users[AUTHORS[n % len(AUTHORS)]]
            item_service.create(s, "Part", f"Part {n}", item_number=f"P-{n:03}", user=author)
            eco_service.create_eco(
                s, name=f"Change {n}", eco_type="bom", product_id=product.id, user=author
            )
            workorder_service.create(s, product.id, n + 1, routing_id=routing.id, user=author)
            job_service.create_job(s, "noop", {"n": n}, created_by=author.id)


@pytest.mark.parametrize(
    ("path", "who", "params"),
    [
        ("/items", "viewer", {}),
        ("/eco", "viewer", {}),
        ("/workorders", "viewer", {}),
        ("/jobs", "viewer", {}),
        ("/audit", "admin", {"object_type": "item"}),
    ],
)
def test_a_page_of_50_costs_the_statements_of_a_page_of_5(
    as_user: Client,
    database: Database,
    users: dict[str, User],
    path: str,
    who: str,
    params: dict[str, str],
) -> None:
    _seed(database, users)
    client = as_user(who)
    ok(client.get(f"{API}{path}", params={**params, "limit": 1}))  # warm: first-use queries
    counts, names = [], []
    for limit in (5, ROWS):
        with statements(database) as seen:
            page = ok(client.get(f"{API}{path}", params={**params, "limit": limit}))
        assert len(page["items"]) == limit
        counts.append(len(seen))
        names.append({row.get("created_by_name") or row.get("actor_name") for row in page["items"]})
    # a handful of statements, the same for 5 rows and for 50
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts
    # and the 50 rows do name their three different authors
    assert len(names[1]) >= 2, names
