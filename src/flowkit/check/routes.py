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
            decide = typed_ok and all(r.when or r.default for r in node.routes)
            for finding in expr.first_match(node.routes, fields, decide=decide):
                yield _routing(node, finding)


def _routing(node: Node, finding: expr.Finding) -> Diagnostic:
    """FK407 for a route never taken, FK404 for a case no route takes."""
    if isinstance(finding, expr.Uncovered):
        return _gap(node, finding.case)
    route = node.routes[finding.index]
    if isinstance(finding, expr.AfterDefault):
        return Diagnostic(
            "FK407",
            f"this route of '{node.id}' comes after the default route and can never be taken",
            route.loc,
            "put the `default` route last, and keep only one",
        )
    assert route.when is not None
    if finding.alone:
        return Diagnostic(
            "FK407",
            f"route `{route.when.text}` of '{node.id}' can never be taken: no case matches it",
            route.when_loc,
            "its comparisons exclude each other; correct the condition",
        )
    return Diagnostic(
        "FK407",
        f"route `{route.when.text}` of '{node.id}' can never be taken: "
        "the routes before it already match every case it matches",
        route.when_loc,
        "reorder the routes or narrow the earlier conditions",
    )


def _gap(node: Node, gap: dict[str, object] | str) -> Diagnostic:
    hint = "add a last route `- default: <node>` for every other case"
    if isinstance(gap, dict):
        case = ", ".join(f"{k} = {v!r}" for k, v in gap.items())
        message = f"no route of '{node.id}' matches when {case}"
    else:
        message = f"cannot prove that the conditions of '{node.id}' cover every case"
    return Diagnostic("FK404", message, node.at("next"), hint)
