"""Diagnostics are data: checks produce them, reporters print them, nothing else does either.

Every code is registered here with its severity and a one-line title, so the docs, the
JSON output and the tests can all enumerate the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    unreadable: bool = False  # the input could not be read at all: exit 2, not 1


def _codes(*items: Code) -> dict[str, Code]:
    return {item.code: item for item in items}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = _codes(
    # Reading the file
    Code("FK001", E, "YAML syntax error"),
    Code("FK002", E, "file is not UTF-8 text", unreadable=True),
    Code("FK003", E, "duplicate key in a mapping"),
    Code("FK004", E, "file is larger than the size limit", unreadable=True),
    Code("FK005", E, "aliases expand to too many values"),
    Code("FK006", E, "file does not hold exactly one mapping document"),
    Code("FK007", E, "file cannot be read", unreadable=True),
    Code("FK008", E, "text holds a control character"),
    # Shape (JSON Schema)
    Code("FK100", E, "missing or unsupported format version"),
    Code("FK101", E, "unknown key"),
    Code("FK102", E, "missing required key"),
    Code("FK103", E, "value has the wrong type"),
    Code("FK104", E, "value is not allowed"),
    Code("FK105", E, "value does not match the format"),
    # References
    Code("FK201", E, "duplicate id"),
    Code("FK202", E, "unknown lane"),
    Code("FK203", E, "unknown document"),
    Code("FK204", E, "unknown node"),
    Code("FK205", E, "unknown calendar"),
    Code("FK206", E, "unknown SLA anchor"),
    Code("FK207", E, "SLA anchor is not upstream of the node"),
    Code("FK208", E, "process id used by more than one file"),
    Code("FK209", W, "FAQ refers to an unknown process"),
    Code("FK210", E, "unknown lost reason"),
    # Graph
    Code("FK301", E, "process needs exactly one start node"),
    Code("FK302", E, "node cannot be reached from the start"),
    Code("FK304", E, "loop has no exit"),
    Code("FK305", E, "end node has a next step"),
    Code("FK306", E, "node has no next step"),
    Code("FK307", E, "start node is the target of a route"),
    # Routes and conditions
    Code("FK401", E, "condition syntax error"),
    Code("FK402", E, "condition type error"),
    Code("FK403", E, "decision needs at least two routes"),
    Code("FK404", E, "conditions do not cover every case"),
    Code("FK406", E, "end node has no outcome"),
    Code("FK407", E, "route can never be taken"),
    # SLAs
    Code("FK501", E, "SLA cannot be read"),
    Code("FK502", W, "SLA on a start or end node is never timed"),
    Code("FK503", E, "warning threshold is not before the deadline"),
    Code("FK504", E, "a routine (per: lane | owner) without a calendar-period cadence"),
    # Hygiene
    Code("FK601", W, "task has no output document"),
    Code("FK602", W, "task has no SLA"),
    Code("FK603", W, "task has an empty action standard"),
    Code("FK604", W, "declared but never used"),
    # Calendar files (calendars/*.yaml)
    Code("FK701", E, "duplicate calendar id"),
    Code("FK702", E, "unknown base calendar"),
    Code("FK703", E, "calendars extend each other in a cycle"),
    Code("FK704", E, "not a time of day"),
    Code("FK705", E, "not a date in the calendar"),
    Code("FK706", E, "hours, break or date range out of order"),
    Code("FK707", E, "day is both a day off and an extra working day"),
    Code("FK708", E, "unknown time zone"),
    Code("FK709", E, "range of days off longer than a year"),
    Code("FK710", E, "holiday notice: a make-up working day that is no weekend day"),
    Code("FK711", E, "holiday notice: holidays overlap, or a make-up day is a holiday"),
    Code("FK712", E, "holiday notice: a date outside the notice's year"),
    Code("FK713", E, "holiday notice: a statutory holiday missing or off its fixed date"),
    Code("FK714", E, "holiday notice for a calendar without official holiday data"),
    # The organisation (org.yaml)
    Code("FK801", E, "duplicate person or team id"),
    Code("FK802", E, "unknown person"),
    Code("FK803", E, "unknown team"),
    Code("FK804", E, "management cycle"),
    Code("FK805", W, "lane of a person is declared by no process"),
    Code("FK806", W, "no active person can act in a lane"),
    Code("FK807", E, "more than one org file"),
    Code("FK808", E, "two people with one database role"),
    Code("FK809", E, "a mentor who is no active, certified person"),
    Code("FK810", E, "a service login that is a person's, or declared twice"),
    # The customer rules (customers.yaml)
    Code("FK901", E, "unknown profile key in `required`"),
    Code("FK902", E, "grading rule can never fire"),
    Code("FK903", E, "grading rules do not cover every customer"),
    Code("FK904", E, "maintenance for a grade no rule gives"),
    Code("FK905", W, "grade has no maintenance"),
    Code("FK906", W, "maintenance lane is declared by no process"),
    Code("FK907", E, "duplicate tag"),
    Code("FK908", E, "more than one customer rules file"),
    Code("FK909", E, "field redeclares a standard profile field"),
    Code("FK910", E, "follow-up method word already means another method"),
    # The notification rules (notify.yaml)
    Code("FK951", E, "unknown channel"),
    Code("FK952", E, "unknown person in a notification rule"),
    Code("FK953", E, "unknown team in a notification route"),
    Code("FK954", E, "unknown lane in a notification rule"),
    Code("FK955", E, "unknown process or node in a notification rule"),
    Code("FK956", E, "secret file inside the repository"),
    Code("FK957", E, "more than one notification file"),
    Code("FK958", E, "channel lacks a setting its type needs, or has one it does not use"),
    Code("FK959", E, "escalation steps out of order"),
    Code("FK960", E, "rule setting that does not fit its kind, or a repeated rule id"),
    # The KPIs of the monthly review (`kpis:` in customers.yaml)
    Code("FK911", E, "unknown KPI measure"),
    Code("FK912", E, "KPI weights do not add up to 100%"),
    Code("FK913", E, "KPI weights for an unknown role"),
)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    loc: Location
    hint: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def unreadable(self) -> bool:
        return CODES[self.code].unreadable

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.loc.file, self.loc.line, self.loc.col, self.code)
