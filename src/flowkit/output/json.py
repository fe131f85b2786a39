"""Machine-readable output: every diagnostic with its code title, plus counts per file."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from flowkit.diagnostics import CODES, Diagnostic, Severity

if TYPE_CHECKING:
    from flowkit.validate import Report


def render(report: Report, strict: bool = False) -> str:
    payload = {
        "ok": report.exit_code(strict) == 0,
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
        },
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "process": f.process.id if f.process else None,
                "version": f.process.version if f.process else None,
                "valid": f.ok,
            }
            for f in report.files
        ],
        "diagnostics": [_diagnostic(d) for d in report.diagnostics],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "title": CODES[d.code].title,
        "message": d.message,
        "hint": d.hint,
        "file": d.loc.file,
        "line": d.loc.line,
        "col": d.loc.col,
    }
