"""Helpers for the target-lock and digest tests: a released assembly and its ECO target."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.eco.conftest import ECO, create_eco, ok
from tests.helpers import release_four_eyes
from yuantus.bom import service as bom_service
from yuantus.bom.snapshot import revision_lines
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

Json = dict[str, Any]
BOM = "/api/v1/bom"
ITEMS = "/api/v1/items"


def released_item(database: Database, user: User, number: str, item_type: str = "Part") -> Json:
    """A released item (submitted by `user`, released by the approver): id and config id."""
    with database.scope() as s:
        item = item_service.create(s, item_type, number.title(), item_number=number, user=user)
        release_four_eyes(s, item, user)
        return {"id": item.id, "config_id": item.config_id}


def build_assembly(database: Database, eng: User) -> Json:
    """A released assembly GB-100 rev A with 8 gaskets; the gasket, a bolt and a drawing."""
    gasket = released_item(database, eng, "GASKET-8")
    bolt = released_item(database, eng, "BOLT-M6")
    drawing = released_item(database, eng, "DRW-100", "Document")
    with database.scope() as s:
        product = item_service.create(s, "Part", "Gearbox", item_number="GB-100", user=eng)
        child = item_service.get(s, gasket["id"])
        bom_service.add_child(s, product, child, 8, find_num="10")
        release_four_eyes(s, product, eng)
        product_id = product.id
    return {"product": product_id, "gasket": gasket, "bolt": bolt, "drawing": drawing}


def target_lines(client: TestClient, target: str) -> list[tuple[str, str]]:
    """The target revision's own BOM lines as (child number, quantity), sorted."""
    rows = ok(client.get(f"{BOM}/{target}/flat", params={"levels": 1}))["items"]
    return sorted((r["child_number"], r["quantity"]) for r in rows)


def line_of(database: Database, target: str) -> str:
    """The id of the target's only BOM line."""
    with database.scope() as s:
        lines = revision_lines(s, target)
        assert len(lines) == 1
        return lines[0].id


def open_target(client: TestClient, product: str) -> tuple[str, str]:
    """An ECO with its target revision: (eco id, target id)."""
    eco = create_eco(client, product)
    target: str = ok(client.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    return eco["id"], target
