"""Reading generated HTML in tests with the stdlib parser: tables, text, links, ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Table:
    cls: str
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def row(self, first: str) -> list[str]:
        """The body row whose first cell is `first`."""
        found = [r for r in self.rows if r and r[0] == first]
        assert len(found) == 1, f"{len(found)} rows start with {first!r} in table {self.cls}"
        return found[0]

    def column(self, name: str) -> int:
        return self.head.index(name)


@dataclass
class _Cell:
    header: bool
    in_head: bool
    parts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """Everything the tests look at in one HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self.html_lang = ""
        self.script_tags = 0
        self._stack: list[Table] = []
        self._cell: _Cell | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def table(self, cls: str) -> Table:
        found = [t for t in self.tables if cls in t.cls.split()]
        assert len(found) == 1, f"{len(found)} tables of class {cls!r}"
        return found[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "script":
            self.script_tags += 1
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "link" and "href" in a:
            self.srcs.append(a["href"])
        if tag in ("img", "script") and "src" in a:
            self.srcs.append(a["src"])
        if tag == "table":
            self._stack.append(Table(a.get("class", "")))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = _Cell(tag == "th", self._in_head)
        elif tag == "br":
            self._data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell.parts).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            target = self._stack[-1]
            if self._in_head:
                target.head = self._row
            else:
                target.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell.parts.append(data)


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))
