"""Item rules through the service: hooks, atomic release, racing revise."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.helpers import race, release_four_eyes
from yuantus.core.db import Database
from yuantus.core.errors import Conflict, InvalidState, YuantusError
from yuantus.core.hooks import Transition
from yuantus.identity.models import User
from yuantus.item import service
from yuantus.item.models import Item


@pytest.fixture
def engineer(session: Session, users: dict[str, User]) -> User:
    """The demo engineer, loaded in the test session."""
    user = session.get(User, users["engineer"].id)
    assert user is not None
    return user


@pytest.fixture
def approver(session: Session, users: dict[str, User]) -> User:
    """The demo approver (releases what the engineer submitted), loaded in the test session."""
    user = session.get(User, users["approver"].id)
    assert user is not None
    return user


def _released(session: Session, user: User, number: str) -> Item:
    item = service.create(session, "Part", "Gear", item_number=number, user=user)
    released: Item = release_four_eyes(session, item, user)
    return released


def _state_in_db(database: Database, item_id: str) -> tuple[str, bool]:
    with database.session() as other:
        row = other.execute(select(Item.state, Item.is_current).where(Item.id == item_id)).one()
        return row.state, row.is_current


def test_a_vetoing_before_hook_rolls_the_transition_back(
    session: Session, database: Database, engineer: User, approver: User
) -> None:
    item = service.create(session, "Part", "Gear", item_number="G-1", user=engineer)
    service.transition(session, item, "submit", engineer)
    session.commit()
    seen: list[Transition] = []

    def veto(_session: Session, event: Transition) -> None:
        seen.append(event)
        if event.action == "release":
            raise InvalidState("quality gate open", code="gate_open")

    with service.item_hooks.registered("before", veto), pytest.raises(YuantusError) as exc:
        service.transition(session, item, "release", approver)
    assert exc.value.code == "gate_open"
    assert [(e.action, e.from_state, e.to_state) for e in seen] == [
        ("release", "InReview", "Released")
    ]
    # the caller's transaction goes on and commits: the transition itself left nothing behind
    assert item.state == "InReview"
    session.commit()
    assert _state_in_db(database, item.id) == ("InReview", True)
    assert service.get(session, item.id).released_at is None


def test_a_failing_after_hook_undoes_release_and_supersede_together(
    session: Session, database: Database, engineer: User, approver: User
) -> None:
    rev_a = _released(session, engineer, "G-2")
    rev_b = service.revise(session, rev_a, engineer)
    service.transition(session, rev_b, "submit", engineer)
    session.commit()
    # read the ids now: touching expired objects later would open a (locking) SQLite read
    a_id, b_id = rev_a.id, rev_b.id

    def explode(_session: Session, event: Transition) -> None:
        raise Conflict("downstream refused", code="downstream_refused")

    with service.item_hooks.registered("after", explode), pytest.raises(Conflict):
        service.transition(session, rev_b, "release", approver)
    session.commit()
    assert _state_in_db(database, a_id) == ("Released", True)
    assert _state_in_db(database, b_id) == ("InReview", False)


def test_after_hooks_see_the_new_state_and_the_hook_is_removed_afterwards(
    session: Session, engineer: User
) -> None:
    states: list[str] = []

    def record(_session: Session, event: Transition) -> None:
        states.append(event.obj.state)

    item = service.create(session, "Document", "Spec", user=engineer)
    with service.item_hooks.registered("after", record):
        service.transition(session, item, "submit", engineer)
    service.transition(session, item, "reject", engineer)
    assert states == ["InReview"]


def test_release_supersedes_in_the_same_transaction(
    session: Session, database: Database, engineer: User, approver: User
) -> None:
    rev_a = _released(session, engineer, "G-3")
    rev_b = service.revise(session, rev_a, engineer)
    service.transition(session, rev_b, "submit", engineer)
    session.commit()
    a_id, b_id = rev_a.id, rev_b.id
    service.transition(session, rev_b, "release", approver)
    assert (rev_a.state, rev_a.is_current) == ("Superseded", False)
    session.commit()
    assert _state_in_db(database, a_id) == ("Superseded", False)
    assert _state_in_db(database, b_id) == ("Released", True)
    assert service.get_current(session, rev_a.config_id).id == rev_b.id
    assert service.current_by_config(session, [rev_a.config_id])[rev_a.config_id].id == rev_b.id


def test_the_database_refuses_two_current_or_two_open_revisions(
    session: Session, engineer: User
) -> None:
    rev_a = _released(session, engineer, "G-4")
    session.commit()
    for state, current in (("Released", True), ("Draft", False)):
        twin = Item(
            item_type="Part",
            config_id=rev_a.config_id,
            item_number="G-4",
            revision="B",
            generation=2,
            is_current=current,
            state=state,
            name="twin",
            properties={},
        )
        session.add(twin)
        if state == "Draft":
            session.add(
                Item(
                    item_type="Part",
                    config_id=rev_a.config_id,
                    item_number="G-4",
                    revision="C",
                    generation=3,
                    is_current=False,
                    state="InReview",
                    name="twin",
                    properties={},
                )
            )
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_racing_revise_opens_exactly_one_draft(
    session: Session, database: Database, engineer: User
) -> None:
    rev_a = _released(session, engineer, "G-5")
    session.commit()

    def attempt() -> str:
        with database.session() as own:
            try:
                draft = service.revise(own, service.get(own, rev_a.id), engineer)
                own.commit()
                return f"created {draft.revision}"
            except Conflict as exc:
                own.rollback()
                return exc.code

    outcomes = race(attempt, attempt)
    assert sorted(outcomes) == ["created B", "revision_in_progress"]
    revisions = service.list_revisions(session, rev_a.config_id)
    assert [(r.revision, r.state) for r in revisions] == [("A", "Released"), ("B", "Draft")]


def test_discard_draft_removes_only_an_unreleased_successor(
    session: Session, engineer: User
) -> None:
    rev_a = _released(session, engineer, "G-6")
    with pytest.raises(InvalidState):
        service.discard_draft(session, rev_a)
    rev_b = service.revise(session, rev_a, engineer)
    service.discard_draft(session, rev_b)
    assert [r.revision for r in service.list_revisions(session, rev_a.config_id)] == ["A"]
    assert service.revise(session, rev_a, engineer).revision == "B"
