"""GitHub Actions workflow commands, so findings show up on the lines of a pull request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic
from flowkit.output.text import summary

if TYPE_CHECKING:
    from flowkit.validate import Report


def render(report: Report, strict: bool = False) -> str:
    lines = [_annotation(d) for d in report.diagnostics]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _annotation(d: Diagnostic) -> str:
    props = [f"file={_prop(d.loc.file)}"]
    if d.loc.line:
        props += [f"line={d.loc.line}", f"col={d.loc.col}"]
    props.append(f"title={_prop(d.code)}")
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return f"::{d.severity.value} {','.join(props)}::{_data(message)}"


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
