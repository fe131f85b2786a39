"""Shared by the expr tests: declared fields, random well-typed trees and a printer for them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import strategies as st

from flowkit.lang.expr import (
    BoolOp,
    Compare,
    Expr,
    ExprError,
    FieldType,
    Literal_,
    Membership,
    Name,
    Not,
    parse,
)

FIELDS: dict[str, FieldType] = {
    "amount": FieldType("number"),
    "count": FieldType("integer"),
    "grade": FieldType("enum", ("A", "B", "C")),
    "vip": FieldType("boolean"),
    "region": FieldType("string"),
    "signed": FieldType("date"),
}


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


ASSIGNMENT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "amount": NUMBERS | st.floats(-5, 5, allow_nan=False) | st.integers(-6, 6),
    "count": st.integers(-6, 6),
    "grade": st.sampled_from("ABC"),
    "vip": st.booleans(),
    "region": st.sampled_from([*TEXTS, "other", "华"]),
    "signed": st.dates(date(2023, 12, 28), date(2024, 1, 6)),
}
ASSIGNMENTS = st.fixed_dictionaries(ASSIGNMENT_VALUES)


def assert_parse_error(text: str, fragment: str, start: int, end: int, hint: str | None) -> None:
    """parse(text) fails with a message holding `fragment`, located at [start, end)."""
    with pytest.raises(ExprError) as caught:
        parse(text)
    error = caught.value
    assert fragment in error.message
    assert (error.start, error.end) == (start, end)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint
