"""Type checking: well-typed conditions pass, every type error is located with a hint."""

from __future__ import annotations

import pytest

from flowkit.lang.expr import FieldType, parse, typecheck
from tests.lang.expr.support import FIELDS


@pytest.mark.parametrize(
    "text",
    [
        "amount < 100000",
        "count == 2.5",
        "count in [1, 2]",
        "grade == 'A' or grade in ['B', 'C']",
        "vip",
        "not vip and vip == false",
        "vip in [true]",
        "region == '华东'",
        "region not in ['a', 'b']",
        "signed >= '2024-02-29'",
        "signed in ['2024-01-01']",
        "true",
        "100 > amount",
    ],
)
def test_well_typed_conditions_pass(text: str) -> None:
    assert typecheck(parse(text), FIELDS) == []


@pytest.mark.parametrize(
    ("text", "fragment", "start", "end", "hint"),
    [
        ("amout < 5", "unknown field 'amout'", 0, 5, "did you mean 'amount'?"),
        ("amout < 5", "unknown field", 0, 5, "declared fields: amount, count, grade"),
        ("Grade == 'A'", "unknown field 'Grade'", 0, 5, "did you mean 'grade'?"),
        ("TRUE", "unknown field 'TRUE'", 0, 4, "write true in lowercase"),
        ("vip or zzz", "unknown field 'zzz'", 7, 10, None),
        ("amount == 'x'", "cannot compare number field 'amount' with text 'x'", 10, 13, None),
        ("amount < '100'", "cannot compare number field", 9, 14, "without quotes: 100"),
        ("count == true", "cannot compare integer field 'count' with true", 9, 13, None),
        ("region == 5", "cannot compare string field 'region' with number 5", 10, 11, "'5'"),
        ("grade < 'B'", "'<' cannot be used on enum field 'grade'", 0, 11, "use == or in"),
        ("vip >= true", "'>=' cannot be used on boolean field 'vip'", 0, 11, "'not vip'"),
        ("region > 'a'", "'>' cannot be used on string field 'region'", 0, 12, None),
        ("region < '2024-01-01'", "string field", 0, 21, "declare 'region' as a date"),
        (
            "grade == 'D'",
            "'D' is not a value of enum field 'grade'",
            9,
            12,
            "valid values: 'A', 'B', 'C'",
        ),
        ("grade == 'a'", "'a' is not a value", 9, 12, "did you mean 'A'?"),
        ("grade == 1", "cannot compare enum field 'grade' with number 1", 9, 10, "valid values"),
        ("grade in ['A', 'Z']", "'Z' is not a value of enum field 'grade'", 15, 18, None),
        ("amount", "field 'amount' is a number, not a condition", 0, 6, "amount > 0"),
        ("amount and vip", "field 'amount' is a number, not a condition", 0, 6, None),
        ("vip and not (grade)", "field 'grade' is a enum", 12, 19, "grade == 'A'"),
        ("5", "the value 5 is not a condition", 0, 1, None),
        ("'x' or vip", "the value 'x' is not a condition", 0, 3, None),
        ("amount in [1, 'x']", "cannot compare number field 'amount' with text 'x'", 14, 17, None),
        ("vip in ['true']", "cannot compare boolean field 'vip'", 8, 14, "without quotes"),
        ("vip == 'yes'", "cannot compare boolean field 'vip' with text 'yes'", 7, 12, None),
        ("signed < '2024-13-01'", "'2024-13-01' is not a valid date", 9, 21, "YYYY-MM-DD"),
        ("signed < '20240101'", "is not a valid date", 9, 19, None),
        ("signed == 20240101", "cannot compare date field 'signed' with number", 10, 18, None),
        ("amount == count", "compares two fields ('amount' and 'count')", 0, 15, None),
        ("1 == 1", "compares two values and no field", 0, 6, None),
        ("'A' in ['A']", "'in' needs a field on its left", 0, 3, None),
    ],
)
def test_type_errors_are_located(
    text: str, fragment: str, start: int, end: int, hint: str | None
) -> None:
    errors = typecheck(parse(text), FIELDS)
    assert len(errors) == 1, [e.message for e in errors]
    error = errors[0]
    assert fragment in error.message
    assert (error.start, error.end) == (start, end)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint


def test_typecheck_reports_every_error_in_source_order() -> None:
    errors = typecheck(parse("amout < 1 or grade == 'Z' or vip > true or amount"), FIELDS)
    assert [e.message.split(" ")[0] for e in errors] == ["unknown", "'Z'", "'>'", "field"]
    assert [e.start for e in errors] == sorted(e.start for e in errors)


def test_unknown_field_with_nothing_declared_or_many_declared() -> None:
    (error,) = typecheck(parse("x"), {})
    assert error.hint == "no fields are declared"
    many = {f"field_{i}": FieldType("boolean") for i in range(30)}
    (error,) = typecheck(parse("field_x"), many)
    assert error.hint is None or "declared fields" not in error.hint


def test_long_enum_lists_are_truncated() -> None:
    values = tuple(f"v{i}" for i in range(50))
    (error,) = typecheck(parse("e == 'zz'"), {"e": FieldType("enum", values)})
    assert error.hint is not None
    assert "'v0'" in error.hint
    assert "and 30 more" in error.hint
