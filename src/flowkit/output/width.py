"""How many columns text takes on a terminal: East Asian wide and full-width characters
(Chinese, kana, full-width punctuation) take two, every other character one.

The one place flowkit measures text for alignment: plain tables, `flowkit show`'s history
columns, the caret under a bad SLA phrase, and the handbook's line breaking (where a wide
character is one em).
"""

from __future__ import annotations

from functools import lru_cache
from unicodedata import east_asian_width

_WIDE = frozenset(("W", "F"))


@lru_cache(maxsize=65536)
def is_wide(ch: str) -> bool:
    """True for a character a terminal draws two columns wide."""
    return east_asian_width(ch) in _WIDE


@lru_cache(maxsize=4096)
def width(text: str) -> int:
    """Columns `text` takes. Cached, as is each character's answer: a table repeats the
    same names, stages and words row after row, and ASCII text (ids, dates, numbers) is
    just its length."""
    if text.isascii():
        return len(text)
    return len(text) + sum(map(is_wide, text))


def pad(text: str, columns: int) -> str:
    """`text` followed by spaces up to `columns` columns (never cut)."""
    return text + " " * max(0, columns - width(text))
