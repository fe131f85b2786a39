"""Chinese numerals: a table of the forms people write, and a round trip over 0..9999."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.lang.numerals import CN_NUMERAL_CHARS, parse_cn_int, parse_int, parse_number

_REF_DIGITS = "零一二三四五六七八九"


def reference(n: int) -> str:
    """The textbook form: 零 fills a skipped place, 十 alone for 10..19, no 两."""
    if n == 0:
        return "零"
    parts: list[str] = []
    gap = False
    for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            gap = bool(parts)
            continue
        if gap:
            parts.append("零")
            gap = False
        parts.append(_REF_DIGITS[digit] + name)
    text = "".join(parts)
    return text[1:] if 10 <= n < 20 else text


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "零"), (10, "十"), (15, "十五"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
     (1005, "一千零五"), (1050, "一千零五十"), (2300, "二千三百"), (9999, "九千九百九十九")],
)  # fmt: skip
def test_reference_formatter(n: int, text: str) -> None:
    assert reference(n) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0), ("〇", 0), ("一", 1), ("三", 3), ("两", 2), ("十", 10), ("十二", 12),
        ("一十二", 12), ("二十", 20), ("二十五", 25), ("一百", 100), ("一百二十", 120),
        ("一百零五", 105), ("一百五", 150), ("一千", 1000), ("两千", 2000), ("一千五", 1500),
        ("一千零一", 1001), ("两百", 200), ("两千两百", 2200), ("一千零一十", 1010),
        ("两千三百", 2300), (" 三 ", 3),
    ],
)  # fmt: skip
def test_parse_cn_int(text: str, value: int) -> None:
    assert parse_cn_int(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "  ", "二二", "百", "千", "十十", "一百零", "零五", "一百零五十", "一千零零一",
     "百十", "三4", "一万", "abc", "5", "十百"],
)  # fmt: skip
def test_parse_cn_int_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cn_int(text)


@given(st.integers(min_value=0, max_value=9999))
def test_round_trip_against_reference(n: int) -> None:
    assert parse_cn_int(reference(n)) == n


@given(st.text(alphabet=CN_NUMERAL_CHARS + "万5 ", max_size=8))
def test_arbitrary_numerals_only_raise_value_error(text: str) -> None:
    try:
        value = parse_cn_int(text)
    except ValueError:
        return
    assert 0 <= value <= 9999


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("24", 24),
        ("０", 0),
        ("３０", 30),
        ("１２", 12),
        (" 7 ", 7),
        ("三", 3),
        ("十二", 12),
    ],
)
def test_parse_int_accepts_either_kind(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["", "3.5", "-3", "3十", "٣", "12a", "+4"])
def test_parse_int_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_int(text)


@given(st.integers(min_value=0, max_value=10**6))
def test_parse_int_digits_round_trip(n: int) -> None:
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_int(str(n)) == parse_int(full_width) == n


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "+inf", "1e999", "", "1,2x"])
def test_only_finite_numbers_are_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "number"), [("1,200,000", 1_200_000), ("１２００", 1200), (" 3.5 ", 3.5), ("-2", -2)]
)
def test_numbers_as_people_type_them(text: str, number: float) -> None:
    assert parse_number(text) == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_number_reads_back(number: float) -> None:
    assert parse_number(repr(number)) == number
