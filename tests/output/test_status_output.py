"""`flowkit status` written fast is written as before: the JSON records as the encoder
writes the alerts, the cells as the words of each field, the plain table as padded."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from flowkit.output.formats import Listing, encode, write_table
from flowkit.output.terminal import visible
from flowkit.output.tracking import (
    STATUS_COLUMNS,
    _alert_records,
    _business_days,
    _span_words,
    local_time,
    opportunity_words,
    span,
    status_cells,
)
from flowkit.output.width import width
from flowkit.tracking.views import Alert

TEXT = st.text(st.characters(max_codepoint=0x2FFFF, blacklist_categories=("Cs",)))
FEW = st.sampled_from(["", "contract_signing", "合同签订", '引号"与\\反斜杠', "tab\there"])
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
SECOND = timedelta(seconds=1)
SPANS = st.timedeltas(min_value=-timedelta(days=400), max_value=timedelta(days=400))
LINES = st.builds(
    Alert,
    instance_id=st.integers(0, 2**63 - 1),
    name=TEXT,
    customer=TEXT,
    process_id=FEW,
    node=FEW,
    node_name=FEW,
    lane=FEW,
    owner=FEW,
    owner_name=FEW,
    sla=st.one_of(FEW, TEXT),
    kind=st.sampled_from(["deadline", "cadence", "routine"]),
    due_at=INSTANTS,
    breached=st.booleans(),
    late_clock=SPANS,
    late_business=SPANS,
    day_length=st.sampled_from(
        [timedelta(hours=8), timedelta(hours=8, minutes=30), timedelta(days=1), timedelta(0)]
    ),
    risk=st.booleans(),
    risk_note=st.one_of(st.just(""), TEXT),
    required=st.integers(0, 20),
    done=st.integers(0, 20),
    customer_id=st.sampled_from(["", "C00001"]),
    lane_name=FEW,
    grade=st.sampled_from(["", "A"]),
    uncertain=st.booleans(),
).map(
    # as a status makes them: breached exactly when past the due instant (at it: not yet)
    lambda a: a._replace(breached=a.late_clock > timedelta(0))
)


def _record(line: Alert) -> dict[str, Any]:
    """What JSON held before: the alert's fields but the grade."""
    record = line._asdict()
    del record["grade"]
    return record


@given(st.lists(LINES, max_size=6))
def test_json_records_are_what_the_encoder_writes(lines: list[Alert]) -> None:
    assert list(_alert_records(lines)) == [encode(_record(line)) for line in lines]


def _old_span(delta: timedelta, lang: str, workday: timedelta | None = None) -> str:
    """`span` as it was: worded from scratch each time."""
    words = _span_words(lang)
    seconds = int(delta.total_seconds())
    negative = seconds < 0
    seconds = abs(seconds)
    day = int(workday.total_seconds()) if workday else 86400
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    day_part = _business_days(lang, days) if workday else words.day
    parts = [(days, day_part), (hours, words.hour), (minutes, words.minute)]
    shown = [unit.format(n=n) for n, unit in parts if n][:2] or [words.minute.format(n=0)]
    text = shown[0] if len(shown) == 1 else words.pair.format(first=shown[0], second=shown[1])
    return words.left.format(span=text) if negative else text


def _old_cells(a: Alert, lang: str) -> list[str]:
    w = opportunity_words(lang)
    if not a.breached and not a.late_clock:  # at its due instant a line is not late by 0,
        # it has nothing left (issue 16): the completion at that instant is on time
        a = a._replace(late_clock=-SECOND, late_business=min(a.late_business, -SECOND))
    return [
        a.customer_id or (str(a.instance_id) if a.instance_id else "-"),  # a routine's line
        a.name,
        a.customer,
        a.node_name,
        a.lane_name or a.lane,
        a.owner_name,
        a.sla + (f" ({a.done}/{a.required})" if a.kind in ("cadence", "routine") else ""),
        ("≈" if a.uncertain else "") + local_time(a.due_at),  # a guessed due date marked
        _old_span(a.late_business, lang, a.day_length),
        _old_span(a.late_clock, lang),
        (w["yes"] + (f": {a.risk_note}" if a.risk_note else "")) if a.risk else w["no"],
    ]


@given(st.lists(LINES, max_size=8), st.sampled_from(["zh-CN", "en"]))
def test_cells_are_the_words_of_each_field(lines: list[Alert], lang: str) -> None:
    # spans and due minutes are kept per call: lines alike in them come up together
    lines = lines + [line._replace(instance_id=line.instance_id + 1) for line in lines]
    assert list(status_cells(lines, lang)) == [_old_cells(a, lang) for a in lines]


@given(SPANS, st.sampled_from([None, timedelta(hours=8), timedelta(seconds=100)]))
def test_span_words_a_length_as_before(delta: timedelta, workday: timedelta | None) -> None:
    for lang in ("zh-CN", "en"):
        assert span(delta, lang, workday) == _old_span(delta, lang, workday)


def _old_plain(headings: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    lines = [headings, *rows]
    measured = [list(map(width, line)) for line in lines]
    widest = list(map(max, zip(*measured, strict=True)))
    for line, widths in zip(lines, measured, strict=True):
        padded = zip(line, widths, widest, strict=True)
        cells = [cell + " " * (most - used) for cell, used, most in padded]
        out.write("  ".join(cells).rstrip() + "\n")
    return out.getvalue()


@given(st.lists(st.lists(st.one_of(FEW, TEXT), min_size=3, max_size=3), max_size=8))
def test_the_plain_table_pads_as_before(rows: list[list[str]]) -> None:
    columns = ("a", "b", "c")
    listing = Listing(columns, {"a": "编号", "b": "B", "c": ""}, rows=lambda fmt: [])
    grid = Listing(**{**vars(listing), "grid": lambda fmt: rows})
    out = io.StringIO()
    write_table(grid, out)
    shown = [[visible(cell) for cell in row] for row in rows]  # control characters escaped
    assert out.getvalue() == _old_plain(["编号", "B", ""], shown)
    assert STATUS_COLUMNS  # the status's own table goes the same way (tests/cli)
