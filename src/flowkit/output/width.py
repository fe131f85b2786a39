"""How many columns text takes on a terminal: East Asian wide and full-width characters
(Chinese, kana, full-width punctuation) take two, every other character one.

The one place flowkit measures text for alignment: plain tables, `flowkit show`'s history
columns, the caret under a bad SLA phrase, and the handbook's line breaking (where a wide
character is one em).
"""

from __future__ import annotations

import re
from functools import lru_cache
from unicodedata import east_asian_width

_WIDE = frozenset(("W", "F"))
# Characters that are all wide and three bytes long in UTF-8: CJK punctuation, kana, the
# unified ideographs, full-width forms. Text of only these and ASCII (nearly every Chinese
# name, stage and phrase) is measured by its UTF-8 length, in C, rather than a character at
# a time: five times faster over a table of 50,000 different names. tests/output/
# test_width.py holds each range to `unicodedata`.
CJK_RANGES = (
    (0x3000, 0x303E),
    (0x3040, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFF60),
    (0xFFE0, 0xFFE6),
)
_NOT_ASCII_OR_CJK = re.compile(
    "[^\x00-\x7f" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES) + "]"
)


@lru_cache(maxsize=65536)
def is_wide(ch: str) -> bool:
    """True for a character a terminal draws two columns wide."""
    return east_asian_width(ch) in _WIDE


@lru_cache(maxsize=4096)
def width(text: str) -> int:
    """Columns `text` takes. Cached, as is each character's answer: a table repeats the
    same names, stages and words row after row."""
    return measure(text)


def measure(text: str) -> int:
    """`width`, uncached: for cells seen once (a table of tens of thousands of different
    names would only churn the cache). ASCII text (ids, dates, numbers) is its length."""
    if text.isascii():
        return len(text)
    if _NOT_ASCII_OR_CJK.search(text) is None:  # each wide character: two bytes more
        return len(text) + (len(text.encode()) - len(text)) // 2
    return len(text) + sum(map(is_wide, text))


def pad(text: str, columns: int) -> str:
    """`text` followed by spaces up to `columns` columns (never cut)."""
    return text + " " * max(0, columns - width(text))
