"""Routes out of a node: decisions really decide, conditions type-check and cover every case.

Coverage is decided, not guessed: `flowkit.lang.expr.uncovered_case` evaluates the
conditions on every representative input, so a gap comes with a concrete example.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang import expr
from flowkit.model import Node, Process
from flowkit.model.process import shifted

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def type_errors(
    cond: expr.Condition, where: Location, fields: Mapping[str, expr.FieldType]
) -> Iterator[Diagnostic]:
    """FK402 for each type error, pointing at the offending part of the condition."""
    for error in expr.typecheck(cond, fields):
        yield Diagnostic("FK402", error.message, shifted(where, error.start), error.hint)


def check_routes(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    fields = process.field_types
    for node in process.nodes:
        typed_ok = True
        for route in node.routes:
            if route.when is not None:
                errors = list(type_errors(route.when, route.when_loc, fields))
                typed_ok = typed_ok and not errors
                yield from errors
        if node.type == "decision" and len(node.routes) < 2:
            yield Diagnostic(
                "FK403",
                f"decision '{node.id}' has {len(node.routes)} route(s); it needs two or more",
                node.at("next"),
                "add outcomes or conditional routes, or make it a task",
            )
        if node.route_kind == "conditions":
            yield from _defaults(node)
            if typed_ok and all(r.when or r.default for r in node.routes):
                yield from _coverage(node, fields)


def _defaults(node: Node) -> Iterator[Diagnostic]:
    seen_default = False
    for route in node.routes:
        if seen_default:
            yield Diagnostic(
                "FK407",
                f"this route of '{node.id}' comes after the default route and can never be taken",
                route.loc,
                "put the `default` route last, and keep only one",
            )
        seen_default = seen_default or route.default


def _coverage(node: Node, fields: Mapping[str, expr.FieldType]) -> Iterator[Diagnostic]:
    conds = [r.when for r in node.routes if r.when is not None]
    for i, route in enumerate(node.routes):
        if route.when is not None and i and _never_taken(conds[:i], route.when, fields):
            yield Diagnostic(
                "FK407",
                f"route `{route.when.text}` of '{node.id}' can never be taken: "
                "the routes before it already match every case it matches",
                route.when_loc,
                "reorder the routes or narrow the earlier conditions",
            )
    if any(r.default for r in node.routes):
        return
    gap = expr.uncovered_case(conds, fields)
    if gap is None:
        return
    yield _gap(node, gap)


def _never_taken(
    before: list[expr.Condition], cond: expr.Condition, fields: Mapping[str, expr.FieldType]
) -> bool:
    """True when every input this condition accepts is already taken by an earlier route."""
    negated = expr.Condition(f"not ({cond.text})", expr.Not(cond.expr))
    return expr.uncovered_case([*before, negated], fields) is None


def _gap(node: Node, gap: dict[str, object] | str) -> Diagnostic:
    hint = "add a last route `- default: <node>` for every other case"
    if isinstance(gap, dict):
        case = ", ".join(f"{k} = {v!r}" for k, v in gap.items())
        message = f"no route of '{node.id}' matches when {case}"
    else:
        message = f"cannot prove that the conditions of '{node.id}' cover every case"
    return Diagnostic("FK404", message, node.at("next"), hint)
