"""SLA phrases (时间要求): the time requirement of a node, one short phrase in English or Chinese.

Ops leads write ``24小时内``, ``3 business days``, ``交付后30天内`` or ``每周2次上门拜访``;
the engine and the checks need the meaning, and the same meaning must come out whichever
language it was written in. A phrase is read by a registry of kinds, each a compiled regex
plus a small builder, tried in order; nothing is evaluated.

Matching runs on a normalised copy of the text (full-width folded to ASCII, lower case)
that has exactly the length of the original, so every match offset is also an offset into
what the author wrote: errors point at the right column, and anchors are cut verbatim from
the original. When no kind matches, a second registry of checks explains why as precisely
as it can. ``describe`` writes canonical text that reads back to an equal object.

The modules, each importing only those above it:

- `terms`: the objects (Duration, Cutoff, Deadline, Cadence, Warn, Phrase) and
  SlaSyntaxError;
- `words`: the English and Chinese vocabulary, and the normalised text it is matched in;
- `builders`: what a match means, turned into the objects;
- `forms`: the registries of kinds, each a regex plus its builder;
- `explain`: why nothing matched, as precisely as possible;
- `parse`: the public parse functions;
- `write`: `describe`, which only needs `terms`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from flowkit.lang.sla.terms import (
    Cadence,
    Cutoff,
    CutoffKind,
    CutoffPeriod,
    Deadline,
    Duration,
    Lang,
    Method,
    Period,
    Phrase,
    SlaSyntaxError,
    Unit,
    Warn,
)
from flowkit.lang.sla.write import describe

if TYPE_CHECKING:
    from flowkit.lang.sla.parse import parse_cadence, parse_duration, parse_phrase, parse_warn

# The parser (and its registries of compiled regexes) loads on first use: the model and
# the engine read parsed phrases, and only validation reads new text.
_LAZY = dict.fromkeys(
    ("parse_cadence", "parse_duration", "parse_phrase", "parse_warn"), "flowkit.lang.sla.parse"
)

__all__ = [
    "Cadence",
    "Cutoff",
    "CutoffKind",
    "CutoffPeriod",
    "Deadline",
    "Duration",
    "Lang",
    "Method",
    "Period",
    "Phrase",
    "SlaSyntaxError",
    "Unit",
    "Warn",
    "describe",
    "parse_cadence",
    "parse_duration",
    "parse_phrase",
    "parse_warn",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flowkit.lang.sla' has no attribute {name!r}")
