"""Tests for the route-condition language: parser, type checker, evaluator, coverage."""

from __future__ import annotations

import operator as op
import pickle
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.lang import expr as expr_module
from flowkit.lang.expr import (
    BoolOp,
    Compare,
    Condition,
    Expr,
    ExprError,
    FieldType,
    Literal_,
    Membership,
    Name,
    Not,
    evaluate,
    parse,
    typecheck,
    uncovered_case,
)

FIELDS: dict[str, FieldType] = {
    "amount": FieldType("number"),
    "count": FieldType("integer"),
    "grade": FieldType("enum", ("A", "B", "C")),
    "vip": FieldType("boolean"),
    "region": FieldType("string"),
    "signed": FieldType("date"),
}

a, b, c = Name("a"), Name("b"), Name("c")


def lit(value: Any) -> Literal_:
    return Literal_(value)


# --- Parser ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("amount < 100000", Compare("<", Name("amount"), lit(100000))),
        ("amount < 100_000", Compare("<", Name("amount"), lit(100000))),
        ("amount >= １００_０００", Compare(">=", Name("amount"), lit(100000))),
        ("amount > -3", Compare(">", Name("amount"), lit(-3))),
        ("amount<=1.5", Compare("<=", Name("amount"), lit(1.5))),
        ("100 > amount", Compare(">", lit(100), Name("amount"))),
        ("grade == 'A'", Compare("==", Name("grade"), lit("A"))),
        ('grade != "A"', Compare("!=", Name("grade"), lit("A"))),
        ("region == '华东'", Compare("==", Name("region"), lit("华东"))),
        (r"region == 'it\'s'", Compare("==", Name("region"), lit("it's"))),
        (r'region == "say \"hi\""', Compare("==", Name("region"), lit('say "hi"'))),
        (r"region == 'a\\b'", Compare("==", Name("region"), lit("a\\b"))),
        ("vip == true", Compare("==", Name("vip"), lit(True))),
        ("vip == False", Compare("==", Name("vip"), lit(False))),
        ("vip", Name("vip")),
        ("True", lit(True)),
        ("not vip", Not(Name("vip"))),
        ("!vip", Not(Name("vip"))),
        ("not not vip", Not(Not(Name("vip")))),
        ("_x1", Name("_x1")),
        (
            "segment in ['large', 'sme'] and not vip",
            BoolOp(
                "and",
                (Membership(False, Name("segment"), (lit("large"), lit("sme"))), Not(Name("vip"))),
            ),
        ),
        ("grade not in ['A',]", Membership(True, Name("grade"), (lit("A"),))),
        ("count in [1, 2.5, -3]", Membership(False, Name("count"), (lit(1), lit(2.5), lit(-3)))),
        ("a and b and c", BoolOp("and", (a, b, c))),
        ("a && b || c", BoolOp("or", (BoolOp("and", (a, b)), c))),
        ("a or b or c", BoolOp("or", (a, b, c))),
        ("((a))", a),
        ("\u3000a\tand\nb ", BoolOp("and", (a, b))),
    ],
)
def test_parse_builds_the_tree(text: str, tree: Expr) -> None:
    assert parse(text).expr == tree
    assert parse(text).text == text


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a or b and c", BoolOp("or", (a, BoolOp("and", (b, c))))),
        ("a and b or c", BoolOp("or", (BoolOp("and", (a, b)), c))),
        ("not a and b", BoolOp("and", (Not(a), b))),
        ("not a or b", BoolOp("or", (Not(a), b))),
        ("(a or b) and c", BoolOp("and", (BoolOp("or", (a, b)), c))),
        ("not (a or b)", Not(BoolOp("or", (a, b)))),
        ("! a || ! b && c", BoolOp("or", (Not(a), BoolOp("and", (Not(b), c))))),
        ("not x == 1", Not(Compare("==", Name("x"), lit(1)))),
        ("not x in [1]", Not(Membership(False, Name("x"), (lit(1),)))),
        (
            "x < 1 or y > 2 and vip",
            BoolOp(
                "or",
                (
                    Compare("<", Name("x"), lit(1)),
                    BoolOp("and", (Compare(">", Name("y"), lit(2)), Name("vip"))),
                ),
            ),
        ),
    ],
)
def test_precedence_not_over_and_over_or(text: str, tree: Expr) -> None:
    assert parse(text).expr == tree


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a or b and c", {"a": True, "b": False, "c": False}, True),
        ("(a or b) and c", {"a": True, "b": False, "c": False}, False),
        ("not a and b", {"a": False, "b": False}, False),
        ("not (a and b)", {"a": False, "b": False}, True),
    ],
)
def test_precedence_shows_in_evaluation(
    text: str, values: dict[str, object], expected: bool
) -> None:
    assert evaluate(parse(text), values) is expected


def test_spans_point_into_the_text() -> None:
    text = "(a or b) and amount < 100000"
    tree = parse(text).expr
    assert isinstance(tree, BoolOp)
    assert (tree.start, tree.end) == (0, len(text))
    inner, compare = tree.operands
    assert (inner.start, inner.end) == (0, 8)  # the parentheses belong to the group
    assert isinstance(compare, Compare)
    assert text[compare.left.start : compare.left.end] == "amount"
    assert text[compare.right.start : compare.right.end] == "100000"


def test_positions_do_not_affect_equality() -> None:
    assert parse("a<1").expr == parse("  a  <  1 ").expr
    assert Name("a", 0, 1) == Name("a", 5, 6)


def test_fields_lists_every_referenced_name() -> None:
    cond = parse("amount < 1 or (grade in ['A'] and not vip) or 5 > count")
    assert cond.fields() == frozenset({"amount", "grade", "vip", "count"})
    assert parse("true").fields() == frozenset()


@pytest.mark.parametrize(
    ("text", "fragment", "start", "end", "hint"),
    [
        ("", "empty condition", 0, 0, "amount < 100000"),
        ("   ", "empty condition", 0, 3, "amount < 100000"),
        ("region == '华东", "unterminated string starting at column 11", 10, 13, "'"),
        ('x == "abc', "unterminated string", 5, 9, '"'),
        ("x == 'abc\\", "unterminated string", 5, 10, None),
        ("x == 'a\\n'", "unknown escape '\\n' at column 8", 7, 9, "escapes"),
        ("amount = 5", "unexpected character '=' at column 8", 7, 8, "use '==' to compare"),
        ("amount => 5", "unexpected character '='", 7, 8, "use '>='"),
        ("a & b", "unexpected character '&' at column 3", 2, 3, "'and'"),
        ("a | b", "unexpected character '|' at column 3", 2, 3, "'or'"),
        ("a - 1", "unexpected character '-'", 2, 3, "arithmetic"),
        ("金额 > 5", "unexpected character '金' at column 1", 0, 1, "ASCII"),
        ("region == ‘华东’", "unexpected character '‘'", 10, 11, "ASCII quotes"),
        ("a （b）", "unexpected character '（'", 2, 3, "'('"),
        ("amount ≤ 5", "unexpected character '≤'", 7, 8, "'<='"),
        ("amount < 10k", "malformed number '10k' at column 10", 9, 12, "100_000"),
        ("amount < 1__0", "malformed number", 9, 13, None),
        ("amount < 1.", "malformed number", 9, 11, None),
        ("amount < 1.5.2", "malformed number", 9, 14, None),
        ("amount <", "unexpected end of condition after '<'", 8, 8, None),
        ("a and", "unexpected end of condition after 'and'", 5, 5, None),
        ("not", "unexpected end of condition after 'not'", 3, 3, None),
        ("(amount < 5", "'(' at column 1 is never closed", 0, 1, "')'"),
        ("((a) or b", "'(' at column 1 is never closed", 0, 1, "')'"),
        ("(amount < 5))", "unexpected ')' at column 13", 12, 13, "no matching '('"),
        (")", "unexpected ')' at column 1", 0, 1, "no matching '('"),
        ("()", "unexpected ')' at column 2", 1, 2, None),
        ("(a b)", "unexpected 'b' at column 4; expected ')'", 3, 4, "'and'"),
        ("amount 100", "unexpected '100' at column 8", 7, 10, "'and' / 'or'"),
        ("a == 'x' 'y'", "unexpected string 'y' at column 10", 9, 12, None),
        ("a AND b", "unexpected 'AND' at column 3", 2, 5, "write 'and' in lowercase"),
        ("a not b", "unexpected 'not' at column 3", 2, 5, "'not' goes before"),
        (
            "1 < a < 3",
            "chained comparisons are not supported: unexpected '<' at column 7",
            6,
            7,
            "1 < a and a < ...",
        ),
        ("a == b in [1]", "chained comparisons", 7, 9, "and"),
        ("(a < 1) == true", "cannot compare a whole condition", 8, 10, None),
        ("a == [1]", "unexpected '[' at column 6", 5, 6, "only follow 'in'"),
        ("[1] == a", "unexpected '['", 0, 1, "only follow 'in'"),
        ("a in 'x'", "expected '[' after 'in' at column 6", 5, 8, "write a list"),
        ("a in", "expected '[' after 'in'", 4, 4, None),
        ("a in []", "empty list at column 6", 5, 7, "at least one value"),
        ("a in [1", "'[' at column 6 is never closed", 5, 6, "']'"),
        ("a in [1,", "'[' at column 6 is never closed", 5, 6, "']'"),
        ("a in [1 2]", "unexpected '2' at column 9; expected ',' or ']'", 8, 9, "','"),
        ("a in [b]", "got field name 'b'", 6, 7, "quote text values"),
        ("a in [(1)]", "unexpected '('", 6, 7, None),
        (
            "a == ",
            "unexpected end of condition after '=='; expected a field or a value",
            5,
            5,
            None,
        ),
        ("a\nand )", "unexpected ')' at line 2, column 5", 6, 7, None),
        ("(" * 100 + "a" + ")" * 100, "nests too deeply", 64, 65, "64"),
        ("not " * 100 + "a", "nests too deeply", 256, 259, None),
    ],
)
def test_syntax_errors_are_located(
    text: str, fragment: str, start: int, end: int, hint: str | None
) -> None:
    with pytest.raises(ExprError) as caught:
        parse(text)
    error = caught.value
    assert fragment in error.message
    assert (error.start, error.end) == (start, end)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint


def test_no_python_evaluation_of_user_text() -> None:
    with pytest.raises(ExprError):
        parse("__import__('os').system('true')")
    source = Path(expr_module.__file__).read_text(encoding="utf-8")
    assert not re.search(r"(?<![.\w])(eval|exec|compile)\s*\(|literal_eval|__import__\(", source)


def test_expr_error_is_a_value_error_and_pickles() -> None:
    error = ExprError("bad", 3, 5, "fix it")
    assert isinstance(error, ValueError)
    assert str(error) == "bad"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.start, copy.end, copy.hint) == ("bad", 3, 5, "fix it")
    assert (ExprError("x").start, ExprError("x").end, ExprError("x").hint) == (0, 0, None)


# --- Type checking --------------------------------------------------------------------------


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


# --- Evaluation -----------------------------------------------------------------------------


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


# --- Coverage -------------------------------------------------------------------------------


def uncovered(*texts: str, limit: int = 4096) -> object:
    return uncovered_case([parse(t) for t in texts], FIELDS, limit)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["amount < 100000", "amount >= 100000"], None),
        (["amount < 100000", "amount > 100000"], {"amount": 100000}),
        (["amount <= 100000", "amount > 100000"], None),
        (["amount < 100"], {"amount": 100}),
        (["amount < 1", "amount > 2"], {"amount": 1}),
        (["amount < 1", "amount > 1.5", "amount >= 1 and amount <= 1.5"], None),
        (["amount < 1", "amount > 1.5", "amount > 1 and amount <= 1.5"], {"amount": 1}),
        (["amount < 1", "amount > 1", "amount == 1"], None),
        (["amount < 1", "amount > 1", "amount == 1.5"], {"amount": 1}),
        (["amount < 1 or amount > 2", "amount in [1, 2]"], {"amount": 1.5}),
        (["count < 1 or count > 2", "count in [1, 2]"], None),
        (["count < 2.5", "count > 2"], None),
        (["count < 2.5", "count >= 3"], None),
        (["amount < 2.5", "amount >= 3"], {"amount": 2.5}),
        (["count <= 0", "count >= 2"], {"count": 1}),
        (["grade == 'A'", "grade in ['B']"], {"grade": "C"}),
        (["grade == 'A'", "grade != 'A'"], None),
        (["grade in ['A', 'B', 'C']"], None),
        (["vip", "not vip"], None),
        (["vip"], {"vip": False}),
        (["vip == true", "vip in [false]"], None),
        (["region == '华东'", "region != '华东'"], None),
        (["region in ['华东', '华南']"], {"region": "<other>"}),
        (["region == '<other>'"], {"region": "<<other>>"}),
        (["signed < '2024-01-01'", "signed > '2024-01-01'"], {"signed": "2024-01-01"}),
        (["signed <= '2024-01-01'", "signed > '2024-01-01'"], None),
        (["signed <= '2024-01-01'", "signed >= '2024-01-02'"], None),
        (["signed <= '2024-01-01'", "signed >= '2024-01-03'"], {"signed": "2024-01-02"}),
        (["true"], None),
        (["false"], {}),
        ([], {}),
    ],
)
def test_uncovered_case_one_field(texts: list[str], expected: object) -> None:
    assert uncovered(*texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["amount < 100000 and vip", "amount >= 100000", "not vip"], None),
        (["amount < 100000 and vip", "amount >= 100000"], {"amount": 99999, "vip": False}),
        (["grade == 'A' and vip", "grade != 'A'"], {"grade": "A", "vip": False}),
        (["grade == 'A' or vip", "grade != 'A' and not vip"], None),
        (["amount < 10 and count > 3", "amount >= 10", "count <= 3"], None),
        (["amount < 10 and count > 3", "amount >= 10", "count < 3"], {"amount": 9, "count": 3}),
    ],
)
def test_uncovered_case_two_fields(texts: list[str], expected: object) -> None:
    assert uncovered(*texts) == expected


def test_uncovered_case_gives_up_past_the_limit() -> None:
    texts = ["amount < 1 and count < 1", "amount >= 1 or count >= 1"]
    assert uncovered(*texts) is None
    assert uncovered(*texts, limit=3) == "unknown"
    assert uncovered("vip", limit=0) == "unknown"


def test_uncovered_case_still_returns_a_counterexample_found_within_the_limit() -> None:
    assert uncovered("amount < 1 and count < 1", limit=1) == {"amount": 1, "count": 1}


def test_uncovered_case_rejects_ill_typed_conditions() -> None:
    with pytest.raises(ExprError, match="unknown field 'zzz'"):
        uncovered("vip", "zzz")


def test_uncovered_case_integer_values_are_integers() -> None:
    result = uncovered("count < 0", "count > 0.5")
    assert result == {"count": 0}
    assert isinstance(result, dict)
    assert type(result["count"]) is int


# --- Property tests -------------------------------------------------------------------------

TOKENS = [
    "amount", "vip", "grade", "signed", "count", "region", "x", " ", " ", "(", ")", "[", "]",
    ",", "==", "=", "!=", "<", "<=", ">", ">=", "!", "&&", "&", "||", "|", "and", "or", "not",
    "in", "true", "False", "'A'", "'华东'", "'", '"', "\\", "1", "1.5", "-", "_", "１", "．",
    "华", "\n", "\u3000", "'2024-01-01'", "100_000", "1e5", "AND",
]  # fmt: skip


SAMPLE_VALUES = {
    "amount": 1,
    "count": 2,
    "grade": "A",
    "vip": True,
    "region": "r",
    "signed": "2024-01-01",
}


def check_any_text(text: str) -> None:
    """Parsing anything gives a Condition or a located ExprError, never another exception."""
    try:
        cond = parse(text)
    except ExprError as error:
        assert error.message
        assert 0 <= error.start <= error.end <= len(text)
        return
    assert isinstance(cond, Condition)
    for node in expr_module._walk(cond.expr):
        assert 0 <= node.start < node.end <= len(text)
        assert parse(text[node.start : node.end]).expr == node
    errors = typecheck(cond, FIELDS)
    for error in errors:
        assert 0 <= error.start <= error.end <= len(text)
    if not errors:
        assert isinstance(evaluate(cond, SAMPLE_VALUES), bool)
        result = uncovered_case([cond], FIELDS)
        assert result is None or result == "unknown" or isinstance(result, dict)


@given(st.text())
def test_parse_arbitrary_text_only_raises_expr_error(text: str) -> None:
    check_any_text(text)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_parse_token_soup_only_raises_expr_error(text: str) -> None:
    check_any_text(text)


# Random well-typed trees over the typed fields, printed back to text by a small printer.

NUMBERS = st.integers(-4, 4).map(lambda n: n / 2) | st.integers(-3, 3)
TEXTS = ["华东", "华南", "it's", 'say "hi"', "a\\b", ""]
DATES = ["2024-01-01", "2024-01-03", "2023-12-31"]
OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
EQ_OPS = st.sampled_from(["==", "!="])


def compare(name: str, ops: st.SearchStrategy[str], values: st.SearchStrategy[Any]) -> Any:
    def build(op: str, value: Any, flipped: bool) -> Compare:
        field, literal = Name(name), Literal_(value)
        return Compare(op, literal, field) if flipped else Compare(op, field, literal)  # type: ignore[arg-type]

    return st.builds(build, ops, values, st.booleans())


def member(name: str, values: st.SearchStrategy[Any]) -> Any:
    items = st.lists(values.map(Literal_), min_size=1, max_size=3).map(tuple)
    return st.builds(Membership, st.booleans(), st.just(Name(name)), items)


def atoms(names: list[str]) -> st.SearchStrategy[Expr]:
    by_field: dict[str, list[Any]] = {
        "amount": [compare("amount", OPS, NUMBERS), member("amount", NUMBERS)],
        "count": [compare("count", OPS, NUMBERS), member("count", st.integers(-3, 3))],
        "grade": [
            compare("grade", EQ_OPS, st.sampled_from("ABC")),
            member("grade", st.sampled_from("ABC")),
        ],
        "vip": [
            st.just(Name("vip")),
            compare("vip", EQ_OPS, st.booleans()),
            member("vip", st.booleans()),
        ],
        "region": [
            compare("region", EQ_OPS, st.sampled_from(TEXTS)),
            member("region", st.sampled_from(TEXTS)),
        ],
        "signed": [
            compare("signed", OPS, st.sampled_from(DATES)),
            member("signed", st.sampled_from(DATES)),
        ],
    }
    options = [s for name in names for s in by_field[name]]
    return st.one_of(*options, st.builds(Literal_, st.booleans()))


def trees(names: list[str], leaves: int = 12) -> st.SearchStrategy[Expr]:
    return st.recursive(
        atoms(names),
        lambda sub: (
            st.builds(Not, sub)
            | st.builds(
                BoolOp,
                st.sampled_from(["and", "or"]),
                st.lists(sub, min_size=2, max_size=3).map(tuple),
            )
        ),
        max_leaves=leaves,
    )


def show_value(value: Any, quote: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return f"{quote}{escaped}{quote}"
    return repr(value)


PRECEDENCE = {"or": 1, "and": 2, "not": 3}


def show(node: Expr, symbols: bool, quote: str) -> str:
    """Print with the fewest parentheses the precedence rules allow."""
    if isinstance(node, BoolOp):
        joiner = {"and": " && ", "or": " || "}[node.op] if symbols else f" {node.op} "
        return joiner.join(wrap(o, PRECEDENCE[node.op], symbols, quote) for o in node.operands)
    if isinstance(node, Not):
        return ("!" if symbols else "not ") + wrap(node.operand, PRECEDENCE["not"], symbols, quote)
    if isinstance(node, Compare):
        left, right = (show(x, symbols, quote) for x in (node.left, node.right))
        return f"{left} {node.op} {right}"
    if isinstance(node, Membership):
        items = ", ".join(show_value(i.value, quote) for i in node.items)
        keyword = "not in" if node.negated else "in"
        return f"{show(node.left, symbols, quote)} {keyword} [{items}]"
    if isinstance(node, Name):
        return node.name
    return show_value(node.value, quote)


def wrap(node: Expr, parent: int, symbols: bool, quote: str) -> str:
    text = show(node, symbols, quote)
    own = PRECEDENCE.get(node.op if isinstance(node, BoolOp) else "", 4)
    return f"({text})" if own <= parent else text


def reference(node: Expr, env: dict[str, Any]) -> bool:
    """An independent oracle: Python semantics with dates as date objects."""
    if isinstance(node, BoolOp):
        results = [reference(o, env) for o in node.operands]
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not reference(node.operand, env)
    if isinstance(node, Name):
        return bool(env[node.name])
    if isinstance(node, Literal_):
        return bool(node.value)
    left = ref_value(node.left, env)
    if isinstance(node, Membership):
        return (left in [ref_value(i, env) for i in node.items]) != node.negated
    ops = {"==": op.eq, "!=": op.ne, "<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}
    return bool(ops[node.op](left, ref_value(node.right, env)))


def ref_value(node: Name | Literal_, env: dict[str, Any]) -> Any:
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node.value, str) and node.value in DATES:
        return date.fromisoformat(node.value)
    return node.value


ASSIGNMENT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "amount": NUMBERS | st.floats(-5, 5, allow_nan=False) | st.integers(-6, 6),
    "count": st.integers(-6, 6),
    "grade": st.sampled_from("ABC"),
    "vip": st.booleans(),
    "region": st.sampled_from([*TEXTS, "other", "华"]),
    "signed": st.dates(date(2023, 12, 28), date(2024, 1, 6)),
}
ASSIGNMENTS = st.fixed_dictionaries(ASSIGNMENT_VALUES)


@given(trees(list(FIELDS)), st.booleans(), st.sampled_from(["'", '"']), st.data())
def test_printed_trees_parse_back_to_the_same_meaning(
    tree: Expr, symbols: bool, quote: str, data: st.DataObject
) -> None:
    text = show(tree, symbols, quote)
    cond = parse(text)
    assert typecheck(cond, FIELDS) == []
    for _ in range(5):
        env = data.draw(ASSIGNMENTS)
        as_text = {**env, "signed": env["signed"].isoformat()}
        expected = reference(tree, env)
        assert evaluate(cond, env) is expected, text
        assert evaluate(cond, as_text) is expected, text
        assert evaluate(Condition(text, tree), env) is expected


FIELD_SUBSETS = st.lists(st.sampled_from(list(FIELDS)), min_size=1, max_size=3, unique=True)


@st.composite
def condition_sets(draw: st.DrawFn) -> tuple[list[Condition], bool]:
    names = draw(FIELD_SUBSETS)
    exprs = draw(st.lists(trees(names, leaves=4), min_size=1, max_size=3))
    catch_all = draw(st.booleans())
    if catch_all:  # the negation of all others: together they must cover everything
        exprs.append(Not(BoolOp("or", (*exprs, Literal_(False)))))
    return [parse(show(e, False, "'")) for e in exprs], catch_all


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(condition_sets(), st.lists(ASSIGNMENTS, min_size=20, max_size=20))
def test_uncovered_case_is_sound(
    drawn: tuple[list[Condition], bool], envs: list[dict[str, Any]]
) -> None:
    conds, catch_all = drawn
    result = uncovered_case(conds, FIELDS, limit=100_000)
    if catch_all:
        assert result is None
    if isinstance(result, dict):
        referenced = set().union(*(c.fields() for c in conds))
        assert set(result) == referenced
        assert not any(evaluate(c, result) for c in conds)
        if "count" in result:
            assert type(result["count"]) is int
    else:
        assert result is None
        for env in envs:
            assert any(evaluate(c, env) for c in conds), env


@given(st.dates(), st.integers(-3, 3))
def test_date_coverage_is_exact_around_a_constant(day: date, shift: int) -> None:
    constant = day.isoformat()
    conds = [parse(f"signed < '{constant}'"), parse(f"signed > '{constant}'")]
    assert uncovered_case(conds, FIELDS) == {"signed": constant}
    try:
        probe = day + timedelta(days=shift)
    except OverflowError:
        return
    covered = any(evaluate(c, {"signed": probe}) for c in conds)
    assert covered is (shift != 0)
