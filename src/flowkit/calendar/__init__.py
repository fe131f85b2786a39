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
- `core`: the Calendar and its arithmetic (shift, add, working_time);
- `explain` / `wording`: the due instant explained, and told in zh-CN or en;
- `spec` / `files` / `catalog`: custom calendar files read, checked and collected;
- `registry`: calendars by name (instants typed by people are read by `flowkit.lang.times`).
"""

from flowkit.calendar.catalog import load_calendars
from flowkit.calendar.core import Calendar
from flowkit.calendar.days import DayInfo
from flowkit.calendar.explain import DueExplanation, explain_phrase
from flowkit.calendar.files import calendar_schema
from flowkit.calendar.hours import WorkingHours
from flowkit.calendar.registry import BUILTIN, get_calendar
from flowkit.calendar.spec import CalendarSpec

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
