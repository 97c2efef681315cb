"""Concurrent updates of one ECO: one wins, the other gets 409 eco_modified."""

from __future__ import annotations

import pytest

from tests.eco.conftest import ECO, Client, create_eco, events, ok
from tests.helpers import race
from yuantus.core.db import Database
from yuantus.core.errors import Conflict
from yuantus.eco import service
from yuantus.identity.models import User


def test_racing_patches_over_http_lose_no_update(as_user: Client, product: str) -> None:
    eng, admin = as_user("engineer"), as_user("admin")
    eco = create_eco(eng, product)
    url = f"{ECO}/{eco['id']}"
    first, second = race(
        lambda: eng.patch(url, json={"name": "engineer's name", "version": 1}),
        lambda: admin.patch(url, json={"priority": "urgent", "version": 1}),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409]
    loser = first if first.status_code == 409 else second
    winner = second if loser is first else first
    assert loser.json()["detail"]["code"] == "eco_modified"
    stored = ok(eng.get(url))
    assert stored["version"] == 2
    assert stored == winner.json()
    # exactly the winner's change is stored and recorded, nothing half-applied
    assert [e["event_type"] for e in events(eng, eco["id"])] == ["created", "updated"]


def test_racing_service_updates_with_two_sessions(
    database: Database, users: dict[str, User], product: str
) -> None:
    with database.scope() as s:
        eco_id = service.create_eco(
            s, name="race", eco_type="bom", product_id=product, user=users["engineer"]
        ).id

    def update(name: str) -> str:
        with database.scope() as s:
            eco = service.get(s, eco_id)
            service.update_eco(s, eco, users["engineer"], expected_version=1, name=name)
        return name

    results = race(lambda: update("left"), lambda: update("right"))
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1
    assert [e.code for e in losers] == ["eco_modified"]
    with database.scope() as s:
        eco = service.get(s, eco_id)
        assert (eco.name, eco.version) == (winners[0], 2)


def test_a_stale_copy_cannot_overwrite_a_newer_eco(
    database: Database, users: dict[str, User], product: str
) -> None:
    engineer = users["engineer"]
    with database.scope() as s:
        eco_id = service.create_eco(
            s, name="stale", eco_type="bom", product_id=product, user=engineer
        ).id
    with database.session() as mine:
        stale = service.get(mine, eco_id)
        mine.commit()  # the copy stays loaded at version 1
        with database.scope() as theirs:
            service.update_eco(theirs, service.get(theirs, eco_id), engineer, name="theirs")
        stale.priority = "urgent"
        with pytest.raises(Conflict) as refused:
            service.update_eco(mine, stale, engineer, name="mine")
        assert refused.value.code == "eco_modified"
        mine.rollback()
    with database.scope() as s:
        eco = service.get(s, eco_id)
        assert (eco.name, eco.priority, eco.version) == ("theirs", "normal", 2)
