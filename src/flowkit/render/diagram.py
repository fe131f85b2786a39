"""Swimlane diagrams of one process: layout → pinned DOT → Graphviz (svg, png, pdf) or DOT.

The handbook inlines the SVG; `flowkit render --format png|pdf|svg|dot` writes files.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flowkit.model import Process
from flowkit.render.dot import to_dot
from flowkit.render.graphviz import run_graphviz
from flowkit.render.layout import HEADER_W, Layout, lay_out

DiagramFormat = Literal["svg", "png", "pdf", "dot"]
FORMATS: tuple[DiagramFormat, ...] = ("svg", "png", "pdf", "dot")

WORDS = {
    "zh-CN": {
        "support": "协同：{}",
        "document": "《{}》",
        "list_sep": "、",
        "otherwise": "其他",
        "outcome.won": "成交",
        "outcome.lost": "丢单",
        "outcome.resolved": "已解决",
    },
    "en": {
        "support": "supports: {}",
        "document": "“{}”",
        "list_sep": ", ",
        "otherwise": "otherwise",
        "outcome.won": "won",
        "outcome.lost": "lost",
        "outcome.resolved": "resolved",
    },
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
    """A slice of a wide diagram for print: x and width in the diagram's own units."""

    x: float
    width: float
    height: float
    number: int
    of: int
    header: float = 0.0  # the lane names' column, repeated at the left of later slices


PAGE_ASPECT = 277 / 175  # the printable area of an A4 landscape page (width / height)
OVERLAP = 140.0  # each slice repeats this much of the previous one: the repeated lane names
# cover part of it, and no box is cut without being whole on one of the two pages
_VIEWBOX = re.compile(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"')


def print_tiles(svg: str) -> tuple[Tile, ...]:
    """Slices of a diagram wider than a printed page's shape (none when it fits), each
    shown by an `<svg viewBox>` that reuses the drawing (`<use>`): a long swimlane prints
    over several landscape pages as large as its height allows, not shrunk onto one."""
    found = _VIEWBOX.search(svg)
    if found is None:
        return ()
    width, height = float(found[3]), float(found[4])
    piece = height * PAGE_ASPECT  # the widest slice that still fills a page's height
    if width <= piece * 1.15 or piece <= 2 * OVERLAP:
        return ()
    count = math.ceil((width - OVERLAP) / (piece - OVERLAP))
    step = (width - piece) / (count - 1)
    header = HEADER_W + 14.4  # the lane column plus Graphviz's pad (0.2in)
    return tuple(
        Tile(round(i * step, 1), round(piece, 1), height, i + 1, count, header)
        for i in range(count)
    )


def _words(process: Process, lang: str | None) -> dict[str, str]:
    return WORDS.get(lang or process.locale, WORDS["zh-CN"])
