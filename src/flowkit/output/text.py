"""Compiler-style lines: `file:line:col: error FK202: message`, the hint indented below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from flowkit.validate import Report


def render(report: Report, strict: bool = False) -> str:
    lines = [line for d in report.diagnostics for line in _lines(d)]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _lines(d: Diagnostic) -> list[str]:
    head = f"{d.loc}: {d.severity.value} {d.code}: {d.message}"
    return [head, f"    hint: {d.hint}"] if d.hint else [head]


def summary(report: Report) -> str:
    files = len(report.files)
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return f"{files} {noun} checked: no problems"
    return f"{files} {noun} checked: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
