"""The review pack's charts: matplotlib drawing SVG, the same bytes for the same data.

matplotlib is imported here only, when a pack is drawn (`flowkit review`); figures are
made without pyplot (no display, no backend state). Determinism: the SVG ids come from a
fixed salt (`svg.hashsalt`), no date is written (`metadata={"Date": None}`), and text is
drawn as paths (`svg.fonttype: path`, so a reader needs no font) in Noto Sans CJK SC, the
CJK font `scripts/system-deps.sh` installs (DejaVu Sans, matplotlib's own, when it is
missing: Chinese would then show as boxes, which a test of the set-up catches).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

FONT = "Noto Sans CJK SC"
BLUE, RED, GREY, GREEN = "#2f6fae", "#c0392b", "#9aa5b1", "#2e8b57"
SERIES = ("#2f6fae", "#e67e22", "#2e8b57", "#8e44ad", "#c0392b", "#16a085")
WIDTH = 6.8  # inches: the text column of an A4 page at its margins


def _figure(width: float, height: float) -> tuple[Any, Any]:
    """A figure and its axes, drawn without pyplot (no backend state, a faster import)."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "flowkit-review",
            "svg.fonttype": "path",
            "font.family": "sans-serif",
            "font.sans-serif": [FONT, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _svg(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return out.getvalue()


def _label(value: float, kind: str) -> str:
    if kind == "rate":
        return f"{100 * value:.0f}%"
    if kind == "money":
        return f"{value / 10000:,.1f}万" if abs(value) >= 10000 else f"{value:,.0f}"
    if kind == "days":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    kind: str = "count",
    *,
    marks: Sequence[float | None] | None = None,
    colour: str = BLUE,
) -> bytes:
    """Horizontal bars, first label on top, each value written at its end; `marks`
    (targets, say) drawn as ticks on the bars."""
    fig, ax = _figure(WIDTH, max(1.6, 0.32 * len(labels) + 0.8))
    shown = [v or 0.0 for v in values]
    ax.barh(range(len(labels)), shown, color=colour, height=0.6)
    ax.set_yticks(range(len(labels)), labels=list(labels))
    ax.invert_yaxis()
    top = max([*shown, 1e-9])
    for i, value in enumerate(values):
        text = "-" if value is None else _label(value, kind)
        ax.text((value or 0.0) + top * 0.01, i, text, va="center", fontsize=8)
    if marks is not None:
        for i, mark in enumerate(marks):
            if mark is not None:
                ax.plot([mark, mark], [i - 0.4, i + 0.4], color=RED, linewidth=1.5)
    if kind == "rate":
        ax.set_xlim(0, max(1.0, top) * 1.12)
        ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
    else:
        ax.set_xlim(0, top * 1.15)
    ax.set_title(title, loc="left", fontsize=10)
    return _svg(fig)


def paired_bars(
    labels: Sequence[str],
    first: Sequence[float],
    second: Sequence[float],
    names: tuple[str, str],
    title: str,
) -> bytes:
    """Two bars per label (median and 90th percentile, in days)."""
    fig, ax = _figure(WIDTH, max(1.8, 0.42 * len(labels) + 0.9))
    rows = range(len(labels))
    ax.barh([r - 0.18 for r in rows], first, height=0.34, color=BLUE, label=names[0])
    ax.barh([r + 0.18 for r in rows], second, height=0.34, color=GREY, label=names[1])
    ax.set_yticks(list(rows), labels=list(labels))
    ax.invert_yaxis()
    top = max([*first, *second, 1e-9])
    for r, (a, b) in enumerate(zip(first, second, strict=True)):
        ax.text(a + top * 0.01, r - 0.18, _label(a, "days"), va="center", fontsize=7)
        ax.text(b + top * 0.01, r + 0.18, _label(b, "days"), va="center", fontsize=7)
    ax.set_xlim(0, top * 1.15)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title(title, loc="left", fontsize=10)
    return _svg(fig)


def lines(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    kind: str = "rate",
    *,
    events: Sequence[tuple[str, str]] = (),
    small: bool = False,
) -> bytes:
    """One line per series over the months (a gap where a month has no value); `events`
    (month, label) drawn as dashed verticals: an improvement adopted then."""
    fig, ax = _figure(WIDTH / 2 if small else WIDTH, 1.8 if small else 2.6)
    x = list(range(len(months)))
    for i, (name, values) in enumerate(series):
        ys = [float("nan") if v is None else v for v in values]
        ax.plot(x, ys, marker="o", markersize=3, color=SERIES[i % len(SERIES)], label=name)
    for month, label in events:
        if month in months:
            at = months.index(month)
            ax.axvline(at, color=RED, linestyle="--", linewidth=1)
            ax.text(
                at,
                1.0,
                label,
                color=RED,
                fontsize=7,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
            )
    ax.set_xticks(x, labels=[m[2:] for m in months])
    if kind == "rate":
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    else:
        ax.yaxis.set_major_formatter(lambda v, _: _label(v, kind))
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title, loc="left", fontsize=10 if not small else 8)
    ax.grid(axis="y", color="#e5e8eb", linewidth=0.6)
    return _svg(fig)
