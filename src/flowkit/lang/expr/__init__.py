"""Route conditions: a small, safe expression language over an instance's typed fields.

Routes and SLA overrides say things like ``amount < 100000`` or
``segment in ['large', 'sme'] and not vip``. The text comes from process files written by
people, so it is never handed to ``eval``: it is tokenized and parsed into frozen
dataclasses, checked against the declared field types, evaluated by walking the tree, and
analysed for coverage (do a decision's conditions leave some input without a route?).

Modules, each depending only on those listed before it:

- `ast`: field types, the node dataclasses, `Condition`, `ExprError`, tree walking
- `values`: how literal values are written (numbers, ISO dates)
- `lexer`: text to tokens
- `parser`: tokens to a `Condition` (`parse`)
- `types`: checking a condition against field types (`typecheck`)
- `evaluation`: a condition's truth for one instance (`evaluate`)
- `coverage`: finding an input no condition matches (`uncovered_case`), and what is wrong
  with choices tried in order, first match wins (`first_match`: after the default, shadowed,
  uncovered)
- `partial`: conditions over incomplete data, where a field may have no value (`truth`,
  `assume_missing`)
"""

from __future__ import annotations

from flowkit.lang.expr.ast import (
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
    Operand,
    walk,
)
from flowkit.lang.expr.coverage import (
    AfterDefault,
    Finding,
    Shadowed,
    Uncovered,
    first_match,
    uncovered_case,
)
from flowkit.lang.expr.evaluation import evaluate
from flowkit.lang.expr.parser import parse
from flowkit.lang.expr.partial import Truth, assume_missing, truth
from flowkit.lang.expr.types import typecheck

__all__ = [
    "AfterDefault",
    "BoolOp",
    "Compare",
    "Condition",
    "Expr",
    "ExprError",
    "FieldType",
    "Finding",
    "Literal_",
    "Membership",
    "Name",
    "Not",
    "Operand",
    "Shadowed",
    "Truth",
    "Uncovered",
    "assume_missing",
    "evaluate",
    "first_match",
    "parse",
    "truth",
    "typecheck",
    "uncovered_case",
    "walk",
]
