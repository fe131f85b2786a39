"""Control characters in the data are shown escaped in tables, pages and messages (issue 10)."""

from __future__ import annotations

import io

import pytest

from flowkit.output import formats
from flowkit.output.formats import Listing, Page, write_table, write_text
from flowkit.output.terminal import visible, visible_lines

HOSTILE = "宏达\x1b[2J\x1b]8;;http://evil.example\x07点我\x1b]8;;\x07\r覆盖\x9b31m\x7f\tx"


def test_every_control_character_is_escaped() -> None:
    assert visible(HOSTILE) == (
        "宏达\\x1b[2J\\x1b]8;;http://evil.example\\x07点我\\x1b]8;;\\x07\\r覆盖\\x9b31m\\x7f\\tx"
    )
    assert visible("a\nb") == "a\\nb"  # a cell stays on its row
    assert visible_lines("a\nb\x1b") == "a\nb\\x1b"  # a page keeps its lines
    assert visible("上海宏达 (C00001)　全角") == "上海宏达 (C00001)　全角"


def _listing(text: bool = False) -> Listing:
    return Listing(
        columns=("name",),
        headings={"name": "客户名称"},
        rows=lambda fmt: [{"name": HOSTILE}, {"name": "[link=http://evil.example]x[/link]"}],
        text=(lambda: [f"1 {HOSTILE}"]) if text else None,
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("out", [io.StringIO(), _Terminal()], ids=["plain", "rich"])
def test_a_table_shows_control_characters_and_markup_as_text(out: io.StringIO) -> None:
    write_table(_listing(), out)
    written = out.getvalue()
    assert "\\x1b[2J" in written and "\\x07" in written and "\\r覆盖" in written
    assert "\x1b[2J" not in written and "\x07" not in written and "\r" not in written
    assert "\x1b]8" not in written  # neither the data's link nor one made from rich markup
    assert "[link=http://evil.example]x[/link]" in written


def test_text_lines_and_pages_are_shown_escaped() -> None:
    out = io.StringIO()
    write_table(_listing(text=True), out)
    assert out.getvalue().startswith("1 宏达\\x1b[2J")
    out = io.StringIO()
    write_text(Page(text=lambda: f"名称: {HOSTILE}\n下一行\n", record={}), out)
    assert out.getvalue().startswith("名称: 宏达\\x1b[2J") and out.getvalue().endswith("\n下一行\n")


def test_csv_and_json_keep_the_data_exact() -> None:
    out = io.StringIO()
    formats.write_csv(_listing(), out)
    assert HOSTILE in out.getvalue()
    out = io.StringIO()
    formats.write_json(_listing(), out)
    assert "\\u001b[2J" in out.getvalue() and "\x1b" not in out.getvalue()
