"""Every measure of the monthly review, computed from the recorded history of one month.

A `History` is one month's reads for the people a person may see (their own numbers for a
consultant, their team's for a manager: `Access.narrowed("review", ...)`), made once and
shared by every measure. Each measure is a function of it, registered in `MEASURES` under
the name `flowkit kpi MEASURE` takes; each returns plain records (docs/review.md defines
what each counts, once).

Credit goes to whoever it belongs to at the moment it happened: a step's deadline to the
person who did the step (the `by` of its completion; the owner then, when the deal was
closed instead), an entry, a close or a cadence period to the opportunity's owner at that
moment (taken back through the `assigned` events), a profile to its owner at the month's
end, a spot check to the owner when it was checked.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache, wraps
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeVar

from flowkit.access.people import person_name, team_key, team_name
from flowkit.review.period import Month

if TYPE_CHECKING:
    from flowkit.model import Process
    from flowkit.store.review import MonthEvent, Opportunity, Period, Profile, ProfileChange
    from flowkit.tracking.tracker import Tracker

OTHER = "other"  # the lost reason of free text, or of a process without a vocabulary


# records ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """A share with its counts: `done` of `total` (None when there was nothing to count)."""

    key: str
    name: str
    done: int
    total: int
    extra: int = 0  # what the measure counts beside (deadlines still overdue, problems ...)

    @property
    def rate(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Completeness:
    """档案完整率 at the month's end: complete profiles per person and team, and the
    required fields most often missing."""

    overall: Rate
    people: tuple[Rate, ...]
    teams: tuple[Rate, ...]
    missing: tuple[tuple[str, str, int], ...]  # (field, its label, profiles lacking it)


@dataclass(frozen=True)
class OnTime:
    """节点准时率: deadlines met among those settled in the month, per node and per person
    who did the step; `extra` holds those still overdue at the month's end."""

    overall: Rate
    nodes: tuple[Rate, ...]
    people: tuple[Rate, ...]


@dataclass(frozen=True)
class Cadence:
    """拜访达成率: follow-ups done (up to what each period required) against those required,
    over the cadence periods that ended in the month; `extra` holds the periods missed."""

    overall: Rate
    people: tuple[Rate, ...]


@dataclass(frozen=True)
class Stage:
    process_id: str
    node: str
    name: str
    entered: int
    moved_on: int
    closed: int  # won or lost while at it (at an end: ended there)
    won: int  # of those closed, won (at an end: its outcome)
    end: bool = False  # an end node: nothing moves on from it

    @property
    def conversion(self) -> float | None:
        """Moved on among those that entered; None for an end or when none entered."""
        return self.moved_on / self.entered if self.entered and not self.end else None


@dataclass(frozen=True)
class Conversion:
    """Per stage: entered, moved on, closed there in the month; and lead → won: of the
    opportunities started in the six months to the month's end, the share won by then."""

    stages: tuple[Stage, ...]
    leads: int
    won: int

    @property
    def lead_to_won(self) -> float | None:
        return self.won / self.leads if self.leads else None


@dataclass(frozen=True)
class Duration:
    process_id: str
    node: str
    name: str
    count: int
    median: timedelta
    p90: timedelta


@dataclass(frozen=True)
class PipelineStage:
    process_id: str
    node: str
    name: str
    count: int
    value: float  # the amounts of the open opportunities at it, 元
    probability: float | None  # the stage's, as the process declares it
    weighted: float  # value × probability (0 without one)


@dataclass(frozen=True)
class Pipeline:
    """The open opportunities at the month's end per stage, their amounts, and the
    forecast weighted by each stage's probability."""

    stages: tuple[PipelineStage, ...]

    @property
    def value(self) -> float:
        return sum(s.value for s in self.stages)

    @property
    def weighted(self) -> float:
        return sum(s.weighted for s in self.stages)

    @property
    def count(self) -> int:
        return sum(s.count for s in self.stages)


@dataclass(frozen=True)
class Outcome:
    key: str
    name: str
    won: int
    won_value: float
    lost: int
    lost_value: float

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


@dataclass(frozen=True)
class Outcomes:
    """Opportunities won and lost in the month, with their amounts, overall and per owner."""

    overall: Outcome
    people: tuple[Outcome, ...]


@dataclass(frozen=True)
class LostReason:
    code: str
    name: str
    count: int
    value: float
    notes: tuple[str, ...] = ()  # the words given with them (free text of old closes too)


@dataclass(frozen=True)
class Share:
    value: str
    count: int


@dataclass(frozen=True)
class Distribution:
    """Live customers at the month's end by industry, size, grade, stage and tag."""

    total: int
    by: Mapping[str, tuple[Share, ...]]


@dataclass(frozen=True)
class Migration:
    before: str  # "-": not graded
    after: str
    count: int


@dataclass(frozen=True)
class Trait:
    dimension: str  # industry | size | tag | stage
    value: str
    a_count: int
    a_share: float
    rest_share: float

    @property
    def lift(self) -> float:
        """How much more often A-grade customers have it than the rest (share difference)."""
        return self.a_share - self.rest_share


@dataclass(frozen=True)
class Traits:
    """What A-grade customers have in common, compared with the rest."""

    a_count: int
    rest_count: int
    a_completeness: float | None
    rest_completeness: float | None
    traits: tuple[Trait, ...]


# the month's reads ----------------------------------------------------------------------
@dataclass
class History:
    """One month's records for the people in `owners` (None: everyone), read once."""

    tracker: Tracker
    month: Month
    owners: frozenset[str] | None
    _cache: dict[str, Any] = field(default_factory=dict)
    horizon: datetime | None = None  # the latest month's end of a pack (shared work)
    floor: datetime | None = None  # the earliest month's start of a pack (shared reads)
    shared: dict[str, Any] = field(default_factory=dict)  # work shared by a pack's months

    @classmethod
    def of(
        cls,
        tracker: Tracker,
        month: Month,
        asked: Iterable[str] | None = None,
        horizon: datetime | None = None,
        shared: dict[str, Any] | None = None,
        floor: datetime | None = None,
    ) -> History:
        """The month's history for the people the person acting may see (`asked`: only
        these of them); the months of a pack, from `floor` to `horizon`, share the reads
        and work in `shared`."""
        reach = tracker.access.narrowed("review", asked)
        owners = None if reach is None else frozenset(reach)
        work = {} if shared is None else shared
        return cls(tracker, month, owners, horizon=horizon, floor=floor, shared=work)

    def sees(self, person: str | None) -> bool:
        return person is not None and (self.owners is None or person in self.owners)

    def _read(self, key: str, read: Callable[[Any], Any]) -> Any:
        """A read of this month's, made once."""
        if key not in self._cache:
            with self.tracker.store.read() as tx:
                self._cache[key] = read(tx.review)
        return self._cache[key]

    def _shared(self, key: str, read: Callable[[Any], Any]) -> Any:
        """A read every month of a pack shares (it does not depend on the month), made once."""
        if key not in self.shared:
            with self.tracker.store.read() as tx:
                self.shared[key] = read(tx.review)
        return self.shared[key]

    def _by_month(self, name: str, read: Callable[[Any, list[datetime]], Any]) -> Any:
        """A read made for every month of the pack at once (its months from the floor to
        the horizon), this month's part of it; alone, this month's."""
        m = self.month
        first = Month(self._floor.date().replace(day=1), m.tz) if self.floor else m
        months = [first]
        while months[-1].until < max(self.horizon or m.until, m.until):
            months.append(months[-1].next())
        bounds = [one.since for one in months] + [months[-1].until]
        key = f"{name} {bounds[0].isoformat()} {bounds[-1].isoformat()}"
        if key not in self.shared:
            with self.tracker.store.read() as tx:
                self.shared[key] = read(tx.review, bounds)
        index = [one.label for one in months].index(m.label)
        return self.shared[key][index]

    @property
    def _floor(self) -> datetime:
        return min(self.floor or self.month.since, self.month.since)

    def _changes(self) -> list[ProfileChange]:
        """The profile changes recorded from the earliest month of the pack on, oldest first."""
        floor = self._floor
        found: list[ProfileChange] = self._shared(
            f"changes {floor.isoformat()}", lambda q: q.profile_changes(floor)
        )
        return found

    # who owned what when
    @cached_property
    def _assignments(self) -> dict[int, tuple[list[datetime], list[str]]]:
        """Per opportunity reassigned: when, and the owner before each change (shared by
        the months of a pack)."""
        earliest = self._floor - timedelta(days=200)
        key = f"assignments {earliest}"
        if key not in self.shared:
            rows = self._shared(f"assigned {earliest}", lambda q: q.assignments(earliest))
            found: dict[int, tuple[list[datetime], list[str]]] = {}
            for row in rows:
                times, before = found.setdefault(row.instance_id, ([], []))
                times.append(row.at)
                before.append(row.before)
            self.shared[key] = found
        built: dict[int, tuple[list[datetime], list[str]]] = self.shared[key]
        return built

    def owner_at(self, instance_id: int, at: datetime, owner_now: str) -> str:
        """The opportunity's owner at `at`: the one before the first reassignment after it."""
        changes = self._assignments.get(instance_id)
        if changes is None:
            return owner_now
        times, before = changes
        later = bisect.bisect_right(times, at)
        return before[later] if later < len(times) else owner_now

    @cached_property
    def _customer_owners(self) -> dict[str, tuple[list[datetime], list[str]]]:
        found: dict[str, tuple[list[datetime], list[str]]] = {}
        for change in self._changes():
            values = change.changes.get("owner")
            if isinstance(values, list) and len(values) == 2:
                times, before = found.setdefault(change.customer_id, ([], []))
                times.append(change.recorded_at)
                before.append(str(values[0]))
        return found

    # reads
    def events(self, kinds: tuple[str, ...], data: bool = True) -> list[MonthEvent]:
        m = self.month
        found: list[MonthEvent] = self._read(
            f"events{kinds}{data}", lambda q: list(q.events(kinds, m.since, m.until, data))
        )
        return found

    def process(self, process_id: str) -> Process | None:
        return self.tracker.definitions.current.get(process_id)

    def node_name(self, process_id: str, node: str) -> str:
        process = self.process(process_id)
        found = process.node_by_id.get(node) if process is not None else None
        return found.name if found is not None and found.name else node

    def person(self, key: str) -> str:
        return person_name(self.tracker.people, key)

    def team(self, person: str) -> str:
        teams = self.shared.setdefault("teams", {})
        if person not in teams:
            teams[person] = team_key(self.tracker.people, person)
        return str(teams[person])

    def team_name(self, key: str) -> str:
        return team_name(self.tracker.people, key)

    @cached_property
    def _taken_back(self) -> dict[str, dict[str, Any]]:
        """Per customer changed since the month's end: each changed key's value then."""
        until = self.month.until
        then: dict[str, dict[str, Any]] = {}
        for change in self._changes():  # oldest first: a key's first change holds it then
            if change.recorded_at < until:
                continue
            for key, values in change.changes.items():
                # a sealed value (contact data on an encrypted database) is no [before, after]
                if isinstance(values, list) and len(values) == 2:
                    then.setdefault(change.customer_id, {}).setdefault(key, values[0])
        return then

    @cached_property
    def profiles(self) -> list[Profile]:
        """The live profiles at the month's end, as they were then: those unchanged since
        counted together by the database (`times`), the others with owner, industry, size,
        stage, grade and missing fields taken back through the changes recorded since."""
        rows: list[Profile] = self._by_month("profiles", lambda q, b: q.profiles_at(b))
        then = self._taken_back
        rules = self.tracker.definitions.customers
        required = rules.required if rules is not None else ()
        taken_back = [_then(r, then[r.id], required) if r.id in then else r for r in rows]
        return [r for r in taken_back if self.sees(r.owner)]

    @cached_property
    def tag_counts(self) -> list[tuple[str | None, str, int]]:
        """The tags of the profiles at the month's end: (grade then, tag, how many)."""
        counted, each = self._by_month("tags", lambda q, bounds: q.tags_at(bounds))
        found = [(t.grade, t.tag, t.times) for t in counted if self.sees(t.owner)]
        then = self._taken_back
        for p in self.profiles:
            if p.id:  # changed since: its tags then
                before = then.get(p.id, {}).get("tags")
                tags = before if isinstance(before, list) else each.get(p.id, ())
                found += [(p.grade, str(tag), 1) for tag in tags]
        return found

    def customers_seen(self, ids: Iterable[str]) -> set[str]:
        """Those of these customers that were live profiles at the month's end, of an owner
        then whom the scope sees."""
        until, asked = self.month.until, sorted(set(ids))
        with self.tracker.store.read() as tx:
            owners = tx.review.owners_of(asked, until)
        then = self._taken_back
        return {k for k, now in owners.items() if self.sees(then.get(k, {}).get("owner", now))}

    @cached_property
    def closes(self) -> list[tuple[MonthEvent, str, float]]:
        """The month's closes the scope sees: (event, owner then, the opportunity's amount)."""
        m = self.month
        closed: list[tuple[MonthEvent, float]] = self._read(
            "closes", lambda q: q.closes(m.since, m.until)
        )
        found = []
        for e, amount in closed:
            owner = self.owner_at(e.instance_id, e.at, e.owner)
            if self.sees(owner):
                found.append((e, owner, amount))
        return found


COLUMNS_THEN = ("owner", "industry", "size", "stage", "grade")


def _then(p: Profile, before: Mapping[str, Any], required: Sequence[str]) -> Profile:
    """A profile as it was at the month's end: its columns, and which required fields it
    lacked then (a field changed since is judged by its value then)."""
    missing = [
        key
        for key in required
        if (not _filled(key, before[key]) if key in before else key in p.missing)
    ]
    columns = {k: before[k] for k in COLUMNS_THEN if k in before}
    changed = set(missing) != set(p.missing)
    completeness = round(100 * (len(required) - len(missing)) / len(required)) if required else 100
    if changed:
        columns |= {"missing": tuple(missing), "completeness": completeness}
    return p._replace(**columns)


def _filled(key: str, value: Any) -> bool:
    """Whether a value as a history line keeps it fills a required field (the rule of
    `customers.completeness`: contacts need a name and a mobile or an email)."""
    if key == "contacts":
        return isinstance(value, list) and any(
            isinstance(c, dict)
            and str(c.get("name", "")).strip()
            and (str(c.get("mobile", "")).strip() or str(c.get("email", "")).strip())
            for c in value
        )
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


M = TypeVar("M")


def _once(measure: Callable[[History], M]) -> Callable[[History], M]:
    """A measure computed once per month's history (the scorecard and the pack ask again)."""

    @wraps(measure)
    def once(h: History) -> M:
        key = f"measure {measure.__name__}"
        if key not in h._cache:
            h._cache[key] = measure(h)
        found: M = h._cache[key]
        return found

    return once


def _amount(fields: Mapping[str, Any]) -> float:
    value = fields.get("amount")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _fields_amount(
    edits: Sequence[tuple[datetime, int, Any]] | None, until: datetime
) -> float | None:
    """An opportunity's amount at `until` when its fields were edited since (else None):
    that of its last edit (or start) before it."""
    if not edits:
        return None
    before = [fields for at, _, fields in edits if at < until]
    return _amount(before[-1]) if before else None


def _rates(counts: Mapping[str, list[int]], name: Callable[[str], str]) -> tuple[Rate, ...]:
    """Lines of [done, total, extra] counts, worst rate first (none last), then by key."""
    lines = [Rate(k, name(k), *v) for k, v in counts.items()]
    return tuple(sorted(lines, key=lambda r: (r.rate is None, r.rate or 0.0, r.key)))


def _total(counts: Mapping[str, list[int]], key: str, name: str) -> Rate:
    sums = [sum(v[i] for v in counts.values()) for i in range(3)]
    return Rate(key, name, *sums)


# the measures -------------------------------------------------------------------------
@_once
def profile_completeness(h: History) -> Completeness:
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    missing: Counter[str] = Counter()
    # profiles of one owner lacking the same fields counted together: few such groups
    groups: Counter[tuple[str, Sequence[str]]] = Counter()
    for p in h.profiles:
        groups[p.owner, tuple(p.missing)] += p.times
    for (owner, lacking), count in groups.items():
        complete = 0 if lacking else count
        for line in (people[owner], teams[h.team(owner)]):
            line[0] += complete
            line[1] += count
        for key in lacking:
            missing[key] += count
    rules = h.tracker.definitions.customers
    label = rules.label_of if rules is not None else str
    return Completeness(
        _total(people, "*", ""),
        _rates(people, h.person),
        _rates(teams, h.team_name),
        tuple((k, label(k), n) for k, n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


@_once
def on_time(h: History) -> OnTime:
    m = h.month
    ends = h._by_month("deadline ends", lambda q, bounds: q.deadline_ends(bounds))
    overdue = h._read("overdue", lambda q: q.overdue(m.until))
    nodes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for end in ends:
        who = end.doer or (
            h.owner_at(end.instance_id, end.ended_at, end.owner) if end.instance_id else end.owner
        )
        if not h.sees(who):
            continue
        for line in (nodes[f"{end.process_id}/{end.node}"], people[who]):
            line[0] += (end.state == "met") * end.times
            line[1] += end.times
    for late in overdue:
        who = h.owner_at(late.instance_id, m.until, late.owner)
        if h.sees(who):
            nodes[f"{late.process_id}/{late.node}"][2] += 1
            people[who][2] += 1

    def node_name(key: str) -> str:
        process_id, _, node = key.partition("/")
        process = h.process(process_id)
        name = process.name if process is not None else process_id
        return f"{name} / {h.node_name(process_id, node)}"

    return OnTime(_total(people, "*", ""), _rates(nodes, node_name), _rates(people, h.person))


@_once
def cadence(h: History) -> Cadence:
    changed = h._shared("owners changed", lambda q: q.owners_changed())
    settled = h._by_month("periods", lambda q, bounds: q.periods(bounds, changed))
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    org = h.tracker.people
    managers: dict[str, str] = {}
    ones = ((p, p.due_at, p.done, p.times) for p in settled)
    for period, due, done, times in chain(ones, _unsettled(h)):
        if period.customer:
            who = (
                _customer_owner_at(h, period.key, due, period.owner) if period.key else period.owner
            )
            if period.node == "manager":  # A级 maintenance is the manager lane's
                if who not in managers:
                    team = org.team_of(who) if org is not None else None
                    managers[who] = team.manager if team is not None and team.manager else who
                who = managers[who]
        elif period.key:
            who = h.owner_at(int(period.key), due, period.owner)
        else:  # alike periods of opportunities that never changed owner
            who = period.owner
        if not h.sees(who):
            continue
        line = people[who]
        line[0] += min(done, period.required) * times
        line[1] += period.required * times
        line[2] += (done < period.required) * times
    return Cadence(_total(people, "*", ""), _rates(people, h.person))


def _unsettled(h: History) -> Iterator[tuple[Period, datetime, int, int]]:
    """The cadence periods of the month the store still holds running, or has not made
    yet, because nothing touched their opportunity or customer since one ended, as
    (period, its end, follow-ups done, how many such): that period itself (with its own
    count) when it ended in the month, and the periods that follow it, as settling would
    chain them (`timers.cadence.roll`), none of their follow-ups done (a follow-up settles
    them). Read once for the months of a pack; alike periods of records whose owner never
    changed are counted together (customers made together share their maintenance)."""
    m = h.month
    since, until = m.since, m.until
    horizon = max(h.horizon or until, until)
    key = f"unsettled {horizon.isoformat()}"
    if key not in h.shared:
        changed = h._shared("owners changed", lambda q: q.owners_changed())
        h.shared[key] = h._read("unsettled", lambda q: q.unsettled(horizon, changed))
    zones: dict[str, Any] = {}
    for period, length, calendar in h.shared[key]:
        times = period.times
        if since <= period.due_at < until:
            yield period, period.due_at, period.done, times
        tz = zones.get(calendar)
        if tz is None:
            tz = zones[calendar] = h.tracker.calendar(calendar).tz
        for end in _followers(period.due_at, length, tz, since, until):
            yield period, end, 0, times


@lru_cache(maxsize=65536)  # customers made together share their maintenance's ends
def _followers(
    due: datetime, length: str, tz: Any, since: datetime, until: datetime
) -> tuple[datetime, ...]:
    """The ends in [since, until) of the periods following one that ended at `due`: each
    as long as the cadence's — a calendar month (or three) from the last end in the
    calendar's zone, a week or a day of clock time — as `timers.terms.period_end` has it."""
    from flowkit.calendar.periods import add_months

    if length in ("month", "quarter"):
        step = 3 if length == "quarter" else 1
        local, first = due.astimezone(tz), since.astimezone(tz)
        if local.utcoffset() == first.utcoffset() and first.day == 1 and first.hour == 0:
            # the month starts at midnight in the calendar's zone: an end falls in it when
            # its calendar month is the month's (the day and time stay inside it)
            start = local.year * 12 + local.month - 1
            months = first.year * 12 + first.month - 1 - start
            if months < step or months % step:
                return ()
            # chained, a short month on the way clips the day for good (31 → 28 → 28)
            day = min([local.day, *(_month_days(start + j) for j in range(step, months, step))])
            return (add_months(local.replace(day=day), months),)
        ends, end = [], local
        for _ in range(MAX_PERIODS):
            end = add_months(end, step)
            if end >= until:
                break
            if end >= since:
                ends.append(end)
        return tuple(ends)
    size = timedelta(days=7 if length == "week" else 1)
    first_k = max(1, -((due - since) // size))  # the first end at or after since
    last_k = -(-(until - due) // size) - 1  # the last end before until
    return tuple(due + k * size for k in range(first_k, last_k + 1))


def _month_days(index: int) -> int:
    """The days of the month `index` (year * 12 + month - 1)."""
    year, month = divmod(index, 12)
    if month == 1:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (3, 5, 8, 10) else 31


MAX_PERIODS = 1000  # as settling: an opportunity idle for years settles at most this many


def _customer_owner_at(h: History, customer_id: str, at: datetime, owner_now: str) -> str:
    """A customer's owner at `at`: the one before the first change of owner after it."""
    changes = h._customer_owners.get(customer_id)
    if changes is None:
        return owner_now
    times, before = changes
    later = bisect.bisect_right(times, at)
    return before[later] if later < len(times) else owner_now


@_once
def conversion(h: History) -> Conversion:
    """Entries, completions and closes of the month, per stage, by the owner then."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    m = h.month
    for e in h._read("traffic", lambda q: q.traffic(m.since, m.until)):
        who = h.owner_at(e.instance_id, e.at, e.owner) if e.at is not None else e.owner
        if e.node is None or not h.sees(who):
            continue
        line = counts[e.process_id, e.node]
        line[0] += (e.kind in ("entered", "routed")) * e.times
        line[1] += (e.kind in ("completed", "routed")) * e.times
    for e, _, _ in h.closes:
        won = int(_outcome(h, e) == "won")
        end = _end_of(h, e)
        at_node = counts[e.process_id, e.node] if e.node is not None else None
        if end is not None and end != e.node:  # closed from a stage: the end counts it too
            ended = counts[e.process_id, end]
            ended[0] += 1
            ended[2] += 1
            ended[3] += won
        if at_node is not None:
            at_node[2] += 1
            at_node[3] += won
    stages = []
    for process_id in sorted({p for p, _ in counts}):
        process = h.process(process_id)
        order = [n.id for n in process.nodes if n.type != "start"] if process is not None else []
        for node in sorted(
            (n for p, n in counts if p == process_id),
            key=lambda n: (order.index(n) if n in order else len(order), n),
        ):
            entered, moved_on, closed, ended_won = counts[process_id, node]
            name = h.node_name(process_id, node)
            declared = process.node_by_id.get(node) if process is not None else None
            is_end = declared is not None and declared.type == "end"
            stages.append(
                Stage(process_id, node, name, entered, moved_on, closed, ended_won, is_end)
            )
    return Conversion(tuple(stages), *lead_to_won(h))


@_once
def lead_to_won(h: History) -> tuple[int, int]:
    """Of the opportunities started in the six months to the month's end (by the owner
    when they started), how many, and how many were won by its end."""
    since = h.month.back(6)[0].since
    until = h.month.until
    cohort = h._read("cohort", lambda q: q.cohort(since, until))
    mine = [
        o for o in cohort if h.sees(h.owner_at(o.id, o.started_at, o.owner) if o.id else o.owner)
    ]
    wins = sum(
        o.times
        for o in mine
        if o.state == "won" and o.closed_at is not None and o.closed_at < until
    )
    return sum(o.times for o in mine), wins


def _outcome(h: History, e: MonthEvent) -> str:
    outcome = e.data.get("outcome")
    return str(outcome) if outcome else "closed"


def _end_of(h: History, e: MonthEvent) -> str | None:
    """The end node a close lands on (`tracking.measures.end_for`: 丢单 for a deal lost at
    线索初筛)."""
    from flowkit.tracking.measures import end_for

    process = h.process(e.process_id)
    if process is None:
        return None
    code = e.data.get("code")
    end = end_for(process, e.node, _outcome(h, e), code if isinstance(code, str) else None)
    return end.id if end is not None else None


@_once
def stage_times(h: History) -> tuple[Duration, ...]:
    m = h.month
    stays = h._read("stays", lambda q: q.stays(m.since, m.until))
    spent: dict[tuple[str, str], list[float]] = defaultdict(list)
    for stay in stays:
        if h.sees(h.owner_at(stay.instance_id, stay.at, stay.owner)):
            spent[stay.process_id, stay.node].append(max(stay.seconds, 0.0))
    found = []
    for (process_id, node), seconds in sorted(spent.items()):
        ordered = sorted(seconds)
        p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]
        found.append(
            Duration(
                process_id,
                node,
                h.node_name(process_id, node),
                len(ordered),
                timedelta(seconds=round(statistics.median(ordered))),
                timedelta(seconds=round(p90)),
            )
        )
    return tuple(found)


@_once
def pipeline(h: History) -> Pipeline:
    until = h.month.until
    opened: list[Opportunity] = h._by_month("open", lambda q, bounds: q.open_at(bounds))
    moved = h._read("nodes then", lambda q: q.nodes_at(until))
    edits = h._read("edits", lambda q: q.field_edits(until))
    stages: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for o in opened:
        if not h.sees(h.owner_at(o.id, until, o.owner) if o.id else o.owner):
            continue
        node = moved.get(o.id, o.node)
        if node is None:
            continue
        then = _fields_amount(edits.get(o.id), until) if o.id else None
        line = stages[o.process_id, node]
        line[0] += o.times
        line[1] += then if then is not None else (o.amount or 0.0)
    found = []
    for process_id, node in sorted(stages, key=lambda k: _node_order(h, *k)):
        count, value = stages[process_id, node]
        process = h.process(process_id)
        declared = process.node_by_id.get(node) if process is not None else None
        probability = declared.probability if declared is not None else None
        found.append(
            PipelineStage(
                process_id,
                node,
                h.node_name(process_id, node),
                int(count),
                value,
                probability,
                value * (probability or 0.0),
            )
        )
    return Pipeline(tuple(found))


def _node_order(h: History, process_id: str, node: str) -> tuple[str, int, str]:
    process = h.process(process_id)
    ids = [n.id for n in process.nodes] if process is not None else []
    return (process_id, ids.index(node) if node in ids else len(ids), node)


@_once
def outcomes(h: History) -> Outcomes:
    people: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0.0])
    for closed in h._by_month("outcomes", lambda q, bounds: q.outcomes(bounds)):
        if closed.outcome not in ("won", "lost"):
            continue
        owner = (
            h.owner_at(closed.instance_id, closed.at, closed.owner)
            if closed.at is not None
            else closed.owner
        )
        if not h.sees(owner):
            continue
        counts = people[owner]
        at = 0 if closed.outcome == "won" else 2
        counts[at] += closed.times
        counts[at + 1] += closed.amount

    def line(key: str, name: str, v: Sequence[float]) -> Outcome:
        return Outcome(key, name, int(v[0]), v[1], int(v[2]), v[3])

    total = [sum(v[i] for v in people.values()) for i in range(4)]
    lines = [line(k, h.person(k), v) for k, v in people.items()]
    ordered = sorted(lines, key=lambda o: (-o.won_value, -o.won, o.key))
    return Outcomes(line("*", "", total), tuple(ordered))


@_once
def lost_reasons(h: History) -> tuple[LostReason, ...]:
    """Lost deals of the month by reason code, most first: the code given to `close`, else
    the end node's own, else `other` with the free text kept."""
    counts: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for e, _, amount in h.closes:
        if _outcome(h, e) != "lost":
            continue
        code, name, note = _reason(h, e)
        names.setdefault(code, name)
        line = counts.setdefault(code, [0, 0.0, []])
        line[0] += 1
        line[1] += amount
        if note and note not in line[2]:
            line[2].append(note)
    found = [LostReason(c, names[c], v[0], v[1], tuple(v[2])) for c, v in counts.items()]
    return tuple(sorted(found, key=lambda r: (-r.count, -r.value, r.code)))


def _reason(h: History, e: MonthEvent) -> tuple[str, str, str]:
    """(code, its name, the words given) of a lost deal's close."""
    process = h.process(e.process_id)
    code = e.data.get("code")
    note = str(e.data.get("note") or "")
    if process is not None and isinstance(code, str):
        found = process.lost_reason(code)
        if found is not None:
            return found.id, found.name, note
    node = process.node_by_id.get(e.node or "") if process is not None else None
    if node is not None and node.type == "end" and node.reason and process is not None:
        found = process.lost_reason(node.reason)
        if found is not None:
            return found.id, found.name, note
    declared = process.lost_reason(OTHER) if process is not None else None
    text = str(e.data.get("reason") or (node.name if node is not None else ""))
    said = f"{text}: {note}" if note and text else (note or text)
    return OTHER, declared.name if declared is not None else OTHER, said


DIMENSIONS = ("industry", "size", "grade", "stage", "tags")


@_once
def distribution(h: History) -> Distribution:
    by: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    for p in h.profiles:
        by["industry"][p.industry or "-"] += p.times
        by["size"][p.size or "-"] += p.times
        by["grade"][p.grade or "-"] += p.times
        by["stage"][p.stage or "-"] += p.times
    for _, tag, times in h.tag_counts:
        by["tags"][tag] += times
    return Distribution(
        sum(p.times for p in h.profiles),
        {
            d: tuple(Share(v, n) for v, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
            for d, c in by.items()
        },
    )


@_once
def grade_migrations(h: History) -> tuple[Migration, ...]:
    """Grades changed in the month: each customer's grade at its start against its end."""
    m = h.month
    changes = [
        c
        for c in h._changes()
        if c.recorded_at < m.until and isinstance(c.changes.get("grade"), list)
    ]
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for c in changes:
        before, after = c.changes["grade"]
        first.setdefault(c.customer_id, before)
        last[c.customer_id] = after
    visible = h.customers_seen(first)
    moves: Counter[tuple[str, str]] = Counter(
        (first[k] or "-", last[k] or "-") for k in first if k in visible and first[k] != last[k]
    )
    order = _grade_order(h)
    return tuple(
        Migration(b, a, n)
        for (b, a), n in sorted(moves.items(), key=lambda kv: (order(kv[0][0]), order(kv[0][1])))
    )


def _grade_order(h: History) -> Callable[[str], tuple[int, str]]:
    rules = h.tracker.definitions.customers
    graded = list(rules.graded) if rules is not None else []
    return lambda g: (graded.index(g) if g in graded else len(graded), g)


@_once
def spot_checks(h: History) -> tuple[Rate, ...]:
    """Profiles checked in the month per owner when checked: `done` without a problem of
    `total` checked, `extra` the problems."""
    from flowkit.customers.audits import _owner_then

    m = h.month
    with h.tracker.store.read() as tx:
        checks = tx.checked_audits(m.since, m.until)
        changes = tx.owner_changes(sorted({c["customer_id"] for c in checks}), m.since)
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for check in checks:
        owner = _owner_then(check, changes)
        if h.sees(owner):
            problem = check["result"] == "problem"
            people[owner][0] += not problem
            people[owner][1] += 1
            people[owner][2] += problem
    return _rates(people, h.person)


@_once
def traits(h: History) -> Traits:
    """A-grade customers against the rest: the share of each group with each industry,
    size, stage and tag, largest difference first; and their mean completeness."""
    rules = h.tracker.definitions.customers
    top = rules.graded[0] if rules is not None and rules.graded else "A"
    in_a: Counter[tuple[str, str]] = Counter()
    in_rest: Counter[tuple[str, str]] = Counter()
    counts, complete = [0, 0], [0, 0]  # A-grade, the rest
    for p in h.profiles:
        group = 0 if p.grade == top else 1
        counts[group] += p.times
        complete[group] += p.completeness * p.times
        into = in_a if group == 0 else in_rest
        for value in (("industry", p.industry or "-"), ("size", p.size or "-")):
            into[value] += p.times
        into["stage", p.stage or "-"] += p.times
    for grade, tag, times in h.tag_counts:
        (in_a if grade == top else in_rest)["tag", tag] += times
    a, rest = counts
    found = [
        Trait(d, v, in_a[d, v], in_a[d, v] / a, in_rest[d, v] / rest if rest else 0.0)
        for d, v in in_a
    ]
    found.sort(key=lambda t: (-t.lift, t.dimension, t.value))

    def mean(group: int) -> float | None:
        return complete[group] / counts[group] if counts[group] else None

    return Traits(a, rest, mean(0), mean(1), tuple(found))


# the registry -----------------------------------------------------------------------------
MEASURES: dict[str, Callable[[History], Any]] = {
    "profile-completeness": profile_completeness,
    "on-time": on_time,
    "cadence": cadence,
    "conversion": conversion,
    "stage-times": stage_times,
    "pipeline": pipeline,
    "outcomes": outcomes,
    "lost-reasons": lost_reasons,
    "distribution": distribution,
    "grade-migrations": grade_migrations,
    "spot-checks": spot_checks,
    "traits": traits,
}
