"""The one display-width helper: wide characters take two columns, the rest one."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.output.width import CJK_RANGES, is_wide, measure, pad, width


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("", 0),
        ("abc 123", 7),
        ("3个工作日", 9),  # 1 + 4 wide characters
        ("合同签订", 8),
        ("ＡＢ，", 6),  # full-width letters and punctuation
        ("café", 4),  # an accented letter is one column
        ("ｶﾅ", 2),  # half-width katakana are narrow
        ("数据中台建设-134", 16),
    ],
)
def test_width_counts_wide_characters_twice(text: str, columns: int) -> None:
    assert width(text) == columns


def test_is_wide() -> None:
    assert is_wide("中") and is_wide("，") and not is_wide("a") and not is_wide("é")


def test_pad_fills_to_columns_and_never_cuts() -> None:
    assert pad("合同", 6) == "合同  "
    assert pad("abc", 2) == "abc"
    assert width(pad("线索初筛", 12)) == 12


def test_the_ranges_measured_by_their_bytes_are_all_wide() -> None:
    for lo, hi in CJK_RANGES:
        narrow = [hex(c) for c in range(lo, hi + 1) if not is_wide(chr(c))]
        assert not narrow, narrow
        assert all(len(chr(c).encode()) == 3 for c in (lo, hi))


@given(st.text(st.sampled_from("aZ 9-中文合同签订，。ｶﾅ、ＡＢcafé〇ー・￥€→\u303f")))
def test_measure_is_each_characters_width_added_up(text: str) -> None:
    expected = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    assert measure(text) == width(text) == expected
