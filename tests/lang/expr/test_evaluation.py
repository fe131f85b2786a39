"""Evaluation: truth for given field values, and errors for missing or mistyped values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from flowkit.lang.expr import ExprError, evaluate, parse


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("amount < 100000", {"amount": 99999}, True),
        ("amount < 100000", {"amount": 100000}, False),
        ("amount <= 100000", {"amount": 100000.0}, True),
        ("amount > 1.5", {"amount": Decimal("1.6")}, True),
        ("amount != 3", {"amount": 3}, False),
        ("-3 < amount", {"amount": -2}, True),
        ("grade == 'A'", {"grade": "A"}, True),
        ("grade in ['B', 'C']", {"grade": "A"}, False),
        ("grade not in ['B', 'C']", {"grade": "A"}, True),
        ("region == '华东'", {"region": "华东"}, True),
        ("vip", {"vip": True}, True),
        ("not vip", {"vip": True}, False),
        ("vip == false", {"vip": False}, True),
        ("vip in [true]", {"vip": False}, False),
        ("signed < '2024-01-01'", {"signed": date(2023, 12, 31)}, True),
        ("signed < '2024-01-01'", {"signed": datetime(2024, 1, 1, 9, 30)}, False),
        ("signed >= '2024-01-01'", {"signed": "2024-03-01"}, True),
        ("signed in ['2024-01-01']", {"signed": date(2024, 1, 1)}, True),
        ("true", {}, True),
        ("false or amount > 1", {"amount": 2}, True),
        ("amount < 10 and grade == 'A' or vip", {"amount": 5, "grade": "B", "vip": False}, False),
        ("amount < 10 and (grade == 'A' or vip)", {"amount": 5, "grade": "B", "vip": True}, True),
        ("vip or amount > 5", {"vip": True}, True),  # short-circuit: amount never read
        ("not vip and amount > 5", {"vip": True}, False),
    ],
)
def test_evaluate(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(parse(text), values) is expected


@pytest.mark.parametrize(
    ("text", "values", "fragment", "start", "end"),
    [
        ("amount < 1", {}, "field 'amount' has no value", 0, 6),
        ("vip or amount < 1", {"vip": False}, "field 'amount' has no value", 7, 13),
        ("grade in ['A']", {"grade": None}, "field 'grade' has no value", 0, 5),
        ("amount < 1", {"amount": "x"}, "cannot compare 'x' with 1 (field 'amount')", 0, 10),
        ("vip", {"vip": "yes"}, "field 'vip' is 'yes', not true or false", 0, 3),
        ("signed < '2024-01-01'", {"signed": "soon"}, "cannot compare", 0, 21),
        ("region in ['a']", {"region": ["a"]}, "cannot compare", 0, 15),
    ],
)
def test_evaluate_rejects_missing_or_mistyped_values(
    text: str, values: dict[str, object], fragment: str, start: int, end: int
) -> None:
    with pytest.raises(ExprError) as caught:
        evaluate(parse(text), values)
    assert fragment in caught.value.message
    assert (caught.value.start, caught.value.end) == (start, end)
