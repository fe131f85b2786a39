"""The listing writers: one registry, tables aligned by display width, CSV with its header,
JSON streamed record by record and equal to the records read in full."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import Any

import pytest

from flowkit.cli import formats as cli_formats
from flowkit.output.formats import (
    ALIASES,
    PAGE_WRITERS,
    WRITERS,
    Listing,
    Page,
    encode,
    write,
    write_page,
)

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Leg:
    node: str
    took: timedelta


@dataclass(frozen=True)
class Deal:
    id: int
    name: str
    due: datetime
    day: date | None
    fields: dict[str, Any]
    legs: tuple[Leg, ...] = ()
    notes: list[str] = field(default_factory=list)

    @cached_property
    def label(self) -> str:  # lands in the instance dict once read
        return f"#{self.id}"


DEALS = [
    Deal(
        1,
        "华东区CRM升级",
        datetime(2026, 11, 27, 10, 0, tzinfo=CST),
        date(2026, 12, 31),
        {"amount": 280000, "segment": "large"},
        (Leg("lead_capture", timedelta(hours=2)), Leg("screening", timedelta(days=1))),
        ["电话确认需求"],
    ),
    Deal(2, 'Plant, "B"', datetime(2026, 11, 28, 9, 30, tzinfo=CST), None, {}),
]


def _deep(value: Any) -> Any:
    """What the JSON was before: asdict's deep copy with durations and instants converted."""
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep(v) for v in value]
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _listing(records: list[Deal], **more: Any) -> Listing:
    def rows(fmt: str) -> list[dict[str, str]]:
        empty = "" if fmt == "csv" else "-"
        return [{"id": str(d.id), "name": d.name, "day": str(d.day or empty)} for d in records]

    headings = {"id": "编号", "name": "商机名称", "day": "预计成交时间"}
    return Listing(("id", "name", "day"), headings, rows=rows, records=records, **more)


def _written(listing: Listing, fmt: str) -> str:
    out = io.StringIO()
    write(listing, fmt, out)
    return out.getvalue()


def test_the_cli_offers_the_registry_s_names() -> None:
    assert tuple(WRITERS) == cli_formats.FORMATS
    assert tuple(PAGE_WRITERS) == cli_formats.PAGE_FORMATS
    assert cli_formats.ALIASES == ALIASES and set(ALIASES.values()) <= set(WRITERS)


def test_json_reads_records_shallowly_and_equals_the_deep_copy() -> None:
    assert DEALS[0].label == "#1"  # now in the instance dict, and not a field
    text = _written(_listing(DEALS), "json")
    assert json.loads(text) == [_deep(asdict(d)) for d in DEALS]
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(DEALS) + 2
    assert "华东区CRM升级" in text and "\\u" not in text  # Chinese as it is
    assert ": " not in text and ", " not in text.replace('"Plant, \\"B\\""', "")  # compact


def test_json_with_a_head_is_one_object_and_empty_lists_are_empty_arrays() -> None:
    head = {"as_of": datetime(2026, 11, 27, 10, 0, tzinfo=CST), "breached": 1}
    data = json.loads(_written(_listing(DEALS, head=head, key="alerts"), "json"))
    assert list(data) == ["as_of", "breached", "alerts"]
    assert data["as_of"] == "2026-11-27T10:00:00+08:00" and len(data["alerts"]) == 2
    assert _written(_listing([]), "json") == "[]\n"
    assert json.loads(_written(_listing([], head={}, key="rows"), "json")) == {"rows": []}


def test_json_without_records_lists_the_rows() -> None:
    listing = Listing(("a",), {"a": "A"}, rows=lambda fmt: [{"a": fmt}])
    assert json.loads(_written(listing, "json")) == [{"a": "json"}]


def test_json_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError, match="set cannot be written as JSON"):
        encode({"tags": {"a"}})


def test_csv_has_the_headings_then_the_rows_for_csv() -> None:
    rows = list(csv.reader(io.StringIO(_written(_listing(DEALS), "csv"))))
    assert rows == [
        ["编号", "商机名称", "预计成交时间"],
        ["1", "华东区CRM升级", "2026-12-31"],
        ["2", 'Plant, "B"', ""],
    ]


def test_a_plain_table_aligns_by_display_width() -> None:
    text = _written(_listing(DEALS), "table")
    assert text.splitlines() == [
        "编号  商机名称       预计成交时间",
        "1     华东区CRM升级  2026-12-31",
        '2     Plant, "B"     -',
    ]
    assert _written(_listing(DEALS), "text") == text  # the old name of the table


def test_a_table_may_be_the_command_s_own_lines_with_a_footer() -> None:
    listing = _listing(DEALS, text=lambda: ["a line", "another"], footer="2 deals")
    assert _written(listing, "table") == "a line\nanother\n2 deals\n"
    assert len(json.loads(_written(listing, "json"))) == 2  # tools still get records


def test_a_page_is_its_text_or_its_record() -> None:
    page = Page(text=lambda: "#1 华东区CRM升级\n", record=DEALS[0])
    out = io.StringIO()
    write_page(page, "text", out)
    assert out.getvalue() == "#1 华东区CRM升级\n"
    out = io.StringIO()
    write_page(page, "json", out)
    assert json.loads(out.getvalue()) == _deep(asdict(DEALS[0]))
