"""What the engine answers with: plain frozen records the CLI formats and tests compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from flowkit.store.rows import EventData, FieldValue


@dataclass(frozen=True)
class TimerView:
    node: str
    node_name: str
    kind: str  # deadline | cadence
    sla: str
    state: str  # running | paused | met | missed | stopped
    started_at: datetime
    due_at: datetime | None
    warn_at: datetime | None
    anchor: str | None = None
    required: int = 0
    done: int = 0
    method: str | None = None
    ended_at: datetime | None = None
    why: tuple[str, ...] = ()  # how the due instant was found (holidays skipped, ...)
    uncertain: bool = False  # due computed without holiday data for its year (a guess)


@dataclass(frozen=True)
class EventView:
    seq: int
    kind: str
    at: datetime
    recorded_at: datetime
    node: str | None
    data: EventData
    node_name: str = ""  # 线索获取 for lead_capture, as the pinned process names it


@dataclass(frozen=True)
class InstanceView:
    """One row of the progress tracking table (销售节点进度跟踪表), plus its state."""

    id: int
    process_id: str
    process_name: str
    process_version: str
    name: str  # 商机名称
    customer: str  # 客户名称
    node: str | None  # 当前阶段
    node_name: str
    lane: str
    owner: str  # 负责人
    owner_name: str
    state: str  # open | paused | won | lost
    expected_close: date | None  # 预计成交时间
    next_action: str  # 关键动作
    risk: bool  # 风险预警
    risk_note: str  # 风险描述
    fields: dict[str, FieldValue]
    started_at: datetime
    node_entered_at: datetime
    closed_at: datetime | None = None
    timers: tuple[TimerView, ...] = ()
    history: tuple[EventView, ...] = ()
    revision: int = 0  # as read: a change made on what this view shows names it
    due_at: datetime | None = None  # its open deadline falling due first (`flowkit list`)
    due_uncertain: bool = False  # that due computed without holiday data for its year


class Alert(NamedTuple):
    """A timer breached or at risk at the moment asked about: a line of `flowkit status`.
    A named tuple rather than a frozen dataclass: a status makes tens of thousands of them,
    and a dataclass instance each cost more than the rest of making the line."""

    instance_id: int
    name: str
    customer: str
    process_id: str
    node: str
    node_name: str
    lane: str
    owner: str
    owner_name: str
    sla: str
    kind: str
    due_at: datetime
    breached: bool
    late_clock: timedelta  # positive: overdue by; negative: time remaining
    late_business: timedelta  # the same in working time on the process calendar
    day_length: timedelta  # that calendar's working day, to tell working time in days
    risk: bool
    risk_note: str
    required: int = 0
    done: int = 0
    customer_id: str = ""  # set for a customer's timer (then instance_id is 0, the node is
    # its kind: maintenance, review or upkeep, and output/ words its name)
    lane_name: str = ""  # 销售顾问 for the lane id consultant
    grade: str = ""  # the customer's grade, for a maintenance timer
    uncertain: bool = False  # due computed without holiday data for its year (a guess)


@dataclass(frozen=True)
class StatusLines:
    """A status as lines, worst first, with how many are breached and at risk."""

    as_of: datetime
    lines: Sequence[Alert]
    breached: int
    at_risk: int


@dataclass(frozen=True)
class Status:
    as_of: datetime
    alerts: tuple[Alert, ...] = field(default_factory=tuple)

    @property
    def breached(self) -> int:
        return sum(a.breached for a in self.alerts)

    @property
    def at_risk(self) -> int:
        return sum(not a.breached for a in self.alerts)


@dataclass(frozen=True)
class Stage:
    """One line of `flowkit funnel`: a node, and the opportunities through it."""

    node: str
    name: str
    kind: str  # task | decision | end
    entered: int
    completed: int  # moved on from it
    closed: int  # closed while at it (won or lost from that stage)
    here: int  # open or paused at it now
    median_time: timedelta | None = None  # entry to completion, of those completed
    value: float = 0.0  # amounts (元): of those here now; at an end, of those ended there

    @property
    def conversion(self) -> float | None:
        """Moved on among those that entered; None when none entered (or for an end)."""
        return self.completed / self.entered if self.entered and self.kind != "end" else None


@dataclass(frozen=True)
class OnTime:
    """One line of `flowkit on-time`: an owner, team, process or node."""

    key: str
    name: str
    met: int
    missed: int
    overdue: int  # still open past the due instant at the end of the period

    @property
    def rate(self) -> float | None:
        """准时率: met among the deadlines settled in the period; None when none were."""
        settled = self.met + self.missed
        return self.met / settled if settled else None
