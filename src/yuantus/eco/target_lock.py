"""The ECO's hold on its target revision: locked under review, every change in history.

The target is *locked* from the moment the ECO enters a stage that takes approvals
until it is moved back to a stage without approvals (or closed): moving forward from a
review keeps the lock, so what was approved stays what is applied. The lock state is
`Eco.locked_since_visit`; it also tells which approvals apply checks (eco/digest.py).

The item domain does not know ECOs. `register()` plugs three things into it:
- a guard (`item.guards`): BOM lines, delta apply, file links, attribute PATCH and
  lifecycle moves (submit/reject/release) of a locked target answer 409
  `target_locked`, except the ECO's own apply (`applying`); a lifecycle move of an
  unlocked target of an open ECO answers 409 `owned_by_eco`: only the apply releases it,
  or the ECO's approvals would be bypassed;
- a change listener (`item.changes`): each change of a target becomes a `target_changed`
  event of every open ECO on it.

Lock order: an ECO flow action locks the target revision row, then the ECO row
(`flow.get_for_update` calls `lock_target_row`); an edit locks the revision row, then
reads (and, to write its event, locks) the ECO. Both take the revision row first, so on
PostgreSQL an edit racing a move into review either commits before the move or sees the
lock; and the two never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from yuantus.core.errors import Conflict
from yuantus.eco import codes
from yuantus.eco import stages as stage_service
from yuantus.eco.errors import target_missing
from yuantus.eco.history import record_event
from yuantus.eco.models import CLOSED_STATES, Eco, EcoStage
from yuantus.item import changes, guards
from yuantus.item.models import Item

# the item lifecycle moves that belong to the ECO once a revision is its target
LIFECYCLE_ACTIONS = frozenset({"submit", "reject", "release", "obsolete"})
# session.info key: the target ids an ECO apply is releasing in this transaction
_APPLYING = "eco_applying_targets"


def register() -> None:
    """Plug the target lock and the change history into the item domain (idempotent)."""
    guards.register_guard(_guard)
    changes.register_listener(_record_change)


def lock_target_row(session: Session, eco_id: str) -> str | None:
    """Lock the ECO's target revision row (before the ECO row); answer its id."""
    target_id = session.scalar(select(Eco.target_item_id).where(Eco.id == eco_id))
    if target_id is not None:
        guards.lock_row(session, target_id)
    return target_id


def check_move(session: Session, eco: Eco, stage: EcoStage) -> None:
    """409 target_missing when the ECO would leave its first stage with no target."""
    if eco.target_item_id is None and stage.id != stage_service.first_stage(session).id:
        raise target_missing(eco.id, f"move it to {stage.name}")


def on_stage_entered(session: Session, eco: Eco, previous: EcoStage, stage: EcoStage) -> None:
    """Lock the target on entering a stage with approvals; unlock it on moving back before."""
    if stage.takes_approvals:
        if eco.locked_since_visit is None:
            eco.locked_since_visit = eco.stage_visit
    elif not stage_service.is_after(session, stage, previous):
        eco.locked_since_visit = None


@contextmanager
def applying(session: Session, target_id: str) -> Iterator[None]:
    """Within the block, the ECO's own apply may move its locked target's lifecycle."""
    active: set[str] = session.info.setdefault(_APPLYING, set())
    active.add(target_id)
    try:
        yield
    finally:
        active.discard(target_id)


def _applying(session: Session, item_id: str) -> bool:
    return item_id in session.info.get(_APPLYING, ())


def _open_eco_ids(session: Session, item_id: str) -> list[str]:
    query = select(Eco.id).where(Eco.target_item_id == item_id, Eco.state.not_in(CLOSED_STATES))
    return list(session.scalars(query.order_by(Eco.number)))


def _guard(session: Session, item: Item, action: str) -> None:
    if _applying(session, item.id):
        return
    # lock the revision, then read its ECOs: a move into review (and an ECO taking a
    # withdrawn draft as its target) locks the same row first, so this read sees the ECO
    # either before that change or after it, never in between
    guards.lock_row(session, item.id)
    rows = session.execute(
        select(Eco.id, Eco.number, Eco.locked_since_visit, EcoStage.name)
        .join(EcoStage, EcoStage.id == Eco.stage_id)
        .where(Eco.target_item_id == item.id, Eco.state.not_in(CLOSED_STATES))
        .order_by(Eco.number)
    ).all()
    for eco_id, number, locked_since, stage_name in rows:
        if locked_since is None and action in LIFECYCLE_ACTIONS:
            raise Conflict(
                f"{item.item_number} rev {item.revision} is the target of {number}: cannot "
                f"{action} it outside the ECO; the ECO's apply releases it",
                code=codes.OWNED_BY_ECO,
                context={
                    "eco_id": eco_id,
                    "eco_number": number,
                    "stage": stage_name,
                    "item_id": item.id,
                    "action": action,
                },
            )
        if locked_since is not None:
            raise Conflict(
                f"{item.item_number} rev {item.revision} is the target of {number}, locked "
                f"in stage {stage_name}: cannot {action} it; move the ECO back to a stage "
                "without approvals to change it",
                code=codes.TARGET_LOCKED,
                context={
                    "eco_id": eco_id,
                    "eco_number": number,
                    "stage": stage_name,
                    "item_id": item.id,
                },
            )


def _record_change(session: Session, change: changes.RevisionChange) -> None:
    item = change.item
    if _applying(session, item.id):
        # the apply's own lifecycle moves are in its `applied` event
        return
    ecos = session.scalars(
        # the event sequence is written under the ECO row lock (taken after the revision's)
        select(Eco)
        .where(Eco.target_item_id == item.id, Eco.state.not_in(CLOSED_STATES))
        .order_by(Eco.number)
        # no join to the stage: PostgreSQL re-checks a join against the old stage row when
        # the locked ECO was moved meanwhile, and would drop it
        .options(lazyload(Eco.stage))
        .with_for_update(of=Eco)
        .execution_options(populate_existing=True)
    ).all()
    for eco in ecos:
        record_event(
            session,
            eco,
            "target_changed",
            change.user_id,
            from_value=change.object_type,
            to_value=change.action,
            data={
                "item_id": item.id,
                "object_type": change.object_type,
                "object_id": change.object_id,
                "action": change.action,
                "before": change.before,
                "after": change.after,
            },
        )


register()
