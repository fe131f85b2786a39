"""Conditions over partial data: strong Kleene truth, and the rewrite that lets coverage see it."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from flowkit.lang.expr import (
    Condition,
    Expr,
    Name,
    Truth,
    assume_missing,
    evaluate,
    parse,
    truth,
    uncovered_case,
    walk,
)
from tests.lang.expr.support import ASSIGNMENTS, FIELDS, trees

NAMES = sorted(FIELDS)


def _atom(values: dict[str, Any]) -> Any:
    def atom(node: Expr) -> Truth:
        if any(isinstance(n, Name) and n.name not in values for n in walk(node)):
            return None
        return evaluate(Condition("", node), values)

    return atom


def _truth(text: str, **values: Any) -> Truth:
    return truth(parse(text).expr, _atom(values))


def test_and_or_not_with_an_unknown() -> None:
    assert _truth("amount > 1 and grade == 'A'", grade="B") is False
    assert _truth("amount > 1 and grade == 'A'", grade="A") is None
    assert _truth("amount > 1 or grade == 'A'", grade="A") is True
    assert _truth("amount > 1 or grade == 'A'", grade="B") is None
    assert _truth("not (amount > 1)") is None
    assert _truth("not (amount > 1)", amount=0) is True


def test_assume_missing_keeps_only_what_is_sure() -> None:
    cond = parse("not (amount > 1 and grade == 'A') or vip")
    rewritten = assume_missing(cond, ["amount"])
    assert rewritten.text == cond.text
    assert evaluate(rewritten, {"grade": "B", "vip": False}) is True  # not (… and false)
    assert evaluate(rewritten, {"grade": "A", "vip": False}) is False  # unknown: not sure
    assert "amount" not in {n.name for n in walk(rewritten.expr) if isinstance(n, Name)}


def test_coverage_sees_a_missing_field() -> None:
    conds = [parse("amount > 5"), parse("amount <= 5")]
    assert uncovered_case(conds, FIELDS) is None
    rest = {k: v for k, v in FIELDS.items() if k != "amount"}
    assert uncovered_case([assume_missing(c, ["amount"]) for c in conds], rest) == {}


@given(trees(NAMES), ASSIGNMENTS, st.sets(st.sampled_from(NAMES)))
def test_the_rewrite_agrees_with_the_partial_reading(
    tree: Expr, full: dict[str, Any], missing: set[str]
) -> None:
    values = {k: v for k, v in full.items() if k not in missing}
    partial = truth(tree, _atom(values))
    rewritten = assume_missing(Condition("t", tree), missing)
    assert (partial is True) == evaluate(rewritten, values)


@given(trees(NAMES), ASSIGNMENTS)
def test_with_every_value_known_truth_is_evaluation(tree: Expr, values: dict[str, Any]) -> None:
    assert truth(tree, _atom(values)) == evaluate(Condition("t", tree), values)
