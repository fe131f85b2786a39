"""How literal values are written: number syntax, strict ISO dates, what counts as a number.

Shared by the lexer (reading numbers), the type checker (spotting quoted numbers and bad
dates), evaluation (comparing instance data) and coverage (choosing sample values).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
NUMBER = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal | Fraction) and not isinstance(value, bool)


def parse_date(text: str) -> date | None:
    """Only the strict 'YYYY-MM-DD' form: fromisoformat alone also takes '20240101' etc."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
