"""Parsing: the trees built, precedence, spans, and located syntax errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from flowkit.lang import expr as expr_module
from flowkit.lang.expr import (
    BoolOp,
    Compare,
    Expr,
    ExprError,
    Literal_,
    Membership,
    Name,
    Not,
    evaluate,
    parse,
)
from tests.lang.expr.support import assert_parse_error

a, b, c = Name("a"), Name("b"), Name("c")


def lit(value: Any) -> Literal_:
    return Literal_(value)


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


@pytest.mark.parametrize(
    ("text", "fragment", "start", "end", "hint"),
    [
        ("", "empty condition", 0, 0, "amount < 100000"),
        ("   ", "empty condition", 0, 3, "amount < 100000"),
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
    assert_parse_error(text, fragment, start, end, hint)


def test_no_python_evaluation_of_user_text() -> None:
    with pytest.raises(ExprError):
        parse("__import__('os').system('true')")
    for module in sorted(Path(expr_module.__file__).parent.glob("*.py")):
        source = module.read_text(encoding="utf-8")
        assert not re.search(
            r"(?<![.\w])(eval|exec|compile)\s*\(|literal_eval|__import__\(", source
        ), module.name
