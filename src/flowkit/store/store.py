"""Every read and write of tracking data through SQLAlchemy: where flowkit's SQL is written.

A `Store` (`store.handle`) hands out `Tx` objects, one per command:
`with store.write() as tx:` commits everything the command did, or nothing. Rows come
back as the typed dicts of `rows.py` (read-only to the type checker), so the engine
never sees SQLAlchemy and mypy checks
every key it reads. Concurrent writers are caught by the instance's `revision`: an
update names the revision it read, and finding another one means someone else won.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql import ColumnElement, text
from sqlalchemy.sql.elements import BindParameter

from flowkit.errors import ConflictError
from flowkit.messages import msg
from flowkit.store.accounts import AccountQueries
from flowkit.store.auditlog import AuditLogQueries
from flowkit.store.crypto import KeySource
from flowkit.store.customers import CustomerQueries, count_where
from flowkit.store.handle import _RETRY
from flowkit.store.history import alerts_then, completions_with_stay
from flowkit.store.lean import Lean, begin_immediate
from flowkit.store.notices import NoticeQueries
from flowkit.store.reading import (
    LIVE_INSTANCE_COLUMNS,
    LIVE_TIMER_COLUMNS,
    LiveAlert,
    StatusFilter,
    activity_rows,
    filter_params,
    owned_counts,
)
from flowkit.store.rows import (
    ActivityRow,
    AlertRow,
    ChannelFailure,
    DeadlineCounts,
    DueRow,
    EventRow,
    ImportedTimer,
    InstanceRow,
    InstanceUpdate,
    KeptTimer,
    LastWork,
    LiveVersion,
    NamedTimerRow,
    NewEvent,
    NewInstance,
    NewTimer,
    NodeTraffic,
    NumberedEvent,
    OldDataDeadlineRow,
    OwnerChange,
    PinnedVersion,
    SampledRow,
    TimerRow,
    TimerUpdate,
)
from flowkit.store.tables import (
    audits,
    customer_changes,
    customers,
    events,
    imports,
    instances,
    process_versions,
    timer_history,
    timers,
)

if TYPE_CHECKING:
    from flowkit.store.review import ReviewQueries


class Tx:
    """The queries, on one connection inside one transaction."""

    def __init__(self, conn: Connection, keys: KeySource | None = None) -> None:
        self.conn = conn
        # the customer-profile queries; `keys`: the data key of encrypted profiles
        self.customers = CustomerQueries(conn, keys)
        self.log = AuditLogQueries(conn)  # who did what (appended with each write)
        self.accounts = AccountQueries(conn)  # the workspace's logins (store.accounts)
        self.notices = NoticeQueries(conn, self.serialize)  # the notice ledger (notify)
        self._open_timers: dict[int, list[TimerRow]] = {}  # read with their instance

    @property
    def review(self) -> ReviewQueries:
        """What the monthly review reads (`store.review`): a period's records as recorded."""
        from flowkit.store.review import ReviewQueries

        return ReviewQueries(self.conn)

    # writers that check before they insert -----------------------------------------
    def serialize(self) -> None:
        """Wait until no other writer holding this is running, then hold it until this
        transaction ends; called first thing in the transaction.

        A revision catches two writers updating one row. Nothing catches two writers each
        inserting what they checked was not there yet: two `customer add` of one company
        both find no duplicate (issue 10: both landed, 撞单). Such writers take this first:
        on PostgreSQL a transaction-scoped advisory lock, after which every statement sees
        what the previous holder committed; on SQLite the write lock, taken at BEGIN
        (IMMEDIATE) rather than at the first insert, so the checks read the current file
        (a wait past the 30 s timeout is the usual "database is busy" conflict)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(_ADVISORY_LOCK, {"key": _WRITERS_LOCK})
        elif self.conn.dialect.name == "sqlite":
            raw: Any = self.conn.connection.driver_connection
            if not raw.in_transaction:  # else this transaction has written: it holds the lock
                begin_immediate(self.conn)

    # process versions -------------------------------------------------------------
    def pin(
        self, digest: str, process_id: str, version: str, path: str, text: str, now: datetime
    ) -> None:
        """Store a process text once; two commands pinning it at once both succeed."""
        values = {
            "hash": digest,
            "process_id": process_id,
            "version": version,
            "source_path": path,
            "source_text": text,
            "loaded_at": now,
        }
        pin = _pin_statement(self.conn.dialect.name)
        if pin is not None:
            self.conn.execute(pin, values)
        elif self.pinned(digest) is None:
            self.conn.execute(insert(process_versions), values)

    def pinned(self, digest: str) -> PinnedVersion | None:
        row = self.conn.execute(pinned_query(), {"hash": digest}).first()
        return cast(PinnedVersion, dict(row._mapping)) if row else None

    # instances ----------------------------------------------------------------------
    def add_instance(self, values: NewInstance) -> int:
        return _INSERT_INSTANCE.run(self.conn, {**values, "revision": 1})

    def add_instances(self, rows: Sequence[NewInstance]) -> list[int]:
        """Many at once (imports): one statement, ids returned in the order given."""
        if not rows:
            return []
        query = insert(instances).returning(instances.c.id, sort_by_parameter_order=True)
        result = self.conn.execute(query, [{**row, "revision": 1} for row in rows])
        return [int(r[0]) for r in result]

    def open_deals(self, owners: Sequence[str]) -> dict[tuple[str, str, str, str], int]:
        """The open or paused opportunities of these owners, by process, name, customer and
        owner: the rows without a 商机编号 an import finds on file already (a sheet saved
        again and imported again). Read through the state and owner index, a few hundred
        owners a statement (a team's sheet names a few)."""
        i = instances.c
        found: dict[tuple[str, str, str, str], int] = {}
        unique = sorted(set(owners))
        for first in range(0, len(unique), 500):
            query = select(i.process_id, i.name, i.customer, i.owner, i.id).where(
                i.state.in_(("open", "paused")), i.owner.in_(unique[first : first + 500])
            )
            for row in self.conn.execute(query):
                found.setdefault((row[0], row[1], row[2], row[3]), int(row[4]))
        return found

    def imported(self, fingerprint: str) -> tuple[str, datetime, int] | None:
        """The file, time and opportunity count of an earlier import of the same bytes."""
        query = select(imports.c.file, imports.c.imported_at, imports.c.opportunities)
        found = self.conn.execute(query.where(imports.c.fingerprint == fingerprint)).first()
        return None if found is None else (str(found[0]), found[1], int(found[2]))

    def add_import(self, fingerprint: str, file: str, at: datetime, opportunities: int) -> None:
        """Record an import in its own transaction; a second import of the same bytes at the
        same moment fails on the key (a conflict: nothing of it is written)."""
        row = {"fingerprint": fingerprint, "file": file[:300], "imported_at": at}
        self.conn.execute(insert(imports), {**row, "opportunities": opportunities})

    def add_event_rows(self, rows: Sequence[NumberedEvent]) -> None:
        """Events of new instances, numbered by the caller (imports)."""
        if rows:
            _INSERT_EVENTS.run(self.conn, rows)

    def add_timer_rows(self, rows: Sequence[ImportedTimer]) -> None:
        self._open_timers.clear()
        if rows:
            _INSERT_TIMERS.run(self.conn, rows)

    def instance(self, instance_id: int, lock: bool = False) -> InstanceRow | None:
        """The instance, its open timers read in the same statement: every command that
        changes an instance reads both, and `timers` then serves them from here (until
        this transaction writes a timer) — one round trip of an `advance` fewer.

        `lock` (a command about to change it): concurrent commands on one opportunity take
        turns instead of all but one failing on the revision (50 follow-ups posted at once
        all land) — on PostgreSQL the row is locked until this transaction ends, on SQLite
        the write lock is taken before the read (`serialize`)."""
        if lock and self.conn.dialect.name == "sqlite":
            self.serialize()
        query = _INSTANCE_LOCKED if lock else _INSTANCE_AND_OPEN_TIMERS
        found = query.all(self.conn, {"id": instance_id})
        if not found:
            return None
        self._open_timers[instance_id] = [
            cast(TimerRow, {name: r[i] for name, i in _TIMER_AT})
            for r in found
            if r[_TIMER_ID] is not None
        ]
        return cast(InstanceRow, {name: found[0][i] for name, i in _INSTANCE_AT})

    def update_instance(self, instance_id: int, revision: int, values: InstanceUpdate) -> None:
        """Write `values` if the instance is still at `revision`, else ConflictError."""
        params = {**values, "revision": revision + 1, "_id": instance_id, "_read": revision}
        if _UPDATE_INSTANCE.run(self.conn, params) != 1:
            raise ConflictError(
                msg(
                    "opportunity {id} was changed by someone else while this command ran",
                    id=instance_id,
                ),
                _RETRY,
            )

    def instances(
        self, where: StatusFilter, limit: int | None = None, offset: int = 0
    ) -> list[InstanceRow]:
        query = select(instances).where(*_instance_filters(where)).order_by(instances.c.id)
        if limit:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return cast(list[InstanceRow], [dict(r._mapping) for r in self.conn.execute(query)])

    # events ---------------------------------------------------------------------------
    def add_events(self, instance_id: int, after: int, rows: Sequence[NewEvent]) -> None:
        """Events numbered on from `after`, the instance's `last_seq` as this command read
        it (the revision guard makes sure nobody numbered past it meanwhile)."""
        first = after + 1
        numbered = [
            {**row, "instance_id": instance_id, "seq": seq} for seq, row in enumerate(rows, first)
        ]
        if numbered:
            _INSERT_EVENTS.run(self.conn, numbered)

    def events(self, instance_id: int) -> list[EventRow]:
        found = [dict(r._mapping) for r in self.conn.execute(_EVENTS, {"id": instance_id})]
        return cast(list[EventRow], found)

    def last_work_at(self, instance_id: int, node: str | None) -> LastWork | None:
        """The latest follow-up, delivery or event recorded at `node` (by when it happened)."""
        query = (
            select(events.c.kind, events.c.at)
            .where(
                events.c.instance_id == instance_id,
                events.c.node == node,
                events.c.kind.in_(("follow_up", "delivered", "event")),
            )
            .order_by(events.c.at.desc())
            .limit(1)
        )
        found = self.conn.execute(query).first()
        return cast(LastWork, found._asdict()) if found else None

    # timers -----------------------------------------------------------------------------
    def add_timers(self, instance_id: int, rows: Sequence[NewTimer]) -> None:
        self._open_timers.clear()
        if rows:
            numbered = [{**row, "instance_id": instance_id} for row in rows]
            _INSERT_TIMERS.run(self.conn, numbered)

    def timers(self, instance_id: int, states: Sequence[str] | None = None) -> list[TimerRow]:
        read = self._open_timers.get(instance_id)
        if read is not None and states is not None and set(states) <= set(OPEN_TIMER_STATES):
            return [t for t in read if t["state"] in states]  # read-only rows: no copy needed
        if states is None:
            rows = self.conn.execute(_TIMERS, {"id": instance_id})
        else:
            rows = self.conn.execute(_timers_in(tuple(states)), {"id": instance_id})
        return cast(list[TimerRow], [dict(r._mapping) for r in rows])

    def timers_by_id(self, timer_ids: Sequence[int]) -> dict[int, TimerRow]:
        """Whole timer rows (a few: the cadence periods status settles)."""
        query = timers_by_id_query()
        found = {r.id: dict(r._mapping) for r in self.conn.execute(query, {"ids": list(timer_ids)})}
        return cast(dict[int, TimerRow], found)

    def keep_timer_history(self, until: datetime, rows: Sequence[KeptTimer]) -> None:
        """Timers as they were until `until`, before a command changed them."""
        self._open_timers.clear()
        self.conn.execute(_INSERT_HISTORY, [{**row, "until": until} for row in rows])

    def update_timer(self, timer_id: int, values: TimerUpdate) -> None:
        self._open_timers.clear()
        _UPDATE_TIMER.run(self.conn, {**values, "_id": timer_id})

    def alerts(self, as_of: datetime, where: StatusFilter, current: bool) -> list[AlertRow]:
        """Timers breached or at risk at `as_of`, with their instance, most overdue first,
        and the running cadence periods that ended by then (the engine settles those).

        `current`: as_of is now, so the running timers are the answer (the indexed path);
        otherwise the timers, owners and risk flags are taken back to that moment.
        """
        if not current:
            columns = [*_ALERT_TIMER_COLUMNS, *_instance_columns()]
            return alerts_then(self.conn, as_of, columns, where)
        live = timers.c.state.in_(("running", "late"))
        short = or_(  # a cadence period that has ended may have opened short ones since
            timers.c.kind == "deadline", timers.c.done < timers.c.required, timers.c.due_at <= as_of
        )
        query = (
            select(*_ALERT_TIMER_COLUMNS, *_instance_columns())
            .join(instances, instances.c.id == timers.c.instance_id)
            .where(live, timers.c.warn_at <= as_of, timers.c.started_at <= as_of, short)
            .where(*_instance_filters(where))
            .order_by(timers.c.due_at, timers.c.id)
        )
        result = self.conn.execute(query)
        keys = tuple(result.keys())
        found = [dict(zip(keys, row, strict=True)) for row in result.all()]
        return cast(list[AlertRow], found)

    def live_alerts(self, as_of: datetime, where: StatusFilter) -> list[LiveAlert]:
        """The live timers past their warning at `as_of` (now) with their instance, as
        tuples of `LIVE_ALERT_COLUMNS`, by due instant: the indexed path of the status."""
        shape, values = filter_params(where)
        result = self.conn.execute(live_alerts_query(*shape), {"as_of": as_of, **values})
        # Fetched at once: fetching one row at a time costs a Python call each.
        return cast(list[LiveAlert], result.all())

    def deadline_outcomes(
        self, since: datetime, until: datetime, by: str, owners: Sequence[str] | None
    ) -> list[DeadlineCounts]:
        """Deadlines per owner, process or node (`by`): met and missed among those that ended
        in [since, until), and those still open past their due instant at `until`.

        A deadline is credited to the person who did its step — the `by` of the completion
        that ended it — and to the opportunity's owner when none did (it was closed, or it
        is still open); `owners` keeps those credited to these people."""
        t, i, e = timers.c, instances.c, events.c
        completion = and_(
            e.instance_id == t.instance_id,
            e.node == t.node,
            e.kind == "completed",
            e.at == t.ended_at,
        )
        person: ColumnElement[Any] = func.coalesce(e.data["by"].as_string(), i.owner)
        keys: dict[str, list[ColumnElement[Any]]] = {
            "owner": [person.label("owner")],
            "process": [i.process_id],
            "node": [i.process_id, t.node],
        }
        groups = [person] if by == "owner" else keys[by]
        ended = and_(t.state.in_(("met", "missed")), t.ended_at >= since, t.ended_at < until)
        overdue = and_(t.state.in_(("running", "paused")), t.due_at < until)
        query = (
            select(
                *keys[by],
                count_where(and_(ended, t.state == "met")).label("met"),
                count_where(and_(ended, t.state == "missed")).label("missed"),
                count_where(overdue).label("overdue"),
            )
            .join(instances, i.id == t.instance_id)
            .outerjoin(events, completion)
            .where(t.kind == "deadline", or_(ended, overdue))
            .group_by(*groups)
        )
        if owners is not None:
            query = query.where(person.in_(owners))
        return cast(list[DeadlineCounts], [r._asdict() for r in self.conn.execute(query)])

    def node_traffic(
        self,
        process_id: str,
        since: datetime,
        until: datetime,
        owners: Sequence[str] | None = None,
    ) -> list[NodeTraffic]:
        """Per node of a process: how many opportunities entered it, completed it, were
        routed through it and closed at it in [since, until), by event (kind, node, count)."""
        e, i = events.c, instances.c
        query = (
            select(e.node, e.kind, func.count().label("count"))
            .join(instances, i.id == e.instance_id)
            .where(
                i.process_id == process_id,
                e.kind.in_(("entered", "completed", "closed", "routed")),
                e.at >= since,
                e.at < until,
                *_owned_by(owners),
            )
            .group_by(e.node, e.kind)
        )
        return cast(list[NodeTraffic], [r._asdict() for r in self.conn.execute(query)])

    def closes(
        self,
        process_id: str,
        since: datetime,
        until: datetime,
        owners: Sequence[str] | None = None,
    ) -> list[tuple[str | None, str, str | None, int, float]]:
        """The closes of the process's opportunities in [since, until): per node closed at,
        outcome and lost-reason code, how many and their amounts (node, outcome, code,
        count, amount)."""
        e, i = events.c, instances.c
        outcome, code = e.data["outcome"].as_string(), e.data["code"].as_string()
        amount = func.coalesce(i.fields["amount"].as_float(), 0.0)
        query = (
            select(e.node, outcome, code, func.count(), func.sum(amount))
            .join(instances, i.id == e.instance_id)
            .where(
                i.process_id == process_id,
                e.kind == "closed",
                e.at >= since,
                e.at < until,
                *_owned_by(owners),
            )
            .group_by(e.node, outcome, code)
        )
        return [
            (r[0], r[1] or "", r[2], int(r[3]), float(r[4] or 0)) for r in self.conn.execute(query)
        ]

    def amounts_at(self, process_id: str, owners: Sequence[str] | None = None) -> dict[str, float]:
        """The amounts (`amount` field) of the open and paused opportunities per node now."""
        i = instances.c
        amount = func.coalesce(i.fields["amount"].as_float(), 0.0)
        query = (
            select(i.node, func.sum(amount))
            .where(i.process_id == process_id, i.state.in_(("open", "paused")), *_owned_by(owners))
            .group_by(i.node)
        )
        return {r[0]: float(r[1] or 0) for r in self.conn.execute(query)}

    def lead_cohort(
        self, process_id: str, since: datetime, until: datetime, owners: Sequence[str] | None
    ) -> tuple[int, int]:
        """Of the process's opportunities started in [since, until): how many, and how many
        were won by `until`."""
        i = instances.c
        won = and_(i.state == "won", i.closed_at < until)
        query = select(func.count(), count_where(won)).where(
            i.process_id == process_id,
            i.started_at >= since,
            i.started_at < until,
            *_owned_by(owners),
        )
        row = self.conn.execute(query).one()
        return int(row[0]), int(row[1] or 0)

    def stage_times(
        self,
        process_id: str,
        since: datetime,
        until: datetime,
        owners: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Each completion of a node of the process in [since, until): the node, and the
        seconds since that opportunity had entered it (worked out by the database)."""
        done, seconds = completions_with_stay(self.conn.dialect.name)
        query = (
            select(done.c.node, seconds.label("seconds"))
            .join(instances, instances.c.id == done.c.instance_id)
            .where(
                instances.c.process_id == process_id,
                done.c.kind == "completed",
                done.c.at >= since,
                done.c.at < until,
                *_owned_by(owners),
            )
        )
        rows = self.conn.execute(query)
        return [(r.node, float(r.seconds)) for r in rows if r.seconds is not None]

    def opportunities_at(
        self, process_id: str, owners: Sequence[str] | None = None
    ) -> dict[str, int]:
        """How many open or paused opportunities of a process sit at each node now."""
        i = instances.c
        query = (
            select(i.node, func.count().label("here"))
            .where(i.process_id == process_id, i.state.in_(("open", "paused")), *_owned_by(owners))
            .group_by(i.node)
        )
        return {r.node: int(r.here) for r in self.conn.execute(query)}

    def failing_channels(self) -> list[ChannelFailure]:
        """The notification channels failing since their last delivery (`store.notices`)."""
        return self.notices.failing_channels()

    def holdings(self, owners: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Per owner of `owners` who has any: (live customers, open or paused opportunities)."""
        return owned_counts(
            self.conn.execute(customers_by_owner_query(), {"owners": list(owners)}),
            self.conn.execute(open_by_owner_query(), {"owners": list(owners)}),
        )

    def checked_audits(self, since: datetime, until: datetime) -> list[SampledRow]:
        """The spot checks recorded in [since, until), with their customer's name and
        (current) owner, in the order they were recorded."""
        a = audits.c
        query = (
            select(audits, customers.c.name, customers.c.owner)
            .join(customers, customers.c.id == a.customer_id)
            .where(a.result.is_not(None), a.checked_at >= since, a.checked_at < until)
            .order_by(a.checked_at, a.id)
        )
        return cast(list[SampledRow], [r._asdict() for r in self.conn.execute(query)])

    def owner_changes(self, customer_ids: Sequence[str], after: datetime) -> list[OwnerChange]:
        """The changes of these customers' owners recorded after `after`, oldest first: who
        owned a profile at a moment since (a reassignment, a handover)."""
        c = customer_changes.c
        found: list[OwnerChange] = []
        for first in range(0, len(customer_ids), 900):  # SQLite's parameter limit
            chunk = list(customer_ids[first : first + 900])
            query = (
                select(c.customer_id, c.recorded_at, c.changes)
                .where(c.customer_id.in_(chunk), c.recorded_at > after)
                .order_by(c.recorded_at, c.id)
            )
            found += [
                {"customer_id": r.customer_id, "at": r.recorded_at, "owner": r.changes["owner"]}
                for r in self.conn.execute(query)
                if "owner" in r.changes
            ]
        found.sort(key=lambda change: change["at"])
        return found

    def live_versions(self) -> list[LiveVersion]:
        """Open and paused instances counted by (process, pinned version, node)."""
        c = instances.c
        query = (
            select(c.process_id, c.process_hash, c.node, func.count().label("count"))
            .where(c.state.in_(("open", "paused")))
            .group_by(c.process_id, c.process_hash, c.node)
            .order_by(c.process_id, c.node)
        )
        return cast(list[LiveVersion], [r._asdict() for r in self.conn.execute(query)])

    def instances_on(self, digest: str, node: str) -> list[InstanceRow]:
        """The open and paused instances pinned to `digest` and sitting at `node`."""
        c = instances.c
        query = select(instances).where(
            c.process_hash == digest, c.node == node, c.state.in_(("open", "paused"))
        )
        found = [r._asdict() for r in self.conn.execute(query.order_by(c.id))]
        return cast(list[InstanceRow], found)

    def node_activity(
        self, process_id: str, node: str, since: datetime, until: datetime
    ) -> list[ActivityRow]:
        """The work recorded at `node` of `process_id`'s opportunities that happened in
        [since, until) and was recorded by `until` (`node_activity_query`)."""
        values = {"process": process_id, "node": node, "since": since, "until": until}
        return activity_rows(self.conn.execute(node_activity_query(), values).all())

    def owners_at(self, process_id: str, node: str) -> list[str]:
        """Who owns the open or paused opportunities of `process_id` at `node`."""
        found = self.conn.execute(owners_at_query(), {"process": process_id, "node": node})
        return [r[0] for r in found]

    def first_started(self, process_id: str) -> datetime | None:
        """When the first opportunity of `process_id` started: a routine is owed from then."""
        found: datetime | None = self.conn.execute(
            first_started_query(), {"process": process_id}
        ).scalar()
        return found

    def deadlines_on_data_before(self, year: int) -> list[OldDataDeadlineRow]:
        """Open deadlines computed on holiday data that ended before `year`."""
        query = (
            select(timers, instances.c.name, instances.c.process_id)
            .join(instances, instances.c.id == timers.c.instance_id)
            .where(
                timers.c.state.in_(("running", "paused")),
                timers.c.kind == "deadline",
                timers.c.due_at.is_not(None),
                timers.c.data_until < year,
            )
            .order_by(timers.c.instance_id, timers.c.id)
        )
        found = [dict(r._mapping) for r in self.conn.execute(query)]
        return cast(list[OldDataDeadlineRow], found)

    def next_due(self, instance_ids: Sequence[int]) -> dict[int, DueRow]:
        """Each instance's open deadline falling due first (running or paused, with a due
        instant): what `flowkit list` shows, with what tells whether it is a guess."""
        t = timers.c
        # by the instances' own index only: the few timers each has are sorted out here (with
        # the kind and state in the statement, SQLite chose an index of all deadlines by kind
        # and read tens of thousands of rows for a page of 50 opportunities)
        query = (
            select(t.instance_id, t.due_at, t.data_until, t.calendar, t.kind, t.state)
            .where(t.instance_id.in_(bindparam("ids", expanding=True)))
            .order_by(t.instance_id, t.due_at.desc())
        )
        found: dict[int, DueRow] = {}
        for start in range(0, len(instance_ids), 500):
            chunk = list(instance_ids[start : start + 500])
            for row in self.conn.execute(query, {"ids": chunk}):
                if row.kind != "deadline" or row.state not in ("running", "paused"):
                    continue
                if row.due_at is None:
                    continue
                found[row.instance_id] = cast(  # the first due wins: it comes last
                    DueRow,
                    {
                        k: row._mapping[k]
                        for k in ("instance_id", "due_at", "data_until", "calendar")
                    },
                )
        return found

    def open_timers_due_after(self, instant: datetime) -> list[NamedTimerRow]:
        """Open timers due after `instant`, with their instance's name (coverage checks)."""
        query = (
            select(timers, instances.c.name, instances.c.process_id)
            .join(instances, instances.c.id == timers.c.instance_id)
            .where(timers.c.state.in_(("running", "paused")), timers.c.due_at > instant)
            .order_by(timers.c.due_at, timers.c.id)
        )
        return cast(list[NamedTimerRow], [dict(r._mapping) for r in self.conn.execute(query)])


def _instance_columns() -> list[Any]:
    c = instances.c
    return [c.name, c.customer, c.owner, c.process_id, c.process_hash, c.risk, c.risk_note]


_ALERT_TIMER_COLUMNS = [  # what an alert shows and what tells whether it is one
    getattr(timers.c, name)
    for name in (
        *("id", "instance_id", "node", "kind", "sla", "calendar"),
        *("due_at", "warn_at", "state", "required", "done", "data_until"),
    )
]


def _instance_filters(where: StatusFilter) -> list[ColumnElement[bool]]:
    c = instances.c
    found: list[ColumnElement[bool]] = []
    if where.owners is not None:
        found.append(c.owner.in_(where.owners))
    if where.process:
        found.append(c.process_id == where.process)
    if where.nodes is not None:
        found.append(c.node.in_(where.nodes))
    if where.states is not None:
        found.append(c.state.in_(where.states))
    if where.risk is not None:
        found.append(c.risk == where.risk)
    return found


# Statements built once: the values travel as parameters, so SQLAlchemy's statement cache
# serves every call (building `.values(...)` per call costs more than the SQL itself).
# the writes of every opportunity command (`store.lean`: on SQLite, run on the driver)
_INSERT_INSTANCE = Lean(insert(instances))
_INSERT_EVENTS = Lean(insert(events))
_INSERT_TIMERS = Lean(insert(timers))
_UPDATE_INSTANCE = Lean(
    update(instances).where(
        instances.c.id == bindparam("_id"), instances.c.revision == bindparam("_read")
    )
)
_UPDATE_TIMER = Lean(update(timers).where(timers.c.id == bindparam("_id")))
_INSERT_HISTORY = insert(timer_history)
OPEN_TIMER_STATES = ("running", "paused", "late")  # the timers a command may still change
_INSTANCE_WITH_TIMERS = (
    select(instances, *(c.label(f"timer_{c.name}") for c in timers.c))
    .outerjoin(
        timers,
        and_(
            timers.c.instance_id == instances.c.id,
            or_(*(timers.c.state == state for state in OPEN_TIMER_STATES)),  # compiled once
        ),
    )
    .where(instances.c.id == bindparam("id"))
    .order_by(timers.c.id)
)
_INSTANCE_AND_OPEN_TIMERS = Lean(_INSTANCE_WITH_TIMERS)
_INSTANCE_LOCKED = Lean(_INSTANCE_WITH_TIMERS.with_for_update(of=instances))
_INSTANCE_AT = [(c.name, i) for i, c in enumerate(instances.c)]  # positions in its rows
_TIMER_AT = [(c.name, len(instances.c) + i) for i, c in enumerate(timers.c)]
_TIMER_ID = len(instances.c)
_EVENTS = select(events).where(events.c.instance_id == bindparam("id")).order_by(events.c.seq)
_TIMERS = select(timers).where(timers.c.instance_id == bindparam("id")).order_by(timers.c.id)


@lru_cache(maxsize=4)
def _pin_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the dialects that have it (None: the others).
    Built on first use: importing PostgreSQL's dialect costs a SQLite command 50 ms."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(process_versions).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(process_versions).on_conflict_do_nothing()
    return None


@lru_cache(maxsize=16)
def _timers_in(states: tuple[str, ...]) -> Select[Any]:
    """An instance's timers in these states: one statement per set of states, with no
    expanding IN, so it compiles once (the engine reads them in every command)."""
    return _TIMERS.where(or_(*(timers.c.state == state for state in states)))


# The statements the direct SQLite reader (`store.direct`) runs too: built here, compiled
# by SQLAlchemy for it once and kept. Every value is a named parameter (a value written
# into a statement would be compiled into its text), and every list parameter is a
# condition of its own in the WHERE clause (an empty list matches nothing).
@lru_cache(maxsize=64)
def live_alerts_query(
    owners: bool, process: bool, nodes: bool, states: bool, risk: bool
) -> Select[Any]:
    """The status's indexed query: live timers past their warning at `as_of`, with
    `LIVE_ALERT_COLUMNS` of them and their instance, by due instant; the instance filters
    set (see `reading.filter_params`)."""
    t, i = timers.c, instances.c
    as_of: BindParameter[datetime] = bindparam("as_of")
    short = or_(  # a cadence period that has ended may have opened short ones since
        t.kind == "deadline", t.done < t.required, t.due_at <= as_of
    )
    columns = [
        *(getattr(t, name) for name in LIVE_TIMER_COLUMNS),
        *(getattr(i, name) for name in LIVE_INSTANCE_COLUMNS),
    ]
    query = (
        select(*columns)
        .join(instances, i.id == t.instance_id)
        .where(t.state.in_(("running", "late")), t.warn_at <= as_of, t.started_at <= as_of, short)
        .order_by(t.due_at, t.id)
    )
    if owners:
        query = query.where(i.owner.in_(bindparam("owners", expanding=True)))
    if process:
        query = query.where(i.process_id == bindparam("process"))
    if nodes:
        query = query.where(i.node.in_(bindparam("nodes", expanding=True)))
    if states:
        query = query.where(i.state.in_(bindparam("states", expanding=True)))
    if risk:
        query = query.where(i.risk == bindparam("risk"))
    return query


@lru_cache(maxsize=1)
def node_activity_query() -> Select[Any]:
    """The work recorded at a node of a process's opportunities (follow-ups, deliveries,
    completions) in [since, until), recorded by `until`: what a routine counts."""
    e, i = events.c, instances.c
    return (
        select(e.kind, e.at, e.data, i.owner)
        .join(instances, i.id == e.instance_id)
        .where(
            i.process_id == bindparam("process"),
            e.node == bindparam("node"),
            e.kind.in_(("follow_up", "delivered", "completed")),
            e.at >= bindparam("since"),
            e.at < bindparam("until"),
            e.recorded_at <= bindparam("until"),
        )
    )


@lru_cache(maxsize=1)
def owners_at_query() -> Select[Any]:
    """The owners of a process's open or paused opportunities at a node."""
    c = instances.c
    return (
        select(c.owner)
        .where(
            c.process_id == bindparam("process"),
            c.node == bindparam("node"),
            c.state.in_(("open", "paused")),
        )
        .distinct()
        .order_by(c.owner)
    )


@lru_cache(maxsize=1)
def first_started_query() -> Select[Any]:
    """When a process's first opportunity started."""
    c = instances.c
    return select(func.min(c.started_at)).where(c.process_id == bindparam("process"))


@lru_cache(maxsize=1)
def open_by_owner_query() -> Select[Any]:
    """Open and paused opportunities counted per owner of `owners`."""
    i = instances.c
    return (
        select(i.owner, func.count().label("count"))
        .where(i.state.in_(("open", "paused")), i.owner.in_(bindparam("owners", expanding=True)))
        .group_by(i.owner)
    )


@lru_cache(maxsize=1)
def customers_by_owner_query() -> Select[Any]:
    """Live (not merged) customer profiles counted per owner of `owners`."""
    c = customers.c
    return (
        select(c.owner, func.count().label("count"))
        .where(c.merged_into.is_(None), c.owner.in_(bindparam("owners", expanding=True)))
        .group_by(c.owner)
    )


@lru_cache(maxsize=1)
def timers_by_id_query() -> Select[Any]:
    """Whole timer rows by id (`ids`)."""
    return select(timers).where(timers.c.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=1)
def pinned_query() -> Select[Any]:
    """A pinned process version by its hash (`hash`)."""
    return select(process_versions).where(process_versions.c.hash == bindparam("hash"))


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_WRITERS_LOCK = 0x666C6F776B6974  # "flowkit": the one key `Tx.serialize` takes


def _owned_by(owners: Sequence[str] | None) -> list[ColumnElement[bool]]:
    """The condition keeping only these owners' opportunities (none: everyone's)."""
    return [] if owners is None else [instances.c.owner.in_(owners)]
