"""Coverage: is there an input that none of a decision's conditions routes? And, for
choices tried in order (routes out of a decision, grading rules), which of them never decide."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal, Protocol

from flowkit.lang.expr.ast import (
    Compare,
    Condition,
    FieldType,
    Membership,
    Name,
    Not,
    Scalar,
    field_and_value,
    walk,
)
from flowkit.lang.expr.evaluation import evaluate
from flowkit.lang.expr.types import typecheck
from flowkit.lang.expr.values import is_number, parse_date


def uncovered_case(
    conds: Sequence[Condition], fields: Mapping[str, FieldType], limit: int = 4096
) -> dict[str, object] | Literal["unknown"] | None:
    """None: every possible assignment of the referenced fields satisfies at least one condition.
    A dict: a counterexample assignment (e.g. {"amount": 100000}) that no condition matches.
    "unknown": too many combinations to decide within `limit` evaluations.

    Each atomic comparison only changes truth at the constants written for its field, so
    one value per region between constants stands for the whole region and the search over
    their product is exact. `limit` counts assignments tried; a counterexample found before
    the limit is still returned. Ill-typed conditions raise their first ExprError.
    """
    for cond in conds:
        errors = typecheck(cond, fields)
        if errors:
            raise errors[0]
    names, constants = _constants(conds)
    domains = [_representatives(fields[name], constants[name]) for name in names]
    for tried, combo in enumerate(itertools.product(*domains)):
        if tried >= limit:
            return "unknown"
        assignment = dict(zip(names, combo, strict=True))
        if not any(evaluate(cond, assignment) for cond in conds):
            return assignment
    return None


def _constants(conds: Sequence[Condition]) -> tuple[list[str], dict[str, list[Scalar]]]:
    """Referenced fields in first-appearance order, each with the literals it is compared to."""
    constants: dict[str, list[Scalar]] = {}
    for cond in conds:
        for node in walk(cond.expr):
            if isinstance(node, Name):
                constants.setdefault(node.name, [])
            elif isinstance(node, Compare):
                pair = field_and_value(node.left, node.right)
                if pair is not None:
                    constants.setdefault(pair[0].name, []).append(pair[1].value)
            elif isinstance(node, Membership) and isinstance(node.left, Name):
                constants.setdefault(node.left.name, []).extend(i.value for i in node.items)
    return list(constants), constants


def _representatives(ftype: FieldType, constants: list[Scalar]) -> list[object]:
    if ftype.kind == "boolean":
        return [True, False]
    if ftype.kind == "enum":
        return list(ftype.values)
    if ftype.kind == "string":
        return _string_points([c for c in constants if isinstance(c, str)])
    if ftype.kind == "date":
        return _date_points([c for c in constants if isinstance(c, str)])
    numbers = [c for c in constants if is_number(c)]
    return _number_points(numbers, integer=ftype.kind == "integer")


def _string_points(constants: list[str]) -> list[object]:
    points: list[object] = list(dict.fromkeys(constants))
    other = "<other>"
    while other in points:
        other = f"<{other}>"
    return [*points, other]


def _date_points(constants: list[str]) -> list[object]:
    days = sorted({d for d in map(parse_date, constants) if d is not None})
    if not days:
        return ["2000-01-01"]
    extras: set[date] = set()
    for day in days:
        for step in (-1, 1):
            try:
                extras.add(day + timedelta(days=step))
            except OverflowError:
                continue
    return [d.isoformat() for d in [*days, *sorted(extras - set(days))]]


def _number_points(constants: list[Scalar], integer: bool) -> list[object]:
    """Constants first (readable counterexamples), then one point per open region.

    Integers stand in wherever a region holds one: exact against any float, and readable.
    Integer fields skip non-integral constants and regions with no integer in them.
    """
    exact = sorted({Fraction(c) for c in constants})
    if not exact:
        return [0]
    points: list[object] = [_plain(c) for c in exact if not integer or c.denominator == 1]
    points.append(math.ceil(exact[0]) - 1)
    for low, high in itertools.pairwise(exact):
        between = _between(low, high, integer)
        if between is not None:
            points.append(between)
    points.append(math.floor(exact[-1]) + 1)
    return points


def _between(low: Fraction, high: Fraction, integer: bool) -> int | float | None:
    candidate = math.floor(low) + 1
    if candidate < high:
        return candidate
    if integer:
        return None
    middle = float((low + high) / 2)
    return middle if low < Fraction(middle) < high else None


def _plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


# ---- rules tried in order, the first that matches wins --------------------------------


class Choice(Protocol):
    """One of an ordered list of choices: a route out of a decision, a grading rule."""

    @property
    def when(self) -> Condition | None: ...  # None for the default (or an unreadable one)

    @property
    def default(self) -> bool: ...  # taken when no condition before it matches


@dataclass(frozen=True)
class AfterDefault:
    """The choice at `index` comes after the default: it is never reached."""

    index: int


@dataclass(frozen=True)
class Shadowed:
    """The condition at `index` never decides: no input matches it (`alone`), or every
    input it matches is already taken by the choices before it."""

    index: int
    alone: bool


@dataclass(frozen=True)
class Uncovered:
    """Without a default, an input no condition matches (or "unknown": too many to try)."""

    case: dict[str, object] | Literal["unknown"]


Finding = AfterDefault | Shadowed | Uncovered


def first_match(
    choices: Sequence[Choice], fields: Mapping[str, FieldType], *, decide: bool = True
) -> Iterator[Finding]:
    """What is wrong with choices tried in order, the first whose condition holds winning:
    the choices after the default; then, with `decide` (every condition read and typed),
    each condition the ones before it leave nothing to decide, and, when there is no
    default, an input none of them matches. Decided, not guessed (`uncovered_case`)."""
    default = next((i for i, c in enumerate(choices) if c.default), None)
    if default is not None:
        yield from (AfterDefault(i) for i in range(default + 1, len(choices)))
    if not decide:
        return
    before: list[Condition] = []
    for i, choice in enumerate(choices[:default]):
        if choice.when is None:
            continue
        if _shadowed(before, choice.when, fields):
            yield Shadowed(i, alone=not before)
        before.append(choice.when)
    if default is None:
        gap = uncovered_case(before, fields)
        if gap is not None:
            yield Uncovered(gap)


def _shadowed(before: list[Condition], cond: Condition, fields: Mapping[str, FieldType]) -> bool:
    """True when every input this condition accepts is already taken by an earlier one."""
    negated = Condition(f"not ({cond.text})", Not(cond.expr))
    return uncovered_case([*before, negated], fields) is None
