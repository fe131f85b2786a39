"""SLAs that can be timed: anchors that exist and come earlier, warnings before deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import networkx as nx

from flowkit.check.graph import flow_graph
from flowkit.check.routes import type_errors
from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.sla import Cutoff, Deadline, Duration, Warn, describe
from flowkit.lang.spelling import did_you_mean
from flowkit.model import Anchor, Node, Process, Sla

if TYPE_CHECKING:
    from flowkit.check import CheckContext

_CLOCK_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 28 * 1440}


def check_slas(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    graph = flow_graph(process)
    for node in process.nodes:
        sla = node.sla
        if sla is None or not sla.parsed:
            continue  # an unreadable SLA is reported once, as FK501
        if node.type in ("start", "end"):
            yield Diagnostic(
                "FK502",
                f"the SLA on {node.type} node '{node.id}' is never timed",
                node.at("sla"),
                "put the time requirement on the task that does the work",
            )
        yield from _anchor(process, graph, node, sla.anchor)
        yield from _warn(node, sla.warn, sla.deadline)
        yield from _routine(node, sla)
        for override in sla.overrides:
            if override.when is not None:
                yield from type_errors(override.when, override.when_loc, process.field_types)
            yield from _anchor(process, graph, node, override.anchor)
            yield from _warn(node, override.warn or sla.warn, override.deadline or sla.deadline)


def _anchor(
    process: Process, graph: nx.DiGraph, node: Node, anchor: Anchor | None
) -> Iterator[Diagnostic]:
    if anchor is None:
        return
    where = node.at("sla")
    if anchor.kind is None:
        names = [e.id for e in process.events] + [e.name for e in process.events]
        names += [n.id for n in process.nodes] + [n.name for n in process.nodes]
        hint = did_you_mean(anchor.text, names) or (
            "declare it under `events:` (id and name), or name an earlier node by id or name"
        )
        yield Diagnostic(
            "FK206", f"the SLA of '{node.id}' counts from unknown '{anchor.text}'", where, hint
        )
        return
    if anchor.kind == "node" and anchor.ref not in nx.ancestors(graph, node.id):
        yield Diagnostic(
            "FK207",
            f"the SLA of '{node.id}' counts from node '{anchor.ref}', which is not before it",
            where,
            "an anchor must be an earlier node (its completion) or a declared event",
        )


def _routine(node: Node, sla: Sla) -> Iterator[Diagnostic]:
    """`per: lane | owner`: a cadence owed once per calendar day, week, month or quarter."""
    if sla.per == "opportunity":
        return
    where = node.at("sla")
    if sla.cadence is None:
        yield Diagnostic(
            "FK504",
            f"the SLA of '{node.id}' says who owes its cadence (per: {sla.per}) but has none",
            where,
            "add `cadence:` (e.g. 每日更新), or remove `per:`",
        )
    elif sla.cadence.every > 1 or sla.cadence.window is not None:
        yield Diagnostic(
            "FK504",
            f"the routine of '{node.id}' counts per day, week, month or quarter, not "
            f"'{describe(sla.cadence, 'en')}'",
            where,
            "a routine's periods are the calendar's: write e.g. 每日, 每周1次 or 每月1次",
        )


def _warn(node: Node, warn: Warn | None, deadline: Deadline | None) -> Iterator[Diagnostic]:
    if warn is None:
        return
    where: Location = node.at("sla")
    if deadline is None:
        yield Diagnostic(
            "FK503",
            f"the SLA of '{node.id}' has a warning but no deadline to warn before",
            where,
            "add `within:`, or remove `warn:`",
        )
    elif warn.before is not None and _not_shorter(warn.before, deadline.within):
        yield Diagnostic(
            "FK503",
            f"the warning of '{node.id}' comes at or before the timer starts",
            where,
            "warn a shorter time before the deadline than the deadline itself",
        )


def _not_shorter(before: Duration, within: Duration | Cutoff) -> bool:
    """Whether `before` is at least as long as `within`, when the two can be compared (a
    cutoff's window depends on when the clock starts: it is not compared)."""
    if isinstance(within, Cutoff) or before.business != within.business:
        return False
    if before.business:
        if within.unit == "halfday":  # a business hour's share of it depends on the calendar
            return before.unit in ("day", "halfday")
        if before.unit == "halfday":
            return False
        return before.unit == within.unit and before.amount >= within.amount
    return (
        before.amount * _CLOCK_MINUTES[before.unit] >= within.amount * _CLOCK_MINUTES[within.unit]
    )
