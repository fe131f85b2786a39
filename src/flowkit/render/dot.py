"""A laid-out diagram as DOT source with every position pinned (for `neato -n2`).

Bands and lane headers are declared first so they are drawn beneath the boxes; edge
labels are plain-text nodes at the positions the layout chose, so Graphviz moves nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from html import escape

from flowkit.model import Node, Process
from flowkit.render.layout import HEADER_W, Box, Edge, Layout, Point, Rect
from flowkit.render.text import wrap

FONT = "Noto Sans CJK SC"
ARROW = 7.0
BAND_FILLS = ("#f6f8fb", "#edf2f8")
END_FILLS = {"won": "#c8e6c9", "lost": "#ffcdd2"}
NAME_PT = 11.0  # node names; text is wrapped by measuring at the size it is drawn
EVENT_PT = 9.5


def to_dot(layout: Layout, process: Process, words: dict[str, str]) -> str:
    """DOT source for the layout; `words` holds the few chrome words the diagram shows."""
    graph_id = process.id
    docs = {d.id: words["document"].format(d.name) for d in process.documents}
    lines = [
        f'digraph "{graph_id}" {{',
        f'  graph [bb="0,0,{_n(layout.width)},{_n(layout.height)}", outputorder=nodesfirst,'
        f' pad=0.2, fontname="{FONT}", id="{graph_id}"];',
        f'  node [fontname="{FONT}", fontsize={NAME_PT}, fixedsize=true, penwidth=1.2];',
        '  edge [color="#4d5b6a", arrowsize=0.7, penwidth=1.1];',
    ]
    flip = _Flip(layout.height)
    lines += _bands(layout, flip)
    for i, box in enumerate(layout.boxes):
        lines.append(_box(box, i, flip, words, graph_id, docs))
    for i, edge in enumerate(layout.edges):
        lines += _edge(edge, i, flip)
    lines.append("}")
    return "\n".join(lines) + "\n"


class _Flip:
    """Graphviz puts y = 0 at the bottom."""

    def __init__(self, height: float) -> None:
        self.height = height

    def point(self, p: Point) -> str:
        return f"{_n(p[0])},{_n(self.height - p[1])}"

    def center(self, rect: Rect) -> str:
        return self.point((rect.cx, rect.cy))


def _bands(layout: Layout, flip: _Flip) -> Iterator[str]:
    for i, band in enumerate(layout.bands):
        rect = band.rect
        yield (
            f'  "band:{band.lane}" [shape=box, style=filled, color="#c5d0de", '
            f'fillcolor="{BAND_FILLS[i % 2]}", label="", {_geometry(rect, flip)}];'
        )
        header = Rect(0, rect.y, HEADER_W, rect.h)
        name = "<BR/>".join(escape(line) for line in wrap(band.name, 12, HEADER_W - 14, 4))
        yield (
            f'  "lane:{band.lane}" [shape=box, style=filled, color="#c5d0de", '
            f'fillcolor="#dbe4f0", label=<<B>{name}</B>>, fontsize=12, '
            f"{_geometry(header, flip)}];"
        )


def _box(
    box: Box, index: int, flip: _Flip, words: dict[str, str], graph_id: str, docs: dict[str, str]
) -> str:
    node = box.node
    if box.support:
        label = escape(words["support"].format(node.name))
        style = f'shape=box, style="rounded,dashed", color="#8796a8", fontsize=9, label="{label}"'
        return f'  "support:{node.id}:{index}" [{style}, {_geometry(box.rect, flip)}];'
    tooltip = _tooltip(node)
    common = f'id="{graph_id}-{node.id}", tooltip="{tooltip}", {_geometry(box.rect, flip)}'
    return f'  "{node.id}" [{_shape(node, box.rect, words, docs)}, {common}];'


def _shape(node: Node, rect: Rect, words: dict[str, str], docs: dict[str, str]) -> str:
    if node.type == "decision":
        name = _lines(node.name, NAME_PT, rect.w * 0.6, 2)
        return f'shape=diamond, style=filled, fillcolor="#fff6dd", color="#b58900", label=<{name}>'
    if node.type in ("start", "end"):
        name = _lines(node.name, EVENT_PT, rect.w * 0.72, 2)
        if node.type == "start":
            return (
                f'shape=circle, style=filled, fillcolor="#e4f1e4", color="#3c7a3c", '
                f"fontsize={EVENT_PT}, label=<{name}>"
            )
        fill = END_FILLS.get(node.outcome or "", "#e6e6e6")
        outcome = escape(words.get(f"outcome.{node.outcome}", node.outcome or ""))
        if outcome.casefold() not in name.casefold():  # "丢单" needs no "丢单" under it
            name += f'<BR/><FONT POINT-SIZE="8">{outcome}</FONT>'
        return (
            f'shape=doublecircle, style=filled, fillcolor="{fill}", color="#555555", '
            f"fontsize={EVENT_PT}, label=<{name}>"
        )
    task = _task_label(node, rect, words, docs)
    return (
        f'shape=box, style="rounded,filled", fillcolor="#ffffff", color="#3d6a9e", label=<{task}>'
    )


def _task_label(node: Node, rect: Rect, words: dict[str, str], docs: dict[str, str]) -> str:
    room = rect.w - 14
    mark = '<FONT COLOR="#c0392b">⚠ </FONT>' if node.pain_points else ""
    title = _lines(node.name, NAME_PT, room - (12 if mark else 0), 2)
    rows = [f"<TR><TD>{mark}<B>{title}</B></TD></TR>"]
    if node.outputs:
        doc = words["document"]
        names = words["list_sep"].join(docs.get(d) or doc.format(d) for d in node.outputs)
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="8.5">{_lines(names, 8.5, room, 1)}</FONT></TD></TR>'
        )
    if node.sla is not None:
        sla = _lines(node.sla.text, 8.5, room - 8, 1)
        badge = f'<FONT POINT-SIZE="8.5">{sla}</FONT>'
        rows.append(f'<TR><TD BGCOLOR="#fff1c2" STYLE="rounded">{badge}</TD></TR>')
    return f'<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">{"".join(rows)}</TABLE>'


def _lines(text: str, size: float, room: float, count: int) -> str:
    return "<BR/>".join(escape(line) for line in wrap(text, size, room, count))


def _tooltip(node: Node) -> str:
    parts = [
        node.name,
        node.action,
        *(f"⚠ {p.problem} → {p.improvement}" for p in node.pain_points),
    ]
    return _quoted("\n".join(p for p in parts if p))


def _edge(edge: Edge, index: int, flip: _Flip) -> Iterator[str]:
    pts = list(edge.points)
    tip = pts[-1]
    pts[-1] = _back_off(pts[-2], tip, ARROW)
    spline = [pts[0]]
    for a, b in itertools.pairwise(pts):
        spline += [a, b, b]
    pos = " ".join([f"e,{flip.point(tip)}", *(flip.point(p) for p in spline)])
    style = ', style=dashed, color="#b0701c"' if edge.back else ""
    tooltip = f', tooltip="{_quoted(edge.label.full)}"' if edge.label else ""
    ends = f'"{edge.source}" -> "{edge.target}"'
    yield f'  {ends} [pos="{pos}"{style}{tooltip}];'
    if edge.label:
        label = edge.label
        yield (
            f'  "label:{index}" [shape=plaintext, fontsize=9, fontcolor="#2f3e4e", '
            f'label="{_quoted(label.text)}", tooltip="{_quoted(label.full)}", '
            f"{_geometry(label.rect, flip)}];"
        )


def _back_off(a: Point, b: Point, by: float) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    by = min(by, length / 2)
    return (b[0] - dx / length * by, b[1] - dy / length * by)


def _geometry(rect: Rect, flip: _Flip) -> str:
    return f'pos="{flip.center(rect)}", width={_n(rect.w / 72, 4)}, height={_n(rect.h / 72, 4)}'


def _quoted(text: str) -> str:
    """Text inside a double-quoted DOT string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _n(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")
