"""Calendar periods and month arithmetic, on local wall time in a calendar's zone.

A month is not a fixed length, so "1 month" moves the date and keeps the wall time
(31 Jan + 1 month = 28 or 29 Feb: clamped to the month's end, never spilling into the
next one). The calendar's own weeks (from Monday), months and quarters are the periods of
cadences written so (每自然周2次); other cadence periods run from entering the node.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, datetime, timedelta
from typing import Final

PERIODS: Final = ("day", "week", "month", "quarter")


def add_months(local: datetime, months: int) -> datetime:
    """`local` (aware, in its calendar's zone) moved by whole calendar months."""
    index = local.year * 12 + (local.month - 1) + months
    year, month = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month + 1)[1]
    moved = local.replace(year=year, month=month + 1, day=min(local.day, last), fold=0)
    return _normalised(moved)


def period_bounds(local: datetime, period: str) -> tuple[datetime, datetime]:
    """[start, end) of the period holding `local`, both at local midnight."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    if period == "day":
        start, end = midnight, _next_day(midnight, 1)
    elif period == "week":
        start = _next_day(midnight, -midnight.weekday())
        end = _next_day(start, 7)
    elif period in ("month", "quarter"):
        first_month = local.month if period == "month" else (local.month - 1) // 3 * 3 + 1
        start = midnight.replace(month=first_month, day=1)
        end = add_months(start, 1 if period == "month" else 3)
    else:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    return _normalised(start), end


def _next_day(midnight: datetime, days: int) -> datetime:
    """Local midnight `days` later: aware + timedelta steps wall time, not 24-hour blocks."""
    return _normalised(midnight + timedelta(days=days))


def _normalised(local: datetime) -> datetime:
    """A real instant for a wall time (one skipped by a clock change moves forwards)."""
    return local.astimezone(UTC).astimezone(local.tzinfo)
