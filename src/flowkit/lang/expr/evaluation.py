"""Evaluation: a condition's truth for one instance's field values, by walking the tree."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from flowkit.lang.expr.ast import (
    ORDERING,
    BoolOp,
    Compare,
    Condition,
    Expr,
    ExprError,
    Literal_,
    Membership,
    Name,
    Not,
    Operand,
    children,
)
from flowkit.lang.expr.values import is_number, parse_date

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def evaluate(cond: Condition, values: Mapping[str, object]) -> bool:
    """Evaluate a type-checked condition; instance data that does not fit raises ExprError.

    A field whose value is missing (or None) raises ExprError unless short-circuiting
    ('vip or amount > 5' with vip true) means it is never read.
    """
    return _truth(cond.expr, values)


def _truth(node: Expr, values: Mapping[str, object]) -> bool:
    match node:
        case BoolOp(op="and"):
            return all(_truth(operand, values) for operand in node.operands)
        case BoolOp():
            return any(_truth(operand, values) for operand in node.operands)
        case Not():
            return not _truth(node.operand, values)
        case Compare():
            return _compare(node, _value(node.left, values), _value(node.right, values))
        case Membership():
            return _member(node, values)
        case _:
            return _as_bool(node, _value(node, values))


def _value(node: Operand, values: Mapping[str, object]) -> object:
    if isinstance(node, Literal_):
        return node.value
    value = values.get(node.name)
    if value is None:
        raise ExprError(f"field '{node.name}' has no value", node.start, node.end)
    return value


def _as_bool(node: Operand, value: object) -> bool:
    if isinstance(value, bool):
        return value
    what = f"field '{node.name}'" if isinstance(node, Name) else "the value"
    raise ExprError(f"{what} is {value!r}, not true or false", node.start, node.end)


def _member(node: Membership, values: Mapping[str, object]) -> bool:
    left = _value(node.left, values)
    found = any(_equal(node, left, item.value) for item in node.items)
    return found != node.negated


def _equal(node: Membership, left: object, right: object) -> bool:
    a, b = _comparable(node, left, right)
    return bool(a == b)


def _compare(node: Compare, left: object, right: object) -> bool:
    a, b = _comparable(node, left, right)
    if node.op in ORDERING and isinstance(a, str) and isinstance(b, str):
        # Only date fields may be ordered, so ordered text must be ISO dates on both sides:
        # otherwise 'soon' < '2024-01-01' would quietly compare letters.
        a, b = _date_or_raise(node, left, right, a), _date_or_raise(node, left, right, b)
    try:
        return bool(_OPS[node.op](a, b))
    except (TypeError, ArithmeticError):  # e.g. Decimal('NaN'), or a hand-built tree
        raise _incomparable(node, left, right) from None


def _kind_of(value: object) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, date):
        return "date"
    return None


def _comparable(node: Compare | Membership, left: object, right: object) -> tuple[object, object]:
    """Bring both sides to one kind; dates may arrive as date objects or ISO text."""
    a = left.date() if isinstance(left, datetime) else left
    b = right.date() if isinstance(right, datetime) else right
    kinds = (_kind_of(a), _kind_of(b))
    if kinds == ("date", "string"):
        b = _date_or_raise(node, left, right, b)
    elif kinds == ("string", "date"):
        a = _date_or_raise(node, left, right, a)
    elif kinds[0] is None or kinds[0] != kinds[1]:
        raise _incomparable(node, left, right)
    return a, b


def _date_or_raise(node: Compare | Membership, left: object, right: object, text: object) -> date:
    parsed = parse_date(str(text))
    if parsed is None:
        raise _incomparable(node, left, right)
    return parsed


def _incomparable(node: Compare | Membership, left: object, right: object) -> ExprError:
    names = [child.name for child in children(node) if isinstance(child, Name)]
    where = f" (field '{names[0]}')" if names else ""
    return ExprError(
        f"cannot compare {left!r} with {right!r}{where}",
        node.start,
        node.end,
        "the instance value does not match the field's declared type",
    )
