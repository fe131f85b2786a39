"""Taking the review's numbers out — the pack, its workbook, one measure — is an export of
people's and customers' data (数据安全): like `customer export` it is allowed by the role,
recorded in the audit log with who took it, when, with which filter and how many rows, and
its workbook says the same on a 导出信息 sheet.

`begin` checks and dates the export before anything is read (a refusal is logged, nothing is
written); `finish` logs it once it is written, with the rows it held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowkit.lang.times import zone

if TYPE_CHECKING:
    from flowkit.store.rows import Json, NewLogEntry
    from flowkit.tracking.tracker import Tracker


@dataclass(frozen=True)
class Export:
    """An export allowed and dated, not yet logged: its entry and the filter it used."""

    entry: NewLogEntry
    filter: Mapping[str, Json]

    def provenance(self, rows: int) -> tuple[tuple[str, str], ...]:
        """The 导出信息 lines of its workbook, as `customer export` writes them."""
        return (
            ("导出人", self.entry["actor"]),
            ("导出时间", self.entry["at"].astimezone(zone()).isoformat(timespec="minutes")),
            ("筛选条件", json.dumps(dict(self.filter), ensure_ascii=False)),
            ("行数", str(rows)),
        )


def begin(
    tracker: Tracker,
    command: str,
    target: str,
    month: str,
    owners: Iterable[str] | None = None,
    **options: str | None,
) -> Export:
    """The export of `command` (review, kpi) into `target`, or NotPermitted (logged). The
    filter keeps the month, the people asked for and the options that were set."""
    with tracker.store.read():  # a refusal is logged when the read ends
        entry = tracker.access.require_any(command, target)
    asked: dict[str, Json] = {"month": month}
    if owners is not None:
        asked["owners"] = sorted(owners)
    asked |= {k: v for k, v in options.items() if v}
    return Export(entry, asked)


def finish(tracker: Tracker, export: Export, rows: int) -> None:
    """Log the export, now written, with the rows it held."""
    detail: dict[str, Json] = {"filter": dict(export.filter), "rows": rows}
    tracker.store.log([{**export.entry, "detail": detail}])
