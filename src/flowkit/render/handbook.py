"""The process handbook (销售业务流程手册): a static site, or Markdown pages, from processes.

New hires and managers read the process here rather than in YAML: each process with its
swimlane diagram, the template's 流程梳理表, every step in detail, who does what (roles,
RACI), the documents, the improvement backlog and the FAQ, plus a printable manual.
The output is a folder of plain files (no JavaScript, no CDN) that works offline, on a
file share, on a web server or in a git host's wiki.

Two properties matter more than looks: the same inputs give byte-identical files (the
handbook is committed and diffed, so there is no timestamp; provenance is the git commit
in the footer), and a build replaces the output folder all at once or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Literal, get_args

from markupsafe import Markup

from flowkit.model import Process
from flowkit.model.customer import CustomerRules
from flowkit.render.atomic import replacing
from flowkit.render.gitinfo import stamp
from flowkit.render.links import Ext, Links, diagram_path
from flowkit.render.pages import Views, pages
from flowkit.render.rules import rules_view
from flowkit.render.site import ProcessView, process_view, role_views
from flowkit.render.templating import environment
from flowkit.render.words import DEFAULT_LANG, LANGS, Lang, check_lang

HandbookFormat = Literal["html", "md"]
DiagramMarkup = Callable[[Process, str], str]
DiagramFile = Callable[[Process, str], bytes]

_STYLESHEET = files("flowkit.render") / "templates" / "handbook.css"

__all__ = ["DiagramFile", "DiagramMarkup", "HandbookFormat", "build_handbook"]


def build_handbook(
    processes: Sequence[Process],
    out: Path,
    *,
    fmt: HandbookFormat = "html",
    lang: str | None = None,
    diagram: DiagramMarkup | None = None,
    diagram_file: DiagramFile | None = None,
    customers: CustomerRules | None = None,
) -> list[Path]:
    """Write the handbook of `processes` into the folder `out`; the files written, sorted.

    `lang` sets the language of every page's headings and labels; without it each process
    page follows its process's `locale` and the other pages are in Chinese. `diagram`
    gives the inline SVG of a process for HTML pages, `diagram_file` the SVG file of a
    process for Markdown; both default to the Graphviz-backed `flowkit.render.diagram`.
    With the `customers` rules (customers.yaml beside the processes), a page shows the
    grading standards, maintenance strategies and upkeep rules new hires work by.
    `out` is replaced as a whole: if anything fails, it is left as it was.
    """
    if fmt not in get_args(HandbookFormat):
        raise ValueError(f"unknown handbook format {fmt!r}; use 'html' or 'md'")
    chosen = check_lang(lang) if lang is not None else None
    ordered = _by_id(processes)
    out = Path(out)
    with replacing(out) as staging:
        written = _files(ordered, fmt, chosen, diagram, diagram_file, customers)
        for rel, data in written.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return sorted(out / rel for rel in written)


def _files(
    processes: Sequence[Process],
    fmt: Ext,
    lang: Lang | None,
    diagram: DiagramMarkup | None,
    diagram_file: DiagramFile | None,
    customers: CustomerRules | None = None,
) -> dict[str, bytes]:
    """Every file of the handbook, by path inside the output folder."""
    cross_lang = lang or DEFAULT_LANG
    stamps = {p.id: stamp(p.source, p.version) for p in processes}
    known = {p.id: p.name for p in processes}
    found: dict[str, bytes] = {}
    own: list[ProcessView] = []
    for p in processes:
        page_lang = lang or _locale(p)
        svg: Markup | None = None
        if fmt == "html":
            svg = Markup((diagram or _svg_markup)(p, page_lang))
        else:
            found[diagram_path(p.id)] = (diagram_file or _svg_file)(p, page_lang)
        own.append(process_view(p, page_lang, stamps[p.id], known, svg))
    cross = tuple(
        v if v.lang == cross_lang else process_view(p, cross_lang, stamps[p.id], known)
        for p, v in zip(processes, own, strict=True)
    )
    rules, rules_stamp = None, None
    if customers is not None:
        lanes: dict[str, str] = {}
        for v in sorted(cross, key=lambda v: v.locale != cross_lang):  # the page's own first
            for lane in v.lanes:
                lanes.setdefault(lane.id, lane.name)
        rules = rules_view(customers, lanes, cross_lang)
        rules_stamp = stamp(customers.source, "-")
    views = Views(tuple(own), cross, role_views(cross, processes), cross_lang, rules, rules_stamp)
    for page in pages(views, fmt):
        context = page.context(fmt)
        if page.manual:  # each chapter in its process's page language
            context["bodies"] = {pv.id: _chapter(pv, context["link"]) for pv in views.own}
        text = environment(fmt, page.lang).get_template(page.template).render(context)
        found[page.path] = text.encode("utf-8")
    if fmt == "html":
        found["handbook.css"] = (
            files("flowkit.render") / "templates" / "handbook.css"
        ).read_bytes()
    return found


def _chapter(pv: ProcessView, link: Links) -> Markup:
    """A process as a chapter of the printable manual, in its own page language."""
    env = environment("html", pv.lang)
    body = env.get_template("_process.html").module.process_body  # type: ignore[attr-defined]
    return Markup(body(pv, link, 2))


def _by_id(processes: Sequence[Process]) -> list[Process]:
    """Sorted by id, so the handbook does not depend on the order files were found in."""
    seen: set[str] = set()
    for p in processes:
        if p.id in seen:
            raise ValueError(f"two processes have the id {p.id!r}; a handbook needs unique ids")
        seen.add(p.id)
    return sorted(processes, key=lambda p: p.id)


def _locale(process: Process) -> Lang:
    return check_lang(process.locale) if process.locale in LANGS else DEFAULT_LANG


def _svg_markup(process: Process, lang: str) -> str:
    from flowkit.render.diagram import svg_markup  # Graphviz only when a diagram is drawn

    return svg_markup(process, lang)


def _svg_file(process: Process, lang: str) -> bytes:
    from flowkit.render.diagram import render_diagram

    return render_diagram(process, "svg", lang)
