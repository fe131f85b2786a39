"""Calendar files checked together: each fixture gives exactly its located messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flowkit.calendar import get_calendar, load_calendars
from flowkit.calendar.hours import WorkingHours
from flowkit.diagnostics import CODES, Diagnostic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendars"
INVALID = FIXTURES / "invalid"

# fixture (a file, or a folder loaded as a whole) -> every diagnostic, as printed
EXPECTED: dict[str, list[str]] = {
    "FK001-syntax.yaml": [
        "{}:6:1: FK001: did not find expected ',' or '}}' (while parsing a flow mapping that "
        "starts on line 5)",
    ],
    "FK100-no-version.yaml": [
        "{}:1:1: FK100: the file does not say its format version "
        "[hint: add `flowkit: 1` as the first key]",
    ],
    "FK101-unknown-key.yaml": [
        "{}:4:39: FK101: hours: unknown key 'brakes' [hint: did you mean 'breaks'?]",
    ],
    "FK102-missing-base.yaml": [
        "{}:1:1: FK102: the file: missing required key 'base'",
        "{}:4:5: FK102: days_off → item 1: missing required key 'date'",
    ],
    "FK105-bad-forms.yaml": [
        "{}:2:11: FK105: calendar: '华东' is not a valid id [hint: ids start with a letter and "
        "use only letters, digits, '_' and '-'; put Chinese in `name`]",
        "{}:5:12: FK105: days_off → item 1 → date: '2026/02/13' is not in the expected form "
        "[hint: A date as YYYY-MM-DD, e.g. 2026-02-13. (日期)]",
    ],
    "FK701-builtin-name.yaml": [
        "{}:2:11: FK701: calendar id 'weekdays' is the name of a built-in calendar "
        "[hint: choose another id, e.g. acme]",
    ],
    "FK701-twice": [
        "{}/b.yaml:3:11: FK701: calendar id 'acme' is also declared in {}/a.yaml:2:11 "
        "[hint: give each calendar its own id]",
    ],
    "FK702-unknown-base.yaml": [
        "{}:3:7: FK702: unknown base calendar 'cm' [hint: known calendars: cn, weekdays, 24x7]",
    ],
    "FK703-cycle": [
        "{}/a.yaml:3:7: FK703: calendars extend each other in a cycle: east → west → east "
        "[hint: one of them must extend a built-in calendar (cn, weekdays or 24x7)]",
    ],
    "FK704-bad-time.yaml": [
        "{}:6:8: FK704: hours → end: '25:00' is not a time of day "
        "[hint: write HH:MM from 00:00 to 24:00]",
    ],
    "FK705-no-such-date.yaml": [
        "{}:5:12: FK705: days_off → item 1 → date: '2026-02-30' is not a date in the calendar "
        "[hint: 2026-02 has 28 days]",
    ],
    "FK706-break-outside-hours.yaml": [
        "{}:9:7: FK706: hours → breaks → item 2: break 12:30–13:30 overlaps break 12:00–13:00 "
        "[hint: merge them into one break]",
        "{}:10:7: FK706: hours → breaks → item 3: break 18:00–19:00 is not inside the working "
        "hours 09:00–18:00",
    ],
    "FK706-end-before-start.yaml": [
        "{}:4:30: FK706: hours → end: the working day ends (08:30) before it starts (17:30) "
        "[hint: hours run within one day, 00:00 to 24:00; a night shift needs two calendars]",
        "{}:6:28: FK706: days_off → item 1 → to: the range ends (2026-08-03) before it starts "
        "(2026-08-07) [hint: swap `from` and `to`]",
    ],
    "FK707-off-and-extra.yaml": [
        "{}:7:12: FK707: extra_working_days → item 1 → date: 2026-02-14 is both a day off "
        "(公司年会, line 5) and an extra working day "
        "[hint: keep it in only one of days_off and extra_working_days]",
    ],
    "FK708-unknown-zone.yaml": [
        "{}:4:11: FK708: timezone: unknown time zone 'Asia/Shangai' "
        "[hint: did you mean 'Asia/Shanghai'?]",
    ],
    "FK701-two-notices": [
        "{}/b.yaml:3:7: FK701: the 2027 notice for cn is also in {}/a.yaml:3:7 "
        "[hint: keep one file per year]",
    ],
    "FK710-make-up-on-a-weekday.yaml": [
        "{}:13:12: FK710: make_up_days → item 1 → date: 2027-02-19 is a Friday: a make-up "
        "working day (调休) is a Saturday or Sunday worked "
        "[hint: check the date against the notice; a weekday is worked anyway]",
    ],
    "FK711-overlap.yaml": [
        "{}:10:5: FK711: holidays → item 5: 2027-05-05 is in both '端午节' and '劳动节' (line 9) "
        "[hint: holiday ranges do not overlap: check the dates against the notice]",
        "{}:13:12: FK711: make_up_days → item 1 → date: 2027-02-13 is both a make-up working "
        "day and a day of '春节' [hint: check the date against the notice]",
    ],
    "FK712-another-year.yaml": [
        "{}:6:22: FK712: holidays → item 1 → from: 2026-12-31 is not in 2027, the year this "
        "notice arranges [hint: a notice declares one year; put another year's days in a "
        "file of its own]",
    ],
    "FK713-a-holiday-missing.yaml": [
        "{}:6:3: FK713: holidays: the notice for 2027 names no 清明节, 端午节, 中秋节: a notice "
        "declares the whole year, and a holiday left out would be counted as working days "
        "[hint: copy every holiday of the notice, each with its name (元旦, 春节, 清明节, "
        "劳动节, 端午节, 中秋节, 国庆节; a range may name two: 国庆节、中秋节)]",
        "{}:6:3: FK713: holidays: '元旦' does not include 2027-01-01, its fixed date by law "
        "[hint: check the dates against the notice]",
    ],
    "FK714-not-cn.yaml": [
        "{}:2:10: FK714: extends: 'weekdays' takes no holiday notice: only cn is kept by "
        "official holiday data [hint: write `extends: cn`; a company's own days off go in a "
        "calendar file of its own (`calendar:` and `base:`)]",
    ],
    "FK709-range-too-long.yaml": [
        "{}:5:5: FK709: days_off → item 1: the range spans 730 days; one range holds at most 366 "
        "[hint: split it by year, or check the years of `from` and `to`]",
    ],
}


def shown(d: Diagnostic) -> str:
    hint = f" [hint: {d.hint}]" if d.hint else ""
    return f"{d.loc}: {d.code}: {d.message}{hint}"


def test_every_fixture_has_its_expected_messages() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in INVALID.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture(name: str) -> None:
    path = INVALID / name
    _, found = load_calendars([path])
    assert [shown(d) for d in found] == [line.format(path, path) for line in EXPECTED[name]]
    code = name.split("-")[0]
    assert code in {d.code for d in found}


def test_every_calendar_code_has_a_fixture() -> None:
    calendar_codes = {code for code in CODES if code.startswith("FK7")}
    assert calendar_codes <= {name.split("-")[0] for name in EXPECTED}


def test_only_resolvable_calendars_are_returned() -> None:
    assert sorted(load_calendars([INVALID / "FK701-twice"])[0]) == ["acme"]
    assert load_calendars([INVALID / "FK703-cycle"])[0] == {}


def test_valid_folder() -> None:
    specs, found = load_calendars([FIXTURES / "valid"])
    assert found == []
    assert sorted(specs) == ["acme", "acme-late"]
    acme = specs["acme"]
    assert acme.hours == WorkingHours(510, 1050, ((720, 780),))
    assert acme.days_off[0] == (date(2026, 2, 13), "公司年会")
    assert [d for d, _ in acme.days_off[1:]] == [date(2026, 8, d) for d in range(3, 8)]
    assert acme.extra_working_days[0] == (date(2026, 2, 14), "年会补班")
    assert specs["acme-late"].hours == WorkingHours(780, 1320)  # unquoted 13:00 read as written
    assert specs["acme-late"].days_off == ((date(2026, 3, 2), "公司休息日 company day off"),)
    late = get_calendar("acme-late", specs)
    assert not late.is_working_day(date(2026, 8, 5)) and not late.is_working_day(date(2026, 3, 2))


def test_a_base_in_a_broken_file_does_not_cascade(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("flowkit: 1\ncalendar: a\nbase: cn\nhours: {start: x}\n")
    (tmp_path / "b.yaml").write_text("flowkit: 1\ncalendar: b\nbase: a\n")
    specs, found = load_calendars([tmp_path])
    assert specs == {}
    assert {d.code for d in found} == {"FK102", "FK105"}


def test_a_missing_path(tmp_path: Path) -> None:
    _, found = load_calendars([tmp_path / "nowhere.yaml"])
    assert [shown(d) for d in found] == [
        f"{tmp_path / 'nowhere.yaml'}: FK007: '{tmp_path / 'nowhere.yaml'}' does not exist"
    ]


def test_a_file_and_its_folder_are_read_once() -> None:
    specs, found = load_calendars([FIXTURES / "valid", FIXTURES / "valid" / "acme.yaml"])
    assert found == [] and sorted(specs) == ["acme", "acme-late"]
