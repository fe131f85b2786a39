"""The rows the store hands out and takes, typed: one TypedDict per kind of row.

Read-only TypedDicts rather than frozen dataclasses: a row stays the plain dict SQLAlchemy
returns (no copy per row, which `flowkit status` over a million opportunities would feel),
the engine keeps subscripting it and merging partial updates into it (`{**timer, **update}`),
and mypy still checks every key and type. `ReadOnly` makes a stored row immutable to the
type checker and lets a narrower row stand in for a wider one (an alert, whose due instant
is always set, is read wherever a timer is).

Each kind comes in up to three shapes: `XRow` as stored (read-only), `NewX` to insert (no
id yet) and `XUpdate` the columns a command may change (all optional). The keys are the
columns of `tables.py` (tests/store/test_rows.py holds them to it); a row joined with
columns of another table says so in its name (`AlertRow`, `SampledRow`).

This module imports nothing at run time but typing, so any layer may use these names; the
annotations are for the type checker only (not evaluated at run time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NotRequired, Required, final

from typing_extensions import ReadOnly, TypedDict

if TYPE_CHECKING:
    from flowkit.lang.sla import Method

Json = str | int | float | bool | None | Sequence["Json"] | Mapping[str, "Json"]
"""A value of a JSON column (event data, a profile document, a change's before/after)."""

FieldValue = str | int | float | bool
"""A field value a process or customers.yaml declares, as typed from what a person wrote
(number, integer, boolean; a date, an enum value or text as a string)."""

Fields = Mapping[str, FieldValue]
"""An opportunity's field values by field id (the instance's `fields` column)."""

EventData = Mapping[str, Json]
"""What an event says beyond its kind and time (an outcome, a reason, the owner before)."""


# process versions ---------------------------------------------------------------------


class PinnedVersion(TypedDict):
    """A process text an instance is pinned to, by its content hash."""

    hash: ReadOnly[str]
    process_id: ReadOnly[str]
    version: ReadOnly[str]
    source_path: ReadOnly[str]
    source_text: ReadOnly[str]
    loaded_at: ReadOnly[datetime]


# opportunities (instances) --------------------------------------------------------------


class NewInstance(TypedDict):
    """An opportunity to insert (`start`, imports); the store adds its id and revision."""

    process_id: ReadOnly[str]
    process_hash: ReadOnly[str]
    name: ReadOnly[str]  # 商机名称
    customer: ReadOnly[str]  # 客户名称
    owner: ReadOnly[str]  # 负责人
    customer_id: NotRequired[ReadOnly[str | None]]  # the profile, when on file
    node: ReadOnly[str | None]  # 当前阶段; None once closed
    node_entered_at: ReadOnly[datetime]
    state: ReadOnly[str]  # open | paused | won | lost | another end's outcome
    expected_close: ReadOnly[date | None]
    next_action: ReadOnly[str]
    risk: ReadOnly[bool]
    risk_note: ReadOnly[str]
    fields: ReadOnly[Fields]
    paused_at: NotRequired[ReadOnly[datetime | None]]
    started_at: ReadOnly[datetime]
    closed_at: NotRequired[ReadOnly[datetime | None]]
    close_reason: ReadOnly[str]
    last_seq: ReadOnly[int]  # events numbered so far


class InstanceRow(NewInstance):
    """An opportunity as stored."""

    id: ReadOnly[int]
    customer_id: Required[ReadOnly[str | None]]
    paused_at: Required[ReadOnly[datetime | None]]
    closed_at: Required[ReadOnly[datetime | None]]
    revision: ReadOnly[int]  # bumped by every write: the lock of a command


class InstanceUpdate(TypedDict, total=False):
    """The columns of an instance a command changes (collected in `Change.instance`)."""

    process_hash: str
    name: str  # 商机名称, changed by an edited tracking table coming back (import --update)
    owner: str
    customer: str
    customer_id: str | None
    node: str | None
    node_entered_at: datetime
    state: str
    expected_close: date | None
    next_action: str
    risk: bool
    risk_note: str
    fields: Fields
    paused_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    last_seq: int


# events -------------------------------------------------------------------------------------


class NewEvent(TypedDict):
    """An event a command records; the store numbers it on the instance."""

    kind: ReadOnly[str]  # started | entered | completed | follow_up | closed ...
    at: ReadOnly[datetime]  # when it happened (--at)
    recorded_at: ReadOnly[datetime]  # when it was written
    node: ReadOnly[str | None]
    data: ReadOnly[EventData]


class NumberedEvent(NewEvent):
    """An event numbered by its writer (imports insert many instances' events at once)."""

    instance_id: ReadOnly[int]
    seq: ReadOnly[int]


class EventRow(NumberedEvent):
    """An event as stored."""

    id: ReadOnly[int]


class LastWork(TypedDict):
    """The latest follow-up, delivery or event at a node: what a backdated --at must not
    precede."""

    kind: ReadOnly[str]
    at: ReadOnly[datetime]


# opportunity timers ------------------------------------------------------------------------


class TimerValues(TypedDict):
    """What every opportunity timer holds, stored or new: the shape the timer rules read
    (`timers.cadence`, `tracking.course`). Read-only, so a stored timer, a new one and a
    timer joined with its instance's columns are all accepted."""

    node: ReadOnly[str]
    kind: ReadOnly[str]  # deadline | cadence
    sla: ReadOnly[str]  # as written (or the override's label)
    business: ReadOnly[bool]  # counted in working time
    calendar: ReadOnly[str]
    data_until: ReadOnly[int | None]  # the calendar's last year of holiday data it used
    started_at: ReadOnly[datetime]
    warn_at: ReadOnly[datetime | None]  # None: waits for its anchor
    due_at: ReadOnly[datetime | None]
    anchor: ReadOnly[str | None]  # the event or node a waiting deadline needs
    required: ReadOnly[int]  # cadence: entries per period
    done: ReadOnly[int]  # cadence: entries so far
    method: ReadOnly[Method | None]  # cadence: which follow-ups count (None: any)
    period: ReadOnly[str | None]  # cadence: its period as coded (week, week*2, month@3 ...)
    state: ReadOnly[str]  # running | paused | late | met | missed | stopped
    ended_at: ReadOnly[datetime | None]


@final
class NewTimer(TimerValues):
    """A timer a command starts (entering a node, a cadence period opening); inserted with
    the command's other changes. Final, like `TimerRow`: `"id" in timer` tells them apart."""


@final
class TimerRow(TimerValues):
    """An opportunity timer as stored."""

    id: ReadOnly[int]
    instance_id: ReadOnly[int]


class TimerUpdate(TypedDict, total=False):
    """The columns of a stored timer a command changes (customer timers have no
    `data_until`; nothing gives them one)."""

    state: str
    ended_at: datetime | None
    done: int
    due_at: datetime | None
    warn_at: datetime | None
    data_until: int | None


class TimerState(TypedDict):
    """What a timer (of either table) was before a change: the values its history keeps."""

    id: ReadOnly[int]
    state: ReadOnly[str]
    warn_at: ReadOnly[datetime | None]
    due_at: ReadOnly[datetime | None]
    done: ReadOnly[int]


class KeptTimer(TypedDict):
    """A history row: a timer's values before a change (`until` is added on writing)."""

    timer_id: ReadOnly[int]
    state: ReadOnly[str]
    warn_at: ReadOnly[datetime | None]
    due_at: ReadOnly[datetime | None]
    done: ReadOnly[int]


class ImportedTimer(TimerValues):
    """A timer of an imported instance, inserted in bulk with the others."""

    instance_id: ReadOnly[int]


class NamedTimerRow(TimerValues):
    """An open timer with its instance's name and process (holiday-data coverage); only
    timers with a due instant are asked for."""

    id: ReadOnly[int]
    instance_id: ReadOnly[int]
    name: ReadOnly[str]
    process_id: ReadOnly[str]
    due_at: ReadOnly[datetime]


class ActivityRow(TypedDict):
    """Work recorded at a node: what, when, by whom (empty: nobody named), whose deal."""

    kind: ReadOnly[str]
    at: ReadOnly[datetime]
    by: ReadOnly[str]
    owner: ReadOnly[str]


class DueRow(TypedDict):
    """An instance's first open deadline: when, on what holiday data, on which calendar."""

    instance_id: ReadOnly[int]
    due_at: ReadOnly[datetime]
    data_until: ReadOnly[int | None]
    calendar: ReadOnly[str]


class OldDataDeadlineRow(NamedTimerRow):
    """An open deadline computed on holiday data older than the installed one."""

    data_until: ReadOnly[int]


class AlertRow(TypedDict):
    """A timer breached or at risk, with what `flowkit status` shows of its instance. Past
    its warning, so both instants are set (they are set together)."""

    id: ReadOnly[int]
    instance_id: ReadOnly[int]
    node: ReadOnly[str]
    kind: ReadOnly[str]
    sla: ReadOnly[str]
    calendar: ReadOnly[str]
    due_at: ReadOnly[datetime]
    warn_at: ReadOnly[datetime]
    state: ReadOnly[str]
    required: ReadOnly[int]
    done: ReadOnly[int]
    name: ReadOnly[str]
    customer: ReadOnly[str]
    owner: ReadOnly[str]  # at the moment asked about
    process_id: ReadOnly[str]
    process_hash: ReadOnly[str]
    risk: ReadOnly[bool]  # at the moment asked about
    risk_note: ReadOnly[str]
    data_until: ReadOnly[int | None]  # the holiday data its due instant was computed on


class AlertPeriod(TimerValues, AlertRow):
    """An alert's cadence period read whole, to be settled in memory with the periods after
    it (`timers.settling`)."""

    due_at: ReadOnly[datetime]
    warn_at: ReadOnly[datetime]


# opportunity figures ------------------------------------------------------------------------


class DeadlineCounts(TypedDict):
    """Deadlines met, missed and overdue of one owner, process or (process, node); the
    database's sums, None for no row."""

    owner: NotRequired[ReadOnly[str]]
    process_id: NotRequired[ReadOnly[str]]
    node: NotRequired[ReadOnly[str]]
    met: ReadOnly[int | None]
    missed: ReadOnly[int | None]
    overdue: ReadOnly[int | None]


class NodeTraffic(TypedDict):
    """How many events of one kind (entered, completed, routed, closed) a node had."""

    node: ReadOnly[str | None]
    kind: ReadOnly[str]
    count: ReadOnly[int]


class LiveVersion(TypedDict):
    """Open and paused instances of one (process, pinned version, node)."""

    process_id: ReadOnly[str]
    process_hash: ReadOnly[str]
    node: ReadOnly[str | None]
    count: ReadOnly[int]


# customer profiles (客户档案) ---------------------------------------------------------------


class CustomerUpdate(TypedDict, total=False):
    """The columns of a stored profile a write changes (a whole save, a stage, a merge)."""

    name: ReadOnly[str]
    name_key: ReadOnly[str]  # normalised, for duplicates
    owner: ReadOnly[str]
    industry: ReadOnly[str]
    size: ReadOnly[str | None]
    stage: ReadOnly[str]
    grade: ReadOnly[str | None]
    graded_at: ReadOnly[datetime | None]
    referred_by: ReadOnly[str | None]
    completeness: ReadOnly[int]  # percent
    missing: ReadOnly[Sequence[str]]  # the required keys still empty
    rules_digest: ReadOnly[str]  # the rules those two were computed by
    profile: ReadOnly[Mapping[str, Json]]  # the rest of the record (`customers.records`)
    merged_into: ReadOnly[str | None]  # a merged duplicate points at the profile kept
    updated_at: ReadOnly[datetime]


class ProfileColumns(CustomerUpdate):
    """The columns every write of a profile sets: its real columns, its completeness and
    its document (`CustomerBook` computes them from the record)."""

    name: Required[ReadOnly[str]]
    name_key: Required[ReadOnly[str]]
    owner: Required[ReadOnly[str]]
    industry: Required[ReadOnly[str]]
    size: Required[ReadOnly[str | None]]
    stage: Required[ReadOnly[str]]
    grade: Required[ReadOnly[str | None]]
    referred_by: Required[ReadOnly[str | None]]
    completeness: Required[ReadOnly[int]]
    missing: Required[ReadOnly[Sequence[str]]]
    rules_digest: Required[ReadOnly[str]]
    profile: Required[ReadOnly[Mapping[str, Json]]]
    updated_at: Required[ReadOnly[datetime]]


class NewCustomer(ProfileColumns):
    """A profile to insert; the store adds its revision."""

    id: Required[ReadOnly[str]]
    created_at: Required[ReadOnly[datetime]]
    graded_at: Required[ReadOnly[datetime | None]]


class CustomerSummary(TypedDict):
    """A stored profile without its document: what lists and checks read."""

    id: ReadOnly[str]
    name: ReadOnly[str]
    name_key: ReadOnly[str]
    owner: ReadOnly[str]
    industry: ReadOnly[str]
    size: ReadOnly[str | None]
    stage: ReadOnly[str]
    grade: ReadOnly[str | None]
    graded_at: ReadOnly[datetime | None]
    completeness: ReadOnly[int]
    missing: ReadOnly[Sequence[str]]
    rules_digest: ReadOnly[str]
    merged_into: ReadOnly[str | None]
    referred_by: ReadOnly[str | None]
    created_at: ReadOnly[datetime]
    updated_at: ReadOnly[datetime]
    revision: ReadOnly[int]


class CustomerRow(CustomerSummary):
    """A stored profile, document included."""

    profile: ReadOnly[Mapping[str, Json]]


class NewCustomerTimer(TypedDict):
    """A maintenance period or the next value review of a customer, to insert."""

    customer_id: ReadOnly[str]
    kind: ReadOnly[str]  # maintenance | review
    sla: ReadOnly[str]
    lane: ReadOnly[str | None]  # who follows up
    calendar: ReadOnly[str]
    started_at: ReadOnly[datetime]
    warn_at: ReadOnly[datetime | None]
    due_at: ReadOnly[datetime]  # always set (the column is nullable like the timers')
    required: ReadOnly[int]
    done: ReadOnly[int]
    method: ReadOnly[Method | None]
    period: ReadOnly[str]  # always set: both kinds are cadences (coded: `Cadence.code`)
    state: ReadOnly[str]  # running | late | met | missed | stopped
    ended_at: ReadOnly[datetime | None]


class CustomerTimerRow(NewCustomerTimer):
    """A customer timer as stored."""

    id: ReadOnly[int]


class CustomerAlertRow(CustomerTimerRow):
    """A customer timer past its warning, with its customer's name, owner (at the moment
    asked about), grade and stage."""

    name: ReadOnly[str]
    owner: ReadOnly[str]
    grade: ReadOnly[str | None]
    stage: ReadOnly[str]


class NewFollowUp(TypedDict):
    """A follow-up (跟进记录) on a customer, to insert."""

    customer_id: ReadOnly[str]
    instance_id: ReadOnly[int | None]  # the opportunity it was logged on, if any
    at: ReadOnly[datetime]  # when the contact happened
    recorded_at: ReadOnly[datetime]
    late_seconds: ReadOnly[int]  # recorded_at - at, for the upkeep rule (0: imported history)
    method: ReadOnly[str]
    content: ReadOnly[str]
    feedback: ReadOnly[str]
    next_step: ReadOnly[str]
    owner: ReadOnly[str]


class FollowUpEntry(NewFollowUp):
    """A follow-up as stored."""

    id: ReadOnly[int]


class NamedFollowUp(FollowUpEntry):
    """A follow-up with its customer's name (the exported 客户跟进记录表)."""

    customer_name: ReadOnly[str]


class LateEntryRow(FollowUpEntry):
    """A follow-up entered late (`owner`: who entered it), with its customer's name, owner,
    grade and stage."""

    name: ReadOnly[str]
    owner_1: ReadOnly[str]  # the customer's owner, so named by SQLAlchemy beside `owner`
    grade: ReadOnly[str | None]
    stage: ReadOnly[str]


class NewCustomerChange(TypedDict):
    """A line of a profile's history: when, who, what kind, field -> [before, after]."""

    customer_id: ReadOnly[str]
    recorded_at: ReadOnly[datetime]
    kind: ReadOnly[str]  # added | edited | graded | merged | won | opportunity
    actor: ReadOnly[str]  # who ran the command (--user), or ""
    changes: ReadOnly[Mapping[str, Sequence[Json]]]


class CustomerChangeRow(NewCustomerChange):
    """A line of a profile's history as stored."""

    id: ReadOnly[int]


class NewMerge(TypedDict):
    """A merge as `customer unmerge` needs it: the profile kept, the ones folded in (id ->
    the profile document, for rows of a file: name -> document), what it did field by
    field, the kept profile's changes, and what it moved (absorbed id -> table -> ids)."""

    customer_id: ReadOnly[str]
    recorded_at: ReadOnly[datetime]
    actor: ReadOnly[str]
    absorbed: ReadOnly[Mapping[str, Json]]
    fields: ReadOnly[Sequence[Json]]
    changes: ReadOnly[Mapping[str, Sequence[Json]]]
    moved: ReadOnly[Mapping[str, Json]]


class MergeRow(NewMerge):
    """A merge as stored."""

    id: ReadOnly[int]
    undone_at: ReadOnly[datetime | None]


class NewAudit(TypedDict):
    """A profile drawn into a week's spot check (档案抽查)."""

    week: ReadOnly[str]  # ISO week, 2026-W48
    team: ReadOnly[str]  # "" for the whole organisation
    customer_id: ReadOnly[str]
    sampled_at: ReadOnly[datetime]
    result: ReadOnly[str | None]  # None until checked: ok | problem
    note: ReadOnly[str]


class AuditFinding(TypedDict):
    """What the manager found on one sampled profile."""

    result: ReadOnly[str]
    note: ReadOnly[str]
    checked_by: ReadOnly[str]
    checked_at: ReadOnly[datetime]


class AuditRow(NewAudit):
    """A sampled profile as stored."""

    id: ReadOnly[int]
    checked_by: ReadOnly[str | None]
    checked_at: ReadOnly[datetime | None]


class SampledRow(AuditRow):
    """A sampled profile with its customer's name and owner."""

    name: ReadOnly[str]
    owner: ReadOnly[str]


class OwnerChange(TypedDict):
    """A profile's owner changed: [before, after], when it was recorded."""

    customer_id: ReadOnly[str]
    at: ReadOnly[datetime]
    owner: ReadOnly[Sequence[Json]]


class OpportunityRef(TypedDict):
    """An opportunity of a customer, as its profile names it."""

    id: ReadOnly[int]
    name: ReadOnly[str]
    state: ReadOnly[str]


class CustomerOpportunity(OpportunityRef):
    """An opportunity of a customer, open or closed, with where it is."""

    node: ReadOnly[str | None]
    process_id: ReadOnly[str]


class Referral(TypedDict):
    """A customer another one referred (转介绍)."""

    id: ReadOnly[str]
    name: ReadOnly[str]
    stage: ReadOnly[str]


class OwnerCompleteness(TypedDict):
    """Live profiles of one owner: how many, how many complete, mean completeness."""

    owner: ReadOnly[str]
    customers: ReadOnly[int]
    complete: ReadOnly[int | None]
    average: ReadOnly[float | Decimal]  # PostgreSQL's AVG is numeric


class ValueCounts(TypedDict):
    """The counts behind 价值评估 of one owner, grade or customer (sums may be None)."""

    key: ReadOnly[str | None]  # owner, grade (None: not graded) or customer id
    name: NotRequired[ReadOnly[str]]  # the customer's name, when by customer
    customers: ReadOnly[int]
    won: ReadOnly[int | None]
    buyers: ReadOnly[int | None]
    repeat_buyers: ReadOnly[int | None]
    orders: ReadOnly[int | None]
    won_referrers: ReadOnly[int | None]
    referred: ReadOnly[int | None]
    referred_won: ReadOnly[int | None]
    revenue: ReadOnly[float | None]


class NewLogEntry(TypedDict):
    """One line of the audit log: who did (or was refused) what, on whose record."""

    at: ReadOnly[datetime]
    actor: ReadOnly[str]
    command: ReadOnly[str]
    action: ReadOnly[str]
    target: ReadOnly[str]
    owner: ReadOnly[str]
    outcome: ReadOnly[str]  # done | refused
    detail: ReadOnly[Json]


class LogEntryRow(NewLogEntry):
    id: ReadOnly[int]


# -- the workspace's accounts (store.accounts) ---------------------------------------------


class AccountRow(TypedDict):
    person: ReadOnly[str]
    password_hash: ReadOnly[str | None]
    password_set_at: ReadOnly[datetime | None]
    failures: ReadOnly[int]
    locked_until: ReadOnly[datetime | None]
    sessions_after: ReadOnly[datetime | None]


class SessionRow(TypedDict):
    digest: ReadOnly[str]
    person: ReadOnly[str]
    csrf: ReadOnly[str]
    created_at: ReadOnly[datetime]
    expires_at: ReadOnly[datetime]
    how: ReadOnly[str]


class InvitationRow(TypedDict):
    digest: ReadOnly[str]
    person: ReadOnly[str]
    created_by: ReadOnly[str]
    created_at: ReadOnly[datetime]
    expires_at: ReadOnly[datetime]
    used_at: ReadOnly[datetime | None]


class NewToken(TypedDict):
    person: ReadOnly[str]
    name: ReadOnly[str]
    digest: ReadOnly[str]
    scope: ReadOnly[str]  # read | write
    created_at: ReadOnly[datetime]
    expires_at: ReadOnly[datetime | None]


class TokenRow(NewToken):
    id: ReadOnly[int]
    last_used_at: ReadOnly[datetime | None]
    revoked_at: ReadOnly[datetime | None]


# notifications (revision 0010) ------------------------------------------------------------


class NewNotice(TypedDict):
    """A notice a pass means to send: its key (subject, level, recipient, channel) and what
    `notify log` shows of it."""

    subject: ReadOnly[str]
    level: ReadOnly[int]
    recipient: ReadOnly[str]
    channel: ReadOnly[str]
    rule: ReadOnly[str]
    kind: ReadOnly[str]  # breach | at-risk | daily | weekly
    owner: ReadOnly[str]
    title: ReadOnly[str]


class NoticeRow(NewNotice):
    id: ReadOnly[int]
    state: ReadOnly[str]  # sending | sent | failed | unknown
    attempts: ReadOnly[int]
    first_at: ReadOnly[datetime]
    updated_at: ReadOnly[datetime]
    sent_at: ReadOnly[datetime | None]
    delivery: ReadOnly[int | None]
    error: ReadOnly[str]


class DeliveryRow(TypedDict):
    """One message through a channel."""

    id: ReadOnly[int]
    channel: ReadOnly[str]
    audience: ReadOnly[str]  # a person id, or team:ID for a group
    started_at: ReadOnly[datetime]
    ended_at: ReadOnly[datetime | None]
    state: ReadOnly[str]  # sending | sent | failed
    notices: ReadOnly[int]
    tries: ReadOnly[int]
    error: ReadOnly[str]


class ChannelFailure(TypedDict):
    """A channel whose deliveries have failed since it last delivered one."""

    channel: ReadOnly[str]
    since: ReadOnly[datetime]  # the first failure after its last success
    failures: ReadOnly[int]
    last: ReadOnly[int]  # the id of the latest failed delivery
    error: ReadOnly[str]  # what went wrong with it
