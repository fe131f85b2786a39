"""Working hours: when, on a working day, the clock of a business SLA runs.

Kept as minutes after local midnight so one definition serves every day and every time
zone; `windows` turns them into UTC instants for one date, which is what the arithmetic
compares against (UTC, so a daylight-saving change never shifts a sum).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

DAY_MINUTES: Final = 24 * 60
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")

Window = tuple[datetime, datetime]  # [start, end) in UTC


def parse_clock(text: str) -> int | None:
    """Minutes after midnight for `HH:MM` (00:00–24:00), or None when it is no time of day."""
    m = _CLOCK.fullmatch(text.strip())
    if m is None:
        return None
    hours, minutes = int(m.group(1)), int(m.group(2))
    total = hours * 60 + minutes
    return total if minutes < 60 and total <= DAY_MINUTES else None


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WorkingHours:
    """One working day's span and the breaks inside it (no time counts during a break)."""

    start: int
    end: int
    breaks: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise ValueError(f"working hours must run forwards within a day: {self}")
        last = self.start
        for b_start, b_end in self.breaks:
            if not last <= b_start < b_end <= self.end:
                raise ValueError(f"breaks must be ordered, apart and inside the hours: {self}")
            last = b_end
        if not self.spans:
            raise ValueError(f"breaks leave no working time: {self}")

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """The working stretches of a day in minutes: the hours minus the breaks."""
        edges = [self.start, *(m for b in self.breaks for m in b), self.end]
        pairs = zip(edges[::2], edges[1::2], strict=True)
        return tuple((a, b) for a, b in pairs if a < b)

    @property
    def length(self) -> timedelta:
        """One working day's working time: what a business day is worth."""
        return timedelta(minutes=sum(b - a for a, b in self.spans))

    def windows(self, day: date, tz: ZoneInfo) -> tuple[Window, ...]:
        """The day's working stretches as UTC instants (local wall times resolved in `tz`)."""
        return tuple((_instant(day, a, tz), _instant(day, b, tz)) for a, b in self.spans)

    def text(self) -> str:
        """`09:00–18:00`; with a lunch break `08:30–12:00, 13:00–17:30` (no words to translate)."""
        return ", ".join(f"{clock_text(a)}–{clock_text(b)}" for a, b in self.spans)


def _instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    if minutes == DAY_MINUTES:
        day, minutes = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return local.astimezone(UTC)


OFFICE: Final = WorkingHours(9 * 60, 18 * 60)
ALL_DAY: Final = WorkingHours(0, DAY_MINUTES)
