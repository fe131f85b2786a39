"""Where things are: every href and anchor id the handbook's templates write.

The same partial templates render a process on its own page and as a chapter of the
printable manual. On the site a step is `processes/standard-sales.html#collection`;
in the manual, where every process has a `collection` step, it is
`#standard-sales.collection` (ids cannot contain '.', so the two never clash). The
templates ask a `Links` for each href and never build paths, so the two modes, and HTML
and Markdown, stay one set of templates each. Hrefs are relative: the site works from
any folder, a file:// URL or a wiki.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from markupsafe import Markup

Ext = Literal["html", "md"]
PAGES = ("index", "raci", "documents", "backlog", "faq", "customers", "manual")


def _safe(url: str) -> Markup:
    """Percent-quoted, so it is inert in HTML attributes and Markdown link targets alike."""
    return Markup(quote(url, safe="/#.-_~"))


def process_path(pid: str, ext: Ext) -> str:
    return f"processes/{pid}.{ext}"


def role_path(lane_id: str, ext: Ext) -> str:
    return f"roles/{lane_id}.{ext}"


def diagram_path(pid: str) -> str:
    return f"diagrams/{pid}.svg"


@dataclass(frozen=True)
class Links:
    """Hrefs as seen from the page at `here` (a path inside the output folder)."""

    here: str
    ext: Ext = "html"
    manual: bool = False

    def _rel(self, target: str, fragment: str = "") -> Markup:
        if target == self.here:
            path = "" if fragment else posixpath.basename(target)
        else:
            path = posixpath.relpath(target, posixpath.dirname(self.here) or ".")
        return _safe(f"{path}#{fragment}" if fragment else path)

    def page(self, name: str) -> Markup:
        """A site-wide page: index, raci, documents, backlog, faq, customers, manual."""
        if name not in PAGES:
            raise ValueError(f"no page {name!r}")
        if self.manual and name not in ("index", "manual"):
            return _safe(f"#{name}")
        return self._rel(f"{name}.{self.ext}")

    def asset(self, path: str) -> Markup:
        return self._rel(path)

    def process(self, pid: str) -> Markup:
        if self.manual:
            return _safe(f"#{self.process_anchor(pid)}")
        return self._rel(process_path(pid, self.ext))

    def node(self, pid: str, nid: str) -> Markup:
        anchor = self.node_anchor(pid, nid)
        if self.manual:
            return _safe(f"#{anchor}")
        return self._rel(process_path(pid, self.ext), anchor)

    def role(self, lane_id: str) -> Markup:
        if self.manual:
            return _safe(f"#{self.role_anchor(lane_id)}")
        return self._rel(role_path(lane_id, self.ext))

    def node_anchor(self, pid: str, nid: str) -> Markup:
        return _safe(f"{pid}.{nid}" if self.manual else nid)

    def process_anchor(self, pid: str) -> Markup:
        return _safe(f"process-{pid}")

    def role_anchor(self, lane_id: str) -> Markup:
        return _safe(f"role-{lane_id}")
