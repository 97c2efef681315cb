"""docs/glossary.md agrees with the code: states, actions, from/to states and roles."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from yuantus.breakage.models import STATES as BREAKAGE_STATES
from yuantus.breakage.models import TRANSITIONS as BREAKAGE_TRANSITIONS
from yuantus.breakage.models import WRITER_ROLES as BREAKAGE_ROLES
from yuantus.consumption.models import STATES as PLAN_STATES
from yuantus.consumption.models import TRANSITIONS as PLAN_TRANSITIONS
from yuantus.core.transitions import Rule
from yuantus.eco.models import DECISIONS, ECO_STATES
from yuantus.eco.transitions import ECO_TRANSITIONS
from yuantus.eco_activity.models import ACTIVITY_TRANSITIONS
from yuantus.eco_activity.models import STATUSES as ACTIVITY_STATES
from yuantus.item.models import STATES as ITEM_STATES
from yuantus.item.service import LIFECYCLE
from yuantus.job.models import JOB_STATUSES, JOB_TRANSITIONS
from yuantus.manufacturing.hooks import ROUTING_TRANSITIONS, WORKORDER_TRANSITIONS
from yuantus.manufacturing.models import ROUTING_STATES, WORKORDER_STATES

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"

# section heading (before any parenthesis) -> the code's states and transition table
OBJECTS: dict[str, tuple[tuple[str, ...], Mapping[str, Rule] | None]] = {
    "Item": (ITEM_STATES, LIFECYCLE),
    "ECO": (ECO_STATES, ECO_TRANSITIONS),
    "ECO activity": (ACTIVITY_STATES, ACTIVITY_TRANSITIONS),
    "Approval": (DECISIONS, None),
    "Routing": (ROUTING_STATES, ROUTING_TRANSITIONS),
    "Work order": (WORKORDER_STATES, WORKORDER_TRANSITIONS),
    "Job": (JOB_STATUSES, JOB_TRANSITIONS),
    "Breakage incident": (
        BREAKAGE_STATES,
        {a: Rule(src, to, BREAKAGE_ROLES) for a, (src, to) in BREAKAGE_TRANSITIONS.items()},
    ),
    "Consumption plan": (PLAN_STATES, PLAN_TRANSITIONS),
}


def _sections() -> dict[str, str]:
    """The glossary's `## ` sections by heading (the part before a parenthesis)."""
    parts = re.split(r"^## (.+)$", GLOSSARY.read_text(), flags=re.M)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return {head.split(" (")[0].strip(): body for head, body in pairs}


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _table(body: str) -> dict[str, Rule]:
    """The action table of a section: action -> Rule(from, to or None, roles)."""
    rules: dict[str, Rule] = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        action, from_cell, to_cell, roles_cell = cells
        to = _ticked(to_cell)
        rules[_ticked(action)[0]] = Rule(
            tuple(_ticked(from_cell)), to[0] if to else None, tuple(_ticked(roles_cell))
        )
    return rules


def test_every_object_with_a_state_has_a_section() -> None:
    assert set(OBJECTS) <= set(_sections())
    assert {"ECO stage", "BOM line"} <= set(_sections())


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_the_states_line_lists_the_codes_states_in_order(name: str) -> None:
    states, _table_rules = OBJECTS[name]
    line = next(ln for ln in _sections()[name].splitlines() if ln.startswith("States:"))
    assert tuple(_ticked(line)) == states


@pytest.mark.parametrize("name", sorted(n for n, (_, t) in OBJECTS.items() if t is not None))
def test_the_action_table_is_the_codes_transition_table(name: str) -> None:
    _states, table = OBJECTS[name]
    assert table is not None
    documented = _table(_sections()[name])
    assert list(documented) == list(table)
    for action, rule in table.items():
        assert documented[action] == rule, action


def test_the_parser_sees_what_a_row_says() -> None:
    body = "| `go` | `a`, `b` | depends | `engineer` (and more) |\n| action | x | y | z |"
    assert _table(body) == {"go": Rule(("a", "b"), None, ("engineer",))}
