"""Exact decimals: canonical text, parsing limits, and storage that keeps every digit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.manufacturing.conftest import make_part
from yuantus.core import decimals
from yuantus.core.db import Database
from yuantus.manufacturing import routing_service, workcenter_service
from yuantus.manufacturing.models import Operation, WorkCenter


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", "2"),
        ("2.000000", "2"),
        ("0.300000", "0.3"),
        ("1.125", "1.125"),
        ("1E+3", "1000"),
        ("5E-7", "0.0000005"),
        ("0.000", "0"),
        ("-0", "0"),
        ("123456789012.123456", "123456789012.123456"),
    ],
)
def test_canonical_text_has_no_trailing_zeros_and_no_exponent(value: str, expected: str) -> None:
    assert decimals.to_str(Decimal(value)) == expected


def test_parse_reads_floats_through_their_shortest_text() -> None:
    assert decimals.parse(0.1) == Decimal("0.1")
    assert decimals.parse("  2.50 ") == Decimal("2.5")
    assert decimals.parse(3) == Decimal(3)
    assert decimals.parse("999999999999.999999") == Decimal("999999999999.999999")


@pytest.mark.parametrize(
    "value",
    [True, None, "abc", "NaN", "-Infinity", 0.1 + 0.2, "0.0000001", "1000000000000", [1]],
)
def test_parse_refuses_what_numeric_18_6_cannot_hold(value: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is what varies
        decimals.parse(value)


def test_jsonable_turns_every_decimal_into_text() -> None:
    value = {"a": [Decimal("1.50"), {"b": Decimal("1E+2")}], "c": 1.5, "d": "x"}
    assert decimals.jsonable(value) == {"a": ["1.5", {"b": "100"}], "c": 1.5, "d": "x"}


def test_storage_keeps_every_digit(database: Database) -> None:
    # 18 significant digits: a binary double (SQLite REAL) would keep only 15-17 of them
    big = Decimal("999999999999.999999")
    with database.scope() as s:
        center = workcenter_service.create(
            s, "WC-EXACT", "exact", cost_rate=big, efficiency=Decimal("0.1")
        )
        center_id = center.id
    with database.scope() as s:
        row = s.get(WorkCenter, center_id)
        assert row is not None
        assert (row.cost_rate, row.efficiency, row.capacity_per_day) == (
            big,
            Decimal("0.1"),
            Decimal(8),
        )
        if database.engine.dialect.name == "sqlite":
            raw = s.execute(
                text("SELECT cost_rate, typeof(cost_rate), efficiency FROM meta_workcenters")
            ).one()
            # canonical text: what `quantity > 0` checks and readers of the file see
            assert tuple(raw) == ("999999999999.999999", "text", "0.1")


def test_storage_rounds_to_six_places_on_both_backends(database: Database) -> None:
    with database.scope() as s:
        center = workcenter_service.create(s, "WC-ROUND", "round", cost_rate=Decimal("1.2345675"))
        center_id = center.id
    with database.scope() as s:
        row = s.get(WorkCenter, center_id)
        assert row is not None
        assert row.cost_rate == Decimal("1.234568")


def test_json_columns_store_decimals_as_their_canonical_text(database: Database) -> None:
    # a job payload or a line's properties may carry a quantity: it is stored as the API shows it
    product = make_part(database, "P-JSON", release=False)
    with database.scope() as s:
        center = workcenter_service.create(s, "WC-JSON", "json")
        routing = routing_service.create(s, product["id"], "RT-J", "j")
        op = routing_service.add_operation(
            s, routing, 10, "cut", center.id, properties={"scrap": Decimal("0.050")}
        )
        op_id = op.id
    with database.scope() as s:
        stored = s.get(Operation, op_id)
        assert stored is not None
        assert stored.properties == {"scrap": "0.05"}
