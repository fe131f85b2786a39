"""Times people type: one parser, the same spellings for every option and every import cell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.errors import InputError
from flowkit.lang.times import (
    YEARS,
    TimeError,
    current,
    parse_date,
    parse_time,
    parse_written,
    wall_text,
    zone,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKYO = ZoneInfo("Asia/Tokyo")

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
DATE_SPELLINGS: dict[str, Callable[[date], str]] = {
    "iso": lambda d: d.isoformat(),
    "slashes": lambda d: f"{d.year:04d}/{d.month:02d}/{d.day:02d}",
    "dots": lambda d: f"{d.year:04d}.{d.month:02d}.{d.day:02d}",
    "chinese": lambda d: f"{d.year:04d}年{d.month:02d}月{d.day:02d}日",
    "no leading zeros": lambda d: f"{d.year:04d}/{d.month}/{d.day}",
    "full-width": lambda d: d.isoformat().translate(FULL_WIDTH),
}
TIME_SPELLINGS: dict[str, Callable[[datetime], str]] = {
    "T": lambda t: f"T{t:%H:%M}",
    "space": lambda t: f" {t:%H:%M}",
    "seconds": lambda t: f"T{t:%H:%M:%S}",
    "fraction": lambda t: f" {t:%H:%M:%S.%f}",
    "one-digit hour": lambda t: f" {t.hour}:{t:%M}",
}
FIRST, LAST = YEARS[0], YEARS[-1]
days = st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 12, 31))
times = st.datetimes(min_value=datetime(FIRST, 1, 1), max_value=datetime(LAST, 12, 31, 23, 59))


@settings(max_examples=60)
@given(day=days, spelling=st.sampled_from(sorted(DATE_SPELLINGS)))
def test_every_date_spelling_reads_back_the_same_day(day: date, spelling: str) -> None:
    text = DATE_SPELLINGS[spelling](day)
    assert parse_date(text) == day
    assert parse_time(text) == datetime(day.year, day.month, day.day, tzinfo=zone())


@settings(max_examples=60)
@given(
    at=times,
    day_spelling=st.sampled_from(sorted(DATE_SPELLINGS)),
    time_spelling=st.sampled_from(sorted(TIME_SPELLINGS)),
)
def test_every_date_and_time_spelling_reads_back_the_same_wall_time(
    at: datetime, day_spelling: str, time_spelling: str
) -> None:
    text = DATE_SPELLINGS[day_spelling](at.date()) + TIME_SPELLINGS[time_spelling](at)
    kept = {"fraction": at, "seconds": at.replace(microsecond=0)}
    expected = kept.get(time_spelling, at.replace(second=0, microsecond=0))
    assert parse_written(text) == expected
    assert parse_time(text, tz=TOKYO) == expected.replace(tzinfo=TOKYO)


OFFSET_SPELLINGS: dict[str, Callable[[str, int, int], str]] = {
    "+HH:MM": lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
    "+HHMM": lambda sign, h, m: f"{sign}{h:02d}{m:02d}",
    "+HH": lambda sign, h, m: f"{sign}{h:02d}",
}


@settings(max_examples=60)
@given(
    at=times,
    minutes=st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59),
    spelling=st.sampled_from(sorted(OFFSET_SPELLINGS)),
)
def test_an_offset_is_kept_as_written(at: datetime, minutes: int, spelling: str) -> None:
    if spelling == "+HH":
        minutes -= minutes % 60 if minutes >= 0 else -(-minutes % 60)
    h, m = divmod(abs(minutes), 60)
    written = OFFSET_SPELLINGS[spelling]("-" if minutes < 0 else "+", h, m)
    expected = at.replace(second=0, microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_time(f"{at:%Y-%m-%dT%H:%M}{written}") == expected
    assert parse_time(f"{at:%Y-%m-%d %H:%M}Z") == expected.replace(tzinfo=UTC)


@settings(max_examples=200)
@given(text=st.text(max_size=30))
def test_junk_is_an_input_error_and_nothing_else(text: str) -> None:
    for parse in (parse_date, parse_time, parse_written):
        try:
            parse(text)
        except InputError as e:
            assert isinstance(e, TimeError) and f"'{text}'" in e.message
        # a valid spelling found by chance is fine: the point is no other exception


@settings(max_examples=60)
@given(at=times)
def test_what_flowkit_writes_it_reads_back(at: datetime) -> None:
    whole = at.replace(microsecond=0)
    assert parse_written(wall_text(whole)) == whole


@pytest.mark.parametrize(
    "text",
    [
        "2025-09-30T16:00",
        "2025-09-30 16:00",
        " 2025-09-30T16:00:00 ",
        "2025-09-30T08:00Z",
        "2025/09/30 16:00",
        "2025.9.30 16:00",
        "2025年9月30日 16:00",
        "2025年09月30日16:00",
        "２０２５-０９-３０ １６：００",
        "2025-09-30T17:00+09:00",
        "2025-09-30T17:00+0900",
        "2025-09-30T17:00 +09",
    ],
)
def test_one_instant_in_many_spellings(text: str) -> None:
    assert parse_time(text) == datetime(2025, 9, 30, 16, tzinfo=SHANGHAI)


def test_without_an_offset_a_time_is_in_flowkits_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_time("2025-09-30 16:00").tzinfo == SHANGHAI
    monkeypatch.setenv("FLOWKIT_TZ", "Asia/Tokyo")
    assert parse_time("2025-09-30 16:00") == datetime(2025, 9, 30, 16, tzinfo=TOKYO)
    assert parse_time("2025-09-30") == datetime(2025, 9, 30, tzinfo=TOKYO)
    assert current("2025-09-30T16:00") == datetime(2025, 9, 30, 16, tzinfo=TOKYO)


def test_an_offset_is_kept() -> None:
    value = parse_time("2025-09-30T16:00+09:00")
    assert value.utcoffset() == timedelta(hours=9)
    assert value == datetime(2025, 9, 30, 7, tzinfo=UTC)


def test_a_spreadsheet_date_cell_is_taken_as_it_is() -> None:
    assert parse_time(datetime(2025, 9, 30, 16)) == datetime(2025, 9, 30, 16, tzinfo=SHANGHAI)
    assert parse_time(date(2025, 9, 30)) == datetime(2025, 9, 30, tzinfo=SHANGHAI)
    assert parse_date(datetime(2025, 9, 30)) == date(2025, 9, 30)
    with pytest.raises(TimeError):
        parse_date(datetime(2025, 9, 30, 16))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tomorrow", "is not a date like 2023-10-15, 2023/10/15, 2023.10.15 or 2023年10月15日"),
        ("", "is not a date like"),
        ("30/09/2025 16:00", "is not a date like"),
        ("20250930", "is not a date like"),
        ("2025-13-01", "is not a day of the calendar"),
        ("2025-09-31T16:00", "is not a day of the calendar"),
        ("2025-09-30 25:00", "has no such time of day"),
        ("2025-09-30 下午", "is not a date and time like 2023-10-15 15:00"),
        ("2025-09-3016:00", "is not a date and time like"),
        ("2025-09-30T16:00+25:00", "has no such offset from UTC"),
    ],
)
def test_bad_times_say_what_is_wrong_and_how_to_write_one(text: str, problem: str) -> None:
    with pytest.raises(TimeError) as caught:
        parse_time(text, "--at")
    assert caught.value.message.startswith(f"--at: '{text}' {problem}")
    assert caught.value.hint is not None and "2023-10-15T15:00+08:00" in caught.value.hint


def test_a_date_option_refuses_a_time() -> None:
    with pytest.raises(TimeError) as caught:
        parse_date("2026-12-31 15:00", "--expected-close")
    assert caught.value.message == (
        "--expected-close: '2026-12-31 15:00' is not a date like "
        "2023-10-15, 2023/10/15, 2023.10.15 or 2023年10月15日"
    )


def test_a_bad_zone_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWKIT_TZ", "Mars/Olympus")
    with pytest.raises(InputError, match="is not a time zone"):
        parse_time("2025-09-30 16:00")


@given(day=st.dates().filter(lambda d: d.year not in YEARS))
def test_a_time_outside_the_years_kept_is_an_input_error(day: date) -> None:
    at_night = f"{day.isoformat()}T23:59+14:00"
    cases = [(parse_date, day.isoformat()), (parse_date, day), (parse_time, at_night)]
    for parse, written in [*cases, (parse_time, day.isoformat()), (parse_written, day)]:
        with pytest.raises(TimeError, match="outside the years flowkit keeps"):
            parse(written, "--at")


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("11月3日", "2023-11-03"),
        ("１１月３日", "2023-11-03"),
        ("11/3", "2023-11-03"),
        ("11-3", "2023-11-03"),
        ("11月3日 15:00", "2023-11-03 15:00"),
        ("11月3日15:00", "2023-11-03 15:00"),
        ("11/3T9:30", "2023-11-03T9:30"),
        ("2023-11-03", None),  # has its year
        ("11.3", None),  # a number as often as a date
        ("11/3号", None),
        ("昨天", None),
    ],
)
def test_a_date_without_its_year_is_given_one(text: str, dated: str | None) -> None:
    from flowkit.lang.times import with_year

    assert with_year(text, 2023) == dated
    if dated is not None:
        assert parse_written(dated).year == 2023
