"""Semantic checks over the model: each module holds checks of one kind.

A check is a plain function `(process, context) -> iterable of Diagnostic`; it never
prints and never raises for bad input. `CHECKS` is the registry the validator runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flowkit.check import graph, hygiene, references, routes, timing
from flowkit.diagnostics import Diagnostic
from flowkit.model import Process

BUILTIN_CALENDARS = ("cn", "weekdays", "24x7")


@dataclass(frozen=True)
class CheckContext:
    """What a check may know beyond the one process: the names defined elsewhere."""

    calendars: frozenset[str] = frozenset(BUILTIN_CALENDARS)
    processes: frozenset[str] = frozenset()


Check = Callable[[Process, CheckContext], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    references.check_unique_ids,
    references.check_lanes,
    references.check_documents,
    references.check_node_refs,
    references.check_calendar,
    references.check_faq,
    graph.check_graph,
    routes.check_routes,
    timing.check_slas,
    hygiene.check_tasks,
    hygiene.check_unused,
)


def run_checks(process: Process, context: CheckContext | None = None) -> list[Diagnostic]:
    ctx = context or CheckContext()
    return [d for check in CHECKS for d in check(process, ctx)]
