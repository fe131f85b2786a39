"""Calendars by name: built-ins, custom chains, and the errors for names that do not resolve."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from flowkit.calendar import BUILTIN, CalendarSpec, WorkingHours, get_calendar
from flowkit.check import BUILTIN_CALENDARS
from flowkit.errors import InputError

ACME = CalendarSpec(
    "acme",
    "cn",
    name="华东公司工作日历",
    hours=WorkingHours(510, 1050, ((720, 780),)),
    days_off=((date(2026, 2, 13), "公司年会"),),
    extra_working_days=((date(2026, 8, 8), "盘点补班"),),
)
LATE = CalendarSpec("late", "acme", timezone="Asia/Urumqi", hours=WorkingHours(780, 1320))
CUSTOM = {"acme": ACME, "late": LATE}


def test_builtins_match_the_names_the_checks_accept() -> None:
    assert BUILTIN == BUILTIN_CALENDARS == ("cn", "weekdays", "24x7")


@pytest.mark.parametrize("name", BUILTIN)
def test_builtins_are_made_once(name: str) -> None:
    cal = get_calendar(name)
    assert cal is get_calendar(name, CUSTOM)
    assert (cal.name, cal.tz) == (name, ZoneInfo("Asia/Shanghai"))


def test_a_custom_calendar_extends_its_base() -> None:
    acme = get_calendar("acme", CUSTOM)
    assert (acme.name, acme.title, acme.day_length) == (
        "acme",
        "华东公司工作日历",
        timedelta(hours=8),
    )
    assert not acme.is_working_day(date(2026, 2, 13))
    assert acme.is_working_day(date(2026, 8, 8))
    assert not acme.is_working_day(date(2025, 10, 1))  # cn's holidays still apply
    assert acme.tz == ZoneInfo("Asia/Shanghai")


def test_a_chain_inherits_what_it_does_not_change() -> None:
    late = get_calendar("late", CUSTOM)
    assert late.tz == ZoneInfo("Asia/Urumqi") and late.hours == WorkingHours(780, 1320)
    assert not late.is_working_day(date(2026, 2, 13))  # acme's day off
    assert not late.covers(date(2027, 1, 4)) and late.covers(date(2026, 1, 5))


def test_the_same_definition_gives_the_same_object() -> None:
    assert get_calendar("late", CUSTOM) is get_calendar("late", dict(CUSTOM))


def test_an_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(InputError) as caught:
        get_calendar("acm", CUSTOM)
    assert (caught.value.message, caught.value.hint) == (
        "unknown calendar 'acm'",
        "did you mean 'acme'?",
    )


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as caught:
        get_calendar("holidays")
    assert caught.value.hint == "known calendars: cn, weekdays, 24x7"


def test_an_unknown_base_names_the_calendar_that_uses_it() -> None:
    broken = {"acme": CalendarSpec("acme", "cm", file="calendars/acme.yaml")}
    with pytest.raises(InputError) as caught:
        get_calendar("acme", broken)
    assert caught.value.message == (
        "unknown calendar 'cm' (the base of 'acme' in calendars/acme.yaml)"
    )
    assert caught.value.hint == "known calendars: cn, weekdays, 24x7"


def test_a_cycle_is_an_error_not_a_hang() -> None:
    cycle = {"a": CalendarSpec("a", "b"), "b": CalendarSpec("b", "a")}
    with pytest.raises(InputError, match="calendars extend each other in a cycle: a → b → a"):
        get_calendar("a", cycle)


def test_an_unknown_time_zone_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        get_calendar("x", {"x": CalendarSpec("x", "cn", timezone="Mars/Olympus")})


def test_a_custom_calendar_cannot_shadow_a_builtin() -> None:
    assert get_calendar("cn", {"cn": CalendarSpec("cn", "weekdays")}) is get_calendar("cn")
