"""Which pages a handbook has, and what each page's template is given.

One list per format, read top to bottom: the site's pages in HTML (plus the printable
manual) and the same pages in Markdown. Every page gets the same frame of context
(`lang`, `link` its href helper, `stamps` its footer, `title`; its words come from the
catalogue through the environment of its language),
so the shared layout and partials work everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flowkit.render.gitinfo import Stamp
from flowkit.render.links import Ext, Links, diagram_path, process_path, role_path
from flowkit.render.rules import RulesView
from flowkit.render.site import ProcessView, RoleView
from flowkit.render.words import Lang, words

# The pages about all processes at once, with the chrome key of their title.
CROSS_PAGES = (
    ("raci", "raci_heading"),
    ("documents", "documents_heading"),
    ("backlog", "backlog_heading"),
    ("faq", "faq_heading"),
)


@dataclass(frozen=True)
class Views:
    """Everything the pages show: processes in their own language and in the shared one."""

    own: tuple[ProcessView, ...]  # each in its page language, with its diagram on HTML
    cross: tuple[ProcessView, ...]  # all in `lang`, for index and cross-process pages
    roles: tuple[RoleView, ...]
    lang: Lang  # the language of index and cross-process pages
    rules: RulesView | None = None  # the customer rules beside the processes, if any
    rules_stamp: Stamp | None = None

    @property
    def stamps(self) -> tuple[Stamp, ...]:
        return tuple(v.stamp for v in self.cross)


@dataclass(frozen=True)
class Page:
    path: str  # inside the output folder, with '/'
    template: str
    lang: Lang
    title: str
    stamps: tuple[Stamp, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    manual: bool = False
    rules: RulesView | None = None  # linked from every page's navigation when present

    def context(self, ext: Ext) -> dict[str, Any]:
        """What the template sees: the common frame plus the page's own data."""
        return {
            "lang": self.lang,
            "link": Links(self.path, ext, self.manual),
            "stamps": self.stamps,
            "title": self.title,
            "rules": self.rules,
            **self.extra,
        }


def pages(views: Views, ext: Ext) -> list[Page]:
    """The pages of the handbook in `ext`: HTML also has the one-document manual."""
    w = words(views.lang)
    lang, stamps = views.lang, views.stamps
    cross = {"views": views.cross, "roles": views.roles}
    found = [Page(f"index.{ext}", f"index.{ext}", lang, w["handbook_title"], stamps, cross)]
    for pv in views.own:
        path = process_path(pv.id, ext)
        extra: dict[str, Any] = {"pv": pv}
        if ext == "md":
            extra["diagram_src"] = Links(path, ext).asset(diagram_path(pv.id))
        found.append(Page(path, f"process.{ext}", pv.lang, pv.name, (pv.stamp,), extra))
    for role in views.roles:
        title = f"{w['role_title']}{w['colon']}{' / '.join(role.names)}"
        path = role_path(role.id, ext)
        found.append(Page(path, f"role.{ext}", lang, title, role.stamps, {"role": role}))
    for name, heading in CROSS_PAGES:
        found.append(Page(f"{name}.{ext}", f"{name}.{ext}", lang, w[heading], stamps, cross))
    if views.rules is not None and views.rules_stamp is not None:
        found.append(
            Page(
                f"customers.{ext}", f"customers.{ext}", lang, views.rules.name, (views.rules_stamp,)
            )
        )
    if ext == "html":
        extra = {**cross, "process_views": views.own}
        found.append(Page("manual.html", "manual.html", lang, w["nav_manual"], stamps, extra, True))
    return [replace(page, rules=views.rules) for page in found]
