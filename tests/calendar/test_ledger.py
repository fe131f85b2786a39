"""The ledger of working time answers what the calendar's own walk answers, on any interval."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from flowkit.calendar import Calendar, CalendarSpec, WorkingHours, get_calendar
from flowkit.calendar.ledger import Ledger, micros
from tests.calendar.conftest import at

CALENDARS = [
    get_calendar("cn"),
    get_calendar("weekdays"),
    get_calendar("24x7"),
    get_calendar(
        "lunch",
        {
            "lunch": CalendarSpec(
                "lunch",
                "cn",
                hours=WorkingHours(510, 1050, ((720, 780),)),
                days_off=((date(2026, 2, 13), "公司年会"),),
            )
        },
    ),
    # a zone with daylight saving: its days are 23 and 25 hours long twice a year
    get_calendar(
        "berlin", {"berlin": CalendarSpec("berlin", "weekdays", timezone="Europe/Berlin")}
    ),
    get_calendar(
        "late",
        {"late": CalendarSpec("late", "24x7", hours=WorkingHours(780, 1440, ((1000, 1001),)))},
    ),
]
# instants from 2024 to 2028: the cn data's years, and the fallback after them
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@given(
    cal=st.sampled_from(CALENDARS),
    a=INSTANTS,
    b=INSTANTS,
    probes=st.lists(INSTANTS, max_size=4),
)
def test_the_ledger_agrees_with_the_walk(
    cal: Calendar, a: datetime, b: datetime, probes: list[datetime]
) -> None:
    ledger = Ledger(cal)
    for probe in probes:  # the days covered grow in any order first
        ledger.total(micros(probe))
    assert ledger.working_time(a, b) == cal.working_time(a, b)
    assert ledger.working_time(b, a) == cal.working_time(b, a)


@given(
    cal=st.sampled_from(CALENDARS),
    due=st.lists(INSTANTS, min_size=1, max_size=20),
    as_of=INSTANTS,
)
def test_one_ledger_answers_many_questions(
    cal: Calendar, due: list[datetime], as_of: datetime
) -> None:
    """As status asks it: many due instants against one moment, on one ledger."""
    ledger = Ledger(cal)
    for instant in due:
        assert ledger.working_time(instant, as_of) == cal.working_time(instant, as_of)


def test_a_few_known_answers() -> None:
    ledger = Ledger(get_calendar("cn"))
    # National Day 2025 (1–8 October off): the last hour before it, 9 and 10 October, and
    # the first hour of Saturday 11 October, a 调休 day worked
    assert ledger.working_time(at("2025-09-30 17:00"), at("2025-10-11 10:00")) == timedelta(
        hours=1 + 9 + 9 + 1
    )
    assert ledger.working_time(at("2025-10-01 10:00"), at("2025-10-03 10:00")) == timedelta(0)
    assert ledger.working_time(at("2025-10-13 10:00"), at("2025-10-10 10:00")) == -timedelta(
        hours=18
    )  # the Saturday worked and the Monday to 10:00 (the Friday 10:00–18:00 counted too)
