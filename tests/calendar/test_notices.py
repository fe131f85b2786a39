"""A year's official holiday notice as a file: one file makes a year without holiday data
exact, and a later package that disagrees with it is found."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flowkit.calendar import get_calendar, load_calendars
from flowkit.calendar.files import notice_schema
from flowkit.calendar.notices import disagreements
from flowkit.lang.sla import Duration
from tests.calendar.conftest import at

ROOT = Path(__file__).resolve().parents[2]
NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "calendars" / "notices"
THREE_DAYS = Duration(3, "day", True)


def _with_notices() -> dict[str, object]:
    specs, found = load_calendars([NOTICES])
    assert found == []
    return specs  # type: ignore[return-value]


def test_the_two_schema_copies_are_identical() -> None:
    shipped = json.loads((ROOT / "schemas" / "holidays.schema.json").read_text("utf-8"))
    assert shipped == notice_schema()


def test_a_notice_is_read_as_the_whole_year() -> None:
    specs, _ = load_calendars([NOTICES / "cn-2027.yaml"])
    (notice,) = specs.values()
    assert (notice.id, notice.base, notice.year) == ("cn@2027", "cn", 2027)
    assert (date(2027, 2, 8), "春节 Spring Festival") in notice.days_off
    assert (date(2027, 2, 20), "春节调休 Spring Festival make-up day") in notice.extra_working_days


def test_a_notice_makes_its_year_exact() -> None:
    """3个工作日 from Friday 2027-02-05 10:00, across the fixture's 春节 (2/6–2/14): on the
    fallback it falls a week early (a false breach); with the notice it is exact."""
    fallback, noticed = get_calendar("cn"), get_calendar("cn", _with_notices())  # type: ignore[arg-type]
    assert fallback.add(at("2027-02-05 10:00"), THREE_DAYS) == at("2027-02-10 10:00")
    exp = noticed.explain(at("2027-02-05 10:00"), THREE_DAYS)
    assert exp.due == at("2027-02-17 10:00")
    assert {why for _, why in exp.skipped} >= {"春节 Spring Festival"}
    assert exp.uncovered == () and exp.warnings == ()
    assert noticed.data_until == 2027 and fallback.data_until == 2026
    assert noticed.covers(date(2027, 6, 1)) and not noticed.covers(date(2028, 1, 3))
    saturday = noticed.day(date(2027, 2, 20))
    assert saturday.working and saturday.adjusted
    assert not noticed.day(date(2027, 6, 9)).working  # 端午节, a Wednesday


def test_the_calendar_as_it_was_before_the_notice() -> None:
    """`calendar retime` lays deadlines out again from the data they were computed on."""
    old = get_calendar("cn", _with_notices(), data_until=2026)  # type: ignore[arg-type]
    assert old.data_until == 2026 and not old.covers(date(2027, 2, 8))


def test_a_company_calendar_on_cn_gets_the_notice_too(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "flowkit: 1\ncalendar: acme\nbase: cn\ndays_off:\n  - {date: 2027-03-01, name: 年会}\n",
        "utf-8",
    )
    specs, found = load_calendars([tmp_path, NOTICES / "cn-2027.yaml"])
    assert found == []
    acme = get_calendar("acme", specs)
    assert not acme.is_working_day(date(2027, 2, 8)) and not acme.is_working_day(date(2027, 3, 1))
    assert acme.covers(date(2027, 2, 8)) and acme.data_until == 2027


def test_a_notice_the_package_agrees_with_has_no_disagreement() -> None:
    specs, _ = load_calendars([NOTICES / "cn-2026.yaml"])
    (notice,) = specs.values()
    assert disagreements(notice) == []


def test_a_day_the_package_sees_otherwise_is_reported(tmp_path: Path) -> None:
    text = (NOTICES / "cn-2026.yaml").read_text("utf-8")
    wrong = text.replace("  - {date: 2026-02-28, for: 春节}\n", "")  # a make-up day left out
    wrong = wrong.replace("to: 2026-10-07}", "to: 2026-10-08}")  # one day too many
    (tmp_path / "cn-2026.yaml").write_text(wrong, "utf-8")
    specs, found = load_calendars([tmp_path])
    assert found == []
    (notice,) = specs.values()
    assert disagreements(notice) == [
        (date(2026, 2, 28), False, True),  # the file: a Saturday off; the package: worked
        (date(2026, 10, 8), False, True),
    ]
    assert disagreements(_with_notices()["cn@2027"]) == []  # type: ignore[arg-type]


def test_every_key_of_a_notice_is_documented() -> None:
    doc = (ROOT / "docs" / "process-format.md").read_text("utf-8")
    section = doc[doc.index("### A new year's holiday notice") : doc.index("## Diagnostic codes")]
    keys: set[str] = set()
    pending: list[object] = [notice_schema()]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    assert sorted(k for k in keys if f"`{k}`" not in section) == []
