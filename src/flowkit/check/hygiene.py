"""Warnings about what a handbook reader would miss: outputs, SLAs, action standards, leftovers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic, Location
from flowkit.model import Process

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def check_tasks(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    for node in process.nodes:
        if node.type != "task":
            continue
        if not node.outputs:
            yield Diagnostic(
                "FK601",
                f"task '{node.id}' produces no output document",
                node.loc,
                "list what the step leaves behind under `outputs:` (e.g. a form or record)",
            )
        if node.sla is None:
            yield Diagnostic(
                "FK602",
                f"task '{node.id}' has no SLA",
                node.loc,
                "add `sla:` such as '24小时内', '3个工作日' or '持续进行'",
            )
        if not node.action.strip():
            yield Diagnostic(
                "FK603",
                f"task '{node.id}' has no action standard",
                node.at("action"),
                "say under `action:` what is done and how, e.g. 电话沟通验证需求真实性",
            )


def check_unused(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    used_lanes = {n.lane for n in process.nodes} | {s for n in process.nodes for s in n.support}
    used_docs = {d for n in process.nodes for d in (*n.inputs, *n.outputs)}
    anchors = {
        a.ref
        for n in process.nodes
        if n.sla
        for a in (n.sla.anchor, *(o.anchor for o in n.sla.overrides))
        if a is not None and a.kind == "event"
    }
    for lane in process.lanes:
        if lane.id not in used_lanes:
            yield _unused("lane", lane.id, lane.loc)
    for doc in process.documents:
        if doc.id not in used_docs:
            yield _unused("document", doc.id, doc.loc)
    for event in process.events:
        if event.id not in anchors:
            yield _unused("event", event.id, event.loc)


def _unused(what: str, ident: str, loc: Location) -> Diagnostic:
    return Diagnostic("FK604", f"{what} '{ident}' is declared but never used", loc)
