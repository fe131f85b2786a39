"""What a notification pass works with: a snapshot of the status, the notices it plans, the
deliveries (messages) it groups them into, and the report it gives back. Plain records:
`planning` makes them without reading anything, `output.notices` words them, `passes`
claims, sends and records them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from types import MappingProxyType

from flowkit.store.rows import NewNotice
from flowkit.tracking.views import Alert

NoticeKey = tuple[str, int, str, str]  # subject, level, recipient, channel (the ledger's key)


def item_key(line: Alert) -> str:
    """A timer as notices name it, stable while the timer stands: its record, node, kind and
    due instant (a deadline moved by a pause, or a new period of a cadence, is a new one)."""
    due = line.due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if line.customer_id:
        return f"customer:{line.customer_id}:{line.node}:{due}"
    return f"opportunity:{line.instance_id}:{line.node}:{line.kind}:{due}"


@dataclass(frozen=True)
class Weekly:
    """One team's week, for its manager's digest: breaches, 档案完整率, the spot check."""

    team: str
    team_name: str
    breached: int  # the team's breached timers now
    at_risk: int
    worst: tuple[Alert, ...]  # the most overdue few
    profiles: int  # live customer profiles the team owns
    complete: int  # ... of them complete by customers.yaml
    incomplete: tuple[tuple[str, str, str, int], ...]  # the least complete few: id, name, owner, %
    week: str  # ISO week: 2026-W49
    rate: float  # the share the spot check draws
    population: int
    sample: tuple[tuple[str, str, str], ...]  # the week's sampled profiles: id, name, owner


@dataclass(frozen=True)
class Snapshot:
    """What a pass knows of the world at `now`, read before planning (planning reads nothing)."""

    now: datetime
    lines: Sequence[Alert]  # breached and at-risk timers of open records, worst first
    today: date  # on the digests' calendar, in its time zone
    clock: time  # the time of day there
    workday: bool  # whether today is a working day there
    week: str  # today's ISO week
    weekdays: Mapping[int, date | None] = field(default_factory=dict)  # weekly digest day
    weekly: Mapping[str, Weekly] = field(default_factory=lambda: MappingProxyType({}))
    actions: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (process, node)
    contacts: Mapping[str, str] = field(default_factory=dict)  # item key -> contact person


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person through one channel, once."""

    subject: str  # breach|<item>, at-risk|<item>, daily|<rule>|<date>, weekly|<rule>|<week>|<team>
    level: int  # 0: the first told; n: the n-th manager up the owner's chain
    recipient: str  # a person id
    channel: str
    rule: str
    kind: str  # breach | at-risk | daily | weekly
    owner: str  # whose record (a digest: the recipient)
    items: tuple[Alert, ...] = ()  # the timer (one), or a digest's lines
    weekly: Weekly | None = None
    contacts: bool = False  # the customer's contact may be shown (the rule says so)

    @property
    def key(self) -> NoticeKey:
        return (self.subject, self.level, self.recipient, self.channel)

    def row(self) -> NewNotice:
        """The ledger's row (its title: what `notify log` shows of it)."""
        if self.items and self.kind in ("breach", "at-risk"):
            line = self.items[0]
            title = f"{line.name or line.customer} · {line.node_name or line.node}"
        elif self.weekly is not None:
            title = f"{self.weekly.week} {self.weekly.team_name}"
        else:
            title = self.subject.split("|")[-1]
        return {
            "subject": self.subject,
            "level": self.level,
            "recipient": self.recipient,
            "channel": self.channel,
            "rule": self.rule,
            "kind": self.kind,
            "owner": self.owner,
            "title": title,
        }


@dataclass(frozen=True)
class Delivery:
    """The notices one message (or a few, when it is long) carries: to one person, or to a
    team's group chat, through one channel, in one language."""

    channel: str
    audience: str  # a person id, or group:<channel> / team:<team> for a group chat
    lang: str
    notices: tuple[Notice, ...]

    @property
    def recipients(self) -> tuple[str, ...]:
        """The people the message is for, in order of first appearance (who it mentions)."""
        return tuple(dict.fromkeys(n.recipient for n in self.notices))


@dataclass(frozen=True)
class Unrouted:
    """A notice no channel can carry: the reason says what to add to notify.yaml or org.yaml."""

    recipient: str
    subject: str
    reason: str  # no-group (the team has none) | no-email | inactive | no-manager


@dataclass(frozen=True)
class Plan:
    deliveries: tuple[Delivery, ...]
    unrouted: tuple[Unrouted, ...] = ()
    settled: int = 0  # notices due but sent (or being sent) already


@dataclass(frozen=True)
class Sent:
    """What became of one message of a pass."""

    channel: str
    audience: str
    recipients: tuple[str, ...]
    notices: int
    ok: bool
    error: str = ""
    text: str = ""  # what was (or, in a dry run, would be) sent, as plain text
    tries: int = 0
    skipped: int = 0  # notices another run had claimed meanwhile


@dataclass(frozen=True)
class PassReport:
    """One pass: what was sent where, what failed, what could not be routed."""

    now: datetime
    dry_run: bool
    sent: tuple[Sent, ...]
    unrouted: tuple[Unrouted, ...] = ()
    settled: int = 0

    @property
    def failed(self) -> tuple[Sent, ...]:
        return tuple(s for s in self.sent if not s.ok)

    @property
    def ok(self) -> bool:
        return not self.failed
