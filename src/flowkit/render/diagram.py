"""Swimlane diagrams of one process: layout → pinned DOT → Graphviz (svg, png, pdf) or DOT.

The handbook inlines the SVG; `flowkit render --format png|pdf|svg|dot` writes files.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flowkit.i18n import DEFAULT_LANG, LANGS, translator
from flowkit.model import Process
from flowkit.render.dot import to_dot
from flowkit.render.graphviz import run_graphviz
from flowkit.render.layout import HEADER_W, Layout, lay_out

DiagramFormat = Literal["svg", "png", "pdf", "dot"]
FORMATS: tuple[DiagramFormat, ...] = ("svg", "png", "pdf", "dot")


def diagram_words(lang: str) -> dict[str, str]:
    """The few chrome words a diagram shows (协同, 其他, 《》…) in `lang`."""
    t = translator(lang)
    return {
        "support": t.gettext("supports: {}"),
        "document": t.pgettext("diagram", "“{}”"),
        "list_sep": t.pgettext("list", ", "),
        "otherwise": t.pgettext("diagram", "otherwise"),
        "outcome.won": t.pgettext("state", "won"),
        "outcome.lost": t.pgettext("state", "lost"),
        "outcome.resolved": t.pgettext("state", "resolved"),
    }


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def diagram_layout(process: Process, lang: str | None = None) -> Layout:
    return lay_out(process, otherwise=_words(process, lang)["otherwise"])


def diagram_dot(process: Process, lang: str | None = None) -> str:
    return to_dot(diagram_layout(process, lang), process, _words(process, lang))


def render_diagram(process: Process, fmt: DiagramFormat = "svg", lang: str | None = None) -> bytes:
    """The diagram of `process` in `fmt`; chrome words (协同, 其他…) in `lang` or its locale."""
    layout = diagram_layout(process, lang)
    dot = to_dot(layout, process, _words(process, lang))
    if fmt == "dot":
        return dot.encode("utf-8")
    return run_graphviz(dot, fmt, (layout.width, layout.height))


def write_diagrams(
    processes: Sequence[Process], out: Path, fmt: DiagramFormat, lang: str | None = None
) -> list[Path]:
    """One `<process-id>.<fmt>` per process; all are drawn before any file is written."""
    drawn = {out / f"{p.id}.{fmt}": render_diagram(p, fmt, lang) for p in processes}
    out.mkdir(parents=True, exist_ok=True)
    for path, content in drawn.items():
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        os.replace(partial, path)
    return sorted(drawn)


def svg_markup(process: Process, lang: str | None = None) -> str:
    """The SVG diagram as markup to inline in HTML (no XML prolog, DOCTYPE or comments)."""
    svg = render_diagram(process, "svg", lang).decode("utf-8")
    return _PROLOG.sub("", svg).strip() + "\n"


@dataclass(frozen=True)
class Tile:
    """A piece of a large diagram for print, in the diagram's own units: a slice of its
    width (x, width) within a row of its lanes (y, height)."""

    x: float
    width: float
    height: float
    number: int
    of: int
    header: float = 0.0  # the lane names' column, repeated at the left of later slices
    y: float = 0.0


PAGE_ASPECT = 277 / 175  # the printable area of an A4 landscape page (width / height)
PAGE_HEIGHT = 175 / 25.4 * 72  # that area's height in points
MIN_SCALE = 0.45  # printed smaller (node names under ~5 pt), the lanes go on rows of pages
OVERLAP = 140.0  # each slice repeats this much of the previous one: the repeated lane names
# cover part of it, and no box is cut without being whole on one of the two pages
_VIEWBOX = re.compile(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"')
_ORIGIN = re.compile(r'class="graph" transform="[^"]*translate\(([-\d.]+) ([-\d.]+)\)"')
_BAND = re.compile(r'<title>band:[^<]*</title>\s*<polygon[^>]*points="([^"]+)"')


def print_tiles(svg: str) -> tuple[Tile, ...]:
    """Pieces of a diagram larger than a printed page's shape (none when it fits), each
    shown by an `<svg viewBox>` that reuses the drawing (`<use>`).

    A long swimlane prints over several landscape pages as large as its height allows; a
    tall one (many lanes) whose height alone would print it too small is cut between lanes
    into rows, each row sliced the same way, so nothing prints below `MIN_SCALE`.
    """
    found = _VIEWBOX.search(svg)
    if found is None:
        return ()
    width, height = float(found[3]), float(found[4])
    pieces = [
        (x, piece, y, tall) for y, tall in _rows(svg, height) for x, piece in _slices(width, tall)
    ]
    if len(pieces) == 1:
        return ()
    header = HEADER_W + 14.4  # the lane column plus Graphviz's pad (0.2in)
    return tuple(
        Tile(x, piece, tall, i, len(pieces), header, y)
        for i, (x, piece, y, tall) in enumerate(pieces, 1)
    )


def _slices(width: float, height: float) -> list[tuple[float, float]]:
    """(x, width) of the overlapping slices a row of `height` prints in."""
    piece = height * PAGE_ASPECT  # the widest slice that still fills a page's height
    if width <= piece * 1.15 or piece <= 2 * OVERLAP:
        return [(0.0, width)]
    count = math.ceil((width - OVERLAP) / (piece - OVERLAP))
    step = (width - piece) / (count - 1)
    return [(round(i * step, 1), round(piece, 1)) for i in range(count)]


def _rows(svg: str, height: float) -> list[tuple[float, float]]:
    """(y, height) of the rows of lanes: one, unless the whole height would print below
    `MIN_SCALE`; then as few rows as keep above it, cut at the lane boundaries nearest to
    equal shares."""
    rows = math.ceil(height * MIN_SCALE / PAGE_HEIGHT)
    cuts = _lane_boundaries(svg)
    if rows <= 1 or not cuts:
        return [(0.0, height)]
    chosen: list[float] = []
    for k in range(1, rows):
        later = [c for c in cuts if not chosen or c > chosen[-1]]
        if later:
            chosen.append(min(later, key=lambda c: abs(c - k * height / rows)))
    edges = [0.0, *chosen, height]
    return [(round(a, 1), round(b - a, 1)) for a, b in itertools.pairwise(edges)]


def _lane_boundaries(svg: str) -> list[float]:
    """Where one lane band meets the next, in the viewBox's units (Graphviz draws with y
    upwards, moved down by the graph's translate)."""
    origin = _ORIGIN.search(svg)
    if origin is None:
        return []
    dy = float(origin[2])
    bottoms = sorted(
        dy + max(float(point.split(",")[1]) for point in points.split())
        for points in _BAND.findall(svg)
    )
    return bottoms[:-1]


def _words(process: Process, lang: str | None) -> dict[str, str]:
    chosen = lang or process.locale
    return diagram_words(chosen if chosen in LANGS else DEFAULT_LANG)
