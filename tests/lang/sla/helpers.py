"""Shared by the SLA tests: short builders for expected phrases and the error check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flowkit.lang.sla import Cadence, Deadline, Duration, Phrase, SlaSyntaxError


def due(amount: int, unit: Any, business: bool = False, anchor: str | None = None) -> Phrase:
    return Phrase(deadline=Deadline(Duration(amount, unit, business), anchor))


def every(count: int, period: Any, method: Any = None) -> Phrase:
    return Phrase(cadence=Cadence(count, period, method))


ONGOING = Phrase(ongoing=True)

GENERIC = (
    "write a duration such as '24h', '3 business days', '3个工作日', an anchored deadline "
    "such as '30d from delivered' / '交付后30天内', a cadence such as '2 per week' / '每周2次', "
    "or 'ongoing' / '持续进行'"
)

Parser = Callable[[str], object]


def check_error(parse: Parser, text: str, fragment: str, offset: int) -> None:
    """`parse(text)` raises SlaSyntaxError with `fragment` in its message, at `offset`."""
    with pytest.raises(SlaSyntaxError) as caught:
        parse(text)
    assert fragment in caught.value.message
    assert caught.value.offset == offset
    assert str(caught.value) == caught.value.message
