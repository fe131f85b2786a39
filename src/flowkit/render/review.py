"""The monthly review pack written out: an HTML page made to print on A4 with its SVG
charts, a PDF of it when Chromium is installed, and a workbook with every table behind it.

The same pack gives the same bytes (HTML, SVG, XLSX): nothing here reads the clock — the
pack carries the moment it was made (`--now` on the command line) — and the workbook's
zip entries and properties are dated by that moment, not by when it was saved.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flowkit.errors import InputError
from flowkit.i18n import translator
from flowkit.messages import msg
from flowkit.output import review as tables
from flowkit.output.review import Table, money, percent
from flowkit.private import create_private
from flowkit.review.pack import Bottleneck, Headline, Pack

CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    file: str  # relative to the page: charts/<id>.svg


@dataclass(frozen=True)
class Written:
    html: Path
    xlsx: Path
    pdf: Path | None
    charts: tuple[Path, ...]
    rows: int  # the rows of the workbook's tables (what the audit log counts)


# the 导出信息 lines of an export of `rows` rows (`flowkit.review.exports.Export.provenance`)
Provenance = Callable[[int], Sequence[tuple[str, str]]]


def write_pack(
    pack: Pack, out: Path, lang: str, *, pdf: bool = True, provenance: Provenance | None = None
) -> Written:
    """Write the pack into the folder `out` (made if need be): review-YYYY-MM.html, .xlsx,
    .pdf (when `pdf` and Chromium is installed) and charts/*.svg. Each file holds people's
    numbers: created readable by its owner only. The workbook ends with the export's
    `provenance` when given."""
    if out.exists() and not out.is_dir():
        raise InputError(msg("'{path}' is a file, not a folder", path=str(out)))
    (out / "charts").mkdir(parents=True, exist_ok=True)
    charts, files = _charts(pack, lang)
    written = []
    for chart in charts:
        path = out / chart.file
        _write(path, files[chart.id])
        written.append(path)
    stem = f"review-{pack.month.label}"
    html = out / f"{stem}.html"
    _write(html, page(pack, lang, charts).encode("utf-8"))
    xlsx = out / f"{stem}.xlsx"
    rows = workbook(pack, lang, xlsx, provenance)
    found = _chromium() if pdf else None
    printed = None
    if found is not None:
        printed = out / f"{stem}.pdf"
        print_pdf(found, html, printed)
    return Written(html, xlsx, printed, tuple(written), rows)


def _write(path: Path, data: bytes) -> None:
    create_private(path, replace=True)
    path.write_bytes(data)


# the tables -------------------------------------------------------------------------------
def all_tables(pack: Pack, lang: str) -> list[Table]:
    """Every table of the month, in the order the page and the workbook show them."""
    now = pack.current
    found = [*tables.scorecard_tables(pack.scorecard, pack.labels, lang).values()]
    for name, make in tables.TABLES.items():
        found += make(now[name], lang).values()
    return found


# the page -------------------------------------------------------------------------------
def page(pack: Pack, lang: str, charts: Sequence[Chart]) -> str:
    from flowkit.render.templating import environment

    env = environment("html", lang)
    template = env.get_template("review.html")
    by_id = {t.id: t for t in all_tables(pack, lang)}
    return template.render(
        pack=pack,
        lang=lang,
        words=tables.review_words(lang),
        headlines=[headline_view(h, pack.labels, lang) for h in pack.headlines],
        charts={c.id: c for c in charts},
        tables=by_id,
        grid=_grid,
        bottlenecks=[_bottleneck(b, pack, lang) for b in pack.bottlenecks],
        percent=percent,
        scope=pack.scope,
        made_at=pack.made_at.strftime("%Y-%m-%d %H:%M"),
    )


def _grid(table: Table) -> dict[str, Any]:
    """A table as the template shows it: headings and the cells of each row."""
    listing = table.listing
    return {
        "id": table.id,
        "title": table.title,
        "headings": [listing.headings[c] for c in listing.columns],
        "columns": list(listing.columns),
        "rows": [list(cells) for cells in listing.cells("table")],
        "footer": listing.footer,
    }


def headline_words(lang: str) -> dict[str, str]:
    t = translator(lang)
    words = tables.review_words(lang)
    return {
        "profile_completeness": words["profile_completeness"],
        "on_time": words["on_time"],
        "cadence": words["cadence"],
        "spot_checks": words["spot_checks"],
        "won": t.pgettext("review", "Won deals"),
        "won_value": t.pgettext("review", "Won amount (yuan)"),
        "lost": t.pgettext("review", "Lost deals"),
        "win_rate": t.pgettext("review", "Win rate"),
        "lead_to_won": t.pgettext("review", "Lead to won (6 months)"),
        "pipeline": t.pgettext("review", "Pipeline (yuan)"),
        "forecast": t.pgettext("review", "Weighted forecast (yuan)"),
    }


def _value(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "rate":
        return percent(value)
    if kind == "money":
        return money(value)
    return f"{value:,.0f}"


def headline_view(h: Headline, labels: Mapping[str, str], lang: str) -> dict[str, Any]:
    """A headline as a page shows it: its label, value, change and target, in `lang`."""
    label = labels.get(h.key) or headline_words(lang)[h.key]
    change = h.change
    if change is None:
        delta, direction = "", "flat"
    elif h.kind == "rate":
        delta = f"{100 * change:+.1f} pt"
        direction = "up" if change > 0 else "down" if change < 0 else "flat"
    else:
        delta = f"{change:+,.0f}"
        direction = "up" if change > 0 else "down" if change < 0 else "flat"
    good = None
    if change:
        good = (change > 0) != (h.key == "lost")
    return {
        "label": label,
        "value": _value(h.value, h.kind),
        "previous": _value(h.previous, h.kind),
        "delta": delta,
        "direction": direction,
        "good": good,
        "target": percent(h.target) if h.target is not None else "",
        "met": h.value is not None and h.target is not None and h.value >= h.target,
        "short": h.value is not None and h.target is not None and h.value < h.target,
    }


def _bottleneck(b: Bottleneck, pack: Pack, lang: str) -> dict[str, Any]:
    t = translator(lang)
    status = {
        "proposed": t.pgettext("improvement status", "Proposed"),
        "adopted": t.pgettext("improvement status", "Adopted"),
        "done": t.pgettext("improvement status", "Done"),
    }
    return {
        "id": f"{b.process_id}-{b.node}",
        "name": b.name,
        "missed": b.missed,
        "overdue": b.overdue,
        "settled": b.settled,
        "rate": percent(b.rate),
        "previous": percent(b.previous),
        "pain_points": [
            {
                "problem": p.problem,
                "improvement": p.improvement,
                "status": status.get(p.status, p.status),
                "adopted": p.adopted.isoformat() if p.adopted else "",
            }
            for p in b.pain_points
        ],
    }


# the charts -------------------------------------------------------------------------------
def _charts(pack: Pack, lang: str) -> tuple[list[Chart], dict[str, bytes]]:
    from flowkit.render import charts as draw

    words = tables.review_words(lang)
    t = translator(lang)
    now = pack.current
    made: dict[str, bytes] = {}
    titles: dict[str, str] = {}

    def add(chart_id: str, title: str, svg: bytes) -> None:
        made[chart_id], titles[chart_id] = svg, title

    stages = [s for s in now["conversion"].stages if s.entered or s.closed]
    if stages:
        busiest = max(
            {s.process_id for s in stages},
            key=lambda p: sum(s.entered for s in stages if s.process_id == p),
        )
        shown = [s for s in stages if s.process_id == busiest]
        title = t.pgettext("review", "Funnel: entered per stage")
        add("funnel", title, draw.bars([s.name for s in shown], [s.entered for s in shown], title))
    nodes = now["on-time"].nodes
    if nodes:
        target = _target(pack, "on_time")
        title = words["t_on_time_nodes"]
        add(
            "on-time",
            title,
            draw.bars(
                [r.name.split(" / ")[-1] for r in nodes],
                [r.rate for r in nodes],
                title,
                "rate",
                marks=[target] * len(nodes) if target is not None else None,
            ),
        )
    durations = now["stage-times"]
    if durations:
        title = t.pgettext("review", "Time in stage (days)")
        day = 86400.0
        add(
            "stage-times",
            title,
            draw.paired_bars(
                [d.name for d in durations],
                [d.median.total_seconds() / day for d in durations],
                [d.p90.total_seconds() / day for d in durations],
                (words["median"], words["p90"]),
                title,
            ),
        )
    rates = [x for x in pack.trends if x.kind == "rate"]
    title = t.pgettext("review", "The last six months")
    hw = headline_words(lang)
    add(
        "trends",
        title,
        draw.lines(
            list(pack.months),
            [(pack.labels.get(x.key) or hw[x.key], x.values) for x in rates],
            title,
        ),
    )
    for trend in pack.trends:
        if trend.kind == "money":
            label = hw.get(trend.key, trend.key)
            add(
                f"trend-{trend.key}",
                label,
                draw.lines(list(pack.months), [(label, trend.values)], label, "money", small=True),
            )
    reasons = now["lost-reasons"]
    if reasons:
        title = words["t_lost_reasons"]
        add(
            "lost-reasons",
            title,
            draw.bars(
                [r.name for r in reasons], [r.count for r in reasons], title, colour=draw.RED
            ),
        )
    spread = now["distribution"]
    for dimension in ("grade", "industry"):
        shares = spread.by[dimension][:12]
        if shares:
            named = words[tables.DIMENSION_WORDS.get(dimension, dimension)]
            title = words["t_distribution"].format(dimension=named)
            add(
                f"customers-{dimension}",
                title,
                draw.bars(
                    [s.value for s in shares], [s.count for s in shares], title, colour=draw.GREEN
                ),
            )
    for b in pack.bottlenecks:
        events = [
            (p.adopted.strftime("%Y-%m"), t.pgettext("review", "adopted"))
            for p in b.pain_points
            if p.adopted is not None
        ]
        add(
            f"node-{b.process_id}-{b.node}",
            b.name,
            draw.lines(
                list(pack.months), [(words["on_time"], b.trend)], b.name, events=events, small=True
            ),
        )
    scored = [s for s in pack.scorecard if s.score is not None]
    if scored:
        title = words["t_scorecard"]
        add(
            "scores",
            title,
            draw.bars([s.name for s in scored], [(s.score or 0.0) for s in scored], title, "count"),
        )
    charts = [Chart(i, titles[i], f"charts/{i}.svg") for i in made]
    return charts, made


def _target(pack: Pack, key: str) -> float | None:
    return next((h.target for h in pack.headlines if h.key == key), None)


# the workbook ---------------------------------------------------------------------------
def workbook(pack: Pack, lang: str, path: Path, provenance: Provenance | None = None) -> int:
    """Every table of the pack, a sheet each, headlines and trends first, and the export's
    `provenance` last (导出信息); dated by the moment the pack was made, so the same pack
    gives the same bytes. Returns how many rows its tables hold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = translator(lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(t.pgettext("review", "Headlines"))
    hw = headline_words(lang)
    sheet.append(
        [
            t.pgettext("review", "Measure"),
            pack.month.label,
            pack.previous.label,
            t.pgettext("review", "Target"),
        ]
    )
    for h in pack.headlines:
        sheet.append([pack.labels.get(h.key) or hw[h.key], h.value, h.previous, h.target])
    trends = book.create_sheet(_sheet_name(t.pgettext("review", "Trends")))
    trends.append([t.pgettext("review", "Measure"), *pack.months])
    for trend in pack.trends:
        trends.append([pack.labels.get(trend.key) or hw[trend.key], *trend.values])
    rows = 0
    for table in all_tables(pack, lang):
        ws = book.create_sheet(_sheet_name(table.id))
        listing = table.listing
        ws.append([table.title])
        ws.append([listing.headings[c] for c in listing.columns])
        for cells in listing.cells("csv"):
            ws.append([_number(c) for c in cells])
            rows += 1
        if listing.footer:
            ws.append([listing.footer])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    made = pack.made_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = made
    book.properties.creator = "flowkit"
    if provenance is not None:
        _provenance(book, provenance(rows))
    create_private(path, replace=True)
    book.save(path)
    _dated(path, made)
    return rows


def _provenance(book: Any, lines: Sequence[tuple[str, str]]) -> None:
    """The 导出信息 sheet and the workbook's author, as `customer export` writes them."""
    from flowkit.customers.excel import PROVENANCE_SHEET

    stamp = book.create_sheet(PROVENANCE_SHEET)
    for label, value in lines:
        stamp.append([label, value])
    book.properties.creator = book.properties.lastModifiedBy = dict(lines).get("导出人")
    book.properties.description = "; ".join(f"{k}: {v}" for k, v in lines)


def _sheet_name(text: str) -> str:
    return "".join(c for c in text if c not in "[]:*?/\\")[:31]


def _number(cell: str) -> object:
    """A cell as the workbook keeps it: numbers as numbers, 85.0% as 0.85."""
    text = cell.strip()
    try:
        if text.endswith("%"):
            return round(float(text[:-1]) / 100, 6)
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return cell


def _dated(path: Path, made: datetime) -> None:
    """Rewrite the zip with every entry dated `made`, and the workbook's `modified` too
    (openpyxl dates both by the clock when it saves)."""
    stamp = (max(made.year, 1980), made.month, made.day, made.hour, made.minute, made.second)
    when = made.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    entries = [
        (name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when, data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in entries
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


# the PDF ----------------------------------------------------------------------------------
def _chromium() -> str | None:
    for name in CHROMIUM:
        found = shutil.which(name) if "/" not in name else (name if Path(name).exists() else None)
        if found:
            return found
    return None


def print_pdf(chromium: str, html: Path, pdf: Path) -> None:
    """Headless Chromium prints the page as the reader's browser would, A4 by its CSS."""
    create_private(pdf, replace=True)
    args = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        raise InputError(
            msg(
                "Chromium could not print {file} as PDF: {problem}", file=str(html), problem=str(e)
            ),
            msg("the HTML and the workbook are written; print the page from a browser"),
        ) from e
