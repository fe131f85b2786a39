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

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
from flowkit.lang.expr.evaluation import evaluate

if TYPE_CHECKING:
    from flowkit.lang.expr.coverage import (
        AfterDefault,
        Finding,
        Shadowed,
        Uncovered,
        first_match,
        uncovered_case,
    )
    from flowkit.lang.expr.parser import parse
    from flowkit.lang.expr.partial import Truth, assume_missing, truth
    from flowkit.lang.expr.types import typecheck

# Loaded on first use: the engine evaluates parsed conditions; parsing, type checking and
# the coverage analysis are validation's, and cost a command that only reads its import.
_LAZY = {
    "AfterDefault": "flowkit.lang.expr.coverage",
    "Finding": "flowkit.lang.expr.coverage",
    "Shadowed": "flowkit.lang.expr.coverage",
    "Uncovered": "flowkit.lang.expr.coverage",
    "first_match": "flowkit.lang.expr.coverage",
    "uncovered_case": "flowkit.lang.expr.coverage",
    "parse": "flowkit.lang.expr.parser",
    "Truth": "flowkit.lang.expr.partial",
    "assume_missing": "flowkit.lang.expr.partial",
    "truth": "flowkit.lang.expr.partial",
    "typecheck": "flowkit.lang.expr.types",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flowkit.lang.expr' has no attribute {name!r}")
