"""Finding 4: concurrent apply or approve of one ECO answered 404 eco_not_found on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.eco.conftest import ECO, Client, create_eco, events, item, ok, release_item, stages
from tests.helpers import race
from yuantus.core.db import Database
from yuantus.core.errors import Conflict
from yuantus.eco import service
from yuantus.eco.models import Eco, EcoApproval
from yuantus.identity.models import User


@pytest.fixture
def product(database: Database, users: dict[str, User]) -> str:
    """A released Part, the ECO's source."""
    return release_item(database, users["engineer"], "Gearbox", number="GB-100")


def _in_review(as_user: Client, product: str, *, approved: bool) -> tuple[str, str]:
    """An ECO in Engineering Review (approved: then in Ready to Apply); (eco id, target id)."""
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    url = f"{ECO}/{eco['id']}/transitions"
    target: str = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    ok(eng.post(url, json={"action": "move", "stage_id": stages(eng)["Engineering Review"]["id"]}))
    if approved:
        ok(approver.post(url, json={"action": "approve"}))
    return eco["id"], target


def test_racing_applies_apply_once_and_the_loser_gets_409(
    as_user: Client, database: Database, product: str
) -> None:
    eng = as_user("engineer")
    eco_id, target = _in_review(as_user, product, approved=True)
    url = f"{ECO}/{eco_id}/transitions"
    results = race(
        lambda: eng.post(url, json={"action": "apply"}),
        lambda: eng.post(url, json={"action": "apply"}),
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    # PostgreSQL: both read the ECO at once, the loser waits for the row lock and finds it
    # changed (an apply takes far longer than the first read); SQLite serializes the two
    # requests, so the loser reads the ECO done
    assert loser.json()["detail"]["code"] == _loser_code(database, "eco_closed"), loser.text
    assert [e["event_type"] for e in events(eng, eco_id)].count("applied") == 1
    assert item(database, target) == ("Released", True)


def test_racing_approvals_decide_once(as_user: Client, database: Database, product: str) -> None:
    approver = as_user("approver")
    eco_id, _target = _in_review(as_user, product, approved=False)
    url = f"{ECO}/{eco_id}/transitions"
    results = race(
        lambda: approver.post(url, json={"action": "approve"}),
        lambda: approver.post(url, json={"action": "approve"}),
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["detail"]["code"] == _loser_code(database, "no_approvals_on_stage")
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(EcoApproval)) == 1
        assert s.scalar(select(Eco.state).where(Eco.id == eco_id)) == "progress"


def _loser_code(database: Database, serialized: str) -> str:
    """eco_modified where the two requests overlap (PostgreSQL), else what the loser reads."""
    return "eco_modified" if database.engine.dialect.name == "postgresql" else serialized


Action = Callable[..., Eco]


@pytest.mark.parametrize(
    ("action", "approved"),
    [(service.action_apply, True), (service.approve, False), (service.reject, False)],
    ids=["apply", "approve", "reject"],
)
def test_an_action_on_a_copy_someone_changed_meanwhile_is_409_eco_modified(
    as_user: Client,
    database: Database,
    users: dict[str, User],
    product: str,
    action: Action,
    approved: bool,
) -> None:
    """The loser's side of the race, made deterministic: read, the winner commits, act."""
    eco_id, _target = _in_review(as_user, product, approved=approved)
    actor = users["engineer"] if action is service.action_apply else users["approver"]
    with database.session() as mine:
        seen = service.get(mine, eco_id)
        version = seen.version
        mine.commit()  # the copy stays loaded at its version, as a request's first read
        with database.scope() as theirs:
            # the winner: an edit that bumps the version (any committed change would)
            service.update_eco(theirs, service.get(theirs, eco_id), actor, name="theirs")
        with pytest.raises(Conflict) as refused:
            action(mine, seen, actor)
        mine.rollback()
    assert refused.value.code == "eco_modified"
    assert refused.value.context == {
        "eco_id": eco_id,
        "expected_version": version,
        "current_version": version + 1,
    }
    with database.scope() as s:
        eco = service.get(s, eco_id)
        assert (eco.name, eco.version) == ("theirs", version + 1)
        assert eco.state == "progress"
