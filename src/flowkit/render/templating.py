"""The Jinja2 environments: for HTML pages and for Markdown pages, in each language, all escaping.

Every text on a page comes from a YAML file someone typed, so nothing is trusted: HTML
templates autoescape, and the Markdown environment escapes too, with Markdown's rules
(`<`, `>`, `&` as entities so a wiki renders no HTML; `*`, `_`, `[`, `|`… backslashed so
text never turns into emphasis, links or table cells). Both are strict: a misspelt name
in a template fails the build instead of printing nothing.

The words around the process texts come from the language catalogue through Jinja2's i18n
extension: `{{ _("Overview") }}`, `{{ pgettext("punctuation", ": ") }}`. Old-style gettext
(not `newstyle`) is installed on purpose: a translation is then escaped like any other text
(a translator cannot put markup on a page, and the pages stay byte for byte what they were).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Final

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from flowkit.i18n import Lang, translator
from flowkit.render.links import Ext
from flowkit.render.words import vocabulary

_MD_ESCAPES: Final = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "~": "\\~",
    }
)


def md_text(value: object) -> Markup:
    """User text made inert in Markdown (already-safe Markup passes through)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(str(value).translate(_MD_ESCAPES))


def md_cell(value: object) -> Markup:
    """Text for a GitHub table cell: escaped, with line breaks as <br> (a newline ends a row)."""
    return Markup("<br>").join(md_text(value).splitlines() or [Markup("")])


def md_join(values: Iterable[object], separator: object = "") -> Markup:
    """Jinja's `join`, escaping for Markdown rather than HTML."""
    return md_text(separator).join(md_text(v) for v in values)


def md_cells(values: Iterable[object]) -> Markup:
    """Several texts in one cell, one per line."""
    return Markup("<br>").join(md_cell(v) for v in values)


def md_code(value: object) -> Markup:
    """A code span, fenced with more backticks than the text holds so nothing ends it early.

    Backslash escapes do not work inside code spans, so the text goes in raw (Markdown
    shows code spans literally, HTML included); only `|` is escaped, as GitHub tables
    need even there.
    """
    text = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def _md_finalize(value: object) -> object:
    """Runs on every {{ … }} of a Markdown template before autoescape sees it."""
    return md_text("" if value is None else value)


def _base(
    autoescape: bool | Callable[[str | None], bool],
    finalize: Callable[[object], object] | None = None,
) -> Environment:
    return Environment(
        loader=PackageLoader("flowkit.render", "templates"),
        extensions=["jinja2.ext.i18n"],
        autoescape=autoescape,
        finalize=finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def environment(ext: Ext, lang: Lang) -> Environment:
    """The environment for pages in `ext` whose words are in `lang`; cached, as loading
    templates is the slow part."""
    if ext == "html":
        # Everything but Markdown is escaped as HTML, including templates not named *.html.
        env = _base(autoescape=select_autoescape(enabled_extensions=("html",), default=True))
    else:
        env = _base(autoescape=True, finalize=_md_finalize)
        env.filters["cell"] = md_cell
        env.filters["join"] = md_join
        env.filters["cells"] = md_cells
        env.filters["code"] = md_code
    env.install_gettext_translations(translator(lang), newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(vocabulary(lang))
    return env
