"""Numbers as ops leads type them in SLA phrases: ``3``, ``３``, ``三``, ``两``, ``十二``.

Chinese numerals are read only up to 千 (0..9999): an SLA needing 万 is a typo, and
refusing it is kinder than guessing. The grammar is the everyday one, including the
spoken shorthand ``一百五`` (150) and ``一千五`` (1500); anything else raises ValueError
so the caller can report it at the right column.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["CN_NUMERAL_CHARS", "parse_cn_int", "parse_int", "parse_number"]

_DIGITS: Final[dict[str, int]] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_PLACES: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}
_ABOVE_ALL: Final = 10_000  # the place "before" 千, so the first place is always lower

#: Every character a Chinese numeral may contain, for building regexes elsewhere.
CN_NUMERAL_CHARS: Final = "".join(_DIGITS) + "".join(_PLACES)

_FULL_WIDTH_DIGITS: Final = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_cn_int(text: str) -> int:
    """Read one Chinese numeral; surrounding whitespace is ignored."""
    s = text.strip()
    if not s or any(ch not in _DIGITS and ch not in _PLACES for ch in s):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if _DIGITS.get(s) == 0:
        return 0
    if _DIGITS.get(s[0]) == 0:
        raise ValueError(f"a Chinese numeral does not start with 零: {text!r}")
    return _read(s)


def _read(s: str) -> int:
    """Walk left to right; `place` is the last place word seen, so places must descend."""
    total, digit, place, zero = 0, None, _ABOVE_ALL, False
    for ch in s:
        if ch in _PLACES:
            total += _place_value(s, total, digit, place, _PLACES[ch], zero)
            digit, place, zero = None, _PLACES[ch], False
        elif _DIGITS[ch] == 0:
            if digit is not None or zero:
                raise ValueError(f"misplaced 零 in {s!r}")
            zero = True
        elif digit is not None:
            raise ValueError(f"two digits in a row in {s!r}; write e.g. 二十二, not 二二")
        else:
            digit = _DIGITS[ch]
    return total + _units(s, digit, place, zero)


def _place_value(s: str, total: int, digit: int | None, place: int, new: int, zero: bool) -> int:
    """The value one place word adds: 十 alone at the start means 一十."""
    if new >= place:
        raise ValueError(f"{s!r} repeats or reverses a place (千 > 百 > 十)")
    if zero and place // new < 100:
        raise ValueError(f"零 skips no place in {s!r}")
    if digit is None:
        if total == 0 and new == 10 and not zero:
            return 10
        raise ValueError(f"a place word needs a digit before it in {s!r}")
    return digit * new


def _units(s: str, digit: int | None, place: int, zero: bool) -> int:
    """The trailing digit: units after 零 or 十, shorthand after 百/千 (一百五 = 150)."""
    if digit is None:
        if zero:
            raise ValueError(f"{s!r} ends in 零")
        return 0
    if zero:
        if place < 100:
            raise ValueError(f"零 skips no place in {s!r}")
        return digit
    if place in (_ABOVE_ALL, 10):
        return digit
    return digit * place // 10


def parse_int(text: str) -> int:
    """A count written either way: ASCII or full-width digits, or a Chinese numeral."""
    s = text.strip().translate(_FULL_WIDTH_DIGITS)
    if s and all("0" <= ch <= "9" for ch in s):
        return int(s)
    return parse_cn_int(s)


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def parse_number(text: str) -> float:
    """A number as people type it in an option or a cell: ``1,200,000``, ``１２００``, ``3.5``.

    Only finite numbers: Python's float() also reads ``NaN`` and ``Infinity``, which JSON
    cannot carry, PostgreSQL stores differently from SQLite and every sum turns into; they
    raise ValueError like any other text that is not a number, so both stores accept and
    refuse exactly the same values."""
    plain = text.strip().translate(_FULLWIDTH).replace(",", "").replace("，", "")
    number = float(plain)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number
