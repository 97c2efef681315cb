"""Exact decimal numbers (quantities, times, rates): one column type, one JSON form, one parser.

Every quantity is a `Decimal` with at most 6 decimal places and 12 integer digits
(`NUMERIC(18, 6)` on PostgreSQL). Answers render it as a JSON *string* in canonical form
("2", "0.3", "1.125", "1000": no trailing zeros, never an exponent) because most JSON
parsers read numbers into binary doubles, which cannot hold 0.1; requests accept a JSON
number or a string.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Annotated, Any

from pydantic import Field, PlainSerializer
from sqlalchemy import Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

PRECISION = 18
SCALE = 6
# the first value a NUMERIC(18, 6) column cannot hold
LIMIT = Decimal(10) ** (PRECISION - SCALE)
QUANTUM = Decimal(1).scaleb(-SCALE)

# multiplication and addition never round here (exact to the last digit, however deep the
# BOM); an accidental inexact division would raise (MemoryError) instead of rounding silently
EXACT = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def exact() -> AbstractContextManager[Context]:
    """A block in which Decimal + and * are exact (use around sums and products of quantities)."""
    return localcontext(EXACT)


def to_str(value: Decimal) -> str:
    """The canonical text of a decimal: no trailing zeros, no exponent ("1000", "0.3", "0")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse(value: Any) -> Decimal:
    """A finite decimal of at most 6 places within NUMERIC(18, 6) from a number or string.

    ValueError names what is wrong (booleans, NaN, Infinity, too many places, too large).
    Floats are read through their shortest text, so 0.1 is 0.1 and not its binary expansion.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if number != number.quantize(QUANTUM, context=EXACT):
        raise ValueError(f"more than {SCALE} decimal places: {value!r}")
    if abs(number) >= LIMIT:
        raise ValueError(f"out of range (must be below {to_str(LIMIT)}): {value!r}")
    return number


def jsonable(value: Any) -> Any:
    """`value` with every Decimal inside dicts, lists and tuples replaced by its canonical text."""
    if isinstance(value, Decimal):
        return to_str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def json_default(value: Any) -> str:
    """`json.dumps(default=...)`: Decimals as canonical text; anything else is an error."""
    if isinstance(value, Decimal):
        return to_str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class _SqliteDecimalText(UserDefinedType[Decimal]):
    """SQLite storage: canonical decimal text (TEXT affinity keeps every digit; REAL would not)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        """Declared as TEXT: SQLite then stores the text as given."""
        return "TEXT"

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], str | None]:
        """Round to 6 places as NUMERIC(18, 6) does on PostgreSQL, then store canonical text."""

        def process(value: Any) -> str | None:
            if value is None:
                return None
            number = value if isinstance(value, Decimal) else Decimal(str(value))
            return to_str(number.quantize(QUANTUM, rounding=ROUND_HALF_UP, context=EXACT))

        return process

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], Decimal | None]:
        """Text back to Decimal, digit for digit."""

        def process(value: Any) -> Decimal | None:
            if value is None:
                return None
            return Decimal(value if value.__class__ is str else str(value))

        return process


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(18, 6) on PostgreSQL, canonical decimal TEXT on SQLite; Decimal in Python.

    SQLite has no decimal type: its NUMERIC affinity stores REAL (15 significant digits),
    and SQLAlchemy's Numeric binds through float there. Text keeps every digit; canonical
    text ("0.5", never "0.50" or "5E-1") also keeps `quantity > 0` checks meaningful.
    """

    impl = Numeric(PRECISION, SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """TEXT on SQLite, NUMERIC(18, 6) elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteDecimalText())
        return dialect.type_descriptor(Numeric(PRECISION, SCALE, asdecimal=True))


def _serializer() -> PlainSerializer:
    return PlainSerializer(to_str, return_type=str, when_used="json")


# request fields: a JSON number or string, finite, <= 6 places, |x| < 10^12; answered as text
Exact = Annotated[
    Decimal,
    Field(max_digits=PRECISION, decimal_places=SCALE, allow_inf_nan=False),
    _serializer(),
]
# answer fields (stored values and what is computed from them, e.g. extended quantities,
# which may carry more than 6 places): canonical text in JSON
ExactOut = Annotated[Decimal, _serializer()]
