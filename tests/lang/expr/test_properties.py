"""Properties across the passes: any text parses or fails cleanly; printed trees round-trip."""

from __future__ import annotations

import operator as op
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.lang.expr import (
    BoolOp,
    Condition,
    Expr,
    ExprError,
    Literal_,
    Membership,
    Name,
    Not,
    evaluate,
    parse,
    typecheck,
    uncovered_case,
)
from flowkit.lang.expr.ast import walk
from tests.lang.expr.support import ASSIGNMENTS, DATES, FIELDS, show, trees

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
    for node in walk(cond.expr):
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
