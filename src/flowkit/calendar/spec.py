"""A custom calendar as declared: what a calendar file says, before it is built.

Plain hashable data (tuples, no mappings), so a chain of specs can key the cache that
makes `get_calendar` hand out one Calendar object (and one day cache) per definition.
Fields left None inherit from the base calendar. A year's official holiday notice is a
spec too (`is_notice`), keyed `cn@2027`: no calendar of that name exists, the notice
completes `cn` itself (`flowkit.calendar.notices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flowkit.calendar.hours import WorkingHours


@dataclass(frozen=True)
class CalendarSpec:
    """One custom calendar: a base calendar plus the company's own hours and days."""

    id: str
    base: str
    name: str | None = None
    timezone: str | None = None
    hours: WorkingHours | None = None
    pause_cadences: bool | None = None  # daily/weekly cadences paused over holidays (None: base's)
    days_off: tuple[tuple[date, str], ...] = ()
    extra_working_days: tuple[tuple[date, str], ...] = ()
    file: str = ""  # where it was declared, for messages
    # A holiday notice (节假日安排通知) completes the built-in `base` for the whole `year`:
    # its holidays are `days_off`, its 调休 make-up days `extra_working_days`.
    year: int | None = None
    notice: str = ""  # the notice's reference, as published

    @property
    def is_notice(self) -> bool:
        return self.year is not None
