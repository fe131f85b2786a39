"""Instants typed by people: the calendar's zone unless an offset is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flowkit.calendar import parse_instant
from flowkit.errors import InputError
from tests.calendar.conftest import SHANGHAI, at


@pytest.mark.parametrize(
    "text", ["2025-09-30T16:00", "2025-09-30 16:00", " 2025-09-30T16:00:00 ", "2025-09-30T08:00Z"]
)
def test_parse_instant(text: str) -> None:
    assert parse_instant(text, SHANGHAI) == at("2025-09-30 16:00")


def test_an_offset_is_kept() -> None:
    value = parse_instant("2025-09-30T16:00+09:00", SHANGHAI)
    assert value.utcoffset() == timedelta(hours=9)
    assert value == datetime(2025, 9, 30, 7, tzinfo=UTC)


def test_a_date_is_midnight() -> None:
    assert parse_instant("2025-09-30", SHANGHAI) == at("2025-09-30 00:00")


@pytest.mark.parametrize("text", ["2025-13-01", "tomorrow", "", "30/09/2025 16:00"])
def test_bad_instants(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_instant(text, SHANGHAI)
    assert caught.value.message == f"'{text}' is not a date and time"
    assert caught.value.hint is not None and "2025-09-30T16:00" in caught.value.hint
