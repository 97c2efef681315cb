"""Period buckets (day, ISO week, month) and the planned quantity that falls into each."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from yuantus.core import decimals

_DAY = timedelta(days=1)


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the bucket holding `day`: itself, its ISO week's Monday, its month's 1st."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def bucket_end(start: date, bucket: str) -> date:
    """The last day of the bucket starting on `start`."""
    if bucket == "week":
        return start + timedelta(days=6)
    if bucket == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def label(start: date, bucket: str) -> str:
    """A bucket's name: 2026-02-03, 2026-W06 (ISO week), 2026-02."""
    if bucket == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if bucket == "month":
        return f"{start.year}-{start.month:02d}"
    return start.isoformat()


def buckets(first: date, last: date, bucket: str) -> Iterator[tuple[date, date]]:
    """(start, end) of every bucket that overlaps [first, last], in order."""
    start = bucket_start(first, bucket)
    while start <= last:
        end = bucket_end(start, bucket)
        yield start, end
        start = end + _DAY


def _days(first: date, last: date) -> int:
    return max((last - first).days + 1, 0)


def planned_between(quantity: Decimal, unit: str, first: date, last: date) -> Decimal:
    """The planned quantity over the days [first, last] of a rate of `quantity` per `unit`.

    A day carries 1/7 of a weekly rate and 1/(days of its month) of a monthly one, so a whole
    period carries exactly its planned quantity and a part of one its share; to 6 places.
    """
    if last < first:
        return Decimal(0)
    days = _days(first, last)
    if unit == "day" or (unit == "week" and days == 7):
        # whole periods: no division (the common case, and the dashboard's hot path)
        return quantity * (days if unit == "day" else 1)
    if unit == "month" and first.day == 1 and last == bucket_end(first, "month"):
        return quantity
    with localcontext(prec=60):
        if unit == "day":
            total = quantity * _days(first, last)
        elif unit == "week":
            total = quantity * _days(first, last) / 7
        else:
            total = Decimal(0)
            for start, end in buckets(first, last, "month"):
                inside = _days(max(start, first), min(end, last))
                total += quantity * inside / _days(start, end)
    return total.quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)


def overlap(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date] | None:
    """The days two ranges share, or None."""
    first, last = max(a[0], b[0]), min(a[1], b[1])
    return (first, last) if first <= last else None
