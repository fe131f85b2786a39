"""Diagrams: the DOT source pins the layout; Graphviz draws it for real, Chinese included."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest

from flowkit.errors import MissingTool
from flowkit.render import graphviz
from flowkit.render.diagram import diagram_dot, diagram_layout, render_diagram, svg_markup
from flowkit.validate import load_process, validate_text
from tests.render.procgen import generated

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
STANDARD = load_process(PROCESSES / "standard-sales.yaml")
needs_graphviz = pytest.mark.skipif(
    shutil.which("neato") is None, reason="Graphviz is not installed (scripts/setup.sh installs it)"
)


def test_dot_pins_every_node_where_the_layout_put_it() -> None:
    layout = diagram_layout(STANDARD)
    dot = diagram_dot(STANDARD)
    for box in layout.boxes:
        if box.support:
            continue
        y = layout.height - box.rect.cy
        pos = re.search(rf'^  "{box.node.id}" \[.*pos="([\d.]+),([\d.]+)"', dot, re.MULTILINE)
        assert pos, box.node.id
        assert (float(pos[1]), float(pos[2])) == pytest.approx((box.rect.cx, y), abs=0.01)


def test_dot_draws_bands_first_then_boxes_then_edges() -> None:
    dot = diagram_dot(STANDARD)
    first_box = dot.index('"lead_capture" [')
    assert max(dot.index(f'"band:{lane.id}"') for lane in STANDARD.lanes) < first_box
    assert dot.index(" -> ") > first_box


def test_dot_marks_shapes_and_pain_points() -> None:
    dot = diagram_dot(STANDARD)
    assert re.search(r'"approval_route" \[shape=diamond', dot)
    assert re.search(r'"start" \[shape=circle', dot)
    assert re.search(r'"won" \[shape=doublecircle, style=filled, fillcolor="#c8e6c9"', dot)
    assert re.search(r'"lost_deal" \[shape=doublecircle, style=filled, fillcolor="#ffcdd2"', dot)
    capture = next(line for line in dot.splitlines() if line.startswith('  "lead_capture" ['))
    assert "⚠" in capture and "《线索信息清单》" in capture and "每日更新" in capture
    assert 'label="小额合同"' in dot and "协同：售后回款" in dot


def test_end_nodes_name_their_outcome_once() -> None:
    lines = {line.split(" [")[0].strip(' "'): line for line in diagram_dot(STANDARD).splitlines()}
    assert "label=<丢单>" in lines["lost_deal"]  # named 丢单: no second 丢单 under it
    assert "无效线索<BR/>" in lines["lost_invalid"] and "丢单" in lines["lost_invalid"]


def test_english_diagram_speaks_english() -> None:
    english = load_process(PROCESSES / "standard-sales.en.yaml")
    dot = diagram_dot(english)
    assert "《" not in dot and "协同" not in dot
    assert "“Lead list”" in dot and 'label="supports: Delivery and collection"' in dot


def test_text_from_yaml_is_escaped_in_labels() -> None:
    text = (PROCESSES.parent / "tests" / "fixtures" / "valid" / "minimal.yaml").read_text("utf-8")
    report = validate_text(text.replace("name: 跟进\n", 'name: "<b>跟进</b> & \\"x\\""\n'))
    (process,) = report.processes
    dot = diagram_dot(process)
    assert "<B>&lt;b&gt;跟进&lt;/b&gt; &amp;" in dot  # inside an HTML-like label
    if shutil.which("neato"):
        svg = svg_markup(process)
        assert "<b>" not in svg and "&lt;b&gt;跟进" in svg


def test_same_input_same_dot() -> None:
    assert diagram_dot(STANDARD) == diagram_dot(load_process(PROCESSES / "standard-sales.yaml"))


@needs_graphviz
def test_graphviz_draws_the_svg_with_chinese_text() -> None:
    svg = svg_markup(STANDARD)
    assert svg.startswith("<svg")
    assert "线索初筛" in svg and "客服专员" in svg and 'font-family="Noto Sans CJK SC"' in svg
    assert svg == svg_markup(STANDARD), "deterministic"


@needs_graphviz
@needs_graphviz
def test_a_60_node_8_lane_process_draws_every_node() -> None:
    process = generated(60, 8, seed=1)
    svg = svg_markup(process)
    assert all(f">步骤{i}<" in svg for i in range(60))
    assert all(f">角色{i}<" in svg for i in range(8))
    tasks = [n for n in process.nodes if n.type == "task"]
    assert svg.count("《记录表》") == len(tasks)  # diamonds show no documents


def test_png_and_pdf_are_real_files() -> None:
    assert render_diagram(STANDARD, "png").startswith(b"\x89PNG")
    assert render_diagram(STANDARD, "pdf").startswith(b"%PDF")


def test_missing_graphviz_is_named_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)
    with pytest.raises(MissingTool, match="Graphviz is not installed") as caught:
        render_diagram(STANDARD, "svg")
    assert caught.value.hint and "apt-get install graphviz fonts-noto-cjk" in caught.value.hint


def test_missing_chinese_font_is_refused_for_png(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz, "has_cjk_font", lambda: False)
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: "/usr/bin/neato")
    with pytest.raises(MissingTool, match="no Chinese font"):
        render_diagram(STANDARD, "png")


def test_wide_diagrams_print_in_overlapping_slices() -> None:
    from flowkit.render.diagram import OVERLAP, PAGE_ASPECT, print_tiles

    def svg(width: float, height: float) -> str:
        return f'<svg viewBox="0.00 0.00 {width} {height}"></svg>'

    assert print_tiles(svg(1000, 700)) == ()  # fits one landscape page as it is
    tiles = print_tiles(svg(3000, 700))
    piece = 700 * PAGE_ASPECT
    assert [t.number for t in tiles] == list(range(1, len(tiles) + 1))
    assert tiles[0].x == 0 and tiles[-1].x + tiles[-1].width == pytest.approx(3000, abs=0.2)
    for before, after in itertools.pairwise(tiles):
        assert before.x + piece - after.x >= OVERLAP - 0.2  # nothing falls between two pages


@needs_graphviz
def test_a_tall_diagram_prints_in_rows_of_lanes_never_below_the_minimum_scale() -> None:
    from flowkit.render.diagram import MIN_SCALE, PAGE_HEIGHT, print_tiles

    process = generated(60, 12, seed=1)  # 12 lanes: one page's height would print it tiny
    layout = diagram_layout(process)
    tiles = print_tiles(svg_markup(process))
    rows = sorted({(t.y, t.height) for t in tiles})
    assert len(rows) == 2 and rows[0][0] == 0
    assert rows[0][0] + rows[0][1] == rows[1][0]  # the rows meet, nothing is skipped
    height = layout.height + 2 * 14.4  # Graphviz's pad around the drawing
    assert rows[1][0] + rows[1][1] == pytest.approx(height, abs=0.2)
    lane_edges = {round(14.4 + b.rect.y + b.rect.h, 1) for b in layout.bands}
    assert rows[1][0] in lane_edges  # cut between two lanes, never through one
    assert all(PAGE_HEIGHT / t.height >= MIN_SCALE for t in tiles)
    for y, _ in rows:  # each row is sliced across the whole width, lane names repeated
        row = [t for t in tiles if t.y == y]
        assert row[0].x == 0 and row[-1].x + row[-1].width == pytest.approx(
            layout.width + 2 * 14.4, abs=0.2
        )
    assert [t.number for t in tiles] == list(range(1, len(tiles) + 1))


@needs_graphviz
def test_the_shipped_processes_print_in_one_row() -> None:
    from flowkit.render.diagram import print_tiles

    assert {t.y for t in print_tiles(svg_markup(STANDARD))} == {0.0}


@needs_graphviz
def test_the_printed_manual_shows_each_row_of_a_tall_diagram(tmp_path: Path) -> None:
    from flowkit.render.handbook import build_handbook

    build_handbook([generated(60, 12, seed=1)], tmp_path / "h")
    manual = (tmp_path / "h" / "manual.html").read_text("utf-8")
    boxes = re.findall(r'<figure class="diagram-tile">\s*<svg viewBox="([\d.]+) ([\d.]+) ', manual)
    assert {y for _, y in boxes} == {"0.0", "678.4"}  # two rows of lanes, each sliced
    # a later slice of a row repeats that row's lane names, not the first row's
    assert 'y="678.4" width="106.4" height="726.4" viewBox="0 678.4 106.4 726.4"' in manual
