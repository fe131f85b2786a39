"""Text for a terminal: control characters shown, never obeyed.

A name imported from a file can hold `ESC[2J` (clear the screen), `ESC]8;;...` (a hidden
link), a bell or a carriage return that overwrites the line before it; printed as it is, a
table of customers would run them in the reader's terminal. Every table, text page and error
message flowkit prints for people goes through `visible`: each control character (C0, DEL,
C1) is written as its escape (`\\x1b`, `\\r`, `\\t`), so the reader sees what the data holds.
CSV and JSON keep the data exact (JSON escapes control characters itself).
"""

from __future__ import annotations

_CONTROLS = [*range(0x20), 0x7F, *range(0x80, 0xA0)]
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_ESCAPES = {c: _NAMED.get(c, f"\\x{c:02x}") for c in _CONTROLS}
_ESCAPES_IN_LINES = {c: e for c, e in _ESCAPES.items() if c != 0x0A}


def visible(text: str) -> str:
    """One line of text (a table cell) with every control character escaped, line breaks
    too: a cell stays on its row."""
    return text if text.isprintable() else text.translate(_ESCAPES)


def visible_lines(text: str) -> str:
    """Text of several lines (a page, a message) with its line breaks kept and every other
    control character escaped."""
    return text if text.isprintable() else text.translate(_ESCAPES_IN_LINES)
