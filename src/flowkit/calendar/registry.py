"""Calendars by name: the built-ins as data, and custom calendars built on top of them.

A calendar is looked up by the name a process gives in `calendar:`. Built-ins are made
once; a custom calendar is built from its chain of specs (itself, its base, …) and
cached on that chain, so every caller shares one object and its cache of day plans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowkit.calendar import china, days, notices
from flowkit.calendar.core import Calendar
from flowkit.calendar.hours import ALL_DAY, OFFICE
from flowkit.calendar.spec import CalendarSpec
from flowkit.errors import InputError
from flowkit.lang.spelling import guess
from flowkit.messages import msg, words

SHANGHAI: Final = "Asia/Shanghai"

_BUILTINS: Final[dict[str, Callable[[int], Calendar]]] = {
    "cn": lambda until: Calendar(
        "cn",
        ZoneInfo(SHANGHAI),
        china.china if until == china.LAST_YEAR else china.china_until(until),
        OFFICE,
        "中国法定节假日与调休",
        until,
        pause_cadences=True,  # nobody owes a 每日 follow-up on 春节
    ),
    "weekdays": lambda _: Calendar(
        "weekdays", ZoneInfo(SHANGHAI), days.weekdays, OFFICE, "周一至周五"
    ),
    "24x7": lambda _: Calendar("24x7", ZoneInfo(SHANGHAI), days.every_day, ALL_DAY, "全天候"),
}
BUILTIN: Final = tuple(_BUILTINS)


@cache
def builtin(name: str, data_until: int | None = None) -> Calendar:
    """A built-in calendar; `data_until` gives it as it was when the holiday data ended
    with that year (default: all the data installed)."""
    return _BUILTINS[name](china.LAST_YEAR if data_until is None else data_until)


def get_calendar(
    name: str, custom: Mapping[str, CalendarSpec] | None = None, data_until: int | None = None
) -> Calendar:
    """The calendar called `name`: a custom one from `custom`, else a built-in; with
    `data_until`, as it computed when its holiday data ended with that year."""
    specs = custom or {}
    chain: list[CalendarSpec] = []
    while name in specs and name not in BUILTIN and not specs[name].is_notice:
        spec = specs[name]
        if spec in chain:
            names = " → ".join([*(s.id for s in chain[chain.index(spec) :]), spec.id])
            raise InputError(msg("calendars extend each other in a cycle: {names}", names=names))
        chain.append(spec)
        name = spec.base
    if name not in BUILTIN:
        others = [n for n, s in specs.items() if n not in {c.id for c in chain} and not s.is_notice]
        raise _unknown(name, [*BUILTIN, *others], chain[-1] if chain else None)
    found = _notices(specs, name, data_until)
    if chain or found:
        return _build(tuple(chain), name, data_until, found)
    return builtin(name, data_until)


def _notices(
    specs: Mapping[str, CalendarSpec], root: str, data_until: int | None
) -> tuple[CalendarSpec, ...]:
    """The holiday notices completing the built-in `root` (with `data_until`, those of
    the years up to it: the calendar as it was then)."""
    found = [
        s
        for s in specs.values()
        if s.is_notice and s.base == root and (data_until is None or (s.year or 0) <= data_until)
    ]
    return tuple(sorted(found, key=lambda s: s.year or 0))


def _unknown(name: str, known: list[str], user: CalendarSpec | None) -> InputError:
    hint = guess(name, known) or msg("known calendars: {names}", names=words(known))
    if user is None:
        return InputError(msg("unknown calendar '{name}'", name=name), hint)
    return InputError(
        msg(
            "unknown calendar '{name}' (the base of '{calendar}' in {file})",
            name=name,
            calendar=user.id,
            file=user.file or msg("code"),
        ),
        hint,
    )


@lru_cache(maxsize=64)
def _build(
    chain: tuple[CalendarSpec, ...],
    root: str,
    data_until: int | None,
    found: tuple[CalendarSpec, ...] = (),
) -> Calendar:
    """`chain` runs from the calendar asked for down to the one built on `root`, which
    the holiday notices `found` complete for their years."""
    cal = builtin(root, data_until)
    if found:
        cal = Calendar(
            cal.name,
            cal.tz,
            notices.noticed(cal.rule, found),
            cal.hours,
            cal.title,
            notices.covered_until(cal.data_until, found),
            cal.pause_cadences,
        )
    for spec in reversed(chain):
        cal = Calendar(
            spec.id,
            _zone(spec) if spec.timezone else cal.tz,
            days.Overrides(cal.rule, dict(spec.days_off), dict(spec.extra_working_days)),
            spec.hours or cal.hours,
            spec.name or spec.id,
            cal.data_until,
            cal.pause_cadences if spec.pause_cadences is None else spec.pause_cadences,
        )
    return cal


def _zone(spec: CalendarSpec) -> ZoneInfo:
    try:
        return ZoneInfo(str(spec.timezone))
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InputError(
            msg(
                "calendar '{calendar}': unknown time zone '{zone}'",
                calendar=spec.id,
                zone=spec.timezone,
            ),
            msg("use an IANA name such as Asia/Shanghai"),
        ) from e
