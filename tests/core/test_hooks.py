"""The hook dispatcher: order, registration, outcomes; the documented hook points."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

import yuantus.eco.service
import yuantus.item.service
import yuantus.manufacturing.routing_service
import yuantus.manufacturing.workorder_service
from tests.helpers import release_four_eyes
from yuantus.core import hooks
from yuantus.core.hooks import Block, Ok, Transition, TransitionBlocked, Warn
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import item_hooks

DOCS = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def _draft(session: Session, number: str) -> Item:
    return item_service.create(session, "Part", "Gear", item_number=number)


def test_hooks_run_by_priority_then_name_whatever_the_registration_order(
    session: Session,
) -> None:
    ran: list[str] = []

    def named(label: str) -> hooks.Hook:
        def hook(_s: Session, _t: Transition) -> None:
            ran.append(label)

        return hook

    late, b, a, early = named("late"), named("b"), named("a"), named("early")
    # the hooks domains register from their manifests (workflow_action's) stay in place
    product_hooks = [h.name for h in item_hooks.hooks("before")]
    item_hooks.register("before", late, name="late", priority=500)
    item_hooks.register("before", b, name="b")
    item_hooks.register("before", a, name="a")
    item_hooks.register("before", early, name="early", priority=10)
    try:
        item_service.transition(session, _draft(session, "O-1"), "submit", None)
    finally:
        for name in ("late", "b", "a", "early"):
            item_hooks.unregister("before", name)
    assert ran == ["early", "a", "b", "late"]
    assert [h.name for h in item_hooks.hooks("before")] == product_hooks


def test_registration_is_idempotent_and_a_name_belongs_to_one_hook(session: Session) -> None:
    calls: list[str] = []

    def counted(_s: Session, _t: Transition) -> None:
        calls.append("x")

    def other(_s: Session, _t: Transition) -> None:
        calls.append("other")

    product_hooks = item_hooks.hooks("before")
    with item_hooks.registered("before", counted):
        item_hooks.register("before", counted)  # again: still one hook
        default_name = f"{__name__}.{counted.__qualname__}"
        names = [h.name for h in item_hooks.hooks("before")]
        assert [n for n in names if n not in {h.name for h in product_hooks}] == [default_name]
        with pytest.raises(ValueError, match="another hook"):
            item_hooks.register("before", other, name=default_name)
        item_service.transition(session, _draft(session, "O-2"), "submit", None)
    assert calls == ["x"]
    assert item_hooks.hooks("before") == product_hooks


def test_points_choose_where_a_hook_runs_and_unknown_points_are_refused(
    session: Session, users: dict[str, User]
) -> None:
    seen: list[str] = []

    @item_hooks.on("after", name="release-only", points=["item.release"])
    def on_release(_s: Session, t: Transition) -> Ok:
        seen.append(t.point)
        return Ok()

    try:
        item = _draft(session, "O-3")
        release_four_eyes(session, item)
    finally:
        item_hooks.unregister("after", on_release)
    assert seen == ["item.release"]
    with pytest.raises(ValueError, match="unknown hook points"):
        item_hooks.register("after", on_release, points=["item.relase"])
    with pytest.raises(ValueError, match="no 'after' phase"):
        yuantus.eco.service.eco_gate_hooks.register("after", on_release)


def test_warn_collects_messages_and_block_raises_its_exact_body(
    session: Session, users: dict[str, User]
) -> None:
    item = _draft(session, "O-4")

    def warn(_s: Session, _t: Transition) -> Warn:
        return Warn("check the drawing")  # type: ignore[arg-type]

    with item_hooks.registered("before", warn):
        item_service.transition(session, item, "submit", None)
    # a bare string is one message, not one per character
    assert hooks.warnings(session) == ["check the drawing"]

    refusal = Block("held", "held by quality", {"ncr": ["NCR-7"]})
    with (
        item_hooks.registered("before", lambda _s, _t: refusal, name="b"),
        pytest.raises(TransitionBlocked) as exc,
    ):
        # four eyes passes (an approver); the hook is what refuses
        item_service.transition(session, item, "release", session.get(User, users["approver"].id))
    assert exc.value.status_code == 409
    assert exc.value.to_body() == {
        "detail": {"code": "held", "message": "held by quality", "context": {"ncr": ["NCR-7"]}}
    }
    assert (exc.value.hook, exc.value.point) == ("b", "item.release")


def test_a_hook_returning_something_else_is_a_bug_not_a_pass(session: Session) -> None:
    def bad(_s: Session, _t: Transition) -> Any:
        return True

    with (
        item_hooks.registered("before", bad, name="bad"),
        pytest.raises(TypeError, match="bad returned True"),
    ):
        item_service.transition(session, _draft(session, "O-5"), "submit", None)


def test_every_hook_point_is_documented_and_every_documented_point_exists() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", DOCS.read_text(), re.MULTILINE))
    assert documented == set(hooks.hook_points())
    assert set(hooks.hook_points()) == {
        "eco.move",
        "eco.apply",
        "eco.cancel",
        "eco.approve",
        "eco.reject",
        "eco.new_revision",
        "eco.switch",
        "item.submit",
        "item.reject",
        "item.release",
        "item.obsolete",
        "routing.release",
        "workorder.release",
        "workorder.start",
        "workorder.complete",
        "workorder.cancel",
    }
    assert hooks.hook_points()["eco.move"] == ["eco_gate", "eco"]
