"""One calendar file: its schema, and the semantic checks the schema cannot make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowkit.calendar import calendar_schema
from flowkit.calendar.files import read_calendar
from flowkit.calendar.hours import WorkingHours

ROOT = Path(__file__).resolve().parents[2]
HEAD = "flowkit: 1\ncalendar: acme\nbase: cn\n"


def test_the_two_schema_copies_are_identical() -> None:
    shipped = json.loads((ROOT / "schemas" / "calendar.schema.json").read_text("utf-8"))
    assert shipped == calendar_schema()


def _properties(node: object, path: str = "$") -> list[tuple[str, str, dict[str, object]]]:
    found: list[tuple[str, str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}.{name}", name, sub))
        for key, sub in node.items():
            found.extend(_properties(sub, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found.extend(_properties(sub, f"{path}[{i}]"))
    return found


def test_every_property_is_described() -> None:
    assert [p for p, _, sub in _properties(calendar_schema()) if "description" not in sub] == []


def test_every_key_is_documented() -> None:
    doc = (ROOT / "docs" / "process-format.md").read_text("utf-8")
    section = doc[doc.index("## Calendars") : doc.index("## Diagnostic codes")]
    keys = {name for _, name, _ in _properties(calendar_schema())}
    assert sorted(k for k in keys if f"`{k}`" not in section) == []


def _read(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    _, spec, found = read_calendar(path)
    assert (spec is None) == bool(found)
    return [f"{d.loc.line}:{d.loc.col} {d.code} {d.message} | {d.hint}" for d in found]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("{start: 8:30, end: 17:30}", WorkingHours(510, 1050)),  # YAML 1.1 sexagesimal ints
        ("{start: '8:30', end: '24:00'}", WorkingHours(510, 1440)),
        ("{start: '00:00', end: '12:00', breaks: [{start: 6:00, end: 7:00}]}",
         WorkingHours(0, 720, ((360, 420),))),
    ],
)  # fmt: skip
def test_times_are_read_as_written(tmp_path: Path, hours: str, expected: WorkingHours) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"{HEAD}hours: {hours}\n", encoding="utf-8")
    _, spec, found = read_calendar(path)
    assert found == [] and spec is not None and spec.hours == expected


def test_a_bare_number_is_not_a_time(tmp_path: Path) -> None:
    assert _read(tmp_path, f"{HEAD}hours: {{start: 9, end: '18:00'}}\n") == [
        "4:16 FK704 hours → start: '9' is not a time of day | write HH:MM from 00:00 to 24:00"
    ]


def test_breaks_that_fill_the_day(tmp_path: Path) -> None:
    breaks = "[{start: '09:00', end: '18:00'}]"
    text = f"{HEAD}hours: {{start: '09:00', end: '18:00', breaks: {breaks}}}\n"
    assert _read(tmp_path, text) == ["4:8 FK706 hours: the breaks leave no working time | None"]


@pytest.mark.parametrize(
    ("day", "hint"),
    [("2026-13-01", "months run from 01 to 12"), ("0000-01-01", "years run from 0001"),
     ("2028-02-30", "2028-02 has 29 days")],
)  # fmt: skip
def test_impossible_dates(tmp_path: Path, day: str, hint: str) -> None:
    (line,) = _read(tmp_path, f"{HEAD}extra_working_days: [{{date: {day}}}]\n")
    assert line == (
        f"4:29 FK705 extra_working_days → item 1 → date: '{day}' is not a date in the calendar"
        f" | {hint}"
    )


def test_not_a_mapping(tmp_path: Path) -> None:
    assert _read(tmp_path, "- acme\n") == ["1:1 FK006 the file holds no calendar mapping | None"]


def test_a_future_format_version(tmp_path: Path) -> None:
    (line,) = _read(tmp_path, "flowkit: 2\ncalendar: acme\nbase: cn\n")
    assert line.startswith("1:10 FK100 format version 2 is not supported")


def test_a_list_expected(tmp_path: Path) -> None:
    (line,) = _read(tmp_path, f"{HEAD}days_off: 2026-02-13\n")
    assert line == "4:11 FK103 days_off: expected a list, got text | None"
