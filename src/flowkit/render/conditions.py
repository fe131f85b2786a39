"""Route and override conditions in plain words: `grade == 'A'` → 客户等级 = A.

A new hire reads 当 客户规模 = 个体工商户 时 more easily than `segment == 'individual'`:
fields are shown by their `label`, enum values by their `labels`, numbers with their
`unit`, and operators as the signs people write (=, ≠, ≤). The exact text stays in the
process file and in the HTML title, for anyone who needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flowkit.lang.expr import (
    BoolOp,
    Compare,
    Condition,
    Expr,
    Literal_,
    Membership,
    Name,
    Not,
    Operand,
)
from flowkit.model import Field, Process

_OPS: Mapping[str, str] = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


class _Plain:
    """Writes one process's conditions with its fields' display names, in one language."""

    def __init__(self, fields: Iterable[Field], w: Mapping[str, str]) -> None:
        self.fields = {f.id: f for f in fields}
        self.w = w

    def expr(self, node: Expr) -> str:
        match node:
            case Compare(op=op, left=left, right=right):
                field = self._field_of(left, right)
                return f"{self.operand(left, field)} {_OPS[op]} {self.operand(right, field)}"
            case Membership(negated=negated, left=left, items=items):
                field = self._field_of(left)
                values = self.w["list_sep"].join(self.operand(i, field) for i in items)
                word = self.w["cond_not_in"] if negated else self.w["cond_in"]
                return f"{self.operand(left, field)}{word}{values}"
            case BoolOp(op=op, operands=operands):
                joiner = self.w["cond_and"] if op == "and" else self.w["cond_or"]
                return joiner.join(self._grouped(o) for o in operands)
            case Not(operand=operand):
                return f"{self.w['cond_not']}{self._grouped(operand)}"
            case Name() | Literal_():
                return self.operand(node, None)
        raise TypeError(f"unknown condition node {type(node).__name__}")

    def operand(self, node: Operand, field: Field | None) -> str:
        if isinstance(node, Name):
            known = self.fields.get(node.name)
            return known.label or node.name if known else node.name
        value = node.value
        if isinstance(value, bool):
            return self.w["cond_true"] if value else self.w["cond_false"]
        if isinstance(value, str):
            return field.display(value) if field and field.type.kind == "enum" else value
        return f"{value}{self._unit(field)}"

    def _unit(self, field: Field | None) -> str:
        if field is None or not field.unit:
            return ""
        ascii_word = field.unit.isascii() and field.unit[0].isalpha()
        return f" {field.unit}" if ascii_word else field.unit

    def _field_of(self, *nodes: Operand) -> Field | None:
        """The field a comparison is about, so its literal can use the field's labels and unit."""
        for node in nodes:
            if isinstance(node, Name) and node.name in self.fields:
                return self.fields[node.name]
        return None

    def _grouped(self, node: Expr) -> str:
        text = self.expr(node)
        return f"({text})" if isinstance(node, BoolOp) else text


def plain_condition(condition: Condition, process: Process, w: Mapping[str, str]) -> str:
    """`condition` in the words of a page (`w` is its chrome table)."""
    return _Plain(process.fields, w).expr(condition.expr)


def plain_rule(condition: Condition, fields: Iterable[Field], w: Mapping[str, str]) -> str:
    """A customer grading condition in words, with the rules' fields (年度预算 > 1,000,000)."""
    return _Plain(fields, w).expr(condition.expr)
