"""Planning a pass: a status snapshot, the notice ledger and the rules in, the messages to
send out. A pure function: it reads nothing and writes nothing, so a dry run, a test and
the benchmark see exactly what a real pass would send.

Who is told what (the rules of notify.yaml, docs/notifications.md):

- **breach**: when a timer a rule covers passes its deadline, the people of `tell` (the
  owner by default) at level 0; once it is late by each `escalate` step (working time on
  its own calendar for a business step), the next manager up the owner's chain, level 1, 2 …
- **at-risk**: past its warning and not yet due, the people of `tell`, once.
- **daily**: on a working day from the rule's time on, each person's (or each manager's
  team's) late and at-risk timers in one digest.
- **weekly**: on the rule's weekday (the next working day if it is a day off) from its time
  on, each team manager their team's breaches, profile completeness and spot-check sample.

Each notice is keyed (subject, level, recipient, channel); a key the ledger holds as sent or
being sent is planned no more. The notices left are grouped into deliveries: one per person
per personal channel (email, webhook), one per group chat and language for a group robot,
so 10,000 late timers of 200 people make a few hundred messages, not 10,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import timedelta

from flowkit.lang.sla import Duration
from flowkit.model import Org, Person
from flowkit.model.notify import MANAGER, OWNER, TEAM, NotifyConfig, Rule
from flowkit.notify.records import (
    Delivery,
    Notice,
    NoticeKey,
    Plan,
    Snapshot,
    Unrouted,
    item_key,
)
from flowkit.tracking.views import Alert

DEFAULT_LANG = "zh-CN"
_UNITS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}


def plan(
    snapshot: Snapshot, config: NotifyConfig, org: Org, settled: Collection[NoticeKey]
) -> Plan:
    """The deliveries of one pass at `snapshot.now`: every notice due by the rules and not
    `settled` (sent or being sent, by the ledger), grouped into messages."""
    planner = _Planner(snapshot, config, org)
    for rule in config.rules:
        if rule.on in ("breach", "at-risk"):
            planner.timers(rule)
        elif rule.on == "daily":
            planner.daily(rule)
        else:
            planner.weekly(rule)
    return planner.grouped(settled)


def subjects(snapshot: Snapshot, config: NotifyConfig, teams: Iterable[str] = ()) -> list[str]:
    """Every subject a pass at this snapshot could plan (what to ask the ledger about);
    `teams`: those a weekly digest may go to (else the teams of the snapshot's weeks)."""
    found: dict[str, None] = {}
    kinds = {rule.on for rule in config.rules}
    for line in snapshot.lines:
        key = item_key(line)
        if "breach" in kinds and line.breached:
            found[f"breach|{key}"] = None
        if "at-risk" in kinds and not line.breached:
            found[f"at-risk|{key}"] = None
    for rule in config.rules:
        if rule.on == "daily":
            found[f"daily|{rule.id}|{snapshot.today.isoformat()}"] = None
        elif rule.on == "weekly":
            for team in teams or snapshot.weekly:
                found[f"weekly|{rule.id}|{snapshot.week}|{team}"] = None
    return list(found)


def covers(rule: Rule, line: Alert) -> bool:
    """Whether the rule is about this timer: its process, nodes and lanes (a customer's
    timer belongs to no process or node, so only rules naming neither cover it)."""
    if line.customer_id:
        if not rule.customers or line.node == "upkeep":  # a late entry is no one's to chase
            return False
    else:
        if rule.process is not None and line.process_id != rule.process:
            return False
        if rule.nodes and line.node not in rule.nodes:
            return False
    return not rule.lanes or line.lane in rule.lanes


def late_by(line: Alert, after: Duration) -> bool:
    """Whether the timer is late by at least `after`: in working time on its calendar for
    a business duration (a working day is that calendar's), in clock time otherwise."""
    if after.business:
        unit = line.day_length if after.unit == "day" else timedelta(hours=1)
        return line.late_business >= unit * after.amount
    return line.late_clock >= timedelta(seconds=_UNITS[after.unit] * after.amount)


class _Planner:
    def __init__(self, snapshot: Snapshot, config: NotifyConfig, org: Org) -> None:
        self.snapshot, self.config, self.org = snapshot, config, org
        self.notices: dict[NoticeKey, Notice] = {}
        self.unrouted: dict[tuple[str, str], Unrouted] = {}
        self._chains: dict[str, tuple[Person, ...]] = {}

    # who ------------------------------------------------------------------------------
    def chain(self, person_id: str) -> tuple[Person, ...]:
        """The active managers above a person, nearest first (one who left is skipped)."""
        found = self._chains.get(person_id)
        if found is None:
            found = tuple(p for p in self.org.reports_to(person_id) if p.active)
            self._chains[person_id] = found
        return found

    def told(self, rule: Rule, owner: str) -> Iterator[str]:
        """The people level 0 of a rule tells about a record of `owner`."""
        for who in rule.tell:
            if who == OWNER:
                yield owner
            elif who == MANAGER:
                chain = self.chain(owner)
                if chain:
                    yield chain[0].id
                else:
                    self.unroutable(owner, f"{rule.id}:{owner}", "no-manager")
            else:
                yield who

    # what -------------------------------------------------------------------------------
    def timers(self, rule: Rule) -> None:
        breach = rule.on == "breach"
        for line in self.snapshot.lines:
            if line.breached != breach or not covers(rule, line):
                continue
            subject = f"{rule.on}|{item_key(line)}"
            for person in self.told(rule, line.owner):
                self.add(rule, subject, 0, person, line.owner, (line,), team_of=line.owner)
            if not breach:
                continue
            chain = self.chain(line.owner)
            for level, step in enumerate(rule.escalate, 1):
                if not late_by(line, step.after):
                    break
                if level > len(chain):
                    self.unroutable(line.owner, f"{subject}#{level}", "no-manager")
                    break
                self.add(rule, subject, level, chain[level - 1].id, line.owner, (line,), line.owner)

    def daily(self, rule: Rule) -> None:
        snap = self.snapshot
        if not snap.workday or rule.at is None or snap.clock < rule.at:
            return
        mine: dict[str, list[Alert]] = defaultdict(list)
        for line in snap.lines:
            if covers(rule, line):
                for person in self.told(rule, line.owner):
                    mine[person].append(line)
        subject = f"daily|{rule.id}|{snap.today.isoformat()}"
        for person, lines in mine.items():
            self.add(rule, subject, 0, person, person, tuple(lines), team_of=person)

    def weekly(self, rule: Rule) -> None:
        snap = self.snapshot
        if snap.weekdays.get(rule.day) != snap.today or rule.at is None or snap.clock < rule.at:
            return
        for team in self.org.teams:
            facts = snap.weekly.get(team.id)
            if team.manager is None or facts is None:
                continue
            subject = f"weekly|{rule.id}|{snap.week}|{team.id}"
            notice_team = team.id
            self.add(
                rule, subject, 0, team.manager, team.manager, (), team=notice_team, weekly=facts
            )

    # where ------------------------------------------------------------------------------
    def add(
        self,
        rule: Rule,
        subject: str,
        level: int,
        recipient: str,
        owner: str,
        items: tuple[Alert, ...],
        team_of: str = "",
        *,
        team: str = "",
        weekly: object = None,
    ) -> None:
        """The notice of `subject` at `level` to `recipient` through each channel of the
        rule's `via`; the group of `team` (else of `team_of`'s team) for `team`."""
        person = self.org.person(recipient)
        if person is None or not person.active:
            self.unroutable(recipient, subject, "inactive")
            return
        for via in rule.via:
            channel = self.channel_for(via, team or self._team(team_of))
            if channel is None:
                self.unroutable(recipient, subject, "no-group")
                continue
            if self.config.channel(channel) is not None and not self._reaches(channel, person):
                self.unroutable(recipient, subject, "no-email")
                continue
            notice = Notice(
                subject=subject,
                level=level,
                recipient=recipient,
                channel=channel,
                rule=rule.id,
                kind=rule.on,
                owner=owner,
                items=items,
                weekly=weekly,  # type: ignore[arg-type]
                contacts=rule.contacts,
            )
            self.notices.setdefault(notice.key, notice)

    def channel_for(self, via: str, team: str) -> str | None:
        if via != TEAM:
            return via
        return self.config.teams.get(team) if team else None

    def _team(self, person_id: str) -> str:
        person = self.org.person(person_id) if person_id else None
        return person.team or "" if person is not None else ""

    def _reaches(self, channel_id: str, person: Person) -> bool:
        channel = self.config.channel(channel_id)
        return channel is None or channel.type != "email" or bool(person.email)

    def unroutable(self, recipient: str, subject: str, reason: str) -> None:
        self.unrouted.setdefault((recipient, subject), Unrouted(recipient, subject, reason))

    # grouped ----------------------------------------------------------------------------
    def grouped(self, settled: Collection[NoticeKey]) -> Plan:
        """The notices not settled, one delivery per (channel, audience, language)."""
        groups: dict[tuple[str, str, str], list[Notice]] = defaultdict(list)
        done = 0
        for key, notice in self.notices.items():
            if key in settled:
                done += 1
                continue
            channel = self.config.channel(notice.channel)
            person = self.org.person(notice.recipient)
            lang = (person.language if person else None) or DEFAULT_LANG
            group = channel is not None and channel.is_group
            audience = f"group:{notice.channel}" if group else notice.recipient
            groups[notice.channel, audience, lang].append(notice)
        deliveries = tuple(
            Delivery(channel, audience, lang, tuple(found))
            for (channel, audience, lang), found in sorted(groups.items(), key=lambda kv: kv[0])
        )
        return Plan(deliveries, tuple(self.unrouted.values()), done)
