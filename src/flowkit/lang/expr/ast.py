"""The condition tree: field types, node dataclasses, the error type and tree walking.

Node kinds are plain dataclasses; behaviour lives in the passes that dispatch on them
(`types`, `evaluation`, `coverage`), so every pass reads top to bottom in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

FieldKind: TypeAlias = Literal["number", "integer", "string", "boolean", "enum", "date"]
CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
Scalar: TypeAlias = bool | int | float | str

# Comparisons that order their operands, as opposed to (in)equality.
ORDERING = frozenset({"<", "<=", ">", ">="})


@dataclass(frozen=True)
class FieldType:
    """The declared type of an instance field; enums carry their allowed values."""

    kind: FieldKind
    values: tuple[str, ...] = ()


# Offsets are metadata for error messages, so they are left out of equality: the same
# condition written with different spacing gives equal trees.


@dataclass(frozen=True)
class Literal_:
    value: Scalar
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    name: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Operand: TypeAlias = Name | Literal_


@dataclass(frozen=True)
class Compare:
    op: CompareOp
    left: Operand
    right: Operand
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Membership:
    negated: bool
    left: Operand
    items: tuple[Literal_, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    operands: tuple[Expr, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Expr
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Expr: TypeAlias = Literal_ | Name | Compare | Membership | BoolOp | Not


@dataclass(frozen=True)
class Condition:
    """A parsed condition together with its source, which error messages point into."""

    text: str
    expr: Expr

    def fields(self) -> frozenset[str]:
        """The field names the condition reads, so callers can check they are declared."""
        return frozenset(node.name for node in walk(self.expr) if isinstance(node, Name))


class ExprError(ValueError):
    """A condition that cannot be read, typed or evaluated, located so it can be underlined."""

    def __init__(
        self, message: str, start: int = 0, end: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = start if end is None else max(start, end)
        self.hint = hint

    def __reduce__(self) -> tuple[type[ExprError], tuple[str, int, int, str | None]]:
        # Keep the location when errors cross process boundaries (parallel checks).
        return (type(self), (self.message, self.start, self.end, self.hint))


def children(node: Expr) -> tuple[Expr, ...]:
    match node:
        case Compare():
            return (node.left, node.right)
        case Membership():
            return (node.left, *node.items)
        case BoolOp():
            return node.operands
        case Not():
            return (node.operand,)
        case _:
            return ()


def walk(node: Expr) -> Iterator[Expr]:
    """Pre-order, without recursion, so first-appearance order is source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def field_and_value(left: Operand, right: Operand) -> tuple[Name, Literal_] | None:
    if isinstance(left, Name) and isinstance(right, Literal_):
        return left, right
    if isinstance(right, Name) and isinstance(left, Literal_):
        return right, left
    return None
