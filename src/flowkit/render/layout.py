"""Swimlane geometry: where every band, box, edge and label goes, computed, not guessed.

Graphviz clusters cannot keep lanes aligned across a diagram, so flowkit lays the
diagram out itself on a grid and hands Graphviz fixed positions:

- columns follow the flow: a node's column is its longest distance from the start once
  loop-back edges are set aside (networkx);
- each lane is a horizontal band of one or more rows; a node sits in its lane's band, a
  second node of the same lane and column opens another row;
- edges are orthogonal and travel only through space no box occupies: the vertical gaps
  between columns and the margins above and below each row. Each edge gets its own track
  in every gap and margin it uses, so edges never cross boxes and never run on top of
  each other; labels sit on the edge's first segment, in the gap beside its source.

Units are points (1/72 inch), y grows downwards; `dot.py` flips y for Graphviz.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from flowkit.model import Node, Process
from flowkit.render.text import fit

HEADER_W = 92.0  # the lane-name column at the left
BOX_W, BOX_H = 132.0, 76.0
DIAMOND_W, DIAMOND_H = 116.0, 72.0
CIRCLE_D = 58.0
TRACK = 8.0  # distance between parallel edges
LABEL_H = 12.0
LABEL_FONT = 9.0
PORT_GAP = 16.0
MIN_GAP_W = 44.0
LABEL_MAX = 84.0  # longer edge labels are shortened (the full text is in the tooltip)
MIN_MARGIN = 16.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    x: float  # left
    y: float  # top
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclass(frozen=True)
class Band:
    lane: str
    name: str
    rect: Rect


@dataclass(frozen=True)
class Box:
    node: Node
    lane: str
    column: int
    row: int
    rect: Rect
    support: bool = False  # a dashed marker of `node` in one of its support lanes


@dataclass(frozen=True)
class _Place:
    lane: str
    column: int
    row: int  # global row number, lanes in declared order


@dataclass(frozen=True)
class Label:
    text: str  # as shown (maybe shortened)
    full: str  # as written
    rect: Rect


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    points: tuple[Point, ...]  # the polyline, from the source's border to the target's
    label: Label | None = None
    back: bool = False  # a loop back to an earlier column


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    bands: tuple[Band, ...]
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    box_by_id: dict[str, Box] = field(compare=False, repr=False)


@dataclass
class _Route:
    """One edge while tracks are handed out."""

    source: str
    target: str
    text: str
    heading: float  # the row the edge first turns towards (a margin is half a row away)
    back: bool
    exit_gap: int
    entry_gap: int
    margin: tuple[int, str] | None  # (row, "top" | "bottom") the edge runs along, if any
    port: float = 0.0  # the exit's offset from the source's centre, in ports
    reach: float = 0.0  # the largest such offset among the source's exits
    exit_track: int = 0
    entry_track: int = 0
    margin_track: int = 0


def lay_out(process: Process, otherwise: str = "otherwise") -> Layout:
    """The whole diagram; `otherwise` labels default routes that have no label."""
    places, supports, rows = _places(process)
    routes = [r for node in process.nodes for r in _routes_of(node, places, otherwise)]
    gaps = _assign_gap_tracks(routes)
    margins = _assign_margin_tracks(routes)
    widths = _column_widths(process, places, supports)
    cells = [*places.values(), *supports.values()]
    grid = _Grid(process, cells, rows, widths, _gap_needs(routes, gaps), margins)
    boxes = tuple(grid.box(node, places[node.id]) for node in process.nodes)
    by_id = {b.node.id: b for b in boxes}
    edges = tuple(grid.edge(route, by_id) for route in routes)
    markers = tuple(
        grid.box(process.node_by_id[node_id], place, support=True)
        for (node_id, _), place in supports.items()
    )
    return Layout(grid.width, grid.height, grid.bands(), boxes + markers, edges, by_id)


def _places(
    process: Process,
) -> tuple[dict[str, _Place], dict[tuple[str, str], _Place], int]:
    """Each node's cell, a cell for each (node, support lane) marker, and the row count."""
    lanes = _lanes_of(process)
    columns = _columns(process)
    wanted = [(n.id, lanes[n.id], columns[n.id]) for n in process.nodes]
    wanted += [
        (f"{n.id}\0{lane}", lane, columns[n.id])
        for n in process.nodes
        for lane in n.support
        if lane in process.lane_by_id
    ]
    taken: dict[tuple[str, int], int] = defaultdict(int)
    local: dict[str, int] = {}
    for key, lane, column in wanted:
        local[key] = taken[(lane, column)]
        taken[(lane, column)] += 1
    rows_per_lane: dict[str, int] = defaultdict(lambda: 1)
    for key, lane, _ in wanted:
        rows_per_lane[lane] = max(rows_per_lane[lane], local[key] + 1)
    first_row: dict[str, int] = {}
    total = 0
    for declared in process.lanes:
        first_row[declared.id] = total
        total += rows_per_lane[declared.id]
    cells = {key: _Place(lane, col, first_row[lane] + local[key]) for key, lane, col in wanted}
    nodes = {n.id: cells[n.id] for n in process.nodes}
    supports = {(key.split("\0")[0], lane): cells[key] for key, lane, _ in wanted if "\0" in key}
    return nodes, supports, total


def _lanes_of(process: Process) -> dict[str, str]:
    """Each node's lane; start and end nodes without one take a neighbour's."""
    lanes = {n.id: n.lane for n in process.nodes if n.lane}
    first = process.lanes[0].id
    preds: dict[str, list[str]] = defaultdict(list)
    for node in process.nodes:
        for route in node.routes:
            preds[route.to].append(node.id)
    for node in process.nodes:
        if node.id not in lanes:
            near = [r.to for r in node.routes] + preds[node.id]
            lanes[node.id] = next((lanes[n] for n in near if n in lanes), first)
    return lanes


def _columns(process: Process) -> dict[str, int]:
    """Longest distance from the start, with the edges that close loops set aside."""
    order = {n.id: i for i, n in enumerate(process.nodes)}
    graph = nx.DiGraph()
    graph.add_nodes_from(order)
    graph.add_edges_from((n.id, r.to) for n in process.nodes for r in n.routes)
    graph.remove_edges_from(_back_edges(process, graph))
    column: dict[str, int] = {}
    for node_id in nx.lexicographical_topological_sort(graph, key=order.__getitem__):
        column[node_id] = max((column[p] + 1 for p in graph.predecessors(node_id)), default=0)
    return column


def _back_edges(process: Process, graph: nx.DiGraph) -> list[tuple[str, str]]:
    """Edges to a node still on the depth-first path from the start: they close loops."""
    start = process.start.id if process.start else process.nodes[0].id
    roots = [start] + [n.id for n in process.nodes if n.id != start]
    back: list[tuple[str, str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(list(graph.successors(root))))]
        while stack:
            node_id, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                state[node_id] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.append((node_id, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(list(graph.successors(nxt)))))
    return back


def _routes_of(node: Node, places: dict[str, _Place], otherwise: str) -> list[_Route]:
    """The edges out of a node and the gaps and margin each will travel through."""
    out = []
    src = places[node.id]
    for route in node.routes:
        dst = places[route.to]
        text = route.label or (route.when.text if route.when else "")
        if route.default and not route.label:
            text = otherwise
        back = dst.column <= src.column
        if back:
            margin: tuple[int, str] | None = (src.row, "bottom")
            heading = src.row + 0.5
        elif dst.column == src.column + 1:
            margin, heading = None, float(dst.row)
        else:
            margin, heading = (dst.row, "top"), dst.row - 0.5
        out.append(
            _Route(node.id, route.to, text, heading, back, src.column, dst.column - 1, margin)
        )
    return _ordered_ports(out, src.row, _size(node)[1] / 2 - 6)


def _ordered_ports(routes: list[_Route], row: int, room: float) -> list[_Route]:
    """Exits stacked the way the edges head, so the edges of one node do not cross.

    An edge to the next box in the same row leaves straight from the centre; edges heading
    up leave above it, the one going highest on top, and edges heading down below it. The
    result is ordered from the centre outwards, the order tracks are handed out in, so the
    outer exits turn in the tracks nearest the node and the inner ones pass beyond them.
    When one side would be too crowded for the labels, the stack is centred instead.
    """
    ups = sorted((r for r in routes if r.heading < row), key=lambda r: r.heading)
    level = [r for r in routes if r.heading == row]
    downs = sorted((r for r in routes if r.heading > row), key=lambda r: r.heading)
    stack = ups + level + downs
    centre = (len(stack) - 1) / 2
    if level and max(len(ups), len(downs)) * (LABEL_H + 2) <= room:
        centre = len(ups)
    elif level and centre == int(centre) and centre != len(ups):
        centre += 0.5 if centre < len(ups) else -0.5  # keep another exit off the level line
    for i, route in enumerate(stack):
        route.port = i - centre
        route.reach = max(centre, len(stack) - 1 - centre)
    return sorted(stack, key=lambda r: abs(r.port))


def _assign_gap_tracks(routes: list[_Route]) -> dict[int, int]:
    """Give each edge its own vertical track in every gap it uses; return tracks per gap."""
    used: dict[int, int] = defaultdict(int)
    for route in routes:
        route.exit_track = used[route.exit_gap]
        used[route.exit_gap] += 1
        if route.margin is None:
            route.entry_track = route.exit_track  # one vertical segment serves both
        else:
            route.entry_track = used[route.entry_gap]
            used[route.entry_gap] += 1
    return dict(used)


def _assign_margin_tracks(routes: list[_Route]) -> dict[tuple[int, str], int]:
    used: dict[tuple[int, str], int] = defaultdict(int)
    for route in routes:
        if route.margin is not None:
            route.margin_track = used[route.margin]
            used[route.margin] += 1
    return dict(used)


def _column_widths(
    process: Process, places: dict[str, _Place], supports: dict[tuple[str, str], _Place]
) -> list[float]:
    """Each column as wide as its widest shape, so a column of circles stays narrow."""
    widths = [0.0] * (max(p.column for p in [*places.values(), *supports.values()]) + 1)
    for node in process.nodes:
        column = places[node.id].column
        widths[column] = max(widths[column], _size(node)[0])
    for place in supports.values():
        widths[place.column] = max(widths[place.column], BOX_W)
    return widths


def _gap_needs(routes: list[_Route], tracks: dict[int, int]) -> dict[int, tuple[int, float]]:
    """Per gap: its track count and the widest label written in it."""
    label: dict[int, float] = defaultdict(float)
    for route in routes:
        if route.text:
            shown = fit(route.text, LABEL_FONT, LABEL_MAX)[1]
            label[route.exit_gap] = max(label[route.exit_gap], shown)
    return {g: (tracks.get(g, 0), label[g]) for g in {*tracks, *label}}


def _gap_width(need: tuple[int, float] | None) -> float:
    """Room for the tracks plus, left of the innermost one, the widest label."""
    tracks, label = need or (0, 0.0)
    return max(MIN_GAP_W, 10 + TRACK * tracks + (label + 8 if label else 12))


class _Grid:
    """Turns columns, rows and track counts into coordinates."""

    def __init__(
        self,
        process: Process,
        places: list[_Place],
        rows: int,
        widths: list[float],
        gaps: dict[int, tuple[int, float]],
        margins: dict[tuple[int, str], int],
    ) -> None:
        self.process = process
        self.places = places
        self.col_w = widths
        self.col_x: list[float] = []
        x = HEADER_W + _gap_width(gaps.get(-1))
        for c, w in enumerate(widths):
            self.col_x.append(x)
            x += w + _gap_width(gaps.get(c))
        self.width = x
        self.row_top: list[float] = []
        self.row_box_top: list[float] = []
        y = 0.0
        for r in range(rows):
            self.row_top.append(y)
            top = max(MIN_MARGIN, 8 + TRACK * margins.get((r, "top"), 0))
            bottom = max(MIN_MARGIN, 8 + TRACK * margins.get((r, "bottom"), 0))
            self.row_box_top.append(y + top)
            y += top + BOX_H + bottom
        self.row_top.append(y)
        self.height = y

    def gap_right(self, gap: int) -> float:
        """The right edge of the gap after column `gap` (-1: the gap before column 0)."""
        return self.col_x[gap + 1] if gap + 1 < len(self.col_x) else self.width

    def bands(self) -> tuple[Band, ...]:
        """One band per declared lane, rows contiguous, all as wide as the diagram."""
        out = []
        row = 0
        for lane in self.process.lanes:
            rows = [p.row for p in self.places if p.lane == lane.id] or [row]
            first, last = min(rows), max(rows)
            top, bottom = self.row_top[first], self.row_top[last + 1]
            out.append(Band(lane.id, lane.name, Rect(0, top, self.width, bottom - top)))
            row = last + 1
        return tuple(out)

    def box(self, node: Node, place: _Place, support: bool = False) -> Box:
        w, h = (BOX_W, BOX_H * 0.6) if support else _size(node)
        cx = self.col_x[place.column] + self.col_w[place.column] / 2
        cy = self.row_box_top[place.row] + BOX_H / 2
        rect = Rect(cx - w / 2, cy - h / 2, w, h)
        return Box(node, place.lane, place.column, place.row, rect, support)

    def track_x(self, gap: int, track: int) -> float:
        return self.gap_right(gap) - 10 - TRACK * track

    def margin_y(self, margin: tuple[int, str], track: int) -> float:
        row, side = margin
        if side == "top":
            return self.row_box_top[row] - 6 - TRACK * track
        return self.row_box_top[row] + BOX_H + 6 + TRACK * track

    def edge(self, route: _Route, boxes: dict[str, Box]) -> Edge:
        src, dst = boxes[route.source].rect, boxes[route.target].rect
        gap = min(PORT_GAP, (src.h / 2 - 6) / route.reach) if route.reach else 0.0
        port_y = src.cy + route.port * gap
        start = (_right_border(boxes[route.source], port_y), port_y)
        xv = self.track_x(route.exit_gap, route.exit_track)
        points: list[Point] = [start, (xv, port_y)]
        if route.margin is not None:
            y = self.margin_y(route.margin, route.margin_track)
            xe = self.track_x(route.entry_gap, route.entry_track)
            points += [(xv, y), (xe, y), (xe, dst.cy)]
        else:
            points.append((xv, dst.cy))
        points.append((_left_border(boxes[route.target], dst.cy), dst.cy))
        label = self.label(route, (src.right, port_y), xv) if route.text else None
        return Edge(route.source, route.target, _simplify(points), label, route.back)

    def label(self, route: _Route, start: Point, track_x: float) -> Label:
        room = min(track_x - start[0] - 8, LABEL_MAX)
        shown, width = fit(route.text, LABEL_FONT, room)
        rect = Rect(start[0] + 4, start[1] - LABEL_H - 1, width, LABEL_H)
        return Label(shown, route.text, rect)


def _size(node: Node) -> tuple[float, float]:
    if node.type == "decision":
        return DIAMOND_W, DIAMOND_H
    if node.type in ("start", "end"):
        return CIRCLE_D, CIRCLE_D
    return BOX_W, BOX_H


def _right_border(box: Box, y: float) -> float:
    return box.rect.right - _inset(box, y)


def _left_border(box: Box, y: float) -> float:
    return box.rect.x + _inset(box, y)


def _inset(box: Box, y: float) -> float:
    """How far the shape's side lies inside its bounding box at height y."""
    rect = box.rect
    dy = min(abs(y - rect.cy) / (rect.h / 2), 1.0)
    if box.node.type == "decision":
        return rect.w / 2 * dy
    if box.node.type in ("start", "end"):
        return float(rect.w / 2 * (1 - (1 - dy * dy) ** 0.5))
    return 0.0


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for p in points:
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (
            (out[-2][0] == out[-1][0] == p[0]) or (out[-2][1] == out[-1][1] == p[1])
        ):
            out[-1] = p
            continue
        out.append(p)
    return tuple(out)
