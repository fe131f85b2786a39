"""Type checking: a parsed condition against the declared field types.

Every error is collected (not just the first), in source order, each located on its own
sub-expression and, where a likely fix is known, carrying a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flowkit.lang.expr.ast import (
    ORDERING,
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
    Scalar,
    field_and_value,
)
from flowkit.lang.expr.values import FULLWIDTH_DIGITS, NUMBER, is_number, parse_date
from flowkit.lang.spelling import DID_YOU_MEAN, closest

_UNORDERED_KINDS = frozenset({"enum", "boolean", "string"})


def typecheck(cond: Condition, fields: Mapping[str, FieldType]) -> list[ExprError]:
    """Every type error in the condition, in source order, each on its own sub-expression."""
    errors: list[ExprError] = []
    _check_condition(cond.expr, fields, errors)
    return errors


def _check_condition(node: Expr, fields: Mapping[str, FieldType], errors: list[ExprError]) -> None:
    match node:
        case Name():
            ftype = _lookup_field(node, fields, errors)
            if ftype is not None and ftype.kind != "boolean":
                errors.append(_not_a_condition(node, ftype))
        case Literal_():
            if not isinstance(node.value, bool):
                errors.append(
                    ExprError(
                        f"the value {node.value!r} is not a condition",
                        node.start,
                        node.end,
                        f"compare a field with it, e.g. amount < {node.value!r}",
                    )
                )
        case Compare():
            _check_compare(node, fields, errors)
        case Membership():
            _check_membership(node, fields, errors)
        case BoolOp():
            for operand in node.operands:
                _check_condition(operand, fields, errors)
        case Not():
            _check_condition(node.operand, fields, errors)


def _lookup_field(
    node: Name, fields: Mapping[str, FieldType], errors: list[ExprError]
) -> FieldType | None:
    ftype = fields.get(node.name)
    if ftype is None:
        errors.append(_unknown_field(node, fields))
    return ftype


def _unknown_field(node: Name, fields: Mapping[str, FieldType]) -> ExprError:
    close = closest(node.name, fields)
    if node.name.lower() in ("true", "false"):
        advice = f"write {node.name.lower()} in lowercase"
    else:
        advice = DID_YOU_MEAN.format(close) if close else ""
    if not fields:
        known = "no fields are declared"
    else:
        known = f"declared fields: {', '.join(sorted(fields))}" if len(fields) <= 10 else ""
    hint = f"{advice} ({known})" if advice and known else advice or known
    return ExprError(f"unknown field '{node.name}'", node.start, node.end, hint or None)


def _not_a_condition(node: Name, ftype: FieldType) -> ExprError:
    examples = {
        "number": f"{node.name} > 0",
        "integer": f"{node.name} > 0",
        "string": f"{node.name} == '...'",
        "enum": f"{node.name} == {ftype.values[0]!r}" if ftype.values else f"{node.name} == '...'",
        "date": f"{node.name} >= '2024-01-01'",
    }
    return ExprError(
        f"field '{node.name}' is a {ftype.kind}, not a condition",
        node.start,
        node.end,
        f"compare it with a value, e.g. {examples.get(ftype.kind, node.name)}",
    )


def _describe(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"number {value!r}"


def _check_compare(node: Compare, fields: Mapping[str, FieldType], errors: list[ExprError]) -> None:
    pair = field_and_value(node.left, node.right)
    if pair is None:
        errors.extend(_check_fieldless(node, fields))
        return
    name, literal = pair
    ftype = _lookup_field(name, fields, errors)
    if ftype is None:
        return
    if node.op in ORDERING and ftype.kind in _UNORDERED_KINDS:
        errors.append(_unordered(node, name, ftype, literal))
        return
    error = _check_value(name, ftype, literal)
    if error is not None:
        errors.append(error)


def _check_fieldless(node: Compare, fields: Mapping[str, FieldType]) -> list[ExprError]:
    """Field-to-field comparisons are refused: coverage analysis could not stay exact."""
    errors: list[ExprError] = []
    if isinstance(node.left, Name) and isinstance(node.right, Name):
        for name in (node.left, node.right):
            _lookup_field(name, fields, errors)
        message = f"'{node.op}' compares two fields ('{node.left.name}' and '{node.right.name}')"
    else:
        message = f"'{node.op}' compares two values and no field"
    errors.append(
        ExprError(message, node.start, node.end, "compare a field with a value, e.g. amount < 100")
    )
    return errors


def _unordered(node: Compare, name: Name, ftype: FieldType, literal: Literal_) -> ExprError:
    hints = {
        "enum": f"enum values have no order; use == or in, e.g. {name.name} in "
        f"[{', '.join(repr(v) for v in ftype.values[:2])}]",
        "boolean": f"use '{name.name}' or 'not {name.name}'",
        "string": "text has no order here; use == or in",
    }
    hint = hints[ftype.kind]
    if ftype.kind == "string" and isinstance(literal.value, str) and parse_date(literal.value):
        hint += f"; declare '{name.name}' as a date field to compare dates"
    return ExprError(
        f"'{node.op}' cannot be used on {ftype.kind} field '{name.name}'",
        node.start,
        node.end,
        hint,
    )


def _check_membership(
    node: Membership, fields: Mapping[str, FieldType], errors: list[ExprError]
) -> None:
    if not isinstance(node.left, Name):
        errors.append(
            ExprError(
                "'in' needs a field on its left",
                node.left.start,
                node.left.end,
                "e.g. grade in ['A', 'B']",
            )
        )
        return
    ftype = _lookup_field(node.left, fields, errors)
    if ftype is None:
        return
    for item in node.items:
        error = _check_value(node.left, ftype, item)
        if error is not None:
            errors.append(error)


def _mismatch(name: Name, ftype: FieldType, literal: Literal_, hint: str) -> ExprError:
    return ExprError(
        f"cannot compare {ftype.kind} field '{name.name}' with {_describe(literal.value)}",
        literal.start,
        literal.end,
        hint,
    )


def _value_number(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if is_number(value):
        return None
    plain = str(value).translate(FULLWIDTH_DIGITS)
    if isinstance(value, str) and NUMBER.fullmatch(plain):
        return _mismatch(name, ftype, literal, f"write numbers without quotes: {plain}")
    return _mismatch(name, ftype, literal, f"'{name.name}' holds numbers, e.g. {name.name} < 100")


def _value_string(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    if isinstance(literal.value, str):
        return None
    shown = _describe(literal.value).removeprefix("number ")
    return _mismatch(name, ftype, literal, f"put text in quotes: '{shown}'")


def _value_enum(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if isinstance(value, str) and value in ftype.values:
        return None
    valid = _list_values(ftype.values)
    if not isinstance(value, str):
        return _mismatch(name, ftype, literal, valid)
    close = closest(value, ftype.values)
    hint = f"{DID_YOU_MEAN.format(close)} ({valid})" if close else valid
    return ExprError(
        f"{value!r} is not a value of enum field '{name.name}'", literal.start, literal.end, hint
    )


def _list_values(values: tuple[str, ...]) -> str:
    if not values:
        return "the enum declares no values"
    shown = ", ".join(repr(v) for v in values[:20])
    more = f" and {len(values) - 20} more" if len(values) > 20 else ""
    return f"valid values: {shown}{more}"


def _value_boolean(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return _mismatch(name, ftype, literal, f"write {value.lower()} without quotes")
    return _mismatch(
        name, ftype, literal, f"use true or false, or the field alone: '{name.name}' / 'not ...'"
    )


def _value_date(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if not isinstance(value, str):
        return _mismatch(name, ftype, literal, "write dates as quoted text, e.g. '2024-03-31'")
    if parse_date(value) is None:
        return ExprError(
            f"{value!r} is not a valid date",
            literal.start,
            literal.end,
            "write dates as 'YYYY-MM-DD', e.g. '2024-03-31'",
        )
    return None


_VALUE_CHECKS: dict[str, Callable[[Name, FieldType, Literal_], ExprError | None]] = {
    "number": _value_number,
    "integer": _value_number,  # integer fields compare with any number: 'count < 2.5' is fine
    "string": _value_string,
    "enum": _value_enum,
    "boolean": _value_boolean,
    "date": _value_date,
}


def _check_value(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    return _VALUE_CHECKS[ftype.kind](name, ftype, literal)
