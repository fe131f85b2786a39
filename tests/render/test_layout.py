"""Swimlane geometry: bands, boxes in their lanes, columns following the flow, clean edges."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.render.layout import HEADER_W, Edge, Layout, Point, Rect, lay_out
from flowkit.validate import load_process
from tests.render.procgen import generated

SHIPPED = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "processes").glob("*.yaml")
    if p.name not in ("org.yaml", "customers.yaml", "notify.yaml")
)


def _layouts() -> list[tuple[str, Layout]]:
    found = [(p.stem, lay_out(load_process(p))) for p in SHIPPED]
    return [*found, ("generated-60x8", lay_out(generated(60, 8, seed=1)))]


LAYOUTS = _layouts()


@pytest.mark.parametrize(("name", "layout"), LAYOUTS, ids=[n for n, _ in LAYOUTS])
def test_layout_is_clean(name: str, layout: Layout) -> None:
    assert_clean(layout)


def assert_clean(layout: Layout) -> None:
    _bands_stack_in_order_full_width(layout)
    _boxes_sit_in_their_lanes(layout)
    _columns_follow_the_flow(layout)
    _edges_avoid_boxes(layout)
    _edges_keep_apart(layout)
    _labels_do_not_overlap(layout)


def _bands_stack_in_order_full_width(layout: Layout) -> None:
    top = 0.0
    for band in layout.bands:
        assert band.rect.y == pytest.approx(top), band.lane
        assert (band.rect.x, band.rect.w) == (0, layout.width)
        top = band.rect.bottom
    assert top == pytest.approx(layout.height)


def _boxes_sit_in_their_lanes(layout: Layout) -> None:
    bands = {b.lane: b.rect for b in layout.bands}
    for box in layout.boxes:
        band, rect = bands[box.lane], box.rect
        assert band.y <= rect.y and rect.bottom <= band.bottom, box.node.id
        assert rect.x >= HEADER_W and rect.right <= layout.width, box.node.id
    real = [b.rect for b in layout.boxes]
    for i, a in enumerate(real):
        for b in real[i + 1 :]:
            assert not a.overlaps(b)


def _columns_follow_the_flow(layout: Layout) -> None:
    boxes = layout.box_by_id
    for edge in layout.edges:
        src, dst = boxes[edge.source], boxes[edge.target]
        if edge.back:
            assert dst.column <= src.column
        else:
            assert dst.column > src.column, (edge.source, edge.target)
            assert dst.rect.x > src.rect.right


def _edges_avoid_boxes(layout: Layout) -> None:
    for edge in layout.edges:
        segments = list(zip(edge.points, edge.points[1:], strict=False))
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in segments), "orthogonal"
        for box in layout.boxes:
            own = box.node.id in (edge.source, edge.target) and not box.support
            inner = _shrink(box.rect, 1.0)
            for i, (a, b) in enumerate(segments):
                touching_end = own and (
                    (box.node.id == edge.source and i == 0)
                    or (box.node.id == edge.target and i == len(segments) - 1)
                )
                if touching_end:
                    continue
                assert not _crosses(a, b, inner), (edge.source, edge.target, box.node.id)


def _edges_keep_apart(layout: Layout) -> None:
    """No two edges share a stretch of line, except where they merge into the same box."""
    for i, one in enumerate(layout.edges):
        for other in layout.edges[i + 1 :]:
            for a, b, last_a in _segments(one):
                for c, d, last_c in _segments(other):
                    merging = one.target == other.target and last_a and last_c
                    if not merging:
                        assert _shared(a, b, c, d) < 0.5, (one.source, one.target, other.source)


def _segments(edge: Edge) -> list[tuple[Point, Point, bool]]:
    pairs = list(zip(edge.points, edge.points[1:], strict=False))
    return [(a, b, i == len(pairs) - 1) for i, (a, b) in enumerate(pairs)]


def _shared(a: Point, b: Point, c: Point, d: Point) -> float:
    """The length two axis-parallel segments run on top of each other."""
    for axis in (0, 1):
        if a[axis] == b[axis] == c[axis] == d[axis]:
            along = 1 - axis
            lo = max(min(a[along], b[along]), min(c[along], d[along]))
            hi = min(max(a[along], b[along]), max(c[along], d[along]))
            return max(hi - lo, 0.0)
    return 0.0


def _labels_do_not_overlap(layout: Layout) -> None:
    labels = [e.label.rect for e in layout.edges if e.label]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not a.overlaps(b)
        for box in layout.boxes:
            assert not a.overlaps(box.rect)


def _shrink(rect: Rect, by: float) -> Rect:
    return Rect(rect.x + by, rect.y + by, rect.w - 2 * by, rect.h - 2 * by)


def _crosses(a: Point, b: Point, rect: Rect) -> bool:
    """Whether an axis-parallel segment passes through the rectangle."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (
        x0 < rect.right
        and rect.x < x1 + (x0 == x1) * 1e-9
        and y0 < rect.bottom
        and rect.y < y1 + (y0 == y1) * 1e-9
    )


def test_lanes_keep_their_declared_order() -> None:
    process = load_process(SHIPPED[-1])
    layout = lay_out(process)
    assert [b.lane for b in layout.bands] == [lane.id for lane in process.lanes]


def test_support_lanes_get_a_marker_in_their_band() -> None:
    layout = lay_out(load_process(Path(SHIPPED[0]).parent / "standard-sales.yaml"))
    markers = [(b.node.id, b.lane) for b in layout.boxes if b.support]
    assert ("collection", "finance") in markers


def test_a_loop_is_drawn_backwards() -> None:
    layout = lay_out(load_process(Path(SHIPPED[0]).parent / "standard-sales.yaml"))
    (back,) = [e for e in layout.edges if e.back]
    assert (back.source, back.target) == ("legal_review", "contract_signing")


def test_long_labels_are_shortened_to_their_room() -> None:
    layout = lay_out(load_process(Path(SHIPPED[0]).parent / "standard-sales.yaml"))
    for edge in layout.edges:
        if edge.label:
            assert edge.label.full.startswith(edge.label.text.rstrip("…"))


@settings(max_examples=40, deadline=None)
@given(
    nodes=st.integers(1, 40),
    lanes=st.integers(1, 8),
    seed=st.integers(0, 10_000),
    loops=st.floats(0, 0.5),
)
def test_any_process_lays_out_cleanly(nodes: int, lanes: int, seed: int, loops: float) -> None:
    assert_clean(lay_out(generated(nodes, lanes, seed, loops)))
