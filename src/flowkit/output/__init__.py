"""Reporters turn a validation report into text for people, JSON for tools, or CI annotations.

Each is one function `(report, strict) -> str`, chosen from `REPORTERS` by `--format`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flowkit.output import github, json, text

if TYPE_CHECKING:
    from flowkit.validate import Report

Reporter = Callable[["Report", bool], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json.render,
    "github": github.render,
}
