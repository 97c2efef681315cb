"""BOM test helpers: parts made through the item service, released on demand."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import release_four_eyes
from yuantus.bom import service as bom_service
from yuantus.bom.models import BomLine
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

MakePart = Callable[..., Item]


@pytest.fixture
def make_part(database: Database, users: dict[str, User]) -> MakePart:
    """Create (and commit) a Part; `release=True` takes it to Released."""

    def factory(number: str, *, item_type: str = "Part", release: bool = False) -> Item:
        with database.scope() as s:
            item = item_service.create(s, item_type, f"{number} name", item_number=number)
            if release:
                release_item(s, item, users["engineer"])
        return item

    return factory


def release_item(session: Session, item: Item, user: User) -> Item:
    """Submit a Draft revision as `user` and release it as the approver (four eyes)."""
    released: Item = release_four_eyes(session, item, user)
    return released


def _part(session: Session, number: str) -> Item:
    return item_service.create(session, "Part", f"{number} name", item_number=number)


def build_example(session: Session, engineer: User) -> dict[str, Item]:
    """The hand-checked 3-level example: TOP rev A (Released, all below it too), TOP rev B (Draft).

    Every part under TOP A is released (rev A), so TOP A (rule released) and TOP B (rule latest)
    resolve their children to the same revisions.

    TOP A                          TOP B (changes)
      ASM1  q2  fn10                 ASM1  q3  fn10          quantity 2 -> 3
        BOLT q4 fn10                 BOLT  q6  fn25          find_num 20 -> 25
        SUB  q1 fn20                 RES   q3  fn30 R2,R3,R4 notes "smd"
          BOLT q2 fn10               NUT   q8  fn40          added
          WIRE q1.5 M fn20           WIRE  q50 CM fn60       added (a second uom)
      BOLT  q6  fn20                 (WASHER removed)
      RES   q3  fn30 R1,R2,R3
      WASHER q10 fn50
    """
    parts = {
        n: _part(session, n) for n in ("TOP", "ASM1", "SUB", "BOLT", "WIRE", "RES", "WASHER", "NUT")
    }
    top, asm1, sub = parts["TOP"], parts["ASM1"], parts["SUB"]
    bom_service.add_child(session, sub, parts["BOLT"], 2, find_num="10")
    bom_service.add_child(session, sub, parts["WIRE"], Decimal("1.5"), uom="m", find_num="20")
    bom_service.add_child(session, asm1, parts["BOLT"], 4, find_num="10")
    bom_service.add_child(session, asm1, sub, 1, find_num="20")
    bom_service.add_child(session, top, asm1, 2, find_num="10")
    bom_service.add_child(session, top, parts["BOLT"], 6, find_num="20")
    bom_service.add_child(session, top, parts["RES"], 3, find_num="30", refdes=["R1", "R2", "R3"])
    bom_service.add_child(session, top, parts["WASHER"], 10, find_num="50")
    # released assemblies need released children: leaves first
    for number in ("BOLT", "WIRE", "RES", "WASHER", "SUB", "ASM1", "TOP"):
        release_item(session, parts[number], engineer)
    rev_b = item_service.revise(session, top, engineer)
    lines = {line.child_config_id: line for line in lines_of(session, rev_b)}
    bom_service.update_line(session, lines[asm1.config_id], quantity=3)
    bom_service.update_line(session, lines[parts["BOLT"].config_id], find_num="25")
    bom_service.update_line(session, lines[parts["RES"].config_id], refdes="r3; r2|R4", notes="smd")
    bom_service.delete_line(session, lines[parts["WASHER"].config_id])
    bom_service.add_child(session, rev_b, parts["NUT"], 8, find_num="40")
    bom_service.add_child(session, rev_b, parts["WIRE"], 50, uom="cm", find_num="60")
    return {**parts, "TOP_B": rev_b}


def lines_of(session: Session, item: Item) -> list[BomLine]:
    """The stored lines of one revision."""
    return list(session.scalars(select(BomLine).where(BomLine.parent_item_id == item.id)))


@pytest.fixture
def example(database: Database, users: dict[str, User]) -> dict[str, Item]:
    """The hand-checked example, committed."""
    with database.scope() as s:
        return build_example(s, users["engineer"])
