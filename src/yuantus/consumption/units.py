"""PLM unit codes (EA, KG, MM, ML, ...) onto pint: conversion within a dimension, exact."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pint

from yuantus.consumption import codes
from yuantus.core import decimals
from yuantus.core.errors import Unprocessable

# PLM code -> pint unit; counts get a dimension of their own so EA never converts to KG
PLM_UNITS: dict[str, str] = {
    "EA": "piece",
    "PC": "piece",
    "PCS": "piece",
    "SET": "piece",
    "DOZ": "dozen",
    "MG": "milligram",
    "G": "gram",
    "KG": "kilogram",
    "T": "metric_ton",
    "LB": "pound",
    "OZ": "ounce",
    "MM": "millimeter",
    "CM": "centimeter",
    "M": "meter",
    "KM": "kilometer",
    "IN": "inch",
    "FT": "foot",
    "ML": "milliliter",
    "CL": "centiliter",
    "L": "liter",
    "M3": "cubic_meter",
    "GAL": "gallon",
    "M2": "square_meter",
    "CM2": "square_centimeter",
}


@cache
def registry() -> pint.UnitRegistry[Decimal]:
    """One registry with Decimal magnitudes (factors kept exact) and a count dimension."""
    reg: pint.UnitRegistry[Decimal] = pint.UnitRegistry(non_int_type=Decimal)
    reg.define("piece = [count]")
    reg.define("dozen = 12 * piece")
    return reg


def normalize(uom: str) -> str:
    """The PLM code of a uom, upper-cased; 422 unknown_uom when it is not one."""
    code = uom.strip().upper()
    if code not in PLM_UNITS:
        raise Unprocessable(
            f"unknown unit of measure {uom!r}",
            code=codes.UNKNOWN_UOM,
            context={"uom": uom, "known": sorted(PLM_UNITS)},
        )
    return code


def dimension(uom: str) -> str:
    """The dimension of a PLM code, e.g. "[mass]"."""
    return str(registry().Unit(PLM_UNITS[normalize(uom)]).dimensionality)


def convert(quantity: Decimal, uom: str, to_uom: str) -> Decimal:
    """`quantity` in `uom` as `to_uom`, to 6 places; 422 uom_mismatch across dimensions."""
    source, target = normalize(uom), normalize(to_uom)
    if source == target:
        return quantity
    reg = registry()
    try:
        value = reg.Quantity(quantity, PLM_UNITS[source]).to(PLM_UNITS[target]).magnitude
    except pint.DimensionalityError:
        raise Unprocessable(
            f"cannot convert {source} to {target}: {dimension(source)} is not {dimension(target)}",
            code=codes.UOM_MISMATCH,
            context={
                "uom": source,
                "plan_uom": target,
                "dimension": dimension(source),
                "plan_dimension": dimension(target),
            },
        ) from None
    return Decimal(value).quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)
