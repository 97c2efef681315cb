"""Each ECO transition runs in a savepoint: a caller catching a refusal commits none of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.hook_helpers import blocker, crasher
from yuantus.core import hooks
from yuantus.core.db import Database
from yuantus.core.errors import InvalidState
from yuantus.core.hooks import Hook, TransitionBlocked
from yuantus.eco import service
from yuantus.eco import stages as stage_service
from yuantus.eco.hooks import eco_hooks
from yuantus.eco.models import Eco, EcoApproval, EcoEvent
from yuantus.identity.models import User
from yuantus.item.models import Item


def _stage(session: Session, name: str) -> Any:
    return next(s for s in stage_service.ordered_stages(session) if s.name == name)


def _prepare(database: Database, users: dict[str, User], product: str, upto: str) -> str:
    """An ECO brought (and committed) to the point where the action under test can run."""
    eng, approver = users["engineer"], users["approver"]
    with database.scope() as s:
        eco = service.create_eco(s, name="x", eco_type="bom", product_id=product, user=eng)
        steps: list[Callable[[], object]] = [
            lambda: service.action_new_revision(s, eco, eng),
            lambda: service.move_to_stage(s, eco, _stage(s, "Engineering Review"), eng),
            lambda: service.approve(s, eco, approver),
        ]
        for step in steps[: {"fresh": 0, "target": 1, "review": 2, "ready": 3}[upto]]:
            step()
        return eco.id


def _snapshot(database: Database, eco_id: str) -> tuple[object, ...]:
    with database.scope() as s:
        eco = s.get(Eco, eco_id)
        assert eco is not None
        counts = [
            s.scalar(select(func.count()).where(EcoEvent.eco_id == eco_id)),
            s.scalar(select(func.count()).where(EcoApproval.eco_id == eco_id)),
            s.scalar(select(func.count()).select_from(Item)),
            s.scalar(select(func.count()).where(Item.state == "Released")),
        ]
        fields = (eco.state, eco.stage_id, eco.kanban_state, eco.target_item_id, eco.version)
        return (*fields, *counts)


ACTIONS: dict[str, tuple[str, Callable[[Session, Eco, dict[str, User]], object]]] = {
    "new_revision": ("fresh", lambda s, e, u: service.action_new_revision(s, e, u["engineer"])),
    "move": (
        "target",
        lambda s, e, u: service.move_to_stage(s, e, _stage(s, "Engineering Review"), u["engineer"]),
    ),
    "approve": ("review", lambda s, e, u: service.approve(s, e, u["approver"])),
    "reject": ("review", lambda s, e, u: service.reject(s, e, u["approver"])),
    "apply": ("ready", lambda s, e, u: service.action_apply(s, e, u["engineer"])),
    "cancel": ("target", lambda s, e, u: service.action_cancel(s, e, u["engineer"])),
}


@pytest.mark.parametrize("refusal", ["block", "crash"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_refused_after_hook_leaves_nothing_of_the_transition_in_the_committed_transaction(
    database: Database, users: dict[str, User], product: str, action: str, refusal: str
) -> None:
    upto, run = ACTIONS[action]
    eco_id = _prepare(database, users, product, upto)
    before = _snapshot(database, eco_id)
    hook: Hook = blocker() if refusal == "block" else crasher
    error = TransitionBlocked if refusal == "block" else RuntimeError
    with (
        eco_hooks.registered("after", hook, name="refuse", points=[f"eco.{action}"]),
        database.session() as s,
    ):
        with pytest.raises(error):
            run(s, service.get(s, eco_id), users)
        # the caller goes on and commits its transaction: the savepoint took the change away
        s.commit()
    assert _snapshot(database, eco_id) == before


def test_outside_a_request_a_crashing_auto_progress_keeps_the_approval_and_says_so(
    database: Database, users: dict[str, User], product: str
) -> None:
    eco_id = _prepare(database, users, product, "review")
    with (
        eco_hooks.registered("before", crasher, name="crash", points=["eco.move"]),
        database.scope() as s,
    ):
        eco = service.approve(s, service.get(s, eco_id), users["approver"])
        assert hooks.warnings(s) == [
            f"{eco.number} stays in Engineering Review, not moved to Ready to Apply: "
            "an internal error stopped the move (see the server log)"
        ]
    with database.scope() as s:
        eco = service.get(s, eco_id)
        assert (eco.stage.name, eco.state) == ("Engineering Review", "approved")
        assert s.scalar(select(func.count()).where(EcoApproval.eco_id == eco_id)) == 1


def test_a_refused_auto_progress_keeps_the_records_its_refusal_carries(
    database: Database, users: dict[str, User], product: str
) -> None:
    eco_id = _prepare(database, users, product, "review")

    def refuse_with_record(session: Session, transition: Any) -> None:
        def leave_a_note(s: Session) -> None:
            eco = s.get(Eco, transition.object_id)
            assert eco is not None
            eco.description = "refusal recorded"

        error = InvalidState("not now")
        raise error.persist_after_rollback(leave_a_note)

    with (
        eco_hooks.registered("before", refuse_with_record, name="note", points=["eco.move"]),
        database.scope() as s,
    ):
        service.approve(s, service.get(s, eco_id), users["approver"])
    with database.scope() as s:
        eco = service.get(s, eco_id)
        assert (eco.stage.name, eco.state) == ("Engineering Review", "approved")
        assert eco.description == "refusal recorded"
