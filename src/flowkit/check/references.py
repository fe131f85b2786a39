"""Every name a process uses must be declared once: ids, lanes, documents, nodes, calendars."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.spelling import did_you_mean
from flowkit.model import Process

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def _unknown(code: str, what: str, name: str, known: Iterable[str], loc: Location) -> Diagnostic:
    names = sorted(known)
    hint = did_you_mean(name, names)
    if hint is None:
        plural = f"{what}es" if what.endswith("s") else f"{what}s"
        hint = f"declared {plural}: {', '.join(names)}" if names else f"no {plural} are declared"
    return Diagnostic(code, f"unknown {what} '{name}'", loc, hint)


def check_unique_ids(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    groups = (
        ("node", process.nodes),
        ("lane", process.lanes),
        ("document", process.documents),
        ("event", process.events),
        ("lost reason", process.lost_reasons),
    )
    for what, items in groups:
        first: dict[str, Location] = {}
        for item in items:
            if item.id in first:
                yield Diagnostic(
                    "FK201",
                    f"{what} id '{item.id}' is already used on line {first[item.id].line}",
                    item.loc,
                    f"give each {what} its own id",
                )
            first.setdefault(item.id, item.loc)


def check_lanes(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    lanes = process.lane_by_id
    for node in process.nodes:
        if node.lane is not None and node.lane not in lanes:
            yield _unknown("FK202", "lane", node.lane, lanes, node.at("lane"))
        if node.lane is None and node.type in ("task", "decision"):
            yield Diagnostic(
                "FK202",
                f"{node.type} '{node.id}' has no lane",
                node.loc,
                "add `lane:` with the id of the responsible role",
            )
        for i, lane in enumerate(node.support):
            if lane not in lanes:
                yield _unknown("FK202", "lane", lane, lanes, node.at("support", i))


def check_documents(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    documents = process.document_by_id
    for node in process.nodes:
        for key, refs in (("inputs", node.inputs), ("outputs", node.outputs)):
            for i, doc in enumerate(refs):
                if doc not in documents:
                    yield _unknown("FK203", "document", doc, documents, node.at(key, i))


def check_node_refs(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    nodes = process.node_by_id
    for node in process.nodes:
        for route in node.routes:
            if route.to not in nodes:
                yield _unknown("FK204", "node", route.to, nodes, route.loc)
    for faq in process.faq:
        for i, ref in enumerate(faq.nodes):
            if ref not in nodes:
                yield _unknown("FK204", "node", ref, nodes, faq.at("nodes", i))


def check_lost_reasons(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    """An end node's `reason` is a code of the vocabulary, on an end where deals are lost."""
    codes = [r.id for r in process.lost_reasons]
    for node in process.nodes:
        if node.reason is None:
            continue
        if node.type != "end" or node.outcome != "lost":
            yield Diagnostic(
                "FK210",
                f"node '{node.id}' names a lost reason but is no end with outcome lost",
                node.at("reason"),
                "only an end node with `outcome: lost` takes `reason:`",
            )
        elif node.reason not in codes:
            yield _unknown("FK210", "lost reason", node.reason, codes, node.at("reason"))


def check_calendar(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    if process.calendar not in ctx.calendars:
        yield unknown_calendar(process.calendar, ctx.calendars, process.at("calendar"))


def unknown_calendar(name: str, known: Iterable[str], loc: Location) -> Diagnostic:
    """FK205, for every file that names a calendar: a process, the customer rules."""
    return _unknown("FK205", "calendar", name, known, loc)


def check_faq(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    known = ctx.processes | {process.id}
    for faq in process.faq:
        if faq.process is not None and faq.process not in known:
            yield _unknown("FK209", "process", faq.process, known, faq.at("process"))
