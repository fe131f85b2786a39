"""Business calendars: working days, working hours and the SLA arithmetic on them.

A calendar answers "when is this due?" for the engine and "why then?" for people. The
built-ins are `cn` (China's official holidays and 调休 make-up days, from the
`chinesecalendar` data, with a documented fallback outside its years), `weekdays` and
`24x7`; companies add their own calendars as YAML files that extend one of them.

The modules, each one job:

- `hours`: working hours and breaks, and a day's working windows;
- `days`: the day rules (weekdays, every day, a company's overrides);
- `china`: the `cn` rule, its holiday names and its fallback;
- `periods`: month arithmetic and calendar periods;
- `core`: the Calendar and its arithmetic (shift, add, working_time, due);
- `cutoffs`: date-based deadlines (当天, 次日12点前, T+3, 3个自然日, 月底前) worked out by days;
- `explain` / `wording`: the due instant explained, and told in zh-CN or en;
- `spec` / `files` / `catalog`: custom calendar files read, checked and collected;
- `notices` / `notice_files`: a year's official holiday notice as a file completing `cn`;
- `registry`: calendars by name (instants typed by people are read by `flowkit.lang.times`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from flowkit.calendar.core import Calendar
from flowkit.calendar.days import DayInfo
from flowkit.calendar.hours import WorkingHours
from flowkit.calendar.registry import BUILTIN, get_calendar
from flowkit.calendar.spec import CalendarSpec

if TYPE_CHECKING:
    from flowkit.calendar.catalog import load_calendars
    from flowkit.calendar.explain import DueExplanation, explain_phrase
    from flowkit.calendar.files import calendar_schema

# Loaded on first use: reading calendar files needs the YAML loader and the JSON Schema,
# explaining a due instant the SLA phrase parser; working out one needs neither, and the
# tracking commands (which get their calendars from the compiled definitions) stay light.
_LAZY = {
    "load_calendars": "flowkit.calendar.catalog",
    "calendar_schema": "flowkit.calendar.files",
    "DueExplanation": "flowkit.calendar.explain",
    "explain_phrase": "flowkit.calendar.explain",
}

__all__ = [
    "BUILTIN",
    "Calendar",
    "CalendarSpec",
    "DayInfo",
    "DueExplanation",
    "WorkingHours",
    "calendar_schema",
    "explain_phrase",
    "get_calendar",
    "load_calendars",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flowkit.calendar' has no attribute {name!r}")
