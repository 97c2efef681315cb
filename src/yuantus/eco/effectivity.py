"""Effectivity: an ECO applied before its effectivity date waits `scheduled` for its switch.

Apply releases the target at once (the approvals are spent then) but with `effective_from`
= the effectivity date at 00:00 in YUANTUS_EFFECTIVITY_TIMEZONE (default UTC); the source
stays current. A job of type `eco_effectivity_switch` due at that time makes the target
current and supersedes the source as of `effective_from`, and the ECO reaches its final
stage and state done. The switch locks the ECO row first and does nothing unless the ECO is
still `scheduled`, so a second run, a second job or a cancel that got there first leave
exactly one effect. Cancel while scheduled puts the target back to Draft.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.core.db import utcnow
from yuantus.core.errors import Conflict, InvalidState
from yuantus.eco import codes
from yuantus.eco import stages as stage_service
from yuantus.eco.flow import get_for_update, set_state, touch, uid
from yuantus.eco.history import record_event
from yuantus.eco.hooks import eco_transition, make_transition
from yuantus.eco.models import Eco
from yuantus.identity.models import User
from yuantus.item import effectivity as item_effectivity
from yuantus.item import history as item_history
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.job import service as job_service

SWITCH_TASK = "eco_effectivity_switch"
# a switch is a short database write: retries cover a database outage around its due time
SWITCH_MAX_ATTEMPTS = 10


class EffectivitySettings(BaseSettings):
    """The time zone in which effectivity dates start (plants work in local dates)."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_", extra="ignore")

    effectivity_timezone: str = "UTC"

    @field_validator("effectivity_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse a zone name the tz database does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value


@cache
def effectivity_settings() -> EffectivitySettings:
    """The effectivity settings, read from the environment once."""
    return EffectivitySettings()


def start_of(day: date, zone: str | None = None) -> datetime:
    """The UTC instant at which an effectivity date begins (00:00 in the zone)."""
    tz = ZoneInfo(zone or effectivity_settings().effectivity_timezone)
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def switch_time(eco: Eco, now: datetime | None = None) -> datetime | None:
    """When the ECO's target must become current, if that is later than now; else None."""
    if eco.effectivity_date is None:
        return None
    when = start_of(eco.effectivity_date)
    return when if when > (now or utcnow()) else None


def dedupe_key(eco_id: str) -> str:
    """The one active switch job per ECO."""
    return f"{SWITCH_TASK}:{eco_id}"


def schedule(session: Session, eco: Eco, target: Item, when: datetime, user: User | None) -> None:
    """After the target's scheduled release: enqueue the switch, the ECO becomes scheduled."""
    job = job_service.create_job(
        session,
        SWITCH_TASK,
        {"eco_id": eco.id},
        dedupe_key=dedupe_key(eco.id),
        run_at=when,
        max_attempts=SWITCH_MAX_ATTEMPTS,
        created_by=uid(user),
    )
    touch(eco)
    record_event(
        session,
        eco,
        "scheduled",
        uid(user),
        from_value=item_service.get(session, eco.product_id).revision,
        to_value=target.revision,
        data={
            "source_item_id": eco.product_id,
            "target_item_id": target.id,
            "effective_from": when.isoformat(),
            "job_id": job.id,
        },
    )
    set_state(session, eco, "scheduled", user)


def ensure_not_scheduled(eco: Eco, what: str) -> None:
    """409 eco_scheduled: a scheduled ECO only waits for its switch or is canceled."""
    if eco.state == "scheduled":
        raise InvalidState(
            f"cannot {what} a scheduled ECO; it takes effect on {eco.effectivity_date}, "
            "or cancel it",
            code=codes.ECO_SCHEDULED,
            context={"eco_id": eco.id, "effectivity_date": str(eco.effectivity_date)},
        )


def switch(session: Session, eco_id: str, *, job_id: str | None = None) -> dict[str, Any]:
    """The due switch: target current, source Superseded, ECO done; a no-op unless scheduled."""
    eco = get_for_update(session, eco_id)
    if eco.state != "scheduled" or eco.target_item_id is None:
        # done by an earlier run or another job, or canceled: nothing left to do
        return {"eco_id": eco.id, "switched": False, "state": eco.state}
    target = item_service.get_for_update(session, eco.target_item_id)
    now = utcnow()
    if target.effective_from is None or target.effective_from > now:
        # only a job retried by hand runs early; switching now would falsify as_of history
        raise Conflict(
            f"{eco.number} takes effect at {target.effective_from}; retry the job after that",
            code=codes.SWITCH_NOT_DUE,
            context={"eco_id": eco.id, "effective_from": _iso(target.effective_from)},
        )
    final = stage_service.final_stage(session)
    to_stage = final or eco.stage
    transition = make_transition(
        eco,
        "switch",
        "done",
        to_stage.name,
        None,
        from_stage_id=eco.stage_id,
        to_stage_id=to_stage.id,
        target_item_id=target.id,
    )
    with eco_transition(session, transition):
        superseded = item_effectivity.make_effective(session, target)
        _audit(session, eco, target, superseded)
        if final is not None:
            from yuantus.eco.apply import _enter_final  # apply imports this module

            _enter_final(session, eco, final, None)
        eco.kanban_state = "done"
        eco.applied_at = now
        touch(eco)
        record_event(
            session,
            eco,
            "applied",
            None,
            from_value=superseded[0].revision if superseded else None,
            to_value=target.revision,
            data={
                "source_item_id": eco.product_id,
                "target_item_id": target.id,
                "effective_from": _iso(target.effective_from),
                "job_id": job_id,
            },
        )
        set_state(session, eco, "done", None)
    return {
        "eco_id": eco.id,
        "switched": True,
        "state": eco.state,
        "target_item_id": target.id,
        "superseded_item_ids": [s.id for s in superseded],
        "effective_from": _iso(target.effective_from),
    }


def withdraw(session: Session, eco: Eco, user: User | None = None) -> str:
    """Cancel's part for a scheduled ECO: the target back to Draft, its switch job canceled."""
    assert eco.target_item_id is not None
    target = item_service.get_for_update(session, eco.target_item_id)
    before = {"state": target.state, "effective_from": target.effective_from}
    item_effectivity.withdraw_scheduled(session, target)
    item_history.record_event(
        session,
        target,
        "withdrawn",
        before=before,
        after={"state": target.state},
        actor=user,
        by=eco_cause(eco),
    )
    # a job already claimed finds the ECO canceled and does nothing
    job_service.cancel_pending_by_dedupe_key(session, dedupe_key(eco.id))
    return target.id


def withdrawn_draft(session: Session, config_id: str) -> Item | None:
    """The Draft a canceled scheduled ECO left on the item, while no open ECO has taken it."""
    targets = session.scalars(
        select(Eco.target_item_id).where(
            Eco.product_config_id == config_id,
            Eco.state == "canceled",
            Eco.target_item_id.is_not(None),
        )
    ).all()
    for item_id in targets:
        assert item_id is not None
        draft = item_service.get_for_update(session, item_id)
        if draft.state != "Draft" or draft.config_id != config_id:
            continue
        # under the draft's lock: a racing new-revision that took it first is seen here
        holders = session.scalars(select(Eco.state).where(Eco.target_item_id == draft.id)).all()
        if all(state == "canceled" for state in holders):
            return draft
    return None


def eco_cause(eco: Eco) -> dict[str, str]:
    """What item history rows name as the cause of a change an ECO made."""
    return {"eco_id": eco.id, "eco_number": eco.number}


def _audit(session: Session, eco: Eco, target: Item, superseded: list[Item]) -> None:
    """The switch in the item's history: which revisions changed, by which ECO."""
    actor = audit.NamedActor(username=f"job:{SWITCH_TASK}")
    by = eco_cause(eco)
    item_history.record_event(
        session,
        target,
        "effective",
        before={"state": "Released", "is_current": False},
        after={"is_current": True, "effective_from": target.effective_from},
        actor=actor,
        by=by,
    )
    item_history.record_superseded(session, superseded, actor=actor, by=by)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
