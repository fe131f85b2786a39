"""The handbook's page data: the model turned into what a page shows, in one language.

Templates stay dumb: every joined name (客服专员+财务), every 《输出物》 list, every SLA
sentence and every cross-reference is worked out here, where it is typed and testable.
A `ProcessView` is one process seen in one language; cross-process pages (roles, RACI,
documents, backlog, FAQ) are made from the views of all processes in the page's
language. Everything keeps the declared order of the file, and processes and roles are
sorted by id, so the output never depends on the order files were found in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from flowkit.model import Faq, Node, Process, Route
from flowkit.render.conditions import plain_condition
from flowkit.render.diagram import Tile, print_tiles
from flowkit.render.gitinfo import Stamp
from flowkit.render.slatext import SlaText, sla_text
from flowkit.render.words import Lang, document_title, words

STEP_TYPES = ("task", "decision")


@dataclass(frozen=True)
class Ref:
    """A named thing with an id: a lane, a document, a node."""

    id: str
    name: str
    is_step: bool = True  # for nodes: a task or decision, which has a section to link to


@dataclass(frozen=True)
class RouteView:
    kind: str  # "single", "outcome", "condition" or "default"
    outcome: str
    label: str
    condition: str
    condition_source: str
    target: Ref


@dataclass(frozen=True)
class PainView:
    problem: str
    improvement: str
    status: str


@dataclass(frozen=True)
class NodeView:
    id: str
    name: str
    type: str
    lane: Ref
    support: tuple[Ref, ...]
    role_text: str  # 责任角色: the lane and its supporting lanes, 客服专员+财务
    action: str
    steps: tuple[str, ...]
    inputs: tuple[Ref, ...]
    inputs_text: str
    outputs: tuple[Ref, ...]
    outputs_text: str  # 输出物: 《a》、《b》
    sla: SlaText | None
    pain_points: tuple[PainView, ...]
    routes: tuple[RouteView, ...]
    notes: str

    def raci(self, lane_id: str) -> str:
        """R for the lane doing the step, C for a supporting lane, else nothing."""
        if self.lane.id == lane_id:
            return "R"
        return "C" if any(s.id == lane_id for s in self.support) else ""


@dataclass(frozen=True)
class DocumentView:
    id: str
    name: str
    title: str  # 《name》 in a Chinese process
    template: str | None
    description: str
    produced_by: tuple[Ref, ...]
    needed_by: tuple[Ref, ...]


@dataclass(frozen=True)
class FaqView:
    question: str
    answer: str
    nodes: tuple[Ref, ...]
    process: Ref | None  # the process that handles it
    process_known: bool  # built into this handbook, so it can be linked


@dataclass(frozen=True)
class BacklogItem:
    node: NodeView
    pain: PainView


@dataclass(frozen=True)
class ProcessView:
    id: str
    name: str
    version: str
    status: str
    pilot_teams: tuple[str, ...]
    description: str
    owner: str
    calendar: str
    locale: str
    lang: Lang
    lanes: tuple[Ref, ...]
    start: Ref | None
    ends: tuple[tuple[Ref, str], ...]  # end nodes with their outcome
    steps: tuple[NodeView, ...]  # tasks and decisions, in declared order
    documents: tuple[DocumentView, ...]
    faq: tuple[FaqView, ...]
    backlog: tuple[BacklogItem, ...]
    stamp: Stamp
    diagram: Markup | None = None  # inline SVG, on HTML pages

    @property
    def tiles(self) -> tuple[Tile, ...]:
        """Print slices of a diagram too wide for one page."""
        return print_tiles(str(self.diagram)) if self.diagram is not None else ()


@dataclass(frozen=True)
class RoleEntry:
    process: ProcessView
    node: NodeView
    raci: str  # "R" or "C"


@dataclass(frozen=True)
class RoleView:
    id: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    entries: tuple[RoleEntry, ...]
    stamps: tuple[Stamp, ...]


def process_view(
    process: Process,
    lang: Lang,
    stamp: Stamp,
    known: Mapping[str, str],
    diagram: Markup | None = None,
) -> ProcessView:
    """`process` as its pages show it in `lang`; `known` maps built process ids to names."""
    w = words(lang)
    steps = tuple(_node_view(process, n, lang, w) for n in process.nodes if n.type in STEP_TYPES)
    return ProcessView(
        id=process.id,
        name=process.name,
        version=process.version,
        status=process.status,
        pilot_teams=process.pilot_teams,
        description=process.description,
        owner=process.owner,
        calendar=process.calendar,
        locale=process.locale,
        lang=lang,
        lanes=tuple(Ref(lane.id, lane.name) for lane in process.lanes),
        start=_node_ref(process, process.start.id) if process.start else None,
        ends=tuple(
            (_node_ref(process, n.id), n.outcome or "") for n in process.nodes if n.type == "end"
        ),
        steps=steps,
        documents=_documents(process),
        faq=tuple(_faq_view(process, f, known) for f in process.faq),
        backlog=tuple(BacklogItem(n, p) for n in steps for p in n.pain_points),
        stamp=stamp,
        diagram=diagram,
    )


def role_views(views: Sequence[ProcessView], processes: Sequence[Process]) -> tuple[RoleView, ...]:
    """Every lane id of every process, with what it does everywhere, sorted by id."""
    by_id = {p.id: p for p in processes}
    ids = sorted({lane.id for p in processes for lane in p.lanes})
    roles = []
    for lane_id in ids:
        having = [v for v in views if lane_id in by_id[v.id].lane_by_id]
        lanes = [by_id[v.id].lane_by_id[lane_id] for v in having]
        entries = tuple(
            RoleEntry(v, n, n.raci(lane_id)) for v in having for n in v.steps if n.raci(lane_id)
        )
        roles.append(
            RoleView(
                id=lane_id,
                names=tuple(dict.fromkeys(lane.name for lane in lanes)),
                descriptions=tuple(dict.fromkeys(x.description for x in lanes if x.description)),
                entries=entries,
                stamps=tuple(v.stamp for v in having),
            )
        )
    return tuple(roles)


def _node_view(process: Process, node: Node, lang: Lang, w: Mapping[str, str]) -> NodeView:
    lane = process.lane_by_id.get(node.lane or "")
    lane_ref = Ref(lane.id, lane.name) if lane else Ref(node.lane or "", node.lane or "")
    support = tuple(_lane_ref(process, s) for s in node.support)
    inputs = tuple(_doc_ref(process, d) for d in node.inputs)
    outputs = tuple(_doc_ref(process, d) for d in node.outputs)
    return NodeView(
        id=node.id,
        name=node.name,
        type=node.type,
        lane=lane_ref,
        support=support,
        role_text="+".join(r.name for r in (lane_ref, *support)),
        action=node.action,
        steps=node.steps,
        inputs=inputs,
        inputs_text=_titles(process, inputs),
        outputs=outputs,
        outputs_text=_titles(process, outputs),
        sla=sla_text(node.sla, process, lang, w, node.lane or "") if node.sla else None,
        pain_points=tuple(PainView(p.problem, p.improvement, p.status) for p in node.pain_points),
        routes=tuple(_route_view(process, node, r, w) for r in node.routes),
        notes=node.notes,
    )


def _route_view(process: Process, node: Node, route: Route, w: Mapping[str, str]) -> RouteView:
    ref = _node_ref(process, route.to)
    condition = plain_condition(route.when, process, w) if route.when else ""
    kind = (
        "default"
        if route.default
        else "condition"
        if route.when
        else "outcome"
        if route.outcome is not None
        else "single"
    )
    label = "" if route.label == route.outcome else route.label
    return RouteView(
        kind=kind,
        outcome=route.outcome or "",
        label=label,
        condition=condition,
        condition_source=route.when.text if route.when else "",
        target=ref,
    )


def _documents(process: Process) -> tuple[DocumentView, ...]:
    steps = [n for n in process.nodes if n.type in STEP_TYPES]
    return tuple(
        DocumentView(
            id=d.id,
            name=d.name,
            title=_titles(process, [Ref(d.id, d.name)]),
            template=d.template,
            description=d.description,
            produced_by=tuple(Ref(n.id, n.name) for n in steps if d.id in n.outputs),
            needed_by=tuple(Ref(n.id, n.name) for n in steps if d.id in n.inputs),
        )
        for d in process.documents
    )


def _faq_view(process: Process, faq: Faq, known: Mapping[str, str]) -> FaqView:
    nodes = tuple(_node_ref(process, nid) for nid in faq.nodes)
    other = Ref(faq.process, known.get(faq.process, faq.process)) if faq.process else None
    return FaqView(
        question=faq.question,
        answer=faq.answer,
        nodes=nodes,
        process=other,
        process_known=bool(faq.process and faq.process in known),
    )


def _titles(process: Process, docs: Sequence[Ref]) -> str:
    """Document names punctuated as their own language writes titles: 《a》、《b》 or a, b.

    This is punctuation of the process's text, so it follows the process's locale even on
    a page whose headings are in another language.
    """
    lang = _content_lang(process)
    return words(lang)["list_sep"].join(document_title(d.name, lang) for d in docs)


def _content_lang(process: Process) -> Lang:
    return "en" if process.locale == "en" else "zh-CN"


def _node_ref(process: Process, node_id: str) -> Ref:
    node = process.node_by_id.get(node_id)
    if node is None:
        return Ref(node_id, node_id, is_step=False)
    return Ref(node_id, node.name, is_step=node.type in STEP_TYPES)


def _lane_ref(process: Process, lane_id: str) -> Ref:
    lane = process.lane_by_id.get(lane_id)
    return Ref(lane_id, lane.name if lane else lane_id)


def _doc_ref(process: Process, doc_id: str) -> Ref:
    doc = process.document_by_id.get(doc_id)
    return Ref(doc_id, doc.name if doc else doc_id)
