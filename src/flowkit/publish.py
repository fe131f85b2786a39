"""Publishing from paths: validate, then build the handbook or the diagrams.

Nothing is written unless every process is valid: an ops lead sees the same diagnostics
as `flowkit validate` and the previous handbook stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from flowkit.errors import ValidationFailed
from flowkit.messages import msg
from flowkit.validate import Report, validate_paths

OutputFormat = Literal["html", "md", "svg", "png", "pdf", "dot"]
FORMATS: tuple[OutputFormat, ...] = ("html", "md", "svg", "png", "pdf", "dot")


class InvalidProcesses(ValidationFailed):
    """Some input did not validate; `report` holds the diagnostics to show."""

    def __init__(self, report: Report) -> None:
        super().__init__(msg("the processes have errors; nothing was written"), report.diagnostics)
        self.report = report
        self.exit_code = report.exit_code()


def publish(
    paths: Sequence[str | Path], out: Path, fmt: OutputFormat = "html", lang: str | None = None
) -> list[Path]:
    """Write the handbook (html, md) or one diagram per process; return the files written."""
    report = validate_paths(paths)
    if report.exit_code() != 0:
        raise InvalidProcesses(report)
    processes = sorted(report.processes, key=lambda p: p.id)
    if fmt == "html" or fmt == "md":
        from flowkit.render.handbook import build_handbook

        customers = getattr(report, "customers", None)  # customers.yaml beside them, if any
        return build_handbook(processes, out, fmt=fmt, lang=lang, customers=customers)
    from flowkit.render.diagram import write_diagrams

    return write_diagrams(processes, out, fmt, lang)
